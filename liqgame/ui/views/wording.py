"""Events in words: the one place that says what an engine event means to the player.

The play screen's feed, the post-mortem's timeline and lessons (which play on the play screen)
all word events through :func:`lines`.  A :class:`Line` is plain data (no Textual, no Rich): a
label, and the sentence as parts, each with a palette role ("" for plain text), so the feed can
colour a realised profit and the timeline a margin call without wording anything again.

>>> from liqgame.engine import events as ev
>>> fill = ev.Fill(tick=5, player=0, contract="perp", side="buy", qty=0.1, price=60_000.0, mark=60_001.0, fee=30_000)
>>> [(x.label, x.text) for x in lines(fill, trader=0)]
[('fill', 'buy 0.100 BTC @ 60,000.0 (order), fee $3.00')]
>>> lines(fill, trader=1)  # another trader's fill is not news to this player
[]
"""

from __future__ import annotations

from dataclasses import dataclass

from ...engine import events as ev
from ...engine import plural, units_to_usd
from . import fmt

Parts = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Line:
    """One event (or one step of it) in words."""

    tick: int
    label: str  # short, lower case: "fill", "margin call", "liquidated" ...
    role: str  # the label's palette role: "good", "bad", "warn", "liq", "muted", "limit", "heat_longs" ...
    parts: Parts  # the sentence, in (text, role) pieces

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.parts)


def _line(e, label: str, role: str, *parts) -> Line:
    return Line(e.tick, label, role, tuple(p if isinstance(p, tuple) else (p, "") for p in parts))


def _signed_role(x: int) -> str:
    return "good" if x > 0 else "bad" if x < 0 else ""


def lines(e, trader: int, *, detail: bool = False) -> list[Line]:
    """What ``e`` says to ``trader`` ([] when it is none of their business).

    ``detail`` is the post-mortem's view: a fill names the mark it was filled against, and a
    liquidation is told step by step (trigger, fill against bankruptcy, margin lost).
    """
    mine = getattr(e, "player", None) == trader
    if isinstance(e, ev.Fill) and mine:
        return [_fill(e, detail)]
    if isinstance(e, ev.OrderPlaced) and mine:
        return [_line(e, "order", "limit", e.description)]
    if isinstance(e, ev.OrderCancelled) and mine:
        return [_line(e, "cancelled", "muted", f"order #{e.order_id}: {e.reason}")]
    if isinstance(e, ev.MarginCall) and mine:
        return [_line(e, "margin call", "bad", f"margin ratio {fmt.pct(e.margin_ratio, 1)}: mark {fmt.price(e.mark)}, "
                                               f"liquidation at {fmt.price(e.liquidation_price)}")]
    if isinstance(e, ev.Liquidation) and mine:
        return _liquidation_steps(e) if detail else [_liquidation(e)]
    if isinstance(e, ev.ADLEvent):
        return _adl(e, mine)
    if isinstance(e, ev.SocialisedLoss):
        return [_socialised(e)]
    if isinstance(e, ev.FundingPaid):
        return [_funding(e, e.player_payments.get(trader))]
    if isinstance(e, ev.PositionClosed) and mine:
        lost = e.loss > 0
        return [_line(e, "lost" if lost else "made", "bad" if lost else "good",
                      f"{fmt.units_cents(abs(e.loss))} on your {e.side} ({e.outcome}), fees and funding included"
                      + ("  · e: where it went" if lost and not detail else ""))]
    if isinstance(e, ev.Settlement):
        return [_line(e, "settlement", "warn", f"{e.contract} settled at {fmt.price(e.price)}")]
    if isinstance(e, ev.Notice) and (e.player is None or mine):
        return [_line(e, "notice", "warn", e.text)]
    return []


def _fill(e: ev.Fill, detail: bool) -> Line:
    at = f"{fmt.price(e.price)} (mark {fmt.price(e.mark)})" if detail else f"{fmt.price(e.price)} ({e.reason})"
    parts: list = [f"{e.side} {fmt.btc(e.qty)} BTC @ {at}, fee {fmt.units_cents(e.fee)}{' maker' if e.maker else ''}"]
    if e.realised is not None:
        parts.append((f", realised P&L {fmt.units_cents(e.realised, signed=True)}", _signed_role(e.realised)))
    return _line(e, "fill", "good" if e.side == "buy" else "bad", *parts)


def _liquidation(e: ev.Liquidation) -> Line:
    return _line(e, "partial liquidation" if e.partial else "liquidated", "liq",
                 f"{e.side} {fmt.btc(e.qty)} BTC at mark {fmt.price(e.mark)}; margin lost "
                 f"{fmt.units_cents(e.margin_lost)}")


