"""Player files: the JSON-lines action scripts of ``simulate --player`` and ``lesson --check --player``.

One reader for every command that takes such a file, so both report problems the same way::

    {"tick": 0, "action": "open", "side": "long", "qty": 0.5, "leverage": 50}
    # comments and blank lines are skipped
    {"tick": 600, "action": "close"}

Anything wrong stops with ``file:line: reason`` (a :class:`PlayerFileError`), never a traceback.
Memory stays bounded whatever the file is (``/dev/zero``, a multi-gigabyte log, a pipe): the file is
streamed line by line, a line may hold at most ``MAX_LINE_BYTES`` and a file at most ``MAX_LINES``
lines, and JSON may nest at most ``MAX_DEPTH`` levels. Every value in a line must be a single JSON
value (string, number, true/false, null): no action field takes a list or an object.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import bounded_json
from .engine import parse_action

MAX_LINE_BYTES = 4096
MAX_LINES = 200_000
MAX_DEPTH = 8
_SCALARS = (str, int, float, bool, type(None))


class PlayerFileError(ValueError):
    """A player file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class ScriptEntry:
    """One accepted line: where it was, when it applies, and the JSON object itself."""

    line: int
    tick: int
    data: dict


def check_action(entry: dict) -> None:
    """The default line check: an action the engine understands (raises ``ValueError``)."""
    parse_action(entry)


def read_script(path: str | Path, check: Callable[[dict], None] = check_action) -> list[ScriptEntry]:
    """Read and validate a player file; entries sorted by tick (stable, so same-tick order is kept).

    ``check(entry)`` validates one parsed line beyond the common rules and raises ``ValueError``
    (``ActionError`` included) with a reason; the reader adds ``file:line:``."""
    entries = []
    try:
        with open(path, "rb") as fh:
            for number, raw in _lines(fh, path):
                entry = _parse_line(raw, check, f"{path}:{number}")
                if entry is not None:
                    entries.append(ScriptEntry(number, entry["tick"], entry))
    except OSError as e:
        raise PlayerFileError(f"cannot read player file {path}: {e.strerror or e}") from None
    return sorted(entries, key=lambda e: e.tick)


def _lines(fh, path):
    """Yield (line number, raw line), refusing an over-long line or file before reading much of it."""
    for number in range(1, MAX_LINES + 2):
        raw = fh.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if number > MAX_LINES:
            raise PlayerFileError(f"{path}:{number}: more than {MAX_LINES:,} lines")
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            raise PlayerFileError(f"{path}:{number}: line longer than {MAX_LINE_BYTES:,} bytes")
        yield number, raw


def _parse_line(raw: bytes, check: Callable[[dict], None], where: str) -> dict | None:
    """One line → its JSON object (checked by ``check_entry``), or None for a blank or comment line."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PlayerFileError(f"{where}: not UTF-8 text") from None
    if not text.strip() or text.lstrip().startswith("#"):
        return None
    try:
        entry = bounded_json.loads(text, MAX_DEPTH)
    except bounded_json.TooDeep as e:
        raise PlayerFileError(f"{where}: {e}") from None
    except json.JSONDecodeError as e:
        raise PlayerFileError(f"{where}: not valid JSON ({e.msg}, column {e.colno})") from None
    try:
        check_entry(entry, check)
    except ValueError as e:
        raise PlayerFileError(f"{where}: {e}") from None
    return entry


def check_entry(entry, check: Callable[[dict], None] = check_action) -> None:
    """The rules every logged action obeys, in a player file or a saved session's log: a JSON
    object of single values with a whole-number ``tick`` >= 0, accepted by ``check``. Raises
    ``ValueError`` (``ActionError`` included) with the reason."""
    if not isinstance(entry, dict):
        raise ValueError("each line must be a JSON object")
    for key, value in entry.items():
        if not isinstance(value, _SCALARS):
            kind = "a list" if isinstance(value, list) else "an object"
            raise ValueError(f"'{key}' must be a single value (text, number, true/false), not {kind}")
    tick = entry.get("tick")
    if isinstance(tick, bool) or not isinstance(tick, int) or tick < 0:
        raise ValueError(f"every line needs a whole-number 'tick' >= 0, got {tick!r}")
    check(entry)
