"""The market's tape: what a player (and ``simulate --json``) needs to watch a cascade form.

Every second: liquidated notional by side (USD), the depth on each side of the book (BTC
that would move the price by 1 %) and the perpetual's taker volume (BTC bought and sold).  Every minute: open interest, the funding rate the
next settlement would pay, and the insurance fund.  Prices are in ``Game.price_history``.
A few floats a second: a game day is a few MB.
"""

from __future__ import annotations

from . import events as ev


def liquidated_notional(events) -> tuple[float, float]:
    """(long, short) notional in USD of the positions liquidated in ``events`` (partial cuts included)."""
    long_usd = short_usd = 0.0
    for e in events:
        if isinstance(e, ev.CrowdLiquidations):
            long_usd += e.long_qty * e.price
            short_usd += e.short_qty * e.price
        elif isinstance(e, ev.Liquidation):
            usd = e.qty * (e.fill_price if e.fill_price is not None else e.mark)
            if e.side == "long":
                long_usd += usd
            else:
                short_usd += usd
    return long_usd, short_usd


class Tape:
    def __init__(self, depth_bid: float, depth_ask: float):
        self.liq_long: list[float] = [0.0]  # index = tick
        self.liq_short: list[float] = [0.0]
        self.depth_bid: list[float] = [depth_bid]
        self.depth_ask: list[float] = [depth_ask]
        self.bought: list[float] = [0.0]  # perpetual, BTC taken from the asks / the bids each second
        self.sold: list[float] = [0.0]
        self.minute_close: list[tuple[float, float, float]] = []  # (open interest BTC, funding rate, fund USD)

    def second(self, events, depth_bid: float, depth_ask: float, bought: float = 0.0, sold: float = 0.0) -> None:
        long_usd, short_usd = liquidated_notional(events) if events else (0.0, 0.0)
        self.liq_long.append(long_usd)
        self.liq_short.append(short_usd)
        self.depth_bid.append(depth_bid)
        self.depth_ask.append(depth_ask)
        self.bought.append(bought)
        self.sold.append(sold)

    def minute(self, open_interest_btc: float, funding_rate: float, fund_usd: float) -> None:
        self.minute_close.append((open_interest_btc, funding_rate, fund_usd))