def _liquidation_steps(e: ev.Liquidation) -> list[Line]:
    out = [_line(e, "partial liq." if e.partial else "liq. price hit", "bad",
                 (f"mark {fmt.price(e.mark)} reached the liquidation price {fmt.price(e.liquidation_price)}", "bad"))]
    if e.fill_price is not None:
        gap = (e.fill_price - e.bankruptcy_price) * (1 if e.side == "long" else -1)
        out.append(_line(e, "fill vs bankr.", "", f"bankruptcy price {fmt.price(e.bankruptcy_price)}, closed in the "
                                                  f"market at {fmt.price(e.fill_price)}: {abs(gap):,.1f} USD per BTC "
                                                  f"{'better' if gap >= 0 else 'worse'} than bankruptcy"))
    elif not e.partial:
        out.append(_line(e, "bankruptcy", "", f"taken over at the bankruptcy price {fmt.price(e.bankruptcy_price)} "
                                              f"(no market fill)"))
    what = "lost in this cut" if e.partial else "lost with the position (margin, fees, penalty)"
    out.append(_line(e, "margin lost", "bad", (f"{fmt.units(e.margin_lost)} {what}; liquidation fee "
                                               f"{fmt.units(e.fee)}", "bad")))
    return out


def _adl(e: ev.ADLEvent, mine: bool) -> list[Line]:
    if e.player is None:
        return [_line(e, "adl", "warn", f"{plural(e.count, 'crowd ' + e.side)} deleveraged, {fmt.btc(e.qty)} BTC @ "
                                        f"{fmt.price(e.price)}")]
    if not mine:
        return []
    return [_line(e, "auto-deleveraged", "liq",
                  f"your {e.side} {fmt.btc(e.qty)} BTC closed at {fmt.price(e.price)}, a bankrupt trader's "
                  f"bankruptcy price: ", (f"{fmt.units_cents(e.pnl, signed=True)}", _signed_role(e.pnl)),
                  " against the mark")]


def _socialised(e: ev.SocialisedLoss) -> Line:
    said = []
    if e.amount:
        said.append(f"{fmt.units_cents(e.amount)} charged to open positions ({fmt.usd(e.per_btc)} per BTC)")
    if e.unpaid:
        said.append(f"{fmt.units_cents(e.unpaid)} nobody could pay: owed by the bankrupt traders")
    return _line(e, "socialised loss", "warn", "; ".join(said))


def _funding(e: ev.FundingPaid, paid: int | None) -> Line:
    parts: list = [f"rate {e.rate * 100:+.4f} % at {fmt.price(e.mark)}"]
    if paid:
        parts.append((f" — you {'paid' if paid > 0 else 'received'} {fmt.units_cents(abs(paid))}",
                      "bad" if paid > 0 else "good"))
    return _line(e, "funding", "warn", *parts)


def crowd_lines(batch: list[ev.CrowdLiquidations]) -> list[Line]:
    """The crowd's liquidations of a batch of ticks summed into one line per side (a cascade does not flood).

    >>> from liqgame.engine import events as ev
    >>> batch = [ev.CrowdLiquidations(7, 3, 0.5, 0, 0.0, 59_000.0, 0), ev.CrowdLiquidations(8, 2, 0.25, 0, 0.0, 58_900.0, 0)]
    >>> [(x.label, x.text) for x in crowd_lines(batch)]
    [('crowd liq', '5 longs, 0.750 BTC @ 58,900.0–59,000.0')]
    """
    out = []
    for side in ("long", "short"):
        hit = [e for e in batch if getattr(e, f"{side}_count")]
        if not hit:
            continue
        count = sum(getattr(e, f"{side}_count") for e in hit)
        qty = sum(getattr(e, f"{side}_qty") for e in hit)
        lo, hi = min(e.price for e in hit), max(e.price for e in hit)
        where = fmt.price(lo) if lo == hi else f"{fmt.price(lo)}–{fmt.price(hi)}"
        parts: list = [f"{plural(count, side)}, {qty:,.3f} BTC @ {where}"]
        fund = sum(e.fund_change for e in hit)
        if fund:
            parts.append((f"  fund {'+' if fund > 0 else ''}{fmt.usd_short(units_to_usd(fund))}", "muted"))
        out.append(Line(hit[-1].tick, "crowd liq", "heat_longs" if side == "long" else "heat_shorts",
                        tuple(p if isinstance(p, tuple) else (p, "") for p in parts)))
    return out


def feed(events, trader: int) -> list[Line]:
    """A batch of events as the feed tells them: the player's own, the market's, the crowd's summed."""
    out: list[Line] = []
    crowd = []
    for e in events:
        if isinstance(e, ev.CrowdLiquidations):
            crowd.append(e)
        else:
            out += lines(e, trader)
    return out + crowd_lines(crowd)
