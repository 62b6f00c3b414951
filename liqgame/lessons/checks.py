"""The goal vocabulary: small named checks, parameterised from the lesson file.

A lesson's ``goal`` is a list of ``{"check": NAME, ...params}``; all must pass.  Each
check reads engine numbers from the :class:`~liqgame.lessons.run.LessonRun` (events,
fills, per-second samples, the ledger's flows) and returns whether it passed, a reason in
plain words, and numbers for the debrief.  Nothing here reads UI text.

Adding a check: write a function ``(run, params, numbers) -> Outcome`` and register it
with :func:`check`, declaring its parameters (validated when lesson files load) and the
number names it provides (so a debrief template naming an unknown number is caught at load).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..engine import events as ev
from ..engine import MAX_LEVERAGE, RESTRICT_LEVERAGE, RULEBOOKS, Change, replay_with, fmt_usd, plural, units_to_usd


@dataclass(frozen=True)
class Param:
    kind: str  # int | number | bool | str | side | margin | leverages | rulebook | rulebooks | question | names
    required: bool = False
    default: object = None
    lo: float | None = None
    hi: float | None = None


@dataclass(frozen=True)
class Outcome:
    passed: bool
    reason: str
    numbers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CheckSpec:
    name: str
    fn: Callable
    params: dict
    provides: Callable[[dict], list]
    doc: str


CHECKS: dict[str, CheckSpec] = {}


def check(name: str, params: dict | None = None, provides=()):
    """Register a check; ``provides`` is a list of number names or a function of the params."""

    def deco(fn):
        prov = provides if callable(provides) else (lambda p, names=tuple(provides): list(names))
        CHECKS[name] = CheckSpec(name, fn, dict(params or {}), prov, (fn.__doc__ or "").strip())
        return fn

    return deco


def run_check(name: str, run, params: dict, numbers: dict) -> Outcome:
    spec = CHECKS[name]
    full = {k: params.get(k, p.default) for k, p in spec.params.items()}
    return spec.fn(run, full, numbers)


# ---------------------------------------------------------------------- helpers
def _usd(units) -> float:
    return units_to_usd(int(units))


def _btc(x: float) -> str:
    return f"{x:g} BTC"


def _in_window(tick: int, p: dict) -> bool:
    lo = p.get("from_tick")
    hi = p.get("to_tick")
    return (lo is None or tick >= lo) and (hi is None or tick <= hi)


def _pos_of(run, liq: ev.Liquidation):
    """The fill that opened the position a liquidation closed."""
    return run.open_before(liq.tick, liq.contract)


def _worse(side: str, fill: float, bankruptcy: float) -> bool:
    """A long is sold: a fill below its bankruptcy price is worse; a short is bought: above is worse."""
    return fill < bankruptcy if side == "long" else fill > bankruptcy


# ---------------------------------------------------------------------- positions
@check("opened_leverages",
       {"leverages": Param("leverages", required=True), "side": Param("side"), "same_qty": Param("bool", default=True)},
       provides=lambda p: ["leverage_table"] + [f"{k}_{lev}x" for lev in p.get("leverages", [])
                                                for k in ("entry", "liq", "bankrupt", "dist", "margin")])
def opened_leverages(run, p, numbers):
    """Positions opened at each of the given leverages (same size, same side)."""
    found = {}
    for f in run.opens():
        if p["side"] and f.position_side != p["side"]:
            continue
        if f.leverage in p["leverages"] and f.leverage not in found:
            found[f.leverage] = f
    out = {}
    rows = []
    for lev in p["leverages"]:
        f = found.get(lev)
        if f is None:
            continue
        sign = 1 if f.position_side == "long" else -1
        dist = sign * (f.entry - f.liquidation_price) / f.entry * 100 if f.entry else 0.0
        out.update({f"entry_{lev}x": f.entry, f"liq_{lev}x": f.liquidation_price,
                    f"bankrupt_{lev}x": f.bankruptcy_price, f"dist_{lev}x": dist, f"margin_{lev}x": f.margin})
        rows.append(f"  {lev:>4}x  entry {f.entry:>10,.1f}  liquidation {f.liquidation_price:>10,.1f}  "
                    f"({dist:5.2f} % away)  margin {f.margin:>10,.2f} USD")
    out["leverage_table"] = "\n".join(rows) or "  (no positions opened)"
    missing = [lev for lev in p["leverages"] if lev not in found]
    side = p["side"] or "position"
    if missing:
        have = ", ".join(f"{lev}x" for lev in sorted(found)) or "none"
        return Outcome(False, f"open a {side} at {', '.join(f'{m}x' for m in missing)} "
                              f"(opened so far at the leverages asked: {have})", out)
    sizes = {found[lev].qty for lev in p["leverages"]}
    if p["same_qty"] and len(sizes) > 1:
        return Outcome(False, "use the same size each time so only the leverage differs (sizes were "
                              + ", ".join(_btc(found[lev].qty) for lev in p["leverages"]) + ")", out)
    return Outcome(True, f"opened the {side} at " + ", ".join(f"{lev}x" for lev in p["leverages"]), out)


@check("opened",
       {"side": Param("side"), "leverage_at_least": Param("int", lo=1, hi=MAX_LEVERAGE),
        "leverage_at_most": Param("int", lo=1, hi=MAX_LEVERAGE), "margin": Param("margin"),
        "min_qty": Param("number", lo=0), "contract": Param("str", default="perp"),
        "from_tick": Param("int", lo=0), "to_tick": Param("int", lo=0)},
       provides=("opened_tick", "opened_leverage", "opened_qty", "opened_entry", "opened_liq", "opened_margin"))
def opened(run, p, numbers):
    """A position opened with the given side / leverage range / margin mode."""
    for f in run.opens():
        if f.contract != p["contract"] or not _in_window(f.tick, p):
            continue
        if p["side"] and f.position_side != p["side"]:
            continue
        if p["leverage_at_least"] and f.leverage < p["leverage_at_least"]:
            continue
        if p["leverage_at_most"] and f.leverage > p["leverage_at_most"]:
            continue
        if p["margin"] and f.cross != (p["margin"] == "cross"):
            continue
        if p["min_qty"] and f.position_qty < p["min_qty"]:
            continue
        return Outcome(True, f"opened a {f.leverage}x {f.position_side} of {_btc(f.position_qty)}",
                       {"opened_tick": f.tick, "opened_leverage": f.leverage, "opened_qty": f.position_qty,
                        "opened_entry": f.entry, "opened_liq": f.liquidation_price, "opened_margin": f.margin})
    want = " ".join(x for x in (
        p["margin"] or "", p["side"] or "position",
        f"at {p['leverage_at_least']}x or more" if p["leverage_at_least"] else "",
        f"at {p['leverage_at_most']}x or less" if p["leverage_at_most"] else "",
        f"of at least {_btc(p['min_qty'])}" if p["min_qty"] else "",
        f"on the {p['contract']}" if p["contract"] != "perp" else "") if x)
    when = ""
    if p["from_tick"] is not None or p["to_tick"] is not None:
        when = f" between second {p['from_tick'] or 0} and {p['to_tick'] if p['to_tick'] is not None else 'the end'}"
    return Outcome(False, f"you did not open a {want}{when}")


@check("held_position",
       {"side": Param("side", required=True), "min_seconds": Param("int", required=True, lo=1),
        "from_tick": Param("int", lo=0), "to_tick": Param("int", lo=0)},
       provides=("held_seconds",))
def held_position(run, p, numbers):
    """Held a position of the given side for at least ``min_seconds`` (inside the window)."""
    sign = 1 if p["side"] == "long" else -1
    held = sum(1 for s in run.samples[1:] if _in_window(s.tick, p) and s.qty * sign > 0)
    if held >= p["min_seconds"]:
        return Outcome(True, f"held a {p['side']} for {held} s", {"held_seconds": held})
    return Outcome(False, f"hold a {p['side']} for at least {p['min_seconds']} s "
                          f"(you held one for {held} s)", {"held_seconds": held})


# ---------------------------------------------------------------------- liquidation
LIQ_NUMBERS = ("liq_count", "liq_tick", "liq_side", "liq_qty", "liq_leverage", "liq_entry", "liq_mark",
               "liq_trigger", "liq_bankruptcy", "liq_fill", "liq_lost_usd", "liq_fee_usd", "liq_move_pct",
               "liq_explanation", "liq_position_loss_usd", "liq_left_usd")
# what a liquidation itself takes: the fee and the margin left at that moment (the rest of the loss was paid
# second by second, as trading profit and loss, before it)
TAKEN_AT_LIQUIDATION = ("liquidation fee", "margin taken over at bankruptcy", "pool take-over")


_NO_REPORT = type("NoReport", (), {"flows": ()})()


def _liq_numbers(run, liq: ev.Liquidation, count: int) -> dict:
    f = _pos_of(run, liq)
    entry = f.entry if f else 0.0
    sign = 1 if liq.side == "long" else -1
    return {"liq_count": count, "liq_tick": liq.tick, "liq_side": liq.side, "liq_qty": liq.qty,
            "liq_leverage": f.leverage if f else 0, "liq_entry": entry, "liq_mark": liq.mark,
            "liq_trigger": liq.liquidation_price, "liq_bankruptcy": liq.bankruptcy_price,
            "liq_fill": liq.fill_price if liq.fill_price is not None else "— (taken over)",
            "liq_lost_usd": _usd(liq.margin_lost), "liq_fee_usd": _usd(liq.fee),
            "liq_move_pct": sign * (entry - liq.mark) / entry * 100 if entry else 0.0,
            "liq_explanation": liq.explanation,
            "liq_position_loss_usd": _usd(f.equity_before - run.sample_at(liq.tick).equity) if f else 0.0,
            "liq_left_usd": _usd(sum(x.amount for x in _report_of(run, liq).flows if x.cause in TAKEN_AT_LIQUIDATION))}


def _report_of(run, liq: ev.Liquidation):
    """The post-mortem of the position a liquidation closed."""
    return next((r for r in run.game.positions(0) if r.closed == liq.tick and r.contract == liq.contract),
                None) or _NO_REPORT


@check("liquidated",
       {"min_count": Param("int", default=1, lo=1), "side": Param("side"), "leverage_at_least": Param("int", lo=1),
        "margin": Param("margin"), "from_tick": Param("int", lo=0), "to_tick": Param("int", lo=0)},
       provides=LIQ_NUMBERS)
def liquidated(run, p, numbers):
    """The player's position was liquidated (fully) at least ``min_count`` times."""
    match = []
    for liq in run.player_liquidations():
        f = _pos_of(run, liq)
        if not _in_window(liq.tick, p) or (p["side"] and liq.side != p["side"]):
            continue
        if p["leverage_at_least"] and (f is None or f.leverage < p["leverage_at_least"]):
            continue
        if p["margin"] and (f is None or f.cross != (p["margin"] == "cross")):
            continue
        match.append(liq)
    what = " ".join(x for x in (p["margin"] or "", p["side"] or "position",
                                f"at {p['leverage_at_least']}x or more" if p["leverage_at_least"] else "") if x)
    if len(match) >= p["min_count"]:
        times = "" if p["min_count"] == 1 else f" {len(match)} times"
        return Outcome(True, f"your {what} was liquidated{times}", _liq_numbers(run, match[0], len(match)))
    others = len(run.player_liquidations())
    extra = f" ({plural(others, 'other liquidation')} did not match)" if others > len(match) else ""
    need = "" if p["min_count"] == 1 else f" {p['min_count']} times (so far {len(match)})"
    return Outcome(False, f"your {what} was not liquidated{need}{extra}")


