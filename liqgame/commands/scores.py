"""``liqgame scores``: the high-score table (free play, a scenario, or a day's daily challenge)."""

from __future__ import annotations

import datetime as dt
import json

from .base import CliError, open_store, positive_int


def add_parser(sub) -> None:
    sc = sub.add_parser("scores", help="print the high-score table")
    sc.add_argument("--scenario", help="only this scenario")
    sc.add_argument("--daily", nargs="?", const="today", metavar="YYYY-MM-DD",
                    help="the daily challenge table (today, or the given date)")
    sc.add_argument("--limit", type=positive_int, default=20)
    sc.add_argument("--json", action="store_true", help="print JSON rows")
    sc.add_argument("--data-dir", help="where scores and settings are kept")


def _daily(value: str | None) -> str | None:
    from ..store import daily_key

    if value is None:
        return None
    if value == "today":
        return daily_key(dt.date.today())
    try:
        return daily_key(dt.date.fromisoformat(value))
    except ValueError:
        raise CliError(f"--daily expects a date like 2026-11-25, got {value!r}") from None


def run(args) -> int:
    from ..store import format_scores_table

    store = open_store(args)
    day = _daily(args.daily)
    rows = store.top_scores(scenario=args.scenario, kind="daily" if day else "free", daily_date=day,
                            limit=args.limit)
    if args.json:
        print(json.dumps(rows, indent=2))
    elif rows:
        print(format_scores_table(rows))
    else:
        print("no saved sessions yet" + (f" for {args.scenario}" if args.scenario else ""))
    return 0
