"""One run at a time: `aggregator run` and `fetch` hold a lock file next to the database.

The lock is an flock(2) on `<database>.lock`: the kernel releases it when the process
ends, however it ends (kill -9 included), so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from aggregator.config import Config
from aggregator.errors import LockedError


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextmanager
def run_lock(config: Config) -> Iterator[Path]:
    """Hold the run lock, or raise LockedError at once if another run holds it."""
    path = lock_path(config.settings.database)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path, timeout=0, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise LockedError(f"another run is in progress ({path} is locked); "
                          "this one stops") from None
    try:
        yield path
    finally:
        lock.release()