@check("survived", {"from_tick": Param("int", default=0, lo=0), "to_tick": Param("int", lo=0)},
       provides=("survived_from",))
def survived(run, p, numbers):
    """No liquidation of the player inside the window (default: the whole lesson)."""
    bad = [liq for liq in run.player_liquidations() if _in_window(liq.tick, p)]
    if not bad:
        return Outcome(True, "no liquidation" + (f" after second {p['from_tick']}" if p["from_tick"] else ""),
                       {"survived_from": p["from_tick"]})
    liq = bad[0]
    return Outcome(False, f"you were liquidated at second {liq.tick} (mark {liq.mark:,.1f}, your {liq.side} "
                          f"lost {fmt_usd(liq.margin_lost)})", {"survived_from": p["from_tick"]})


@check("profit_at_least", {"usd": Param("number", required=True)}, provides=())
def profit_at_least(run, p, numbers):
    """Equity at the end minus the starting balance is at least ``usd``."""
    pnl = numbers["pnl_usd"]
    if pnl >= p["usd"]:
        return Outcome(True, f"ended {pnl:+,.2f} USD")
    return Outcome(False, f"end at least {p['usd']:+,.2f} USD up (you ended {pnl:+,.2f} USD)")


@check("kept_at_least", {"fraction": Param("number", required=True, lo=0, hi=10)}, provides=())
def kept_at_least(run, p, numbers):
    """Equity at the end is at least ``fraction`` of the starting balance."""
    kept = numbers["equity_usd"] / numbers["start_usd"]
    if kept >= p["fraction"]:
        return Outcome(True, f"kept {kept:.0%} of your balance")
    return Outcome(False, f"keep at least {p['fraction']:.0%} of your balance (you kept {kept:.0%})")


