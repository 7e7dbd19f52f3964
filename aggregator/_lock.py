"""One run at a time: `aggregator run` and `fetch` hold a lock file next to the database;
one edit of feeds.yaml at a time: every edit holds `.feeds.yaml.lock` beside it.

Both are flock(2) locks on a `.lock` file: the kernel releases one when the process ends,
however it ends (kill -9 included), so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout, UnixFileLock

from aggregator.config import Config
from aggregator.errors import ConfigError, LockedError, StoreError

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


EDIT_WAIT_SECONDS = 30.0


def edit_lock_path(config_path: Path) -> Path:
    target = Path(config_path).resolve()  # through a symlink: the file that gets replaced
    return target.with_name(f".{target.name}.lock")  # hidden: feeds.yaml is often in git


@contextmanager
def edit_lock(config_path: str | Path) -> Iterator[None]:
    """Hold `.<feeds.yaml>.lock` while feeds.yaml is read, edited, checked and replaced.

    A second editor (`add`, `remove`, `enable`, `disable`, `import-opml`) waits for the
    first, up to EDIT_WAIT_SECONDS, then reads the file the first one wrote: no edit is lost.
    """
    path = edit_lock_path(Path(config_path))
    lock = _Lock(path, timeout=EDIT_WAIT_SECONDS, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise ConfigError(
            f"{config_path}: another edit has held {path} for {EDIT_WAIT_SECONDS:.0f} s; "
            "left unchanged"
        ) from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot take the edit lock: {error.strerror or error}") from None
    try:
        yield
    finally:
        lock.release()
