"""What a stored record looks like: cleaning and validating input, and checking what is read back.

Two shapes of session data exist:

* the **full record** the game passes to ``Store.save_session`` (``SESSION_FIELDS`` plus any extra
  JSON-serialisable keys), kept with the action log in ``sessions/<id>.json.gz``;
* the **index entry**, a compact subset (``INDEX_FIELDS``) kept in the TinyDB file, which the score
  table scans — no action log, no engine hash, so 10,000 of them stay a few MB.

Everything read from disk is checked with the same rules (``validate_index``), because the file may
have been edited by hand, truncated, or written by a newer version.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import itertools
import json
import math
import numbers
import operator
import re
import unicodedata
from typing import Any, Mapping

from .daily import daily_key
from .paths import LOG_SUFFIX, log_name

# Format of liqgame.json; a higher number means "written by a newer liqgame". Version 2 added the
# crowd size and starting balance to each entry (both shown, both checked by verification); a
# version-1 file is re-indexed from the session files (see ``OutdatedIndex``).
INDEX_VERSION = 2
NAME_MAX = 24
DEFAULT_NAME = "player"
TEXT_MAX = 128
KINDS = ("free", "daily", "lesson", "branch")  # branch: a new game started from a replay
LESSON_STATUSES = ("new", "passed")
SESSION_ID_RE = re.compile(r"[0-9a-f]{12}")

# Fields the game must pass for every session (daily_date only for kind="daily"; bots, the crowd
# size, is missing from session files saved before it was recorded).
SESSION_FIELDS = (
    "name", "date", "game_version", "seed", "scenario", "rulebook", "starting_balance", "bots",
    "final_equity", "score", "liquidations", "max_drawdown", "state_hash", "kind", "daily_date",
)
_OPTIONAL_FIELDS = ("daily_date", "bots")
# Keys the store sets itself; a record passed in must not contain them.
RESERVED_FIELDS = ("id", "log", "verified", "reason", "sig")
# Session fields copied into the compact index entry (besides id/log and the verification fields).
INDEX_FIELDS = (
    "name", "date", "kind", "daily_date", "scenario", "rulebook", "seed", "game_version", "bots",
    "starting_balance", "score", "final_equity", "liquidations", "max_drawdown",
)
# What the verification signature covers: an entry edited after it was verified no longer matches.
SIG_FIELDS = ("id",) + INDEX_FIELDS


class RecordError(ValueError):
    """A record passed to the store is malformed (a bug in the caller, reported, never raised to the UI)."""


class CorruptIndex(ValueError):
    """The index file has the wrong shape or was written by a newer version."""


class OutdatedIndex(CorruptIndex):
    """A well-formed index of an older format: its session entries are rebuilt from the session
    files; ``data`` keeps its other tables (lessons, settings) so they can be carried over."""

    def __init__(self, version: int, data: dict[str, Any]):
        super().__init__(f"written by an older liqgame (file format {version})")
        self.data = data


# ---------------------------------------------------------------- cleaning


def clean_name(name: Any) -> str:
    """Player name as stored: NFC, whitespace runs → one space, control/format characters removed,
    at most ``NAME_MAX`` characters, ``"player"`` if nothing is left."""
    text = "" if name is None else str(name)
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if ch.isspace() else ch for ch in text)
    text = "".join(ch for ch in text if ch.isprintable())
    text = " ".join(text.split())[:NAME_MAX].strip()
    return text or DEFAULT_NAME


def printable(text: Any, limit: int = TEXT_MAX) -> str:
    """Any value as a single printable line of at most ``limit`` characters (for display of text
    that may come from a hand-edited file)."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    return text[:limit]


# ---------------------------------------------------------------- small type checks


def is_number(value: Any) -> bool:
    """Plain int or finite float, not bool (the shape numbers have once read back from JSON)."""
    if type(value) is int:
        return True
    return type(value) is float and math.isfinite(value)


