"""What if? The same market, the same crowd, the player's own actions, one thing changed.

A what-if run is a pure function of (config, scenario, action log, change): the log is
rewritten (another leverage) or answered as it plays (a stop-loss or more margin after
each entry), or the game is built under another rulebook, and it runs through the one
:class:`~liqgame.engine.script.Session` for the whole session.  Its own log - the player's
actions plus the ones the change added - replays to the same state with ``Game.replay``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from . import actions as act
from . import events as ev
from .explain import Explanation, PositionReport
from .game import Game, GameConfig
from .market import CONTRACT_NAMES
from .money import LOTS_PER_BTC, fmt_usd
from .rulebooks import get_rulebook
from .scenarios import Scenario
from .script import ActionScript, Refusal, Session


@dataclass(frozen=True)
class Change:
    """One thing done differently: leverage, a stop-loss distance, added margin, a rulebook."""

    leverage: int | None = None
    stop_pct: float | None = None  # a stop-loss this far (percent of the entry) behind each entry
    add_margin: float | None = None  # USD added to each newly opened isolated position
    rulebook: str | None = None

    def __post_init__(self):
        if self.leverage is not None and (isinstance(self.leverage, bool) or not isinstance(self.leverage, int)
                                          or self.leverage < 1):
            raise ValueError(f"leverage must be a whole number >= 1, got {self.leverage!r}")
        if self.stop_pct is not None and not 0 < self.stop_pct < 100:
            raise ValueError(f"the stop-loss distance must be between 0 and 100 %, got {self.stop_pct!r}")
        if self.add_margin is not None and not self.add_margin > 0:
            raise ValueError(f"added margin must be positive, got {self.add_margin!r}")
        if self.rulebook is not None:
            get_rulebook(self.rulebook)
        if all(v is None for v in (self.leverage, self.stop_pct, self.add_margin, self.rulebook)):
            raise ValueError("a what-if needs one change: leverage, stop-loss, added margin or rulebook")

    def describe(self, config: GameConfig) -> str:
        parts = []
        if self.leverage is not None:
            parts.append(f"at {self.leverage}x")
        if self.stop_pct is not None:
            parts.append(f"with a stop-loss {self.stop_pct:g} % behind each entry")
        if self.add_margin is not None:
            parts.append(f"with {fmt_usd(round(self.add_margin * 10_000))} more margin on each new position")
        if self.rulebook is not None and self.rulebook != config.rulebook:
            parts.append(f"under {self.rulebook} instead of {config.rulebook}")
        return ", ".join(parts)


@dataclass(frozen=True)
class RunResult:
    equity: int
    liquidations: int
    adl_hits: int
    score: int
    explanation: Explanation
    positions: tuple[PositionReport, ...]
    log: tuple[dict, ...]
    refusals: tuple[Refusal, ...]
    state_hash: str
    ticks: int
    notes: tuple[str, ...] = ()  # how the log was adapted (an order cut to another venue's maximum leverage)

    @classmethod
    def of(cls, game: Game, session: Session, adl_hits: int, notes: tuple[str, ...] = ()) -> "RunResult":
        ps = game.players[0]
        return cls(game.equity(0), ps.liquidations, adl_hits, game.score(0), game.explain(0),
                   tuple(game.positions(0)), tuple(game.log), tuple(session.refusals), game.state_hash(), game.tick,
                   notes)

    def to_dict(self) -> dict:
        return {"equity_usd": self.equity / 10_000, "liquidations": self.liquidations, "adl_hits": self.adl_hits,
                "score": self.score, "where_it_went": self.explanation.to_dict(),
                "positions": [p.to_dict() for p in self.positions],
                "refused": [{"tick": r.tick, "action": r.action, "reason": r.reason} for r in self.refusals],
                "state_hash": self.state_hash, "ticks": self.ticks, "notes": list(self.notes)}


@dataclass(frozen=True)
class WhatIf:
    change: Change
    actual: RunResult
    alternative: RunResult
    sentence: str

    def to_dict(self) -> dict:
        return {"change": {k: v for k, v in vars(self.change).items() if v is not None},
                "actual": self.actual.to_dict(), "what_if": self.alternative.to_dict(), "sentence": self.sentence}


def replay_with(config: GameConfig, scenario: Scenario, log, ticks: int, change: Change | None = None) -> RunResult:
    """Play the session's log for ``ticks`` seconds, with ``change`` applied (None: as it happened)."""
    if change is not None and change.rulebook is not None:
        config = replace(config, rulebook=change.rulebook)
    game = Game(config, scenario)
    rewritten = _rewrite(log, change, game.rulebook.max_leverage)
    script = ActionScript.from_log([{k: v for k, v in d.items() if k != "stake_kept_from"} for d in rewritten])
    hits = []
    session = Session(game, script, on_events=lambda es: hits.extend(
        e for e in es if isinstance(e, ev.ADLEvent) and e.player == game.players[0].trader))
    if change is not None and (change.stop_pct is not None or change.add_margin is not None):
        session.follow = _Protect(game, change)
    session.run_to(ticks)
    return RunResult.of(game, session, len(hits), _capped_notes(rewritten, game.rulebook.name,
                                                                 game.rulebook.max_leverage))


def what_if(config: GameConfig, scenario: Scenario, log, ticks: int, change: Change) -> WhatIf:
    actual, alternative = replay_with(config, scenario, log, ticks), replay_with(config, scenario, log, ticks, change)
    return WhatIf(change, actual, alternative, sentence(change, config, actual, alternative))