# ---------------------------------------------------------------------- where the money went
def _category_amount(run, category: str) -> int:
    ex = run.game.explain(0)
    return sum(v for k, v in ex.by_category if k == category)


@check("received_from_category", {"category": Param("str", required=True), "min_usd": Param("number", default=0.01)},
       provides=("received_usd",))
def received_from_category(run, p, numbers):
    """Money came in from this category of the post-mortem (e.g. "losing traders": the crowd)."""
    got = -_usd(_category_amount(run, p["category"]))
    if got >= p["min_usd"]:
        return Outcome(True, f"{got:,.2f} USD came from {p['category']}", {"received_usd": got})
    return Outcome(False, f"at least {p['min_usd']:,.2f} USD must come to you from {p['category']} "
                          f"(net {got:,.2f} USD did)", {"received_usd": got})


@check("paid_to_category", {"category": Param("str", required=True), "min_usd": Param("number", default=0.01)},
       provides=("paid_usd",))
def paid_to_category(run, p, numbers):
    """Money went out to this category of the post-mortem (e.g. "insurance fund")."""
    paid = _usd(_category_amount(run, p["category"]))
    if paid >= p["min_usd"]:
        return Outcome(True, f"{paid:,.2f} USD went to {p['category']}", {"paid_usd": paid})
    return Outcome(False, f"at least {p['min_usd']:,.2f} USD must go to {p['category']} (net {paid:,.2f} USD did)",
                   {"paid_usd": paid})


