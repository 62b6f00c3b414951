"""Liquidity: what a market order costs, and how it moves the price.

Every order trades against the liquidity pool (trader 0), which quotes around the last
price.  A market order of ``Q`` BTC pays half the spread plus square-root price impact
(Donier & Bonart: impact ~ sqrt(size / depth)):  the final impact is
``impact = depth_move * sqrt(Q / depth_btc)`` (``depth_btc`` BTC move the price by
``depth_move``, 1 % by default); the average fill pays two thirds of it.  Part of the
impact is permanent (arbitrage carries it to the index), the rest decays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .money import LOTS_PER_BTC


@dataclass(frozen=True)
class BookParams:
    depth_btc: float = 400.0  # size that moves the price by depth_move
    depth_move: float = 0.01
    half_spread: float = 0.00005  # 0.5 bp either side of last
    permanent: float = 0.15  # share of impact that stays (arbitrage moves the index)
    decay_half_life_s: float = 30.0  # transient impact half-life

    def scaled(self, depth_factor: float) -> "BookParams":
        from dataclasses import replace

        return replace(self, depth_btc=self.depth_btc * depth_factor)


def impact(params: BookParams, lots: int) -> float:
    """Relative price move caused by a market order of ``lots`` (unsigned)."""
    if lots <= 0:
        return 0.0
    return params.depth_move * math.sqrt(lots / LOTS_PER_BTC / params.depth_btc)


def fill_price(params: BookParams, side: int, lots: int, last_ticks: int) -> tuple[int, float]:
    """Average fill (ticks, rounded against the taker) and the order's relative impact."""
    imp = impact(params, lots)
    raw = last_ticks * (1.0 + side * (params.half_spread + imp * 2.0 / 3.0))
    ticks = math.ceil(raw - 1e-9) if side > 0 else math.floor(raw + 1e-9)
    return max(ticks, 1), imp
