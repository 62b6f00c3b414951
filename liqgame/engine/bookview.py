"""The book a player can read: the price ladder the impact law quotes, and the tape of trades.

The game has no resting crowd orders: every market order trades against the liquidity pool at
the price the impact law gives (:mod:`liqgame.engine.book`).  That law *is* a book, and this
module reads it as one: for each price a few basis points away, how many BTC a market order
would take before the price gets there (cumulative, like an exchange's depth chart).  The
tape is the takers' volume each second, both sides, with the last price and the liquidations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .market import CONTRACT_NAMES
from .money import LOTS_PER_BTC, TICKS_PER_USD

LADDER_BP = 5  # one level of the ladder: 5 basis points (0.05 %)
MAX_LADDER_BTC = 100_000  # the search's ceiling: more than any book here holds within a few %


@dataclass(frozen=True)
class BookLevel:
    price: float  # USD
    btc: float  # cumulative: what a market order takes before the price passes this level


@dataclass(frozen=True)
class TradeSecond:
    tick: int
    bought_btc: float  # taker buys (lifting the asks)
    sold_btc: float  # taker sells (hitting the bids)
    last: float  # USD, the last trade at the end of that second
    liquidated_usd: float  # notional of the positions liquidated in that second, both sides


@dataclass(frozen=True)
class BookView:
    contract: str
    best_bid: float
    best_ask: float
    bids: tuple[BookLevel, ...]  # nearest first
    asks: tuple[BookLevel, ...]
    trades: tuple[TradeSecond, ...]  # newest first; seconds with no trade are left out

    @property
    def spread_bp(self) -> float:
        mid = (self.best_bid + self.best_ask) / 2
        return (self.best_ask - self.best_bid) / mid * 10_000 if mid else 0.0


def book_view(game, contract: str = "perp", levels: int = 6, trades: int = 12) -> BookView:
    """The ladder of ``contract`` right now and the last ``trades`` seconds of the perpetual's tape."""
    c = CONTRACT_NAMES.index(contract)
    m = game.venue.market
    cap = MAX_LADDER_BTC * LOTS_PER_BTC
    # the first lot's price, rounded against the taker as every fill is
    best = {1: math.ceil(m.marginal(c, 1, 1)), -1: math.floor(m.marginal(c, -1, 1))}
    sides = {}
    for s in (1, -1):
        ladder = []
        for k in range(1, levels + 1):
            limit = round(best[s] * (1 + s * k * LADDER_BP / 10_000))
            ladder.append(BookLevel(limit / TICKS_PER_USD, m.marketable_lots(c, s, cap, limit) / LOTS_PER_BTC))
        sides[s] = tuple(ladder)
    return BookView(contract, best[-1] / TICKS_PER_USD, best[1] / TICKS_PER_USD, sides[-1], sides[1],
                    _tape(game, trades))


def _tape(game, n: int) -> tuple[TradeSecond, ...]:
    t, history = game.tape, game.price_history
    out = []
    last = len(t.bought) - 1
    for tick in range(last, max(last - 3600, 0), -1):  # an hour back at most
        if t.bought[tick] or t.sold[tick]:
            out.append(TradeSecond(tick, t.bought[tick], t.sold[tick], history[tick][1] / TICKS_PER_USD,
                                   t.liq_long[tick] + t.liq_short[tick]))
            if len(out) == n:
                break
    return tuple(out)