# ---------------------------------------------------------------------- insurance fund
def _fund_numbers(run, liq: ev.Liquidation, prefix: str) -> dict:
    """What the fund paid or kept on one of your liquidations, and the two parts that make it.

    Your own statement shows only the part that passed through your account (the margin it took
    over, the fee, or the payout that made your account whole at the mark); the fund's own sale
    in the market, between the mark and the fill, shows in the fund's books.  Both are given, so
    a debrief never shows two different figures for "what the fund paid" without the reason.
    """
    flows = [f.amount for f in _report_of(run, liq).flows if f.category == "insurance fund"]
    from_you, to_you = _usd(sum(a for a in flows if a > 0)), _usd(-sum(a for a in flows if a < 0))
    sale = (liq.mark - liq.fill_price) * liq.qty * (1 if liq.side == "long" else -1)  # the fund's sale vs the mark
    net = from_you - to_you - sale  # what the fund kept (negative: what it paid)
    return {f"{prefix}_tick": liq.tick, f"{prefix}_qty": liq.qty, f"{prefix}_fill": liq.fill_price,
            f"{prefix}_bankruptcy": liq.bankruptcy_price, f"{prefix}_mark": liq.mark,
            f"{prefix}_usd": -net if prefix == "gap" else net, f"{prefix}_to_you_usd": to_you,
            f"{prefix}_from_you_usd": from_you, f"{prefix}_sale_usd": sale,
            f"{prefix}_fund_before": _usd(run.sample_at(liq.tick - 1).fund),
            f"{prefix}_fund_after": _usd(run.sample_at(liq.tick).fund)}


def _fund_provides(prefix):
    return [f"{prefix}_{k}" for k in ("tick", "qty", "fill", "bankruptcy", "mark", "usd", "to_you_usd", "from_you_usd",
                                      "sale_usd", "fund_before", "fund_after")]


