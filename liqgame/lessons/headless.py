"""Running a lesson headless from a JSON-lines player file (``liqgame lesson --check``).

The file holds the same actions as ``liqgame simulate --player`` (one JSON object a line,
each with a ``tick``) plus answers to the lesson's questions::

    {"tick": 0, "action": "open", "side": "long", "qty": 0.5, "leverage": 50}
    {"tick": 590, "action": "answer", "question": "where", "value": "insurance fund"}

It is read by the one player-file reader (:mod:`liqgame.script_file`: streamed, bounded,
``file:line: reason`` on any problem); this module adds the lesson's own rules (answers to
its questions, ticks before its end).
"""

from __future__ import annotations

from pathlib import Path

from ..engine import parse_action
from ..script_file import PlayerFileError, read_script
from .model import Lesson, Result
from .run import LessonRun, replay

__all__ = ["PlayerFileError", "read_player_file", "run_headless"]


def lesson_line_check(lesson: Lesson):
    """The per-line check for ``lesson``: an action or an answer, before the lesson ends."""

    def check(d: dict) -> None:
        tick = d["tick"]
        if tick >= lesson.duration_s:
            raise ValueError(f"tick {tick} is at or after the end of the lesson ({lesson.duration_s} s)")
        if d.get("action") != "answer":
            parse_action(d)
            return
        extra = sorted(set(d) - {"tick", "action", "question", "value"})
        if extra:
            raise ValueError(f"unknown field(s) for 'answer': {', '.join(extra)}")
        q = lesson.question(d.get("question"))
        if q is None:
            known = ", ".join(x.key for x in lesson.questions) or "none"
            raise ValueError(f"this lesson has no question {d.get('question')!r} (questions: {known})")
        ok, reason, _ = q.accept(d.get("value"))
        if not ok:
            raise ValueError(reason)

    return check


def read_player_file(path: str | Path, lesson: Lesson) -> list[dict]:
    """Validated entries of a lesson's player file, sorted by tick (raises ``PlayerFileError``)."""
    return [entry.data for entry in read_script(path, lesson_line_check(lesson))]


def run_headless(lesson: Lesson, entries: list[dict]) -> tuple[LessonRun, Result]:
    """Play the whole lesson from validated entries and check it."""
    run = replay(lesson, entries)
    return run, lesson.check(run)
