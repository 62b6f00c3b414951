"""The book and the tape as text, drawn in the chart's place (g cycles line / candles / book).

The game's book is the price-impact law (:mod:`liqgame.engine.bookview`): asks above, bids
below, each price with the BTC a market order takes before the price gets there.  The tape is
the takers' volume each second, with the last price and whether positions were liquidated in
that second.  Side by side when the area is wide enough, the ladder above the tape when not.
"""

from __future__ import annotations

from itertools import zip_longest

from rich.text import Text

from ...engine import BookView
from . import fmt

LADDER_W = 36


def book_lines(b: BookView | None, width: int, height: int, pal: dict) -> list[Text]:
    """``height`` lines of at most ``width`` cells."""
    if b is None:
        return [Text("waiting for the book…", pal["axis"])]
    side_by_side = width >= LADDER_W + 30
    ladder = _ladder(b, pal, height if side_by_side else max(height - 4, 5))
    tape = _tape(b, pal)
    if side_by_side:
        rows = [Text.assemble(left or Text(" " * LADDER_W), "  ", right or "")
                for left, right in zip_longest(ladder, tape[:height])]
    else:
        rows = ladder + tape[:max(height - len(ladder), 0)]
    return [r[:width] if r.cell_len > width else r for r in rows[:height]]


def _level(price: float, btc: str, note: str, style) -> Text:
    return Text.assemble((fmt.price(price).rjust(12), style), btc.rjust(13), note.rjust(11))


def _ladder(b: BookView, pal: dict, height: int) -> list[Text]:
    n = max(min((height - 3) // 2, len(b.asks)), 1)
    rows = [Text.assemble(("Book".ljust(12), "bold"), "BTC to here".rjust(13), f"{b.spread_bp:.1f} bp".rjust(11))]
    rows += [_level(lv.price, f"{lv.btc:,.3f}", "", pal["bad"]) for lv in reversed(b.asks[:n])]
    rows.append(_level(b.best_ask, "", "best ask", "bold"))
    rows.append(_level(b.best_bid, "", "best bid", "bold"))
    rows += [_level(lv.price, f"{lv.btc:,.3f}", "", pal["good"]) for lv in b.bids[:n]]
    return rows


def _tape(b: BookView, pal: dict) -> list[Text]:
    rows = [Text("Trades: takers each second", "bold")]
    for t in b.trades:
        buy = t.bought_btc >= t.sold_btc
        side = Text(f"{'buy ' if buy else 'sell'} {t.bought_btc if buy else t.sold_btc:8,.3f}",
                    pal["good"] if buy else pal["bad"])
        liq = Text(" liquidations", pal["liq"]) if t.liquidated_usd else Text("")
        rows.append(Text.assemble(f"{fmt.clock(t.tick)} ", side, f" @ {fmt.price(t.last)}", liq))
    if not b.trades:
        rows.append(Text("no trades yet", pal["muted"]))
    return rows