def _fund_outcome(run, p, prefix: str, worse: bool) -> Outcome:
    """The first of your liquidations whose fill was worse (the fund paid) or better (it gained) than bankruptcy."""
    said = ("beyond its bankruptcy price", "the fund paid") if worse else ("better than its bankruptcy price",
                                                                          "the fund grew by")
    for liq in run.player_liquidations():
        if liq.fill_price is None or liq.fill_price == liq.bankruptcy_price \
                or _worse(liq.side, liq.fill_price, liq.bankruptcy_price) != worse:
            continue
        n = _fund_numbers(run, liq, prefix)
        if n[f"{prefix}_usd"] >= p["min_usd"]:
            return Outcome(True, f"your {liq.side} filled at {liq.fill_price:,.1f}, {said[0]} "
                                 f"{liq.bankruptcy_price:,.1f}: {said[1]} {n[f'{prefix}_usd']:,.2f} USD", n)
    return Outcome(False, "none of your liquidations filled " + (
        "worse than its bankruptcy price (a big position caught in a fast drop does)" if worse else
        "better than its bankruptcy price (a small position in a slow market does)"))


@check("fund_paid_gap", {"min_usd": Param("number", default=0.0, lo=0)}, provides=_fund_provides("gap"))
def fund_paid_gap(run, p, numbers):
    """One of your liquidations filled worse than its bankruptcy price: the backstop paid the gap."""
    return _fund_outcome(run, p, "gap", worse=True)


@check("fund_gained", {"min_usd": Param("number", default=0.0, lo=0)}, provides=_fund_provides("gain"))
def fund_gained(run, p, numbers):
    """One of your liquidations filled better than its bankruptcy price: the fund kept the difference."""
    return _fund_outcome(run, p, "gain", worse=False)


# ---------------------------------------------------------------------- ADL
@check("adl_hit", {}, provides=("adl_tick", "adl_qty", "adl_price", "adl_mark", "adl_given_up_usd",
                                 "adl_lights_before", "adl_lights_max", "adl_side", "adl_missed_usd"))
def adl_hit(run, p, numbers):
    """Your position was auto-deleveraged (closed at a bankrupt trader's bankruptcy price)."""
    mine = [e for e in run.of_kind(ev.ADLEvent) if e.player == run.trader]
    lights = max((s.adl_lights for s in run.samples), default=0)
    if not mine:
        return Outcome(False, f"your position was never auto-deleveraged (your ADL lights reached {lights} of 5)",
                       {"adl_lights_max": lights})
    e = mine[0]
    mark = run.sample_at(e.tick - 1).mark
    end = run.samples[-1].mark
    missed = e.qty * ((e.price - end) if e.side == "short" else (end - e.price))
    # the event names the deleveraged side (yours) and the bankrupt side's bankruptcy price; ``pnl`` is
    # the share of the bankrupt margin you received (negative: paid), i.e. the cost of closing there
    return Outcome(True, f"{_btc(e.qty)} of your {e.side} was deleveraged at {e.price:,.1f}",
                   {"adl_tick": e.tick, "adl_qty": e.qty, "adl_price": e.price, "adl_mark": mark,
                    "adl_given_up_usd": -_usd(e.pnl), "adl_lights_before": run.sample_at(e.tick - 1).adl_lights,
                    "adl_lights_max": lights, "adl_side": e.side, "adl_missed_usd": missed})


@check("adl_lights_reached", {"min_lights": Param("int", default=5, lo=1, hi=5)}, provides=("adl_lights_max",))
def adl_lights_reached(run, p, numbers):
    """Your ADL indicator reached at least ``min_lights`` of 5 while you held a position."""
    lights = max((s.adl_lights for s in run.samples), default=0)
    if lights >= p["min_lights"]:
        return Outcome(True, f"your ADL lights reached {lights}/5", {"adl_lights_max": lights})
    return Outcome(False, f"your ADL lights only reached {lights}/5 (need {p['min_lights']})",
                   {"adl_lights_max": lights})


# ---------------------------------------------------------------------- stop-loss
@check("stop_loss_filled", {"from_tick": Param("int", lo=0), "to_tick": Param("int", lo=0)},
       provides=("stop_tick", "stop_price", "stop_qty", "stop_mark", "stop_loss_usd", "stop_loss_pct",
                 "stop_equity_before"))