def _rewrite(log, change: Change | None, max_leverage: int) -> list[dict]:
    """The player's log with the leverage changed, kept within the venue's maximum.

    An order above another rulebook's maximum is placed at the maximum with the same margin (its
    size cut to fit, to the lot): the same stake on the other venue, not a refused order.
    """
    out = []
    for d in log:
        d = dict(d)
        lev = change.leverage if change is not None and change.leverage is not None else d.get("leverage")
        opening = d.get("action") in ("open", "order") and not d.get("reduce_only") \
            and d.get("type", "market") in ("market", "limit")
        if d.get("action") == "leverage" or (opening and lev is not None):
            wanted = lev if lev is not None else 10
            d["leverage"] = min(wanted, max_leverage)
            if opening and wanted > max_leverage and change is not None and change.leverage is None \
                    and isinstance(d.get("qty"), (int, float)):
                was = d["qty"]
                d["qty"] = max(round(was * LOTS_PER_BTC) * max_leverage // wanted, 1) / LOTS_PER_BTC
                d["stake_kept_from"] = (wanted, was)  # said in the what-if's reasons; never played
        out.append(d)
    return out


def _capped_notes(rewritten: list[dict], rulebook: str, max_leverage: int) -> tuple[str, ...]:
    notes = []
    for d in rewritten:
        if "stake_kept_from" in d:
            wanted, was = d["stake_kept_from"]
            notes.append(f"{rulebook} allows at most {max_leverage}x: your {wanted}x order of {was:g} BTC was "
                         f"placed at {max_leverage}x with the same margin ({d['qty']:g} BTC)")
    return tuple(notes)


class _Protect:
    """The follow-up a change adds after each entry: a stop-loss for the whole position, more margin."""

    def __init__(self, game: Game, change: Change):
        self.game, self.change = game, change

    def __call__(self, events: list) -> list[act.Action]:
        g, trader = self.game, self.game.players[0].trader
        out: list[act.Action] = []
        for e in events:
            if not (isinstance(e, ev.Fill) and e.player == trader and e.reason not in ("stop-loss", "take-profit")):
                continue
            c = CONTRACT_NAMES.index(e.contract)
            q = int(g.venue.books[c].qty[trader])
            grew = q != 0 and (q > 0) == (e.side == "buy")
            if not grew:
                continue
            if self.change.add_margin is not None and abs(q) == round(e.qty * 1000) and not g.venue.books[c].cross[trader]:
                out.append(act.AddMargin(amount=self.change.add_margin, contract=e.contract))
            if self.change.stop_pct is not None:
                out += [act.CancelOrder(order_id=o.id) for o in g.desk.orders.values()
                        if o.trader == trader and o.contract == c and o.type == "stop_loss"]
                side = 1 if q > 0 else -1
                entry = float(g.venue.books[c].entry[trader]) / 10
                price = round(entry * (1 - side * self.change.stop_pct / 100), 1)
                out.append(act.PlaceOrder(side="sell" if side > 0 else "buy", type="stop_loss", qty=abs(q) / 1000,
                                          price=price, contract=e.contract))
        return out


def sentence(change: Change, config: GameConfig, actual: RunResult, alt: RunResult) -> str:
    """What changed, what it did, and why, in plain words."""
    what = change.describe(config)
    fate = {0: "would not have been liquidated", 1: "would have been liquidated once"}
    done = {0: "were not liquidated", 1: "were liquidated once"}
    b = fate.get(alt.liquidations, f"would have been liquidated {alt.liquidations} times")
    a = done.get(actual.liquidations, f"were liquidated {actual.liquidations} times")
    diff = alt.equity - actual.equity
    text = (f"Played to the end {what}, you {b} (you {a}) and would have ended with {fmt_usd(alt.equity)} "
            f"instead of {fmt_usd(actual.equity)}" + (f": {fmt_usd(abs(diff))} {'more' if diff > 0 else 'less'}."
                                                       if diff else ": the same."))
    why = _reasons(change, config, actual, alt)
    return text + (" Why: " + "; ".join(why) + "." if why else "")


def _reasons(change: Change, config: GameConfig, actual: RunResult, alt: RunResult) -> list[str]:
    why = list(alt.notes[:1]) + ([f"and {len(alt.notes) - 1} more order(s) like it"] if len(alt.notes) > 1 else [])
    if alt.refusals:
        why.append(f"{len(alt.refusals)} of your actions were refused in this run (first: {alt.refusals[0].reason})")
        if not alt.positions:
            return why + ["so no position was opened at all"]
    survived = alt.liquidations < actual.liquidations
    if change.leverage is not None:
        why.append("at this leverage the same size needs more margin, so the liquidation price is further from "
                   "the entry" if survived else "the liquidation price still came within the market's reach")
        if survived and alt.equity < actual.equity:
            why.append("but the position rode the whole move and lost more than the margin a liquidation takes: "
                       "a lower leverage without a stop only postpones the loss")
    if change.stop_pct is not None:
        stops = sum(1 for p in alt.positions if p.outcome == "stop-loss")
        why.append(f"the stop closed {stops} position(s) at a price you chose, before the liquidation price"
                   if stops else "the stop never fired: the liquidation price was closer to the entry than the stop")
    if change.add_margin is not None:
        why.append("more margin moves the liquidation price away" if survived else
                   "more margin moved the liquidation price, not far enough, and was lost with the rest")
    if change.rulebook is not None and change.rulebook != config.rulebook:
        why.append(f"under {change.rulebook}: {get_rulebook(change.rulebook).summary.split(';')[0].lower()}")
    return why
