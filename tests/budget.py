"""Guards for tests of unbounded work: a test that would hang or burn minutes fails instead.

CPU time, not wall time, so a busy machine does not make a test fail: the budgets are a
hundred times what the bounded code needs. `deadline` is for blocking calls (a FIFO's open).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from types import FrameType


class OverBudget(Exception):
    pass


@contextmanager
def _timer(which: int, signum: int, seconds: float, what: str) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise OverBudget(f"{what} over {seconds} s")

    previous = signal.signal(signum, expire)
    signal.setitimer(which, seconds)
    try:
        yield
    finally:
        signal.setitimer(which, 0)
        signal.signal(signum, previous)


def cpu_budget(seconds: float) -> AbstractContextManager[None]:
    """Raise OverBudget if the block uses more than `seconds` of this process's CPU time."""
    return _timer(signal.ITIMER_PROF, signal.SIGPROF, seconds, "CPU time")


def deadline(seconds: float) -> AbstractContextManager[None]:
    """Raise OverBudget if the block is still running (blocked) after `seconds`."""
    return _timer(signal.ITIMER_REAL, signal.SIGALRM, seconds, "blocked")
