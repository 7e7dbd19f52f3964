"""One run at a time: `aggregator run` and `fetch` hold a lock file next to the database.

The lock is an flock(2) on `<database>.lock`: the kernel releases it when the process
ends, however it ends (kill -9 included), so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout, UnixFileLock

from aggregator.config import Config
from aggregator.errors import LockedError, StoreError

# filelock's FileLock quietly becomes a file-existence lock where flock is missing, and a
# crash would leave that one behind: ask for flock itself on POSIX systems.
_Lock = UnixFileLock if os.name == "posix" else FileLock


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextmanager
def run_lock(config: Config) -> Iterator[Path]:
    """Hold the run lock, or raise LockedError at once if another run holds it."""
    path = lock_path(config.settings.database)
    lock = _Lock(path, timeout=0, thread_local=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except Timeout:
        raise LockedError(
            f"another run is in progress ({path} is locked); this one stops"
        ) from None
    except OSError as error:
        raise StoreError(f"{path}: cannot take the run lock: {error.strerror or error}") from None
    try:
        yield path
    finally:
        lock.release()
