"""``liqgame scores`` and ``liqgame replay``: the high-score table and replay verification."""

from __future__ import annotations

import datetime as dt
import json
import sys

from .cli import CliError
from .store import ReplayRefused, Store, StoreError, daily_key, format_scores_table, resolve_data_dir


def _store(args) -> Store:
    store = Store(resolve_data_dir(args.data_dir))
    for w in store.warnings:  # stderr: stdout carries only the table or the JSON
        print(f"note: {w}", file=sys.stderr)
    return store


def _daily(value: str | None) -> str | None:
    if value is None:
        return None
    if value == "today":
        return daily_key(dt.date.today())
    try:
        return daily_key(dt.date.fromisoformat(value))
    except ValueError:
        raise CliError(f"--daily expects a date like 2026-11-25, got {value!r}") from None


def run(args) -> int:
    if args.command == "scores":
        return scores(args)
    return replay(args)


def scores(args) -> int:
    store = _store(args)
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


def _print_verdict(r) -> None:
    print(f"{r.session_id}: {'verified' if r.ok else 'MISMATCH'}" + ("" if r.ok else f" - {r.reason}"), flush=True)


def replay(args) -> int:
    from .session import checked_replay, replayer

    store = _store(args)
    if args.verify:
        if args.all:  # each verdict is recorded and printed as it is reached
            results = store.verify_all(replayer, on_result=_print_verdict)
        elif args.session_id:
            results = [store.verify(args.session_id, replayer)]
            _print_verdict(results[0])
        else:
            raise CliError("liqgame replay: give a session id or --all")
        return 1 if any(not r.ok for r in results) else 0
    if not args.session_id:
        raise CliError("liqgame replay: give a session id (see `liqgame scores`)")
    try:
        record, actions = store.load_session(args.session_id)
        checked_replay(record, actions)  # a hand-made session file must not get to run unchecked
    except (StoreError, ReplayRefused) as e:
        raise CliError(f"liqgame replay: {e}") from None
    try:
        from .ui.app import run_replay
    except ImportError:  # no interactive replay available: show the replayed result
        from .session import replay_record

        game = replay_record(record, actions)
        print(f"{record['name']}: {record['scenario']} / {record['rulebook']}, {game.tick} s, "
              f"equity {game.equity(0) / 10_000:,.2f} USD, score {game.score(0)}")
        print(game.explain(0).narrative)
        return 0
    return run_replay(record, actions, args)
