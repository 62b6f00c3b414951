"""Crash-safe file writes, the TinyDB storage built on them, and the inter-process lock.

Why: TinyDB's ``JSONStorage`` rewrites its file in place (write at offset 0, then truncate), so a crash
mid-write leaves a broken file, and it has no locking, so two game processes can overwrite each other's
saves. Here every write goes to a temporary file in the same directory which is flushed, fsynced and
renamed over the target (``os.replace`` is atomic on POSIX), then the directory is fsynced so the
rename itself survives a power cut. A kill -9 at any moment leaves the old or the new file, never a mix.
Writers serialise on ``fcntl.flock`` of a separate lock file; readers need no lock because they always
see a complete file.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import fcntl
import json
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import Any, Iterator

from tinydb.storages import MemoryStorage, Storage

from .bounded_read import read_regular

TMP_PREFIX = ".tmp-"
MAX_INDEX_BYTES = 256 * 2**20  # ~600,000 sessions; 10,000 take 4 MB


def fsync_dir(directory: Path) -> None:
    """Flush a directory entry (a rename or a new file) to disk. Best effort where unsupported."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:  # some filesystems refuse fsync on directories
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True, keep_old: bool = False) -> Path | None:
    """Replace ``path`` with ``data`` atomically: temp file, flush, fsync, ``os.replace``, fsync dir.

    ``keep_old=True`` first gives the file being replaced a second name (see ``keep_aside``) and
    returns it, so a bad file is kept for the player without ever leaving ``path`` empty.
    ``durable=False`` skips the fsyncs (still atomic against a process crash, not against power loss);
    only bulk set-up code such as the benchmark uses it.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".part", dir=path.parent)
    kept = None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        kept = keep_aside(path) if keep_old else None
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if kept is not None and os.path.lexists(path):  # the old file is still in place: drop the copy
            with contextlib.suppress(OSError):
                os.unlink(kept)
        raise
    if durable:
        fsync_dir(path.parent)
    return kept


def remove_stale_temps(directory: Path) -> int:
    """Delete temp files left by writers that were killed mid-write. Call only while holding the lock
    (every writer holds it, so no temp file can be in use). Returns how many were removed."""
    removed = 0
    with contextlib.suppress(FileNotFoundError), os.scandir(directory) as entries:
        for entry in entries:
            if entry.name.startswith(TMP_PREFIX) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed += 1
    return removed


def _aside_name(path: Path, now: _dt.datetime | None) -> Path:
    """``<name>.corrupt-<YYYYmmdd-HHMMSS>``, with ``-2``, ``-3``... if taken. The only place the
    store reads the clock."""
    stamp = (now or _dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = path.with_name(f"{path.name}.corrupt-{stamp}")
    dest, n = base, 1
    while os.path.lexists(dest):
        n += 1
        dest = base.with_name(f"{base.name}-{n}")
    return dest


def move_aside(path: Path, now: _dt.datetime | None = None) -> Path:
    """Rename an unreadable file to its ``.corrupt-<timestamp>`` name and return the new path."""
    path = Path(path)
    dest = _aside_name(path, now)
    os.replace(path, dest)
    fsync_dir(path.parent)
    return dest


def keep_aside(path: Path, now: _dt.datetime | None = None) -> Path | None:
    """Give the file at ``path`` a second, ``.corrupt-<timestamp>`` name without taking it away (a hard
    link), so the caller can then replace ``path`` atomically: at no moment is there no file. Returns
    None if there is nothing worth keeping (no file, or an empty one). Where hard links are not
    supported the file is renamed instead; the caller's ``os.replace`` follows at once."""
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISREG(info.st_mode) and info.st_size == 0:
        return None
    dest = _aside_name(path, now)
    try:
        os.link(path, dest, follow_symlinks=False)
    except FileNotFoundError:
        return None
    except OSError:  # no hard links on this filesystem (or not for this file type)
        os.replace(path, dest)
    return dest


class AtomicJSONStorage(Storage):
    """TinyDB storage for one JSON file: whole-file read, atomic whole-file write.

    ``read`` returns ``None`` for a missing (a dangling symlink included) or blank file and lets
    ``OSError`` / ``ValueError`` (bad JSON, bad UTF-8, not a regular file, too large, nested too
    deep) propagate so the caller can repair. No handle is kept open, so every read sees the latest
    file another process renamed into place.
    """

    def __init__(self, path: Path | str):
        super().__init__()
        self.path = Path(path)

    def read(self) -> dict[str, Any] | None:
        try:
            raw = read_regular(self.path, MAX_INDEX_BYTES)
        except FileNotFoundError:
            return None
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except RecursionError:  # json recurses per level; the index itself is 3 levels deep
            raise ValueError("nested too deeply") from None

    def write(self, data: dict[str, Any], *, keep_old: bool = False) -> Path | None:
        payload = json.dumps(data, separators=(",", ":"), allow_nan=False).encode("ascii")
        return atomic_write_bytes(self.path, payload, keep_old=keep_old)


class BufferStorage(MemoryStorage):
    """TinyDB storage over one in-memory snapshot, used only while the write lock is held.

    TinyDB reads and rewrites the whole database on every table operation; running those operations
    against this buffer and writing the file once at the end keeps each public store call to exactly
    one file read and at most one file write. ``dirty`` tells whether anything changed.
    """

    def __init__(self, data: dict[str, Any]):
        super().__init__()
        self.memory = data
        self.dirty = False

    def write(self, data: dict[str, Any]) -> None:
        self.memory = data
        self.dirty = True


class LockTimeout(OSError):
    """Another process held the save lock for longer than the timeout."""


@contextlib.contextmanager
def file_lock(path: Path, timeout: float = 15.0) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created if missing) for the ``with`` block.

    Polls with a non-blocking flock and a short back-off instead of blocking forever, so a hung
    process cannot freeze the game; raises ``LockTimeout`` after ``timeout`` seconds. The lock is
    per open file description, so threads of one process exclude each other too.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(errno.EAGAIN, f"save file is locked by another liqgame process ({path})") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.02)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def try_lock(path: Path) -> int | None:
    """Take the exclusive lock only if it is free right now; return the fd (close it to release)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd
