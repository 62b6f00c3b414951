"""Margin rules: tiers, initial and maintenance margin, liquidation and bankruptcy prices.

Linear USDT-margined contract, one-way positions, side ``s`` = +1 long / -1 short.

* notional ``N = |q| * price``; initial margin ``N / leverage``;
* maintenance margin ``MM = N_mark * mmr - cum`` from a tier table (mmr rises and the
  maximum leverage falls as notional grows; ``cum`` keeps MM continuous across tiers);
* a position is liquidated when, at the **mark** price, its equity <= MM;
* isolated liquidation price (Binance one-way formula, margin WB, entry EP)::

      LP = (WB + cum - s*|q|*EP) / (|q|*mmr - s*|q|)

* bankruptcy price (equity = 0): ``EP - s*WB/|q|``.

The two public helpers take plain numbers (BTC, USD) so a reader can check them against
a venue's worked examples::

    >>> round(isolated_liquidation_price(+1, 2, 30_000, 3_000, 0.004), 2)   # Binance formula
    28614.46
    >>> bankruptcy_price(+1, 1, 7890.08, 7890.08 / 50)                    # 50x long
    7732.2784

The engine itself works in integer ticks/lots/units with the vectorised functions below;
the liquidation trigger there is exact (no float rounding decides who is liquidated).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .money import INT, UNITS_PER_USD, ceil_div

BP = 10_000  # mmr is stored in basis points


def isolated_liquidation_price(side: int, qty: float, entry_price: float, wallet_balance: float,
                               mmr: float, cum: float = 0.0) -> float:
    """Mark price at which an isolated position is liquidated (Binance one-way formula).

    side +1 long / -1 short, qty in BTC (> 0), prices and balances in USD, mmr as a fraction.
    """
    q = abs(qty)
    return (wallet_balance + cum - side * q * entry_price) / (q * mmr - side * q)


def bankruptcy_price(side: int, qty: float, entry_price: float, wallet_balance: float) -> float:
    """Price at which the position's margin is exactly used up (equity = 0)."""
    return entry_price - side * wallet_balance / abs(qty)


def margin_ratio(maintenance: float, equity: float) -> float:
    """MM / equity: 100 % or more means liquidation; infinite when equity <= 0."""
    return float("inf") if equity <= 0 else maintenance / equity


@dataclass(frozen=True)
class Tier:
    floor_usd: int  # notional from which the tier applies
    mmr_bp: int
    max_leverage: int


# Binance BTCUSDT brackets (2021, from reference/venue-rules.md)
BINANCE_BTC_TIERS = (
    Tier(0, 40, 125), Tier(50_000, 50, 100), Tier(250_000, 100, 50), Tier(1_000_000, 250, 20),
    Tier(10_000_000, 500, 10), Tier(20_000_000, 1000, 5), Tier(50_000_000, 1250, 4),
    Tier(100_000_000, 1500, 3), Tier(200_000_000, 2500, 2), Tier(300_000_000, 5000, 1),
)


class TierTable:
    """Notional tiers with ``cum_n = floor_n*(mmr_n - mmr_{n-1}) + cum_{n-1}`` (exact units)."""

    def __init__(self, tiers=BINANCE_BTC_TIERS):
        self.tiers = tuple(tiers)
        self.floors = np.array([t.floor_usd * UNITS_PER_USD for t in self.tiers], dtype=INT)
        self.mmr_bp = np.array([t.mmr_bp for t in self.tiers], dtype=INT)
        self.max_lev = np.array([t.max_leverage for t in self.tiers], dtype=INT)
        cum = [0]
        for n in range(1, len(self.tiers)):
            diff = int(self.floors[n]) * int(self.mmr_bp[n] - self.mmr_bp[n - 1])
            assert diff % BP == 0, "tier floors must make cum an exact number of units"
            cum.append(diff // BP + cum[-1])
        self.cum = np.array(cum, dtype=INT)
        self.notional_caps = np.array([self.max_notional(lev) for lev in range(126)], dtype=INT)

    def tier_of(self, notional_units):
        """Tier index for a notional (scalar or array), in units."""
        return np.searchsorted(self.floors, notional_units, side="right") - 1

    def maintenance(self, notional_units):
        """Exact maintenance margin in units as a rational: (N*mmr_bp - cum*BP) / BP, rounded up."""
        t = self.tier_of(notional_units)
        return ceil_div(notional_units * self.mmr_bp[t] - self.cum[t] * BP, BP)

    def max_leverage(self, notional_units) -> int:
        return int(self.max_lev[self.tier_of(notional_units)])

    def max_notional(self, leverage: int) -> int:
        """Largest notional (units) a position may have at this leverage."""
        ok = np.flatnonzero(self.max_lev >= leverage)
        if len(ok) == 0:
            return 0
        last = int(ok[-1])
        return int(self.floors[last + 1]) if last + 1 < len(self.floors) else 2**62

    def liquidation_ticks(self, qty, margin, mark):
        """Exact trigger prices in ticks for isolated positions (vectorised).

        Long (q > 0): liquidated while mark <= returned price.  Short: while mark >= it.
        ``margin`` is the position's equity at ``mark`` (variation margin is settled every
        tick, so mark plays the role of the entry price in the formula).  The tier is the
        one of the notional at the liquidation price itself (Binance: recompute with the
        bracket the price falls in), found by iterating from the tier at the mark.
        """
        q = np.asarray(qty, dtype=INT)
        m = np.asarray(margin, dtype=INT)
        a = np.abs(q)
        t = self.tier_of(a * mark)
        for _ in range(3):
            lp = self._lp(q, a, m, mark, t)
            t2 = self.tier_of(a * np.clip(lp, 0, 2**40))
            if np.array_equal(t2, t):
                break
            t = t2
        return lp

    def _lp(self, q, a, m, mark, t):
        mmr, cum = self.mmr_bp[t], self.cum[t]
        safe_a = np.where(a == 0, 1, a)
        # long: p <= (a*mark - M - cum) * BP / (a*(BP - mmr));  short: p >= (a*mark + M + cum)*BP/(a*(BP + mmr))
        long_lp = ((a * mark - m - cum) * BP) // (safe_a * (BP - mmr))
        short_lp = ceil_div((a * mark + m + cum) * BP, safe_a * (BP + mmr))
        return np.where(q > 0, long_lp, short_lp)

    def bankruptcy_ticks(self, qty, margin, mark):
        """Float bankruptcy price in ticks: where the position's equity would be zero."""
        q = np.asarray(qty, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            return mark - np.sign(q) * np.asarray(margin, dtype=np.float64) / np.abs(q)
