"""The event feed: fills, funding, margin calls, the crowd's liquidations, ADL, notices.

:func:`feed_lines` turns engine events into one styled line each (the crowd's
liquidations of a whole frame are summed into one line per side, so a cascade at 100x
does not flood the log); :class:`EventFeed` shows them as ``Text`` (never markup, so no
text from the engine or a save file is ever read as markup).
"""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.widget import Widget

from ...engine import events as ev
from ...engine import plural, units_to_usd
from ..views import fmt


def _crowd_lines(batch: list[ev.CrowdLiquidations], pal: dict) -> list[Text]:
    out = []
    for side in ("long", "short"):
        count = sum(getattr(e, f"{side}_count") for e in batch)
        if not count:
            continue
        qty = sum(getattr(e, f"{side}_qty") for e in batch)
        prices = [e.price for e in batch if getattr(e, f"{side}_count")]
        lo, hi = min(prices), max(prices)
        where = fmt.price(lo) if lo == hi else f"{fmt.price(lo)}–{fmt.price(hi)}"
        t = Text(f"{fmt.clock(batch[-1].tick)} ", pal["muted"])
        t.append("CROWD LIQ ", pal["heat_longs"] if side == "long" else pal["heat_shorts"])
        t.append(f"{plural(count, side)}, {qty:,.3f} BTC @ {where}")
        fund = sum(e.fund_change for e in batch if getattr(e, f"{side}_count"))
        if fund:
            t.append(f"  fund {'+' if fund > 0 else ''}{fmt.usd_short(units_to_usd(fund))}", pal["muted"])
        out.append(t)
    return out


def feed_lines(events, trader: int, pal: dict) -> list[Text]:
    """One line per event worth showing (oldest first)."""
    out: list[Text] = []
    crowd: list[ev.CrowdLiquidations] = []
    for e in events:
        if isinstance(e, ev.CrowdLiquidations):
            crowd.append(e)
            continue
        line = _line(e, trader, pal)
        if line is not None:
            out.append(line)
    return out + _crowd_lines(crowd, pal)


def _line(e, trader: int, pal: dict) -> Text | None:
    t = Text(f"{fmt.clock(e.tick)} ", pal["muted"])
    mine = getattr(e, "player", None) == trader
    if isinstance(e, ev.Fill) and mine:
        t.append("FILL ", pal["good"] if e.side == "buy" else pal["bad"])
        t.append(f"{e.side} {fmt.btc(e.qty)} BTC @ {fmt.price(e.price)} ({e.reason}), "
                 f"fee {fmt.units_cents(e.fee)}{' maker' if e.maker else ''}")
        if e.realised is not None:
            t.append(f", realised P&L {fmt.units_cents(e.realised, signed=True)}",
                     pal["good"] if e.realised > 0 else pal["bad"] if e.realised < 0 else "")
    elif isinstance(e, ev.OrderPlaced) and mine:
        t.append("ORDER ", pal["limit"])
        t.append(e.description)
    elif isinstance(e, ev.OrderCancelled) and mine:
        t.append("CANCELLED ", pal["muted"])
        t.append(f"#{e.order_id}: {e.reason}")
    elif isinstance(e, ev.MarginCall) and mine:
        t.append("MARGIN CALL ", pal["bad"])
        t.append(f"ratio {fmt.pct(e.margin_ratio, 1)}, mark {fmt.price(e.mark)}, liq {fmt.price(e.liquidation_price)}")
    elif isinstance(e, ev.Liquidation) and mine:
        t.append("LIQUIDATED " if not e.partial else "PARTIAL LIQUIDATION ", pal["liq"])
        t.append(f"{e.side} {fmt.btc(e.qty)} BTC at mark {fmt.price(e.mark)}; margin lost "
                 f"{fmt.units_cents(e.margin_lost)}")
    elif isinstance(e, ev.ADLEvent):
        if e.player is None:
            t.append("ADL ", pal["warn"])
            t.append(f"{e.count} crowd {e.side}s deleveraged, {fmt.btc(e.qty)} BTC @ {fmt.price(e.price)}")
        elif mine:
            t.append("YOU WERE AUTO-DELEVERAGED ", pal["liq"])
            t.append(f"{e.side} {fmt.btc(e.qty)} BTC closed @ {fmt.price(e.price)}, P&L "
                     f"{fmt.units_cents(e.pnl, signed=True)}")
        else:
            return None
    elif isinstance(e, ev.SocialisedLoss):
        t.append("SOCIALISED LOSS ", pal["warn"])
        if e.amount:
            t.append(f"{fmt.units_cents(e.amount)} charged to open positions ({fmt.usd(e.per_btc)} per BTC)")
        if e.unpaid:
            t.append(f"{'; ' if e.amount else ''}{fmt.units_cents(e.unpaid)} nobody could pay: owed by the "
                     f"bankrupt traders")
    elif isinstance(e, ev.FundingPaid):
        t.append("FUNDING ", pal["warn"])
        paid = e.player_payments.get(trader)
        t.append(f"rate {e.rate * 100:+.4f} % at {fmt.price(e.mark)}")
        if paid:
            t.append(f" — you {'paid' if paid > 0 else 'received'} {fmt.units_cents(abs(paid))}",
                     pal["bad"] if paid > 0 else pal["good"])
    elif isinstance(e, ev.PositionClosed) and mine:
        word = "LOST " if e.loss > 0 else "MADE "
        t.append(word, pal["bad"] if e.loss > 0 else pal["good"])
        t.append(f"{fmt.units_cents(abs(e.loss))} on your {e.side} ({e.outcome}), fees and funding included"
                 + ("  · e: where it went" if e.loss > 0 else ""))
    elif isinstance(e, ev.Settlement):
        t.append("SETTLEMENT ", pal["warn"])
        t.append(f"{e.contract} settled at {fmt.price(e.price)}")
    elif isinstance(e, ev.Notice) and (e.player is None or mine):
        t.append("NOTICE ", pal["warn"])
        t.append(e.text)
    else:
        return None
    return t


class EventFeed(Widget):
    """The newest lines at the bottom, wrapped to the width; the mouse wheel scrolls back.

    A fixed-height widget that only repaints (a ``RichLog`` asks for a new layout of the
    whole screen on every line it adds: too slow at ten frames a second).
    """

    DEFAULT_CSS = "EventFeed { height: 8; }"
    MAX_LINES = 400

    def __init__(self, **kw):
        super().__init__(**kw)
        self.lines: deque[Text] = deque(maxlen=self.MAX_LINES)
        self.back = 0  # lines scrolled back from the newest

    def add(self, lines: list[Text]) -> None:
        if not lines:
            return
        self.lines.extend(lines)
        if self.back:
            self.back = min(self.back + len(lines), len(self.lines) - 1)
        self.refresh()

    def render(self) -> Text:
        width, height = self.size
        if width <= 0 or height <= 0:
            return Text("")
        console = self.app.console
        rows: list[Text] = []
        stop = len(self.lines) - self.back
        for line in reversed(list(self.lines)[max(stop - height, 0): stop]):
            rows[:0] = list(line.wrap(console, width))
            if len(rows) >= height:
                break
        rows = rows[-height:]
        if self.back:
            rows[-1] = Text(f"… {self.back} newer line(s) below: scroll down", "reverse")
        return Text("\n", no_wrap=True).join(rows)

    def on_mouse_scroll_up(self, event) -> None:
        self.back = min(self.back + 1, max(len(self.lines) - 1, 0))
        self.refresh()

    def on_mouse_scroll_down(self, event) -> None:
        self.back = max(self.back - 1, 0)
        self.refresh()
