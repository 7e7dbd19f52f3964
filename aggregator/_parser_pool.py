"""The parser processes: a pool that has started, or None (parse in the main process).

Starting them must never fail a run. The forkserver (children never inherit the event
loop's or a test server's threads) binds an AF_UNIX socket in the temporary directory, and
a long TMPDIR (a systemd PrivateTmp, a CI runner) is too long for a socket path: then
`spawn`, which needs no socket, and if no start method works, no pool at all.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager

START_METHODS = ("forkserver", "spawn")
PRELOAD = ["aggregator.parsing._parse"]


@contextmanager
def parser_pool(
    workers: int,
    on_notice: Callable[[str], None] | None = None,
    methods: Sequence[str] = START_METHODS,
) -> Iterator[Executor | None]:
    """A pool of `workers` processes, already started; or None, said once to `on_notice`."""
    failures: list[str] = []
    for method in methods:
        try:
            executor = _started_pool(method, workers)
        except (OSError, ValueError, RuntimeError) as error:
            failures.append(f"{method}: {type(error).__name__}: {error}"[:200])
            continue
        with executor:
            yield executor
        return
    if on_notice is not None:
        on_notice(
            "parsing in the main process: the parser processes could not start ("
            + "; ".join(failures)
            + ")"
        )
    yield None


def _started_pool(method: str, workers: int) -> ProcessPoolExecutor:
    """A pool whose first worker is running: a start method that cannot work fails here,
    not at the first feed's parse."""
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(PRELOAD)
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        executor.submit(os.getpid)  # starts a worker (and the forkserver) now
    except BaseException:
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    return executor
