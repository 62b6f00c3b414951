"""``liqgame lesson``: the lesson menu, one lesson interactively, or one lesson checked headless.

    liqgame lesson                          the menu (status, briefing; start a lesson)
    liqgame lesson 3                        start lesson 3 (by number or id)
    liqgame lesson --list [--json]          the lessons and your progress
    liqgame lesson --check 3 --player FILE  play lesson 3 from a JSON-lines action file and check it
                                            (exit 0 pass, 1 fail, 2 bad input)

Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys

from ..lessons.headless import PlayerFileError, read_player_file, run_headless
from ..lessons.loader import LessonError, find_lesson, scan_lessons
from ..lessons.progress import record, statuses


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("lesson", help="onboarding lessons: play one, or check one headless",
                              description="Onboarding lessons: where does the money go after a liquidation?")
    p.add_argument("lesson", nargs="?", help="lesson number or id to start (default: the lesson menu)")
    p.add_argument("--check", metavar="N", help="play lesson N headless from --player FILE and check it")
    p.add_argument("--player", metavar="FILE", help="JSON-lines actions and answers for --check (see README)")
    p.add_argument("--list", action="store_true", help="list the lessons and your progress")
    p.add_argument("--json", action="store_true", help="with --check or --list: print one JSON object")
    p.add_argument("--save", action="store_true", help="with --check: record the attempt in your progress")
    p.add_argument("--data-dir", help="where progress is kept")
    p.add_argument("--lessons-dir", metavar="DIR", help="read lesson files from DIR instead of the shipped ones")
    return p


def _err(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def _store(args):
    from ..store import Store, resolve_data_dir

    try:
        return Store(resolve_data_dir(getattr(args, "data_dir", None)))
    except Exception as e:  # a broken data dir must not stop a lesson: progress is just not kept
        print(f"liqgame lesson: progress not available ({e})", file=sys.stderr)
        return None


def run(args) -> int:
    try:
        lessons, errors = scan_lessons(getattr(args, "lessons_dir", None))
    except OSError as e:
        return _err(f"liqgame lesson: cannot read lessons: {e}")
    if getattr(args, "check", None) is not None:
        return _check(args, lessons, errors)
    if args.player:
        return _err("liqgame lesson: --player needs --check N")
    for e in errors:
        print(f"liqgame lesson: skipped {e}", file=sys.stderr)
    if not lessons:
        return _err("liqgame lesson: no lessons found")
    if args.list:
        return _list(args, lessons)
    start = None
    if args.lesson is not None:
        start = find_lesson(lessons, args.lesson)
        if start is None:
            return _err(f"liqgame lesson: no lesson {args.lesson!r} (see liqgame lesson --list)")
    store = _store(args)
    progress = store.lesson_progress() if store is not None else {}
    if start is not None and not next(s.unlocked for s in statuses(lessons, progress) if s.lesson.id == start.id):
        return _err(f"liqgame lesson: lesson {start.number} is locked: pass lesson {start.number - 1} first")
    from ..ui.app import LiqApp

    LiqApp(store=store, lessons=lessons, lessons_only=True, start_lesson=start, welcome=False).run()
    return 0


def _list(args, lessons) -> int:
    store = _store(args)
    rows = statuses(lessons, store.lesson_progress() if store is not None else {})
    if args.json:
        print(json.dumps([{"number": s.lesson.number, "id": s.lesson.id, "title": s.lesson.title,
                           "status": s.status if s.unlocked else "locked", "best_score": s.best_score,
                           "attempts": s.attempts} for s in rows], indent=2))
        return 0
    for s in rows:
        print(f"{s.lesson.number:>3}  {s.lesson.title:<52} {s.label}")
    return 0


def _check(args, lessons, errors) -> int:
    key = str(args.check)
    lesson = find_lesson(lessons, key)
    if lesson is None:
        bad = [e for e in errors if key in e.path]
        if bad:
            return _err(f"liqgame lesson: {bad[0]}")
        return _err(f"liqgame lesson: no lesson {key!r} (see liqgame lesson --list)")
    if not args.player:
        return _err("liqgame lesson: --check needs --player FILE (JSON lines of actions and answers)")
    try:
        entries = read_player_file(args.player, lesson)
    except PlayerFileError as e:
        return _err(f"liqgame lesson: {e}")
    try:
        run, result = run_headless(lesson, entries)
    except LessonError as e:
        return _err(f"liqgame lesson: {e}")
    rejected = [(t, a, reason) for t, a, ok, reason in run.actions if not ok]
    if args.save:
        saved = record(_store(args), lesson, result)
        if saved is not None and not saved.ok:
            print(f"liqgame lesson: {saved.message}", file=sys.stderr)
    if args.json:
        print(json.dumps({"lesson": lesson.id, "number": lesson.number, "passed": result.passed,
                          "reason": result.reason, "score": result.score,
                          "goals": [{"check": c, "passed": ok, "reason": r} for c, ok, r in result.goals],
                          "hints": list(result.hints), "debrief": result.debrief,
                          "numbers": {k: v for k, v in result.numbers.items() if _plain(v)},
                          "rejected_actions": [{"tick": t, "action": a, "reason": r} for t, a, r in rejected]},
                         indent=2))
    else:
        verdict = "PASS" if result.passed else "FAIL"
        print(f"{verdict} lesson {lesson.number} ({lesson.title}): {result.reason}")
        for t, a, r in rejected:
            print(f"  rejected at second {t}: {a.get('action')}: {r}")
        if result.passed:
            print()
            print(result.debrief)
        else:
            for h in result.hints:
                print(f"  hint: {h}")
    return 0 if result.passed else 1


def _plain(v) -> bool:
    return isinstance(v, (int, float, str, bool)) or v is None
