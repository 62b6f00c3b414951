"""A lesson: briefing, a seeded market, a goal the engine checks, hints, and a debrief.

Lessons are data (``assets/lessons/*.json``, see :mod:`liqgame.lessons.loader`); this
module is what a loaded lesson can do::

    >>> from liqgame.lessons import load_lessons              # doctest: +SKIP
    >>> lesson = load_lessons()[1]                            # doctest: +SKIP
    >>> run = lesson.start()                                  # doctest: +SKIP
    >>> run.apply_dict({"action": "open", "side": "long", "qty": 0.5, "leverage": 50})  # doctest: +SKIP
    >>> run.run_until(lesson.duration_s)                      # doctest: +SKIP
    >>> run.answer("where", "winning traders")                # doctest: +SKIP
    >>> result = lesson.check(run)                            # doctest: +SKIP

``check`` also takes a bare ``Game`` built by :meth:`Lesson.make_game` (it re-runs the
game's action log to recover the events the checks need).
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass, field, replace

from ..engine import Game, GameConfig, Scenario
from . import checks as ck
from .numbers import base_numbers
from .run import LessonRun, record_from_game


@dataclass(frozen=True)
class Question:
    """Something the player answers: a choice among options, or a price level."""

    key: str
    prompt: str
    kind: str  # "choice" | "price"
    choices: tuple[str, ...] = ()
    when: str = "after"  # "after": asked with the post-mortem; "during": any time while playing

    def accept(self, value) -> tuple[bool, str, object]:
        """Validate an answer: (ok, reason, normalised value)."""
        if self.kind == "choice":
            if not isinstance(value, str):
                return False, f"answer one of: {', '.join(self.choices)}", None
            for c in self.choices:
                if value.strip().lower() == c.lower():
                    return True, "", c
            return False, f"{value!r} is not one of the choices: {', '.join(self.choices)}", None
        if isinstance(value, str):
            try:
                value = float(value.replace(",", "").replace("$", "").strip())
            except ValueError:
                return False, f"{value!r} is not a price", None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            return False, f"{value!r} is not a price", None
        return True, "", float(value)


@dataclass(frozen=True)
class Goal:
    """One named check of the vocabulary with its parameters (and a hint shown when it fails)."""

    check: str
    params: dict
    hint: str = ""


@dataclass(frozen=True)
class Result:
    passed: bool
    reason: str
    debrief: str
    numbers: dict
    hints: tuple[str, ...] = ()
    score: int = 0
    goals: tuple[tuple[str, bool, str], ...] = ()  # (check, passed, reason) for every goal


PASS_SCORE = 1000


class _SafeFormatter(string.Formatter):
    """str.format that never raises: a missing or unformattable number shows as a dash."""

    def get_value(self, key, args, kwargs):
        return kwargs.get(key, "—") if isinstance(key, str) else super().get_value(key, args, kwargs)

    def format_field(self, value, format_spec):
        try:
            return super().format_field(value, format_spec)
        except (ValueError, TypeError):
            return str(value)


def fill_template(template: str, numbers: dict) -> str:
    return _SafeFormatter().vformat(template, (), numbers)


def template_fields(template: str) -> list[str]:
    """Names used in a ``str.format`` template (``{liq_50x:,.1f}`` -> ``liq_50x``)."""
    out = []
    for _, name, _, _ in string.Formatter().parse(template):
        if name is not None:
            out.append(name.split(".")[0].split("[")[0])
    return out


@dataclass(frozen=True)
class Lesson:
    id: str
    number: int
    title: str
    summary: str
    briefing: str
    steps: tuple[str, ...]
    scenario: Scenario
    rulebook: str
    starting_balance: float
    duration_s: int
    seed: int | None
    goals: tuple[Goal, ...]
    questions: tuple[Question, ...]
    hints: tuple[str, ...]
    debrief: str
    market: dict = field(default_factory=dict)  # scenario settings the lesson file keeps apart (funding interval)
    quarterly: bool = False
    scoring: str = "engine"  # "engine": the game's survival score; "pass": 1000 for a pass
    path: str = ""

    # ------------------------------------------------------------------ set-up
    def config(self, rulebook: str | None = None) -> GameConfig:
        return GameConfig(seed=self.seed, scenario=f"lesson:{self.id}", rulebook=rulebook or self.rulebook,
                          players=("you",), starting_balance=self.starting_balance, quarterly=self.quarterly)

    @property
    def market_scenario(self) -> Scenario:
        """The lesson's scenario with its market settings applied: ``funding_interval_s`` compresses the
        funding clock (a whole 8-hour period, and its whole rate, in that many seconds)."""
        changes = dict(self.market)
        if "funding_interval_s" in changes:
            changes["funding_period_s"] = changes["funding_interval_s"]
        return replace(self.scenario, **changes) if changes else self.scenario

    def make_game(self, rulebook: str | None = None) -> Game:
        """The lesson's market, fresh: same seed, same crowd, same path every time."""
        return Game(self.config(rulebook), self.market_scenario)

    def start(self) -> LessonRun:
        """A new attempt: the game plus the record the checks read."""
        return LessonRun.start(self)

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    # ------------------------------------------------------------------ check
    def check(self, game: Game | LessonRun, answers: dict | None = None) -> Result:
        """Run every goal check on the engine's numbers; fill the debrief with the player's own."""
        if isinstance(game, LessonRun):
            run = game
            for k, v in (answers or {}).items():
                run.answer(k, v)
        else:
            run = record_from_game(self, game, answers)
        numbers = base_numbers(run)
        goals, hints, first_fail = [], [], None
        for goal in self.goals:
            outcome = ck.run_check(goal.check, run, goal.params, numbers)
            numbers.update(outcome.numbers)
            goals.append((goal.check, outcome.passed, outcome.reason))
            if not outcome.passed:
                first_fail = first_fail or outcome.reason
                if goal.hint:
                    hints.append(goal.hint)
        passed = first_fail is None
        hints += [h for h in self.hints if h not in hints]
        reason = "goal reached: " + "; ".join(r for _, _, r in goals) if passed else first_fail
        score = (run.game.score(0) if self.scoring == "engine" else PASS_SCORE) if passed else 0
        numbers["score"] = score
        return Result(passed, reason, fill_template(self.debrief, numbers), numbers,
                      () if passed else tuple(hints), score, tuple(goals))


