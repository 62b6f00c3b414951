"""The high-score table: verification status, ranking, and plain-text formatting.

Ranking rule: verified entries first, then entries not checked yet, then entries that failed
verification; within each group by score (highest first), then earliest date, then id. An entry
whose fields changed after it was verified (hand edit) counts as failed.

The daily challenge ranks one attempt per player and day (``attempts.first_attempts``); the
others are listed after the ranked rows as practice.
"""

from __future__ import annotations

import heapq
from typing import Any, Iterable, Mapping

from rich.cells import cell_len

from .records import clean_name, printable, signature

VERIFIED, UNCHECKED, FAILED = "verified", "unchecked", "failed"
PRACTICE_HEADING = "Practice: later attempts of the same player and day (kept, not ranked)"
EDITED_REASON = "entry changed after it was verified"


def status_of(entry: Mapping[str, Any]) -> tuple[str, str | None]:
    """(status, reason) of one index entry."""
    flag = entry.get("verified")
    if flag is None:
        return UNCHECKED, None
    if flag is False:
        return FAILED, entry.get("reason")
    if entry.get("sig") != signature(entry):
        return FAILED, EDITED_REASON
    return VERIFIED, entry.get("reason")


def _score_key(entry: Mapping[str, Any]) -> tuple:
    return (-entry["score"], entry["date"], entry["id"])


def _best(entries: list[Mapping[str, Any]], count: int | None) -> list[Mapping[str, Any]]:
    """The ``count`` best entries in ranking order (all if None); a partial sort for big tables."""
    if count is None or count >= len(entries):
        return sorted(entries, key=_score_key)
    return heapq.nsmallest(count, entries, key=_score_key)


def _check_verified(entries: list[Mapping[str, Any]], limit: int | None) -> tuple[list, list]:
    """Split entries flagged verified into (still verified, edited since), stopping at ``limit``."""
    good: list[tuple[Mapping[str, Any], str, str | None]] = []
    edited: list[tuple[Mapping[str, Any], str, str | None]] = []
    for entry in entries:
        if limit is not None and len(good) >= limit:
            break
        status, reason = status_of(entry)
        (good if status == VERIFIED else edited).append((entry, status, reason))
    return good, edited


def rank(entries: Iterable[Mapping[str, Any]], limit: int | None) -> list[tuple[Mapping[str, Any], str, str | None]]:
    """Best ``limit`` entries (all if None) as (entry, status, reason), in ranking order.

    Signatures are only checked for verified entries that could make the cut, and big groups are
    only partially sorted, so a 10,000-entry table costs a few milliseconds.
    """
    groups: dict[Any, list[Mapping[str, Any]]] = {True: [], None: [], False: []}
    for entry in entries:
        groups[entry["verified"]].append(entry)
    candidates = _best(groups[True], None if limit is None else limit + 50)
    good, failed = _check_verified(candidates, limit)
    if limit is not None and len(good) < limit and len(candidates) < len(groups[True]):
        good, failed = _check_verified(_best(groups[True], None), limit)  # many edited entries
    unchecked = [(entry, UNCHECKED, None) for entry in _best(groups[None], limit)]
    if limit is None or len(good) + len(unchecked) < limit:
        failed += [(entry, FAILED, entry.get("reason")) for entry in groups[False]]
        failed.sort(key=lambda item: _score_key(item[0]))
    ranked = good + unchecked + failed
    return ranked if limit is None else ranked[:limit]


def shown(value: Any) -> Any:
    """A text field as it may be shown: one printable line (an index edited by hand can hold escape
    sequences that would clear a terminal or retitle its window). Other values pass unchanged."""
    return printable(value) if isinstance(value, str) else value


def score_row(position: int | None, entry: Mapping[str, Any], status: str, reason: str | None) -> dict[str, Any]:
    """One JSON-serialisable row of the score table; every text in it is safe to print. A practice
    attempt (a later daily attempt, ``position`` None) has rank None and ``practice`` True."""
    return {
        "rank": position,
        "practice": position is None,
        "name": clean_name(entry["name"]),
        "score": entry["score"],
        "equity": entry["final_equity"],
        "starting_balance": entry["starting_balance"],
        "bots": entry["bots"],
        "liquidations": entry["liquidations"],
        "max_drawdown": entry["max_drawdown"],
        "scenario": shown(entry["scenario"]),
        "rulebook": shown(entry["rulebook"]),
        "kind": shown(entry["kind"]),
        "daily_date": shown(entry.get("daily_date")),
        "date": shown(entry["date"]),
        "verified": {VERIFIED: True, FAILED: False}.get(status),
        "status": status,
        "reason": shown(reason),
        "session_id": entry["id"],
    }


def _num(value: Any, digits: int) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


_COLUMNS = (
    ("#", ">", lambda r: "-" if r["rank"] is None else str(r["rank"])),
    ("Name", "<", lambda r: r["name"]),
    ("Score", ">", lambda r: _num(r["score"], 1)),
    ("Equity", ">", lambda r: _num(r["equity"], 2)),
    ("Start", ">", lambda r: _num(r["starting_balance"], 0)),
    ("Crowd", ">", lambda r: "?" if r["bots"] is None else f"{r['bots']:,}"),
    ("Liq", ">", lambda r: str(r["liquidations"])),
    ("Max DD", ">", lambda r: f"{r['max_drawdown']:.1%}"),  # the engine stores a fraction
    ("Scenario", "<", lambda r: r["scenario"][:24]),
    ("Rulebook", "<", lambda r: r["rulebook"][:16]),
    ("Date", "<", lambda r: r["date"][:16].replace("T", " ")),
    ("Check", "<", lambda r: {"verified": "ok", "failed": "FAILED"}.get(r["status"], "-")),
    ("Session", "<", lambda r: r["session_id"]),
)


def _pad(text: str, align: str, width: int) -> str:
    """``text`` padded to ``width`` terminal cells: an emoji or a CJK character takes two, so
    ``str.ljust`` (which counts characters) would push the rest of the line out of its columns."""
    gap = " " * max(width - cell_len(text), 0)
    return text + gap if align == "<" else gap + text


def format_scores_table(rows: list[Mapping[str, Any]]) -> str:
    """Plain-text table of ``Store.top_scores`` rows. Check column: ok = replay verified,
    - = not checked yet, FAILED = replay disagreed or the entry was edited. Practice rows (later
    daily attempts, not ranked) follow the ranked ones under their own heading, with - for a rank."""
    if not rows:
        return "No scores yet."
    cells = [[fmt(row) for _, _, fmt in _COLUMNS] for row in rows]
    header = [title for title, _, _ in _COLUMNS]
    widths = [max(cell_len(line[i]) for line in cells + [header]) for i in range(len(header))]

    def line(values: list[str]) -> str:
        parts = [_pad(value, align, width) for value, (_, align, _), width in zip(values, _COLUMNS, widths)]
        return "  ".join(parts).rstrip()

    ranked = [line(c) for c, row in zip(cells, rows) if not row.get("practice")]
    practice = [line(c) for c, row in zip(cells, rows) if row.get("practice")]
    out = [line(header), "  ".join("-" * w for w in widths)] + ranked
    if practice:
        out += ["", PRACTICE_HEADING] + practice
    return "\n".join(out)