def stop_loss_filled(run, p, numbers):
    """A stop-loss order of yours triggered and closed the position."""
    for f in run.fills:
        if f.reason != "stop-loss" or not _in_window(f.tick, p):
            continue
        opened_at = run.open_before(f.tick, f.contract)
        before = opened_at.equity_before if opened_at else f.equity_before
        lost = before - f.equity_after
        return Outcome(True, f"your stop-loss sold {_btc(f.qty)} at {f.price:,.1f}",
                       {"stop_tick": f.tick, "stop_price": f.price, "stop_qty": f.qty,
                        "stop_mark": run.sample_at(f.tick).mark, "stop_loss_usd": _usd(lost),
                        "stop_loss_pct": 100.0 * lost / before if before else 0.0,
                        "stop_equity_before": _usd(before)})
    placed = any(a.get("type") == "stop_loss" and ok for _, a, ok, _ in run.actions)
    if placed:
        return Outcome(False, "your stop-loss never triggered (was the position still open when the price "
                              "reached it? did you cancel it?)")
    return Outcome(False, "no stop-loss was placed: after opening, place a stop-loss order below the entry")


# ---------------------------------------------------------------------- funding
@check("funding_paid_at_least", {"usd": Param("number", required=True)},
       provides=("funding_rate_avg_pct", "funding_table"))
def funding_paid_at_least(run, p, numbers):
    """Net funding you paid (positive) is at least ``usd``."""
    rows, rates = [], []
    for e in run.of_kind(ev.FundingPaid):
        rates.append(e.rate)
        paid = e.player_payments.get(run.trader, 0)
        rows.append(f"  second {e.tick:>5}  rate {e.rate * 100:+.4f} %  mark {e.mark:>10,.1f}  "
                    f"you {'paid' if paid >= 0 else 'received'} {fmt_usd(abs(paid))}")
    n = {"funding_rate_avg_pct": 100.0 * float(np.mean(rates)) if rates else 0.0,
         "funding_table": "\n".join(rows) or "  (no funding settlement)"}
    paid = numbers["funding_paid_usd"]
    if paid >= p["usd"]:
        return Outcome(True, f"you paid {paid:,.2f} USD of funding", n)
    return Outcome(False, f"you paid {paid:,.2f} USD of funding; the lesson wants at least {p['usd']:,.2f} "
                          f"(hold the crowded side through the settlements)", n)


# ---------------------------------------------------------------------- margin modes
def _liq_loss(run, liq: ev.Liquidation) -> tuple[int, int, object]:
    f = _pos_of(run, liq)
    before = run.equity_at_open.get(f.tick, f.equity_before) if f else run.sample_at(liq.tick - 1).equity
    after = run.sample_at(liq.tick).equity
    return before, after, f


@check("cross_wiped_account", {"min_fraction": Param("number", default=0.9, lo=0, hi=1)},
       provides=("cross_equity_before", "cross_equity_after", "cross_lost_usd", "cross_lost_pct", "cross_tick"))
def cross_wiped_account(run, p, numbers):
    """A cross-margin liquidation took at least ``min_fraction`` of the account."""
    best = None
    for liq in run.player_liquidations():
        before, after, f = _liq_loss(run, liq)
        if f is None or not f.cross or before <= 0:
            continue
        frac = (before - after) / before
        n = {"cross_equity_before": _usd(before), "cross_equity_after": _usd(after),
             "cross_lost_usd": _usd(before - after), "cross_lost_pct": 100 * frac, "cross_tick": liq.tick}
        if frac >= p["min_fraction"]:
            return Outcome(True, f"the cross liquidation took {frac:.0%} of your account", n)
        best = n
    if best:
        return Outcome(False, f"your cross position was liquidated but took only {best['cross_lost_pct']:.0f} % "
                              f"of the account (use a bigger size on cross)", best)
    return Outcome(False, "no cross-margin position of yours was liquidated (switch the margin mode to cross "
                          "while flat, then open)")


@check("isolated_loss_limited", {"max_fraction": Param("number", default=0.5, lo=0, hi=1)},
       provides=("iso_equity_before", "iso_equity_after", "iso_lost_usd", "iso_lost_pct", "iso_margin", "iso_tick"))
