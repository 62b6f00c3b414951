"""Reading a file that anything may stand in for: only a regular file, and only up to a size.

Why: the data directory can be edited by hand or by another program. ``Path.read_bytes`` on a named
pipe blocks forever, on a symlink to ``/dev/zero`` it reads until memory runs out, and a gzip file
of a few kilobytes can inflate to gigabytes. Every read of the store goes through here.
"""

from __future__ import annotations

import os
import stat
import zlib
from pathlib import Path


class NotReadable(ValueError):
    """The file is there but is not something the store reads (not regular, too large)."""


def read_regular(path: Path, limit: int, *, follow_symlinks: bool = True) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Raises ``FileNotFoundError`` if nothing is there (a dangling symlink included), ``NotReadable``
    for a pipe, device, directory, a symlink when ``follow_symlinks`` is False, or a larger file, and
    ``OSError`` for anything else. Opening never blocks: ``O_NONBLOCK`` makes a pipe with no writer
    open at once, and the type is checked on the open descriptor, so it cannot change in between."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow_symlinks and os.path.islink(path):
            raise NotReadable("is a symbolic link, not a file") from None
        raise exc
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotReadable("is not a regular file")
        if info.st_size > limit:
            raise NotReadable(f"is larger than {limit // 2**20} MB")
        data = fh.read(limit + 1)
    if len(data) > limit:  # grew while we read it
        raise NotReadable(f"is larger than {limit // 2**20} MB")
    return data


def gunzip_bounded(blob: bytes, limit: int) -> bytes:
    """Decompress gzip data, refusing output larger than ``limit`` bytes (a "zip bomb")."""
    inflater = zlib.decompressobj(wbits=31)
    data = inflater.decompress(blob, limit + 1)
    if len(data) > limit:
        raise NotReadable(f"inflates to more than {limit // 2**20} MB")
    if not inflater.eof:
        raise zlib.error("truncated gzip data")
    return data
