"""One attempt at a lesson: the game plus a record of what happened, for the checks.

The game keeps only its recent events; a lesson's checks need all of them (every
liquidation with its fill and bankruptcy price, every ADL, every funding payment) and a
few per-second samples (mark, insurance fund, equity, ADL lights).  ``LessonRun`` wraps
the game, records those as it goes, and keeps the player's answers to the lesson's
questions.  A run is still a pure function of (lesson, action log, answers): a bare
``Game`` built by :meth:`Lesson.make_game` can be re-run from its log (see
:func:`record_from_game`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine import actions as act
from ..engine import events as ev
from ..engine import CONTRACT_NAMES, ActionResult, ActionScript, Game, Session, units_to_usd

HEATMAP_BUCKETS = 48
HEATMAP_SPAN = 0.15


@dataclass(frozen=True)
class FillRecord:
    """A player fill and the position it left (numbers read from the engine right after)."""

    tick: int
    contract: str
    reason: str  # order | close | stop-loss | take-profit | limit
    side: str  # buy | sell
    qty: float
    price: float
    opened: bool  # the fill opened a position from flat (or flipped it)
    position_side: str | None  # long | short | None when flat afterwards
    position_qty: float
    leverage: int
    cross: bool
    entry: float
    liquidation_price: float | None
    bankruptcy_price: float | None
    margin: float  # USD backing the position
    equity_before: int  # units, before this fill
    equity_after: int


@dataclass(frozen=True)
class Sample:
    """Once a second (after the step)."""

    tick: int
    index: float
    mark: float
    fund: int  # units
    equity: int  # units
    qty: float  # the player's perp position, signed BTC
    cross: bool
    adl_lights: int  # 0 when flat


@dataclass
class LessonRun:
    """A lesson being played: apply actions, step, answer questions, then ``lesson.check(run)``."""

    lesson: object  # Lesson (typed loosely to avoid an import cycle)
    game: Game
    answers: dict = field(default_factory=dict)
    answer_ticks: dict = field(default_factory=dict)
    events: list = field(default_factory=list)
    fills: list = field(default_factory=list)
    samples: list = field(default_factory=list)
    actions: list = field(default_factory=list)  # (tick, action dict, ok, reason)
    heatmaps: dict = field(default_factory=dict)  # tick -> Heatmap (start, and when a question is answered)
    equity_at_open: dict = field(default_factory=dict)  # position open tick -> equity before

    @classmethod
    def start(cls, lesson) -> "LessonRun":
        run = cls(lesson, lesson.make_game())
        run.heatmaps[0] = run.game.heatmap(buckets=HEATMAP_BUCKETS, span=HEATMAP_SPAN)
        run._sample()
        return run

    # ------------------------------------------------------------------ time and actions
    @property
    def tick(self) -> int:
        return self.game.tick

    @property
    def duration(self) -> int:
        return self.lesson.duration_s

    @property
    def finished(self) -> bool:
        return self.game.tick >= self.lesson.duration_s

    @property
    def trader(self) -> int:
        return self.game.players[0].trader

    def apply(self, action: act.Action) -> ActionResult:
        """Apply a player action now (refused once the lesson's time is up)."""
        if self.finished:
            return ActionResult(False, "the lesson is over: check it or start again")
        before = self.game.equity(0)
        result = self.game.apply(action)
        self.actions.append((self.game.tick, action.to_dict(), result.ok, result.reason))
        self._take(result.events, before)
        return result

    def apply_dict(self, d: dict) -> ActionResult:
        """An action in its JSON form (``parse_action``); raises ActionError when malformed."""
        _, a = act.parse_action({k: v for k, v in d.items() if k != "tick"})
        return self.apply(a)

    def step(self) -> list:
        """One second of game time (nothing once the lesson is over)."""
        if self.finished:
            return []
        before = self.game.equity(0)
        out = self.game.step()
        self._take(out, before)
        self._sample()
        return out

    def run_until(self, tick: int) -> None:
        while self.game.tick < min(tick, self.lesson.duration_s):
            self.step()

    def answer(self, key: str, value) -> tuple[bool, str]:
        """Record an answer to one of the lesson's questions; returns (ok, reason)."""
        q = self.lesson.question(key)
        if q is None:
            known = ", ".join(x.key for x in self.lesson.questions) or "none"
            return False, f"this lesson has no question {key!r} (questions: {known})"
        ok, reason, value = q.accept(value)
        if not ok:
            return False, reason
        self.answers[key] = value
        self.answer_ticks[key] = self.game.tick
        if self.game.tick not in self.heatmaps:
            self.heatmaps[self.game.tick] = self.game.heatmap(buckets=HEATMAP_BUCKETS, span=HEATMAP_SPAN)
        return True, ""

    # ------------------------------------------------------------------ recording
    def _take(self, events, equity_before: int) -> None:
        self.events.extend(events)
        for e in events:
            if isinstance(e, ev.Fill) and e.player == self.trader:
                self._record_fill(e, equity_before)

    def _record_fill(self, e: ev.Fill, equity_before: int) -> None:
        g = self.game
        pos = g.position_view(0, e.contract)
        risk = g.position_risk(self.trader, CONTRACT_NAMES.index(e.contract))
        side_bought = 1 if e.side == "buy" else -1
        # opened from flat or flipped: the position's side is the fill's side and its size is
        # at most the fill (a flip leaves less than the fill, a fresh open exactly the fill)
        opened = pos is not None and (pos.side == "long") == (side_bought > 0) and pos.qty <= e.qty
        if opened:
            self.equity_at_open[e.tick] = equity_before
        self.fills.append(FillRecord(
            tick=e.tick, contract=e.contract, reason=e.reason, side=e.side, qty=e.qty, price=e.price,
            opened=opened, position_side=None if pos is None else pos.side,
            position_qty=0.0 if pos is None else pos.qty, leverage=0 if pos is None else pos.leverage,
            cross=False if pos is None else pos.cross, entry=0.0 if pos is None else pos.entry,
            liquidation_price=None if risk is None else risk["liquidation_price"],
            bankruptcy_price=None if risk is None else risk["bankruptcy_price"],
            margin=0.0 if risk is None else units_to_usd(risk["margin"]),
            equity_before=equity_before, equity_after=g.equity(0)))

    def _sample(self) -> None:
        g = self.game
        pos = g.position_view(0, "perp")
        q = 0.0 if pos is None else (pos.qty if pos.side == "long" else -pos.qty)
        self.samples.append(Sample(g.tick, g.index, g.mark, g.insurance_fund, g.equity(0), q,
                                   False if pos is None else pos.cross, 0 if pos is None else pos.adl_lights))

    # ------------------------------------------------------------------ queries for the checks
    def of_kind(self, cls) -> list:
        return [e for e in self.events if isinstance(e, cls)]

    def player_liquidations(self, partial: bool = False) -> list[ev.Liquidation]:
        return [e for e in self.of_kind(ev.Liquidation) if e.player == self.trader and (partial or not e.partial)]

    def opens(self) -> list[FillRecord]:
        return [f for f in self.fills if f.opened]

    def open_before(self, tick: int, contract: str = "perp") -> FillRecord | None:
        """The fill that opened the position still held at ``tick`` (the last open at or before it)."""
        found = None
        for f in self.fills:
            if f.tick > tick:
                break
            if f.contract == contract and f.opened:
                found = f
        return found

    def sample_at(self, tick: int) -> Sample:
        k = min(max(tick, 0), len(self.samples) - 1)
        return self.samples[k]


def replay(lesson, log: list[dict], answers: dict | None = None, until: int | None = None) -> LessonRun:
    """Run ``lesson`` from a log of actions (dicts with a ``tick``), recording everything.

    Actions are applied at their tick, before that second's step, as ``Game.replay`` does;
    answers are given at the end unless they carry their own tick (see ``answer_entries``).
    """
    run = LessonRun.start(lesson)
    end = lesson.duration_s if until is None else min(until, lesson.duration_s)
    script = ActionScript.from_log(log, keep=("answer",))
    # the lesson run stands in for the game: its apply and step record what the checks read
    Session(run, script, on_entry=lambda d: run.answer(d.get("question"), d.get("value"))).run_to(end)
    for key, value in (answers or {}).items():
        run.answer(key, value)
    return run


def record_from_game(lesson, game: Game, answers: dict | None = None) -> LessonRun:
    """Re-run a bare game's action log under ``lesson`` to recover the full record."""
    run = replay(lesson, list(game.log), answers, until=game.tick)
    if run.game.state_hash() != game.state_hash():
        raise ValueError("this game was not built by the lesson (its replay differs); use Lesson.start()")
    return run
