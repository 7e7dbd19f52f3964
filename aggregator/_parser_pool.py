"""The parser processes: started at the first body to parse, or never (parse in the main
process).

A run where every feed answers 304 has nothing to parse, and starts no process. Starting
them must never fail a run. Neither start method lets children inherit the event loop's or
a test server's threads. Two workers (a 2-core server) are spawned: a forkserver would be
one more process holding the same imports as each worker (30 MB, for no CPU saved). More
are forked by a forkserver, which imports the parsers once for all of them; it binds an
AF_UNIX socket in the temporary directory, and a long TMPDIR (a systemd PrivateTmp, a CI
runner) is too long for a socket path: then `spawn`, which needs no socket. If no start
method works, no pool at all.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from types import TracebackType

START_METHODS = ("forkserver", "spawn")
SMALL_POOL = 2
"""Up to this many workers, spawn first (see above)."""
PRELOAD = ["aggregator.parsing._parse"]


class ParserPool:
    """A pool of `workers` processes, started by the first call of `executor()`; shut down
    on leaving the `with` block."""

    def __init__(
        self,
        workers: int,
        on_notice: Callable[[str], None] | None = None,
        methods: Sequence[str] | None = None,
    ) -> None:
        self.workers, self.on_notice = workers, on_notice
        self.methods = methods or start_methods(workers)
        self._executor: Executor | None = None
        self._tried = False

    def executor(self) -> Executor | None:
        """The started pool; None if no start method works (said once to `on_notice`) or
        after `broken()`: parse in this process."""
        if not self._tried:
            self._tried = True
            self._executor = self._start()
        return self._executor

    def broken(self) -> None:
        """A worker died: the remaining feeds are parsed in this process."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown()
            self._executor = None
        self._tried = True

    def __enter__(self) -> ParserPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _start(self) -> Executor | None:
        failures: list[str] = []
        for method in self.methods:
            try:
                return _started_pool(method, self.workers)
            except (OSError, ValueError, RuntimeError) as error:
                failures.append(f"{method}: {type(error).__name__}: {error}"[:200])
        if self.on_notice is not None:
            self.on_notice(
                "parsing in the main process: the parser processes could not start ("
                + "; ".join(failures)
                + ")"
            )
        return None


def refuse_in_a_starting_worker() -> None:
    """A parser process starts by importing the main module of the script that made it: a
    script without an `if __name__ == "__main__":` guard would run its update there again,
    fetching and storing every feed once more per process. Refused there (multiprocessing's
    own flag for that phase): the pool then cannot start, and the script's run parses in
    its own process."""
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        raise RuntimeError(
            "update_feeds() called while a parser process starts: call it under "
            "`if __name__ == '__main__':` in your script"
        )


def start_methods(workers: int) -> Sequence[str]:
    return START_METHODS[::-1] if workers <= SMALL_POOL else START_METHODS


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
