"""What a post-mortem shows, gathered from the runner (no Textual here).

A post-mortem is about one position - the one just liquidated, deleveraged, stopped out
or closed at a loss, or the one open (or last) when the player asks - from the fill that
opened it to the one that closed it: its own loss or profit, where each unit went (or came
from), its timeline and its mark path with its own entry, liquidation and bankruptcy
lines.  The whole session's statement is kept beside it.  What-if runs (the same market
and log with one change, to the end of the session) are built here too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ...engine import Change, Explanation, GameConfig, PositionReport, WhatIf, ticks_to_usd, what_if
from ...engine import events as ev
from ...session import scenario_for
from . import fmt
from .chartdata import ChartData, Marker, series_chart
from .wording import Line, lines

PATH_LEAD_S = 60  # the mark path starts a minute before the entry
OUTCOME_WORDS = {"liquidated": "liquidated", "auto-deleveraged": "auto-deleveraged", "stop-loss": "stopped out",
                 "take-profit": "closed by its take-profit", "closed": "closed", "open": "still open",
                 "taken over by the liquidity pool": "taken over by the liquidity pool",
                 "settled at expiry": "settled at expiry"}


@dataclass(frozen=True)
class PositionStory:
    """One position's post-mortem."""

    report: PositionReport
    headline: str
    detail: str  # the engine's own explanation of the liquidation, if there was one
    timeline: tuple[Line, ...]  # what happened, worded as in the feed
    path: ChartData | None
    entry_notional: float = 0.0  # USD, the opening fill's size at its price


@dataclass(frozen=True)
class PostMortem:
    reason: str  # liquidation | adl | close | now
    story: PositionStory | None  # None: no position yet
    stories: tuple[PositionStory, ...]  # every position of the session, oldest first
    session: Explanation
    config: GameConfig
    log: tuple
    tick: int
    duration: int

    @property
    def rulebook(self) -> str:
        return self.config.rulebook


def timeline(events, path_summary: tuple[int, str] | None, trader: int) -> list[Line]:
    """What happened to the position, in order, worded as everywhere else (the first fill is the entry)."""
    rows: list[Line] = []
    entered = False
    for e in events:
        for line in lines(e, trader, detail=True):
            if line.label == "fill":  # the timeline names each fill by what it did to the position
                line, entered = replace(line, label=e.reason if entered else "entry"), True
            rows.append(line)
    if path_summary is not None:
        rows.append(Line(path_summary[0], "mark path", "", ((path_summary[1], ""),)))
    rows.sort(key=lambda r: r.tick)
    return rows


def story(report: PositionReport, events: list, price_history, now: int, trader: int) -> PositionStory:
    """The post-mortem of one position from the player's events and the mark history."""
    end = report.closed if report.closed is not None else now
    mine = [e for e in events if report.opened <= e.tick <= end and getattr(e, "contract", report.contract)
            in (report.contract, None) and not isinstance(e, ev.FundingPaid)]
    lo = max(report.opened - PATH_LEAD_S, 0)
    marks = [ticks_to_usd(m) for _, _, m in price_history[lo: end + 1]]
    markers = []
    entry = next((e for e in mine if isinstance(e, ev.Fill)), None)
    if entry is not None:
        markers.append(Marker("ENTRY", entry.price, "entry"))
    liq = next((e for e in reversed(mine) if isinstance(e, ev.Liquidation)), None)
    if liq is not None:
        markers += [Marker("LIQ", liq.liquidation_price, "liq"), Marker("BKR", liq.bankruptcy_price, "bankrupt")]
        if liq.fill_price is not None:
            markers.append(Marker("FILL", liq.fill_price, "fill"))
    summary, path = None, None
    if len(marks) >= 2:
        first = marks[min(report.opened - lo, len(marks) - 1)]
        move = marks[-1] / first - 1 if first else 0.0
        summary = (end, f"mark {fmt.price(first)} → {fmt.price(marks[-1])} ({move * 100:+.2f} %) in "
                        f"{fmt.clock(end - report.opened)}; low {fmt.price(min(marks))}, high {fmt.price(max(marks))}")
        path = series_chart(marks, markers)
    return PositionStory(report, headline(report, entry), liq.explanation if liq is not None and not liq.partial
                         else "", tuple(timeline(mine, summary, trader)), path,
                         entry.qty * entry.price if entry is not None else 0.0)


def headline(r: PositionReport, entry: ev.Fill | None) -> str:
    size = f"{fmt.btc(entry.qty)} BTC " if entry is not None else ""
    when = f"opened {fmt.clock(r.opened)}"
    if r.closed is not None:
        when += f", {OUTCOME_WORDS.get(r.outcome, r.outcome)} {fmt.clock(r.closed)}"
    result = f"lost {fmt.units(r.loss)}" if r.loss > 0 else f"made {fmt.units(-r.loss)}" if r.loss < 0 else "even"
    return f"Your {size}{r.side} ({r.contract}), {when}: {result}"


def build_postmortem(runner, reason: str = "now", contract: str = "perp") -> PostMortem:
    """Gather the post-mortem under the runner's lock.

    ``reason`` says why: liquidation / adl / close pick the position just closed in
    ``contract``; ``now`` picks the open position, else the last one.
    """
    with runner.ui_lock() as game:
        reports = game.positions(0)
        session = game.explain(0)
        config, log, tick = game.config, tuple(game.log), game.tick
        history = list(game.price_history)
    events = list(runner.player_events)
    stories = tuple(story(r, events, history, tick, runner.trader) for r in reports)
    last = stories[-1] if stories else None
    if reason == "now":
        chosen = next((s for s in reversed(stories) if s.report.closed is None), last)
    else:  # deleveraging may leave part of the position open; a liquidation or close has closed it
        chosen = next((s for s in reversed(stories) if s.report.contract == contract
                       and (reason == "adl" or s.report.closed is not None)), last)
    return PostMortem(reason, chosen, stories, session, config, log, tick, runner.duration)


def run_what_if(data: PostMortem, change: Change) -> WhatIf:
    """The same market and log (as played so far), with ``change``, to the end of the session."""
    return what_if(data.config, scenario_for(data.config.scenario), list(data.log), data.duration, change)


def what_if_choices(data: PostMortem) -> list[tuple[str, str, Change]]:
    """(id, label, change) offered from a post-mortem: lower leverage, a stop, more margin, rulebooks."""
    from ...engine import RULEBOOKS

    used = max((d.get("leverage") or 10 for d in data.log if d.get("action") in ("open", "order")), default=10)
    # a lower leverage is offered only if the wallet could have put up its margin for the largest entry
    largest = max((st.entry_notional for st in data.stories), default=0.0)
    out = [(f"lev{x}", f"{x}x leverage instead of {used}x: same sizes, more margin", Change(leverage=x))
           for x in (2, 5, 10) if x < used and largest / x < data.config.starting_balance]
    out += [(f"stop{x}", f"a stop-loss {x} % behind each entry", Change(stop_pct=x)) for x in (1, 2, 5)]
    out += [(f"margin{x}", f"{fmt.usd(x)} more margin on each new position", Change(add_margin=x))
            for x in (500, 2000)]
    out += [(f"rb-{name}", f"the {rb.title} rulebook", Change(rulebook=name))
            for name, rb in RULEBOOKS.items() if name != data.rulebook]
    return out
