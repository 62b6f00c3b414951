"""The daily challenge's fairness rule: each player's first attempt of a day ranks, later ones are practice.

An attempt is a saved daily session; the rule and its reasons are in ``first_attempts``. The score
table (``Store.top_scores``) applies it; the session-end screen asks ``ranked_attempt`` before a
save whether the new attempt would rank.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Iterable, Mapping

from .ranking import FAILED, status_of
from .records import clean_name

LATEST_ID = "~"  # sorts after every session id: an attempt not saved yet loses a tie


def name_key(name: Any) -> str:
    """How the daily challenge tells players apart: the name cleaned as it is stored (trimmed,
    whitespace runs as one space), then case-folded, so "Ann", " ann " and "ANN" are one player.

    >>> name_key("  Ann ") == name_key("ANN") == "ann"
    True
    """
    return clean_name(name).casefold()


def _moment(date: str) -> _dt.datetime:
    """A session's date as a comparable local time; a date that does not parse (a hand edit)
    counts as the earliest of all, so it can never push an honest attempt out of first place."""
    try:
        moment = _dt.datetime.fromisoformat(date)
        return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment
    except (TypeError, ValueError, OverflowError):
        return _dt.datetime.min


def attempt_order(date: str, failed: bool, session_id: str) -> tuple:
    """Sort key of one player's attempts on one day; the smallest is the ranked attempt."""
    return (not failed, _moment(date), session_id)


def first_attempts(entries: Iterable[Mapping[str, Any]]) -> tuple[list, list]:
    """Split index entries into (ranked, practice): the daily challenge ranks each player's first
    attempt of a day; later attempts of the same player and day are practice. Other kinds all rank.

    * An attempt is a saved daily session (finished or ended early, checked or not): the store
      knows no other. Its player is its ``name`` compared by ``name_key``, its day ``daily_date``.
    * The first attempt is the one with the earliest ``date`` (stamped by the game when the
      session ended, before it was saved), then the smaller session id.
    * The first attempt ranks whatever its check says: if it failed verification it ranks below
      every verified and unchecked entry, as any failed entry does, and a later attempt never
      takes its place. A failed attempt cannot vouch for its own date (the date may be what was
      edited), so if any attempt of the player that day failed, the earliest failed one is the
      ranked attempt: a player never gains from an attempt failing. The cost is that an honest
      player whose later attempt's file was damaged drops to the failed rows too: the store cannot
      tell damage from tampering.
    """
    ranked: list[Mapping[str, Any]] = []
    players: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    keys: dict[str, str] = {}  # name -> name_key: a table holds few names, many times each
    for entry in entries:
        if entry["kind"] == "daily":
            name = entry["name"]
            key = keys.get(name) or keys.setdefault(name, name_key(name))
            players.setdefault((entry["daily_date"], key), []).append(entry)
        else:
            ranked.append(entry)
    practice: list[Mapping[str, Any]] = []
    for attempts in players.values():
        if len(attempts) > 1:  # statuses (a signature each) only where there is a choice
            attempts.sort(key=lambda e: attempt_order(e["date"], status_of(e)[0] == FAILED, e["id"]))
        ranked.append(attempts[0])
        practice += attempts[1:]
    return ranked, practice


def ranked_attempt(rows: Iterable[Mapping[str, Any]], name: str, date: str) -> Mapping[str, Any] | None:
    """The row of ``name``'s attempt that ranks instead of a daily attempt ending at ``date`` that is
    not saved yet, or None if the new attempt would rank. ``rows``: that day's ``top_scores``."""
    key = name_key(name)
    mine = [(attempt_order(r["date"], r["status"] == FAILED, r["session_id"]), r) for r in rows
            if name_key(r["name"]) == key]
    if not mine:
        return None
    order, first = min(mine, key=lambda pair: pair[0])
    return first if order < attempt_order(date, False, LATEST_ID) else None
