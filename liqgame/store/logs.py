"""Per-session files ``sessions/<id>.json.gz``: the full record and the action log, gzip-compressed.

Why separate files: action logs are the bulky part of a session. Keeping them out of the TinyDB
index means saving a session rewrites the small index plus one new file, and the score table never
reads them. Each file is written atomically (see ``atomic.py``) and validated when read back.

Reading is bounded, because anyone can drop a file into ``sessions/``: only a regular file (not a
symlink, pipe or device), at most ``MAX_LOG_BYTES`` compressed and ``MAX_JSON_BYTES`` inflated, JSON
nested at most ``MAX_DEPTH`` levels. A day of play with an action every second is about 9 MB of JSON.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from pathlib import Path
from typing import Any

from .. import bounded_json
from .atomic import atomic_write_bytes
from .bounded_read import NotReadable, gunzip_bounded, read_regular
from .records import RecordError, normalize_record

LOG_FORMAT = 1
MAX_LOG_BYTES = 16 * 2**20
MAX_JSON_BYTES = 64 * 2**20
MAX_DEPTH = 16


class LogError(ValueError):
    """A session file is missing, unreadable, or not a valid session."""


def encode_log(record: dict[str, Any], actions: list[dict[str, Any]]) -> tuple[bytes, bytes]:
    """Serialise a normalised record and its actions; return (gzip bytes, sha256 of the JSON).

    The digest seeds the session id, so identical content gives the same candidate id.
    Raises ``RecordError`` if the actions are not a list of JSON-serialisable dicts.
    """
    if not isinstance(actions, list) or not all(isinstance(action, dict) for action in actions):
        raise RecordError("actions must be a list of dicts")
    body = {"format": LOG_FORMAT, "record": record, "actions": actions}
    try:
        raw = json.dumps(body, separators=(",", ":"), allow_nan=False, sort_keys=True).encode("ascii")
    except (TypeError, ValueError) as exc:
        raise RecordError(f"record or actions are not JSON-serialisable: {exc}") from None
    return gzip.compress(raw, compresslevel=6, mtime=0), hashlib.sha256(raw).digest()


def decode_log(blob: bytes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Parse and validate a session file's bytes; raises ``LogError`` with a short reason."""
    try:
        body = bounded_json.loads(gunzip_bounded(blob, MAX_JSON_BYTES).decode("utf-8"), MAX_DEPTH)
    except (NotReadable, bounded_json.TooDeep) as exc:
        raise LogError(str(exc)) from None
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        raise LogError(f"not a readable gzip JSON file ({exc})") from None
    if type(body) is not dict:
        raise LogError("top level is not an object")
    version = body.get("format")
    if type(version) is not int or version < 1:
        raise LogError(f"bad format {version!r}")
    if version > LOG_FORMAT:
        raise LogError(f"written by a newer liqgame (format {version})")
    actions = body.get("actions")
    if type(actions) is not list or not all(type(action) is dict for action in actions):
        raise LogError("actions are not a list of objects")
    try:
        record = normalize_record(body.get("record"), saved_earlier=True)
    except RecordError as exc:
        raise LogError(f"bad record: {exc}") from None
    return record, actions


def read_log(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Read one session file; missing or unreadable files raise ``LogError``."""
    try:
        blob = read_regular(Path(path), MAX_LOG_BYTES, follow_symlinks=False)
    except FileNotFoundError:
        raise LogError("session file is missing") from None
    except NotReadable as exc:
        raise LogError(f"session file {exc}") from None
    except OSError as exc:
        raise LogError(f"cannot read session file ({exc.strerror or exc})") from None
    return decode_log(blob)


def write_log(path: Path, blob: bytes, *, durable: bool = True) -> None:
    """Write an encoded session file atomically."""
    atomic_write_bytes(path, blob, durable=durable)
