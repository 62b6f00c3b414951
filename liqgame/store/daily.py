"""Daily challenge: one seed per calendar day, the same on every machine."""

from __future__ import annotations

import datetime as _dt
import hashlib


def daily_key(day: _dt.date | str) -> str:
    """Normalise a day (``date``, ``datetime`` or ``"YYYY-MM-DD"``) to ``"YYYY-MM-DD"``.

    A ``datetime`` is reduced to its date so the time of day never changes the seed.
    Raises ``ValueError`` for anything else.
    """
    if isinstance(day, _dt.datetime):
        day = day.date()
    if isinstance(day, _dt.date):
        return day.isoformat()
    if isinstance(day, str) and len(day) == 10:
        return _dt.date.fromisoformat(day).isoformat()
    raise ValueError(f"not a calendar day: {day!r} (expected a date or 'YYYY-MM-DD')")


def daily_seed(day: _dt.date | str) -> int:
    """Seed of the daily challenge for ``day``: first 31 bits of sha256("liqgame-daily-YYYY-MM-DD").

    Stable across runs, platforms and Python versions (no ``hash()``), positive (1 .. 2**31-1) so it
    fits any signed 32-bit seed, and different for different days.
    """
    digest = hashlib.sha256(f"liqgame-daily-{daily_key(day)}".encode("ascii")).digest()
    return (int.from_bytes(digest[:4], "big") & 0x7FFFFFFF) or 1