def isolated_loss_limited(run, p, numbers):
    """An isolated liquidation took at most ``max_fraction`` of the account: only the position's margin."""
    worst = None
    for liq in run.player_liquidations():
        before, after, f = _liq_loss(run, liq)
        if f is None or f.cross or before <= 0:
            continue
        frac = (before - after) / before
        n = {"iso_equity_before": _usd(before), "iso_equity_after": _usd(after), "iso_lost_usd": _usd(before - after),
             "iso_lost_pct": 100 * frac, "iso_margin": f.margin, "iso_tick": liq.tick}
        if frac <= p["max_fraction"]:
            return Outcome(True, f"the isolated liquidation took {frac:.0%} of your account", n)
        worst = n
    if worst:
        return Outcome(False, f"your isolated position was liquidated but took {worst['iso_lost_pct']:.0f} % of the "
                              f"account (use a smaller margin)", worst)
    return Outcome(False, "no isolated position of yours was liquidated")


# ---------------------------------------------------------------------- crowd
def _heat_peak(hm, side: str) -> tuple[float, float]:
    """Centre price and notional (USD) of the densest bucket of one side's liquidation prices."""
    w = hm.longs if side == "long" else hm.shorts
    k = int(np.argmax(w))
    return float((hm.edges[k] + hm.edges[k + 1]) / 2), float(w[k])


def heatmap_text(hm, side: str, rows: int = 12) -> str:
    """A small text heatmap: the densest price buckets of one side, as bars."""
    w = hm.longs if side == "long" else hm.shorts
    if w.max() <= 0:
        return "  (no liquidation prices in range)"
    top = sorted(np.argsort(-w)[:rows], key=lambda k: -hm.edges[k])
    scale = 30 / w.max()
    return "\n".join(f"  {(hm.edges[k] + hm.edges[k + 1]) / 2:>10,.0f}  {'#' * max(int(w[k] * scale), 1):<30} "
                     f"{w[k] / 1e6:6.2f} M USD" for k in top)


@check("mass_liquidations",
       {"side": Param("side", required=True), "min_count": Param("int", default=20, lo=1),
        "window_s": Param("int", default=15, lo=1)},
       provides=("mass_count", "mass_btc", "cascade_price", "cascade_tick", "cascade_btc", "cascade_window_s",
                 "heatmap_peak_price",
                 "heatmap_peak_musd", "heatmap_answer_price", "heatmap_text"))
def mass_liquidations(run, p, numbers):
    """The crowd on one side was liquidated en masse; finds where the cascade ran fastest."""
    long_side = p["side"] == "long"
    per_tick = np.zeros(run.lesson.duration_s + 2)
    count = 0
    for e in run.of_kind(ev.CrowdLiquidations):
        q = e.long_qty if long_side else e.short_qty
        count += e.long_count if long_side else e.short_count
        per_tick[min(e.tick, len(per_tick) - 1)] += q
    w = p["window_s"]
    rolling = np.convolve(per_tick, np.ones(w), mode="full")[:len(per_tick)]
    end = int(np.argmax(rolling))
    start = max(end - w + 1, 0)
    peak = start + int(np.argmax(per_tick[start:end + 1]))
    hm0 = run.heatmaps[0]
    price0, musd0 = _heat_peak(hm0, p["side"])
    later = max(run.heatmaps)
    n = {"mass_count": count, "mass_btc": float(per_tick.sum()), "cascade_tick": peak,
         "cascade_price": run.sample_at(peak).mark, "cascade_btc": float(rolling[end]), "cascade_window_s": w,
         "heatmap_peak_price": price0, "heatmap_peak_musd": musd0 / 1e6,
         "heatmap_answer_price": _heat_peak(run.heatmaps[later], p["side"])[0],
         "heatmap_text": heatmap_text(hm0, p["side"])}
    if count >= p["min_count"]:
        return Outcome(True, f"{count} crowd {p['side']}s were liquidated ({n['mass_btc']:,.1f} BTC)", n)
    return Outcome(False, f"only {count} crowd {p['side']}s were liquidated (the lesson expects {p['min_count']})", n)


# ---------------------------------------------------------------------- answers
@check("answered",
       {"question": Param("question", required=True), "expect": Param("any"), "expect_from": Param("names"),
        "tolerance_pct": Param("number", default=1.0, lo=0, hi=100)},
       provides=lambda p: [f"answer_{p.get('question')}", f"expected_{p.get('question')}"])
