"""Liquidity: what a market order costs, and how order flow moves the price.

Every order trades against the liquidity pool (trader 0), which quotes around the index
plus the perpetual's basis, earns the spread and a maker rebate out of the taker fees, and
carries the inventory the crowd leaves it: its P&L is money in the ledger like everyone's.  Impact follows the square-root law for *metaorders* (Donier
& Bonart: the impact of a total flow ``Q`` is ~ sqrt(Q / depth)): the book keeps a
decaying signed volume of recent flow, and the transient impact is
``depth_move * sign(V) * sqrt(|V| / depth_btc)`` — so ten orders of 1 BTC in a row move the
price like one order of 10 BTC, not ten times one.  An order pays half the spread plus the
average impact along its way (two thirds of the way from the impact before it to the
impact after it).  A share of every move is permanent (arbitrage carries it to the index).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .money import LOTS_PER_BTC


@dataclass(frozen=True)
class BookParams:
    depth_btc: float = 400.0  # net flow that moves the price by depth_move
    depth_move: float = 0.01
    half_spread: float = 0.00005  # 0.5 bp either side
    permanent: float = 0.15  # share of each move that stays (arbitrage moves the index)
    decay_half_life_s: float = 60.0  # the flow memory behind transient impact


def flow_impact(params: BookParams, flow_lots: float) -> float:
    """Relative price displacement caused by a signed recent flow (lots)."""
    if flow_lots == 0:
        return 0.0
    size = abs(flow_lots) / LOTS_PER_BTC / params.depth_btc
    return math.copysign(params.depth_move * math.sqrt(size), flow_lots)


def order_impact(params: BookParams, flow_lots: float, side: int, lots: int) -> tuple[float, float]:
    """(average impact paid by the order, impact after it), both signed relative moves."""
    before = flow_impact(params, flow_lots)
    after = flow_impact(params, flow_lots + side * lots)
    return (before + 2.0 * after) / 3.0, after


def round_against(price: float, side: int) -> int:
    """A fill price in ticks, rounded against the taker (buyers round up, sellers down)."""
    ticks = math.ceil(price - 1e-9) if side > 0 else math.floor(price + 1e-9)
    return max(ticks, 1)
