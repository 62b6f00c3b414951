"""Liquidity as state: how deep the pool quotes, and how it leans against its inventory.

The book is not a constant.  Market makers quote less when prices jump around and when
forced flow (liquidations) hits them, pull their quotes within seconds, and come back over
minutes; an empty book is where a cascade runs.  One number, the liquidity ``level``
(1 = normal, down to ``min_level``), scales the depth of every market and widens the spread:

    target = 1 / (1 + vol_sensitivity * max(realised/normal vol - vol_free, 0)
                    + forced_sensitivity * recent forced flow / depth)

``level`` falls towards a lower target with the ``withdraw_s`` time constant and rises
towards a higher one with ``refill_s``.  Realised volatility is an EWMA of squared 1-second
index returns against the scenario's long-run volatility; forced flow an EWMA of liquidation
volume.

The pool also watches its own inventory (its position in the perpetual, which is the
crowd's net position with the sign flipped): it limits how much it will hold — at most
``inventory_limit`` times its capital's worth of BTC — quoting ever thinner on the side that
would add to it (down to ``inventory_floor`` of the depth at the limit), and skews its quotes
against it (up to ``skew_at_limit`` at the limit): a crowd that is net long finds the
perpetual trading rich, which is where funding comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

from .money import LOTS_PER_BTC


@dataclass(frozen=True)
class LiquidityParams:
    vol_half_life_s: float = 60.0
    vol_free: float = 2.0  # realised vol up to this multiple of normal costs no depth
    vol_sensitivity: float = 0.3
    forced_half_life_s: float = 120.0
    forced_sensitivity: float = 3.0  # per depth's worth of recent forced flow
    min_level: float = 0.1  # someone always bids somewhere
    withdraw_s: float = 2.0  # quotes are pulled within seconds
    refill_s: float = 600.0  # and come back over minutes
    inventory_limit: float = 2.0  # BTC worth this multiple of the pool's starting capital
    inventory_floor: float = 0.3
    skew_at_limit: float = 0.005

    def __post_init__(self) -> None:
        for name in ("vol_half_life_s", "forced_half_life_s", "withdraw_s", "refill_s", "inventory_limit"):
            if getattr(self, name) <= 0:
                raise ValueError(f"liquidity.{name} must be > 0")
        if not (0 < self.min_level <= 1 and 0 < self.inventory_floor <= 1):
            raise ValueError("liquidity.min_level and liquidity.inventory_floor must be in (0, 1]")
        if min(self.vol_free, self.vol_sensitivity, self.forced_sensitivity, self.skew_at_limit) < 0:
            raise ValueError("liquidity sensitivities, vol_free and skew_at_limit must be >= 0")


def _ewma_weight(half_life_s: float) -> float:
    return 1.0 - 0.5 ** (1.0 / half_life_s)


class Liquidity:
    """The liquidity level and what it depends on; all plain floats (a few µs a second)."""

    def __init__(self, params: LiquidityParams, depth_btc: float, normal_var_per_s: float, pool_btc: float):
        self.p = params
        self.depth_btc = depth_btc
        self.normal_var = normal_var_per_s
        self.level = 1.0
        self.var = normal_var_per_s
        self.forced = 0.0  # lots, EWMA of liquidation volume
        self._w_var = _ewma_weight(params.vol_half_life_s)
        self._forced_decay = 0.5 ** (1.0 / params.forced_half_life_s)
        self._down = _ewma_weight(params.withdraw_s)
        self._up = _ewma_weight(params.refill_s)
        self._limit_lots = max(params.inventory_limit * pool_btc * LOTS_PER_BTC, 1.0)

    @property
    def vol_ratio(self) -> float:
        return (self.var / self.normal_var) ** 0.5

    def target(self) -> float:
        p = self.p
        stress = p.vol_sensitivity * max(self.vol_ratio - p.vol_free, 0.0)
        stress += p.forced_sensitivity * self.forced / LOTS_PER_BTC / self.depth_btc
        return max(1.0 / (1.0 + stress), p.min_level)

    def step(self, log_return: float) -> None:
        """One second: update realised volatility, forget old forced flow, move the level."""
        self.var += self._w_var * (log_return * log_return - self.var)
        self.forced *= self._forced_decay
        target = self.target()
        self.level += (target - self.level) * (self._down if target < self.level else self._up)

    def absorb_forced(self, lots: int) -> None:
        """Liquidation volume hit the book: remembered, it thins the book from the next second."""
        self.forced += lots

    # ------------------------------------------------------------------ quotes
    def depth(self, side: int, inventory_lots: int) -> float:
        """Depth (BTC per ``depth_move``) met by taker flow of ``side`` (+1 buying, -1 selling)."""
        d = self.depth_btc * self.level
        if inventory_lots * side < 0:  # the pool would add to its inventory: it quotes thinner
            d *= max(1.0 - abs(inventory_lots) / self._limit_lots, self.p.inventory_floor)
        return d

    def skew(self, inventory_lots: int) -> float:
        """Relative shift of the pool's quotes against its inventory (long pool -> lower quotes)."""
        x = inventory_lots / self._limit_lots
        return -self.p.skew_at_limit * (1.0 if x > 1.0 else -1.0 if x < -1.0 else x)

    def half_spread(self, base: float) -> float:
        return base / self.level
