"""Onboarding lessons: each idea of "where does the money go after a liquidation" as an exercise.

A lesson is data (``assets/lessons/*.json``): a briefing, a seeded market, a goal made of
named checks on engine numbers, hints, and a debrief filled with the player's own numbers.

    >>> from liqgame.lessons import load_lessons
    >>> lessons = load_lessons()
    >>> run = lessons[0].start()          # play: run.apply_dict({...}), run.step(), run.answer(k, v)
    >>> result = lessons[0].check(run)    # Result(passed, reason, debrief, numbers, hints, score)
"""

from .checks import CHECKS
from .headless import PlayerFileError, read_player_file, run_headless
from .loader import LessonError, find_lesson, lesson_from_dict, load_lesson_file, load_lessons, scan_lessons
from .model import Goal, Lesson, Question, Result
from .progress import LessonStatus, statuses
from .run import LessonRun, record_from_game, replay



def lesson_scenario(lesson_id: str):
    """The market of a shipped lesson, for replaying a saved lesson session (``lesson:<id>``)."""
    lessons, _ = scan_lessons()
    lesson = find_lesson(lessons, lesson_id)
    if lesson is None:
        raise ValueError(f"unknown lesson {lesson_id!r}")
    return lesson.market_scenario


__all__ = [
    "CHECKS", "Goal", "Lesson", "LessonError", "LessonRun", "LessonStatus", "PlayerFileError", "Question", "Result",
    "find_lesson", "lesson_from_dict", "load_lesson_file", "load_lessons", "read_player_file", "record_from_game",
    "lesson_scenario", "replay", "run_headless", "scan_lessons", "statuses",
]
