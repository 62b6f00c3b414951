"""The per-minute timeline of a run (``liqgame simulate --json``): watch a cascade form.

One row per game minute: the mark's open, high, low and close (USD), the notional of long and
short positions liquidated in it (USD), and at its close the open interest (BTC), the depth
on each side of the book (BTC that would move the price by 1 %; the thinnest it was in the
minute), the funding rate the next settlement would pay and the insurance fund (USD).
A run that ends inside a minute gets a last, shorter row.
"""

from __future__ import annotations

import numpy as np

from .engine import TICKS_PER_USD


def timeline(game) -> list[dict]:
    tape = game.tape
    marks = np.fromiter((p[2] for p in game.price_history), dtype=np.float64) / TICKS_PER_USD
    liq_long, liq_short = np.asarray(tape.liq_long), np.asarray(tape.liq_short)
    bid, ask = np.asarray(tape.depth_bid), np.asarray(tape.depth_ask)
    closes = list(tape.minute_close)
    if game.tick % 60:
        closes.append(game.minute_close())
    rows = []
    for k, (oi, rate, fund) in enumerate(closes):
        lo, hi = 60 * k, min(60 * (k + 1), game.tick)
        bar = marks[lo:hi + 1]
        rows.append({
            "minute": k, "open": float(bar[0]), "high": float(bar.max()), "low": float(bar.min()),
            "close": float(bar[-1]),
            "liquidated_long_usd": round(float(liq_long[lo + 1:hi + 1].sum()), 2),
            "liquidated_short_usd": round(float(liq_short[lo + 1:hi + 1].sum()), 2),
            "open_interest_btc": round(oi, 3),
            "depth_bid_btc": round(float(bid[lo:hi + 1].min()), 3),
            "depth_ask_btc": round(float(ask[lo:hi + 1].min()), 3),
            "funding_rate": rate, "insurance_fund_usd": round(fund, 4),
        })
    return rows
