"""Running a lesson headless from a JSON-lines player file (``liqgame lesson --check``).

The file holds the same actions as ``liqgame simulate --player`` (one JSON object a line,
each with a ``tick``) plus answers to the lesson's questions::

    {"tick": 0, "action": "open", "side": "long", "qty": 0.5, "leverage": 50}
    {"tick": 590, "action": "answer", "question": "where", "value": "insurance fund"}

Blank lines and lines starting with ``#`` are skipped.  A malformed line is reported as
``file:line: reason`` (a :class:`PlayerFileError`).
"""

from __future__ import annotations

import json
from pathlib import Path

from ..engine.actions import ActionError, parse_action
from .model import Lesson, Result
from .run import LessonRun, replay


class PlayerFileError(ValueError):
    """A player file that cannot be used: names the file and line."""


def parse_player_lines(lines, lesson: Lesson, name: str = "<player>") -> list[dict]:
    """Validate JSON-lines entries against the lesson; returns them sorted by tick (stable)."""
    entries = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{name}:{n}"
        try:
            d = json.loads(line)
        except json.JSONDecodeError as e:
            raise PlayerFileError(f"{where}: not valid JSON ({e.msg}, column {e.colno})") from None
        if not isinstance(d, dict):
            raise PlayerFileError(f"{where}: each line must be a JSON object")
        tick = d.get("tick")
        if isinstance(tick, bool) or not isinstance(tick, int) or tick < 0:
            raise PlayerFileError(f"{where}: every line needs a whole-number 'tick' >= 0, got {tick!r}")
        if tick >= lesson.duration_s:
            raise PlayerFileError(f"{where}: tick {tick} is at or after the end of the lesson "
                                  f"({lesson.duration_s} s)")
        if d.get("action") == "answer":
            extra = sorted(set(d) - {"tick", "action", "question", "value"})
            if extra:
                raise PlayerFileError(f"{where}: unknown field(s) for 'answer': {', '.join(extra)}")
            q = lesson.question(d.get("question"))
            if q is None:
                known = ", ".join(x.key for x in lesson.questions) or "none"
                raise PlayerFileError(f"{where}: this lesson has no question {d.get('question')!r} "
                                      f"(questions: {known})")
            ok, reason, _ = q.accept(d.get("value"))
            if not ok:
                raise PlayerFileError(f"{where}: {reason}")
        else:
            try:
                parse_action(d)
            except ActionError as e:
                raise PlayerFileError(f"{where}: {e}") from None
        entries.append(d)
    return sorted(entries, key=lambda d: d["tick"])


def read_player_file(path: str | Path, lesson: Lesson) -> list[dict]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise PlayerFileError(f"cannot read player file {path}: {e}") from None
    return parse_player_lines(text.splitlines(), lesson, str(path))


def run_headless(lesson: Lesson, entries: list[dict]) -> tuple[LessonRun, Result]:
    """Play the whole lesson from validated entries and check it."""
    run = replay(lesson, entries)
    return run, lesson.check(run)
