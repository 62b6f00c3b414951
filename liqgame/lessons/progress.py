"""Lesson progress: status per lesson from the store, and which lessons are unlocked.

Lessons unlock in order (lesson n needs lesson n-1 passed) and can always be replayed.
The store keeps ``{lesson_id: {"status", "best_score", "attempts"}}``; a lesson never
attempted is "new".
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Lesson, Result


@dataclass(frozen=True)
class LessonStatus:
    lesson: Lesson
    status: str  # new | passed
    best_score: float | None
    attempts: int
    unlocked: bool

    @property
    def label(self) -> str:
        if not self.unlocked:
            return "locked"
        if self.status == "passed":
            return f"passed (best {self.best_score:g})" if self.best_score is not None else "passed"
        return "tried" if self.attempts else "new"


def statuses(lessons: list[Lesson], progress: dict) -> list[LessonStatus]:
    out = []
    previous_passed = True
    for lesson in sorted(lessons, key=lambda x: x.number):
        p = progress.get(lesson.id, {})
        status = p.get("status", "new")
        out.append(LessonStatus(lesson, status, p.get("best_score"), int(p.get("attempts", 0)), previous_passed))
        previous_passed = status == "passed"
    return out


def record(store, lesson: Lesson, result: Result):
    """Save one attempt (never raises: the store reports problems in its result)."""
    if store is None:
        return None
    return store.record_lesson(lesson.id, result.passed, result.score)