def answered(run, p, numbers):
    """The player's answer to a question: a fixed right answer, or one read from the run's numbers."""
    key = p["question"]
    q = run.lesson.question(key)
    out = {f"answer_{key}": run.answers.get(key, "—")}
    if p["expect"] is not None:
        expected = [p["expect"]]
    else:
        names = p["expect_from"] if isinstance(p["expect_from"], list) else [p["expect_from"]]
        expected = [numbers[n] for n in names if n in numbers]
    out[f"expected_{key}"] = " or ".join(f"{x:,.1f}" if isinstance(x, float) else str(x) for x in expected)
    if key not in run.answers:
        return Outcome(False, f"answer the question: {q.prompt}", out)
    a = run.answers[key]
    for x in expected:
        if q.kind == "price" and isinstance(x, (int, float)):
            if abs(a - x) <= abs(x) * p["tolerance_pct"] / 100:
                return Outcome(True, f"you answered {a:,.1f} (right: {out[f'expected_{key}']})", out)
        elif str(a).lower() == str(x).lower():
            return Outcome(True, f"you answered {a!r}, right", out)
    shown = f"{a:,.1f}" if isinstance(a, float) else repr(a)
    return Outcome(False, f"your answer {shown} to {q.prompt!r} is not right", out)


# ---------------------------------------------------------------------- rulebooks
@check("compare_rulebooks",
       {"rulebooks": Param("rulebooks", default=list(RULEBOOKS)), "owes": Param("rulebook", required=True)},
       provides=lambda p: ["rulebook_table", "owes_usd"] + [f"equity_{r.replace('-', '_')}"
                                                            for r in p.get("rulebooks") or RULEBOOKS])
def compare_rulebooks(run, p, numbers):
    """Replays your actions under each rulebook (as the post-mortem's what-if does): only ``owes`` may leave
    you with a negative balance."""
    g = run.game
    rows, equity, n = [], {}, {}
    for rb in p["rulebooks"]:
        other = replay_with(g.config, g.scenario, list(g.log), g.tick, None if rb == g.rulebook.name
                            else Change(rulebook=rb))
        eq = other.equity
        equity[rb] = eq
        n[f"equity_{rb.replace('-', '_')}"] = _usd(eq)
        ex = other.explanation
        lost = ", ".join(f"{k} {fmt_usd(v)}" for k, v in ex.by_category if v > 0) or "nobody"
        covered = ", ".join(f"{k} {fmt_usd(-v)}" for k, v in ex.by_category if v < 0)
        cut = [f for f in other.positions[:1] if other.notes]  # the order placed at this venue's maximum
        size = f" ({RULEBOOKS[rb].max_leverage}x max: a smaller position, the same margin)" if cut else ""
        rows.append(f"  {rb:<16} balance {fmt_usd(eq):>12}{size}   paid to: {lost}"
                    + (f"; paid by: {covered}" if covered else ""))
    n["rulebook_table"] = "\n".join(rows)
    n["owes_usd"] = _usd(-min(equity[p["owes"]], 0))
    negative = [rb for rb, e in equity.items() if e < 0]
    if negative == [p["owes"]]:
        return Outcome(True, f"only {p['owes']} left you owing money ({fmt_usd(-equity[p['owes']])})", n)
    if not negative:
        return Outcome(False, "no rulebook left you owing money: your liquidation must fill beyond its bankruptcy "
                              "price (a big position caught in the gap)", n)
    return Outcome(False, f"these rulebooks left you owing money: {', '.join(negative)}", n)


# ---------------------------------------------------------------------- account
@check("account_restricted", {}, provides=("restricted_after", "restricted_cap", "restricted_tick"))
def account_restricted(run, p, numbers):
    """The venue restricted your account after repeated liquidations."""
    ps = run.game.players[0]
    liqs = run.player_liquidations()
    if ps.restricted_until < 0:
        return Outcome(False, f"your account was not restricted ({plural(len(liqs), 'liquidation')} so far)")
    from ..engine import RESTRICT_AFTER

    tick = liqs[RESTRICT_AFTER - 1].tick if len(liqs) >= RESTRICT_AFTER else ps.restricted_until
    return Outcome(True, f"restricted to {RESTRICT_LEVERAGE}x after {RESTRICT_AFTER} liquidations",
                   {"restricted_after": RESTRICT_AFTER, "restricted_cap": RESTRICT_LEVERAGE,
                    "restricted_tick": tick})
