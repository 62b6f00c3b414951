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

import bisect
from dataclasses import dataclass

import numpy as np

from .money import INT, UNITS_PER_USD, ceil_div

BP = 10_000  # mmr is stored in basis points
# Bounds that keep every product below 2**63 (tests/engine/test_bounds.py proves them)
MAX_PRICE_TICKS = 10**8  # 10M USD a BTC: the index never leaves (0, MAX_PRICE_TICKS]
MAX_NOTIONAL_UNITS = 10**9 * UNITS_PER_USD  # 1B USD: no player position may be larger when it trades
MAX_POSITION_LOTS = 10**7  # 10,000 BTC: no player position may be larger


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


def _wide(x, factor: int):
    """``x`` as exact Python integers when ``x * factor`` could leave int64 (never at the engine's bounds)."""
    x = np.asarray(x)
    if x.dtype == object or not x.size or int(np.abs(x).max()) < (2**62) // max(int(factor), 1):
        return x
    return x.astype(object)


class TierTable:
    """Notional tiers with ``cum_n = floor_n*(mmr_n - mmr_{n-1}) + cum_{n-1}`` (exact units).

    A position is liquidatable when ``equity * BP <= N * mmr_bp - cum * BP`` at the mark:
    exact integers, no rounding decides who is liquidated.  The displayed maintenance
    margin is that amount rounded up to a unit.

    >>> from liqgame.engine.rulebooks import BINANCE_BTCUSDT
    >>> t = TierTable(BINANCE_BTCUSDT)
    >>> int(t.maintenance(100_000 * 10_000))   # 100k USD notional: 0.5 % - 50 USD = 450 USD
    4500000
    """

    def __init__(self, tiers):
        self.tiers = tuple(tiers)
        if not self.tiers or self.tiers[0].floor_usd != 0:
            raise ValueError("a tier table starts at notional 0")
        self.floors = np.array([t.floor_usd * UNITS_PER_USD for t in self.tiers], dtype=INT)
        self.mmr_bp = np.array([t.mmr_bp for t in self.tiers], dtype=INT)
        self.max_lev = np.array([t.max_leverage for t in self.tiers], dtype=INT)
        cum = [0]
        for n in range(1, len(self.tiers)):
            diff = int(self.floors[n]) * int(self.mmr_bp[n] - self.mmr_bp[n - 1])
            assert diff % BP == 0, "tier floors must make cum an exact number of units"
            cum.append(diff // BP + cum[-1])
        self.cum = np.array(cum, dtype=INT)
        self._floors, self._mmr_bp, self._cum = self.floors.tolist(), self.mmr_bp.tolist(), cum
        self._next_floor = np.append(self.floors[1:], np.iinfo(INT).max)  # where each tier ends
        self.top_leverage = int(self.max_lev.max())
        self.notional_caps = np.array([self.max_notional(lev) for lev in range(self.top_leverage + 1)], dtype=INT)

    def tier_of(self, notional_units):
        """Tier index for a notional (scalar or array), in units."""
        return self.floors.searchsorted(notional_units, side="right") - 1  # the method skips np's dispatch

    def maintenance_bp(self, notional_units):
        """Maintenance margin times BP, exactly: ``N*mmr_bp - cum*BP``."""
        if type(notional_units) is int:  # one position (a player's, every second): Python ints, no arrays
            t = bisect.bisect_right(self._floors, notional_units) - 1
            return notional_units * self._mmr_bp[t] - self._cum[t] * BP
        t = self.tier_of(notional_units)
        return _wide(notional_units, BP) * self.mmr_bp[t] - self.cum[t] * BP

    def maintenance(self, notional_units):
        """Maintenance margin in units, rounded up (what the player is shown)."""
        return ceil_div(self.maintenance_bp(notional_units), BP)

    def liquidatable(self, equity, notional_units):
        """The liquidation rule: equity <= maintenance margin, exactly (vectorised)."""
        return _wide(np.asarray(equity), BP) * BP <= self.maintenance_bp(notional_units)

    def max_leverage(self, notional_units) -> int:
        return int(self.max_lev[self.tier_of(notional_units)])

    def max_notional(self, leverage: int) -> int:
        """Largest notional (units) a position may have at this leverage."""
        ok = np.flatnonzero(self.max_lev >= leverage)
        if len(ok) == 0:
            return 0
        last = int(ok[-1])
        return int(self.floors[last + 1]) if last + 1 < len(self.floors) else MAX_NOTIONAL_UNITS

    def liquidation_ticks(self, qty, margin, mark):
        """Exact trigger prices in ticks for isolated positions (vectorised).

        Long (q > 0): liquidated while mark <= returned price.  Short: while mark >= it.
        ``margin`` is the position's equity at ``mark`` (variation margin is settled every
        tick, so mark plays the role of the entry price in the formula).  The tier is the
        one of the notional at the liquidation price itself (Binance: recompute with the
        bracket the price falls in); a last step moves each price by a tick where needed so
        that it is exactly the last price at which :meth:`liquidatable` holds.
        """
        q = np.asarray(qty, dtype=INT)
        m = np.asarray(margin, dtype=INT)
        a = np.abs(q)
        t = self.tier_of(a * mark)
        narrow = self._narrow(a, m, mark)
        lp = self._lp(q, a, m, mark, t, narrow)
        if narrow and self._inside_tier(q, a, lp, t):
            return lp  # the common case: the closed form is already the exact boundary
        for _ in range(3):  # the tier of the notional at the trigger itself
            t2 = self.tier_of(a * np.clip(lp, 0, MAX_PRICE_TICKS))
            if np.array_equal(t2, t):
                break
            t = t2
            lp = self._lp(q, a, m, mark, t, narrow)
        return self._exact(q, a, m, mark, lp)

    @staticmethod
    def _narrow(a, m, mark) -> bool:
        """The closed form's products fit int64 (false only near the engine's bounds)."""
        return not len(a) or (int(a.max()) * int(mark) + int(np.abs(m).max())) < 2**62 // BP

    def _inside_tier(self, q, a, lp, t) -> bool:
        """Whether every trigger and the price one tick beyond it lie at or above 0 in tier ``t``.

        Then, with the tier fixed, :meth:`_lp`'s floor (long) or ceiling (short) is exactly the
        last price where :meth:`liquidatable` holds, and neither the tier loop nor :meth:`_exact`
        would move it: checking this is a handful of array calls instead of some eighty
        (refreshing the triggers of every crowd fill is on the hot path). Only for products
        that fit int64 (``_narrow``).
        """
        beyond = lp + np.sign(q)
        low, high = np.minimum(lp, beyond), np.maximum(lp, beyond)  # notional grows with the price
        ok = (low >= 0) & (a * low >= self.floors[t]) & (a * high < self._next_floor[t])  # both in tier t
        return bool((ok | (q == 0)).all())  # a flat row's value is never used (nor moved by _exact)

    def _lp(self, q, a, m, mark, t, narrow: bool):
        """The closed form in tier ``t``, exact (floor for longs, ceiling for shorts)::

            long:  p <= (a*mark - M - cum) * BP / (a*(BP - mmr))
            short: p >= (a*mark + M + cum) * BP / (a*(BP + mmr))

        written once with s = +1/-1 (a flat row takes the short form, its value is never used).
        """
        mmr, cum = self.mmr_bp[t], self.cum[t]
        if not narrow:
            a, m, mmr, cum = (_wide(np.asarray(x), 2**62) for x in (a, m, mmr, cum))
        s = np.where(q > 0, 1, -1)
        num = (a * mark - s * (m + cum)) * BP
        den = np.where(a == 0, 1, a) * (BP - s * mmr)
        return (s * ((s * num) // den)).astype(INT)  # s * floor(s * x) is floor(x) for longs, ceil(x) for shorts

    def _exact(self, q, a, m, mark, lp):
        """Nudge each trigger so that it is the boundary of the exact rule (tier edges round)."""
        s = np.sign(q)

        def due(p):
            p = np.maximum(p, 0)
            return self.liquidatable(m + q * (p - mark), _wide(a, p.max(initial=0)) * p)

        for _ in range(3):  # long: due(lp) and not due(lp + 1); short: due(lp) and not due(lp - 1)
            at, beyond = due(lp), due(lp + s)
            if at.all() and not beyond.any():
                break
            lp = np.where(~at, lp - s, np.where(beyond, lp + s, lp))
        return lp

    def bankruptcy_ticks(self, qty, margin, mark):
        """Integer bankruptcy price in ticks: where the position's equity would be used up.

        ``mark - s*floor(M/|q|)``: rounded so that closing at it never takes more than the
        margin (what is left, less than one unit per lot, stays with the backstop).  Like
        the trigger it does not move when variation margin is settled.
        """
        q = np.asarray(qty, dtype=INT)
        a = np.maximum(np.abs(q), 1)
        return mark - np.sign(q) * (np.asarray(margin, dtype=INT) // a)
