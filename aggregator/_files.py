"""Files we write: replaced so that nobody ever reads half of one, with the permissions the
user chose, and read back only when that cannot hang or exhaust memory."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

PRIVATE = 0o600
"""Reports and the database (it may hold `user:password@` feed URLs)."""
PUBLIC = 0o644
"""Outputs the blog serves."""


def replace_atomically(path: Path, data: bytes, mode: int = PUBLIC) -> None:
    """Write a temporary file beside `path`, flush it to disk, then rename it over `path`:
    a reader sees the old content or the new, never half of it. Raises OSError.

    A regular file keeps its permissions (a `chmod 600` stays); a new file gets `mode`
    less the umask, as `open` would give it."""
    mode = _existing_mode(path) or (mode & ~current_umask())
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    """The process umask (reading it means setting it: set it straight back)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _existing_mode(path: Path) -> int | None:
    try:
        info = path.lstat()
    except OSError:
        return None
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else None


def create_private(path: Path) -> None:
    """Create `path` empty with mode 0600 (less the umask) unless something is there; for
    the database, before SQLite creates it 0644 (its -wal and -shm files follow its mode)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    except FileExistsError:
        return
    os.close(fd)


def read_if_plausible(path: Path, size: int) -> bytes | None:
    """The bytes of `path` if it is a regular file of exactly `size` bytes, else None.

    Opened without following a symlink and without blocking, checked with fstat before
    reading: a FIFO, a device or a link to `/dev/zero` at the path is never read (it would
    hang, or fill memory). Raises OSError for other failures (permissions)."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as error:
        if path.is_symlink():  # ELOOP (or EMLINK on some systems): a link is replaced
            return None
        raise error
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != size:
            return None
        return file.read(size + 1)
