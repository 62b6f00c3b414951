"""The impact law: what a market order costs, and how order flow displaces the price.

Every order trades against the liquidity pool (trader 0), which quotes around the index
plus the contract's basis, earns the spread and a maker rebate out of the taker fees, and
carries the inventory the crowd leaves it: its P&L is money in the ledger like everyone's.
How deep it quotes is state (:mod:`liquidity`); this module is the law that turns a depth
and a flow into a price displacement.

Impact follows the square-root law for *metaorders* (Donier & Bonart: the impact of a
total flow ``Q`` is ~ sqrt(Q / depth)): each market keeps a decaying signed volume of
recent flow ``V`` and its displacement is ``depth_move * g(|V| / depth)`` with
``g(x) = (sqrt(x + c^2) - c) / (sqrt(1 + c^2) - c)``: the square root for flows of the
order of the depth and beyond, linear for small ones (``c`` = ``linear_core``: the top of
the book absorbs a few BTC at a constant price per BTC, rather than the infinite slope of a
bare square root at zero).  ``g(1) = 1``: a flow of ``depth`` BTC moves the price by
``depth_move``.  Ten orders of 1 BTC in a row move the price like one order of 10 BTC.

An order pays half the spread plus the average displacement along its way (two thirds of
the way from the displacement before it to the one after it).  The displacement is
transient: it decays with the flow's memory, and shrinks again as the book refills.  On top
of it every order writes ``permanent`` times the displacement it added into the fair value
for good (the market takes part of any flow as information): an order that adds a
displacement ``d`` moves the price by ``(1 + permanent) * d`` at once, and
``permanent * d`` of that is still there once the flow is forgotten.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .money import LOTS_PER_BTC


@dataclass(frozen=True)
class BookParams:
    depth_btc: float = 400.0  # net flow that moves the price by depth_move when liquidity is normal
    depth_move: float = 0.01
    linear_core: float = 0.25  # flows below ~core^2 x depth move the price linearly
    half_spread: float = 0.00005  # 0.5 bp either side, when liquidity is normal
    permanent: float = 0.35  # each order's displacement is also written this many times into the fair value
    decay_half_life_s: float = 600.0  # the flow memory behind transient impact
    arbitrage: float = 0.8  # share of the perpetual's transient displacement arbitrage carries to spot

    def __post_init__(self) -> None:
        if self.depth_btc <= 0 or self.depth_move <= 0 or self.linear_core < 0:
            raise ValueError("depth_btc and depth_move must be > 0, linear_core >= 0")
        if not (0 <= self.permanent <= 1 and 0 <= self.arbitrage <= 1):
            raise ValueError("permanent and arbitrage must be between 0 and 1")


def flow_impact(params: BookParams, flow_lots: float, depth_btc: float) -> float:
    """Relative price displacement caused by a signed recent flow (lots) against ``depth_btc``."""
    if flow_lots == 0:
        return 0.0
    x = abs(flow_lots) / LOTS_PER_BTC / depth_btc
    c = params.linear_core
    g = (math.sqrt(x + c * c) - c) / (math.sqrt(1.0 + c * c) - c)
    return math.copysign(params.depth_move * g, flow_lots)


def path_average(before: float, after: float) -> float:
    """The average displacement an order pays on its way from ``before`` to ``after`` (the square root
    is concave: two thirds of the way is the exact average for a pure square root from zero)."""
    return (before + 2.0 * after) / 3.0


def round_against(price: float, side: int) -> int:
    """A fill price in ticks, rounded against the taker (buyers round up, sellers down)."""
    ticks = math.ceil(price - 1e-9) if side > 0 else math.floor(price + 1e-9)
    return max(ticks, 1)