def as_number(value: Any) -> int | float | None:
    """A finite real number as a plain int/float (numpy scalars included), else None."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    value = float(value)
    return value if math.isfinite(value) else None


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value or len(value) > TEXT_MAX or not value.isprintable():
        raise RecordError(f"{key} must be a non-empty printable string of at most {TEXT_MAX} characters")
    return value


def _number(record: Mapping[str, Any], key: str) -> int | float:
    value = as_number(record.get(key))
    if value is None:
        raise RecordError(f"{key} must be a finite number, got {record.get(key)!r}")
    return value


def _count(record: Mapping[str, Any], key: str) -> int:
    value = record.get(key)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise RecordError(f"{key} must be a non-negative integer, got {value!r}")
    return int(value)


def _iso_date(value: Any) -> str:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if not isinstance(value, str) or len(value) > 40:
        raise RecordError(f"date must be an ISO 8601 string, got {value!r}")
    try:
        _dt.datetime.fromisoformat(value)
    except ValueError:
        raise RecordError(f"date must be an ISO 8601 string, got {value!r}") from None
    return value


# ---------------------------------------------------------------- session records


def normalize_record(record: Mapping[str, Any], *, saved_earlier: bool = False) -> dict[str, Any]:
    """Validate a full session record and return a cleaned copy (name cleaned, dates as strings).

    Extra keys are kept as they are (they travel in the session file, so nothing is dropped).
    ``saved_earlier``: the record comes from a session file, which may predate ``bots``.
    Raises ``RecordError`` naming the first problem.
    """
    if not isinstance(record, Mapping):
        raise RecordError(f"record must be a dict, got {type(record).__name__}")
    reserved = [key for key in RESERVED_FIELDS if key in record]
    if reserved:
        raise RecordError(f"fields set by the store cannot be passed in: {', '.join(reserved)}")
    optional = _OPTIONAL_FIELDS if saved_earlier else ("daily_date",)
    missing = [key for key in SESSION_FIELDS if key not in record and key not in optional]
    if missing:
        raise RecordError(f"missing fields: {', '.join(missing)}")
    out = dict(record)
    out["name"] = clean_name(record["name"])
    out["date"] = _iso_date(record["date"])
    for key in ("game_version", "scenario", "rulebook", "state_hash"):
        out[key] = _text(record, key)
    out["seed"] = _count(record, "seed")
    out["liquidations"] = _count(record, "liquidations")
    out["bots"] = None if record.get("bots") is None else _count(record, "bots")
    if out["bots"] is None and saved_earlier:
        out["bots"] = _configured_bots(record)
    for key in ("starting_balance", "final_equity", "score", "max_drawdown"):
        out[key] = _number(record, key)
    kind = record["kind"]
    if kind not in KINDS:
        raise RecordError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    daily_date = record.get("daily_date")
    if kind == "daily":
        try:
            out["daily_date"] = daily_key(daily_date)
        except (ValueError, TypeError):
            raise RecordError(f"daily sessions need daily_date 'YYYY-MM-DD', got {daily_date!r}") from None
    elif daily_date is not None:
        raise RecordError("daily_date is only for kind='daily'")
    else:
        out["daily_date"] = None
    return out


def _configured_bots(record: Mapping[str, Any]) -> int | None:
    """The crowd size of a session saved before records carried it: the config's, if it names one
    (free games always did; a daily game's None means "the scenario's crowd", unknown here)."""
    config = record.get("config")
    bots = config.get("bots") if isinstance(config, Mapping) else None
    return bots if type(bots) is int and bots >= 0 else None


def index_entry(session_id: str, record: Mapping[str, Any]) -> dict[str, Any]:
    """The compact index entry for a normalised full record (unchecked until verified)."""
    entry: dict[str, Any] = {"id": session_id, "log": log_name(session_id)}
    entry.update({key: record[key] for key in INDEX_FIELDS})
    entry.update(verified=None, reason=None, sig=None)
    return entry


def signature(entry: Mapping[str, Any]) -> str:
    """Short digest of the verified fields of an index entry; stored when it is verified so that a
    later hand edit is noticed without replaying. It catches edits, not a determined forger (who can
    recompute it); re-running ``verify_all`` is the real check."""
    payload = json.dumps([entry.get(key) for key in SIG_FIELDS], separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def new_session_id(content_digest: bytes, taken: set[str]) -> str:
    """12 hex chars from sha256(content + counter), the first one not in ``taken``."""
    counter = 0
    while True:
        sid = hashlib.sha256(content_digest + counter.to_bytes(8, "big")).hexdigest()[:12]
        if sid not in taken:
            return sid
        counter += 1


# ---------------------------------------------------------------- reading the index back

def new_index(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """A complete index holding ``entries`` (TinyDB layout: table -> doc id string -> document)."""
    data: dict[str, Any] = {"_meta": {"1": {"version": INDEX_VERSION}}}
    if entries:
        data["sessions"] = {str(n): entry for n, entry in enumerate(entries, start=1)}
    return data


_MISSING = object()
_NONE = type(None)
# Every key an index entry must have, with the JSON types allowed for it.
_ENTRY_SHAPE: tuple[tuple[str, tuple[type, ...]], ...] = (
    ("id", (str,)), ("log", (str,)), ("name", (str,)), ("date", (str,)), ("kind", (str,)),
    ("scenario", (str,)), ("rulebook", (str,)), ("game_version", (str,)), ("seed", (int,)),
    ("liquidations", (int,)), ("score", (int, float)), ("final_equity", (int, float)),
    ("max_drawdown", (int, float)), ("daily_date", (str, _NONE)), ("verified", (bool, _NONE)),
    ("bots", (int, _NONE)), ("starting_balance", (int, float)),
    ("reason", (str, _NONE)), ("sig", (str, _NONE)),
)
_ENTRY_KEYS = tuple(key for key, _ in _ENTRY_SHAPE)
_ENTRY_VALUES = operator.itemgetter(*_ENTRY_KEYS)  # raises KeyError if a key is missing
# All allowed combinations of exact types (128 of them): one set lookup checks every field's type.
_GOOD_TYPES = frozenset(itertools.product(*(types for _, types in _ENTRY_SHAPE)))
_INF = (math.inf, -math.inf)


def _check_entry(doc: Any) -> str | None:
    """Return what is wrong with one index entry, or None. This runs over every entry on every
    read, so the common case is a handful of C-level operations; the detailed message is only
    worked out for a bad entry."""
    if type(doc) is not dict:
        return "an entry is not an object"
    try:
        well_typed = tuple(map(type, _ENTRY_VALUES(doc))) in _GOOD_TYPES
    except KeyError:
        well_typed = False
    if not well_typed:
        for key, types in _ENTRY_SHAPE:
            if key not in doc or type(doc[key]) not in types:
                return f"entry {doc.get('id')!r}: field {key!r} is missing or has the wrong type"
    sid, kind = doc["id"], doc["kind"]
    if kind not in KINDS or doc["seed"] < 0 or doc["liquidations"] < 0 or (doc["bots"] or 0) < 0:
        return f"entry {sid!r}: bad kind, seed, liquidations or bots"
    if doc["log"] != sid + LOG_SUFFIX or not SESSION_ID_RE.fullmatch(sid):
        return f"entry {sid!r}: bad id or log reference"
    if doc["daily_date"] is not None and kind != "daily":
        return f"entry {sid!r}: daily_date on a {kind} session"
    for value in (doc["score"], doc["final_equity"], doc["max_drawdown"], doc["starting_balance"]):
        if type(value) is float and (value != value or value in _INF):
            return f"entry {sid!r}: a number is not finite"
    return None


def _check_lesson(doc: Any) -> str | None:
    if type(doc) is not dict:
        return "a lesson entry is not an object"
    if not isinstance(doc.get("lesson_id"), str) or doc.get("status") not in LESSON_STATUSES:
        return "a lesson entry has a bad id or status"
    best = doc.get("best_score", _MISSING)
    attempts = doc.get("attempts")
    if not (best is None or is_number(best)) or type(attempts) is not int or attempts < 0:
        return f"lesson {doc['lesson_id']!r}: bad best_score or attempts"
    return None


def _check_settings(doc: Any) -> str | None:
    if type(doc) is not dict:
        return "settings are not an object"
    for key, value in doc.items():
        if not check_setting(key, value):
            return f"setting {key!r} has a bad value"
    return None


def check_setting(key: Any, value: Any) -> bool:
    """Settings are a flat dict of short string keys to JSON scalars."""
    if not isinstance(key, str) or not key or len(key) > 64:
        return False
    if isinstance(value, str):
        return len(value) <= 256
    return value is None or type(value) is bool or is_number(value)


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    table = data.get(name, {})
    if type(table) is not dict:
        raise CorruptIndex(f"table {name!r} is a {type(table).__name__}, not an object")
    for doc_id in table:
        if not doc_id.isdigit():
            raise CorruptIndex(f"table {name!r} has a bad document id {doc_id!r}")
    return table


def _check_version(data: dict[str, Any]) -> int:
    meta = list(_table(data, "_meta").values())
    if len(meta) != 1 or type(meta[0]) is not dict:
        raise CorruptIndex("no version record")
    version = meta[0].get("version")
    if type(version) is not int or version < 1:
        raise CorruptIndex(f"bad version {version!r}")
    if version > INDEX_VERSION:
        raise CorruptIndex(
            f"written by a newer liqgame (file format {version}, this version reads up to {INDEX_VERSION})"
        )
    return version


def validate_index(data: Any) -> dict[str, Any]:
    """Check the whole index as read from disk and return it; ``None`` or ``{}`` mean a new, empty
    store. Raises ``CorruptIndex`` with a short reason for anything the store could not use safely.
    Unknown tables are kept untouched (never dropped)."""
    if data is None or data == {}:
        return {}
    if type(data) is not dict:
        raise CorruptIndex(f"top level is a {type(data).__name__}, not an object")
    version = _check_version(data)
    checks = (("sessions", _check_entry), ("lessons", _check_lesson), ("settings", _check_settings))
    if version < INDEX_VERSION:
        checks = checks[1:]  # old session entries are rebuilt, not read
    for name, check in checks:
        for doc in _table(data, name).values():
            problem = check(doc)
            if problem:
                raise CorruptIndex(problem)
    if len(data.get("settings", {})) > 1:
        raise CorruptIndex("more than one settings record")
    if version < INDEX_VERSION:
        raise OutdatedIndex(version, data)
    ids = [doc["id"] for doc in data.get("sessions", {}).values()]
    if len(ids) != len(set(ids)):
        raise CorruptIndex("two entries share one session id")
    return data
