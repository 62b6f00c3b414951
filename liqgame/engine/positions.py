"""All positions of one contract as numpy arrays, one row per trader (bots and humans alike).

One-way mode: a trader has at most one position per contract, ``qty`` signed in lots.
Variation margin is settled at the mark every tick, so a position's money is its
isolated margin (``Ledger.margin``) or, for cross margin, the trader's wallet.

Each isolated position carries its exact liquidation trigger in ticks (``liq_lo`` for
longs, ``liq_hi`` for shorts).  Settling variation margin does not move it, so it is
recomputed only when the position or its margin changes; the tick's liquidation check
is then two comparisons, and usually not even that: ``max(liq_lo)`` and ``min(liq_hi)``
tell in O(1) that nobody can be liquidated at this mark.
"""

from __future__ import annotations

import numpy as np

from .money import INT
from .risk import TierTable

NO_LONG_TRIGGER = -1  # mark never <= -1
NO_SHORT_TRIGGER = np.iinfo(np.int64).max


class Triggers:
    """Per-trader price triggers: ``lo`` fires when price <= lo, ``hi`` when price >= hi.

    ``max(lo)`` and ``min(hi)`` are cached, so a tick where nothing can fire costs O(1);
    the cache may be stale in the safe direction only (recomputed when it says "maybe").
    """

    def __init__(self, n: int):
        self.lo = np.full(n, NO_LONG_TRIGGER, dtype=INT)
        self.hi = np.full(n, NO_SHORT_TRIGGER, dtype=INT)
        self._max_lo, self._min_hi = NO_LONG_TRIGGER, NO_SHORT_TRIGGER

    def set(self, idx, lo, hi) -> None:
        lo, hi = np.asarray(lo, dtype=INT), np.asarray(hi, dtype=INT)
        self.lo[idx] = lo
        self.hi[idx] = hi
        if lo.size:
            self._max_lo = max(self._max_lo, int(lo.max()))
            self._min_hi = min(self._min_hi, int(hi.min()))

    def unset(self, idx) -> None:
        self.lo[idx] = NO_LONG_TRIGGER
        self.hi[idx] = NO_SHORT_TRIGGER

    def reset(self) -> None:
        self.unset(slice(None))
        self._max_lo, self._min_hi = NO_LONG_TRIGGER, NO_SHORT_TRIGGER

    def fired(self, price: int) -> np.ndarray:
        """Trader ids whose trigger the price has reached (sorted)."""
        if self._max_lo < price < self._min_hi:
            return np.empty(0, dtype=INT)
        self._max_lo, self._min_hi = int(self.lo.max()), int(self.hi.min())
        if self._max_lo < price < self._min_hi:
            return np.empty(0, dtype=INT)
        return np.flatnonzero((self.lo >= price) | (self.hi <= price))


class PositionBook:
    """Sizes, entries, leverage, margin mode and liquidation triggers of one contract.

    ``group_qty`` keeps each group's net size (crowd persona, player, pool) up to date as
    fills happen, so a tick's variation margin per group is ``group_qty * dP``: O(groups),
    not another pass over every position.
    """

    def __init__(self, n_traders: int, tiers: TierTable, name: str = "perp", trader_group=None,
                 n_groups: int = 1):
        self.name = name
        self.tiers = tiers
        self.trader_group = np.zeros(n_traders, dtype=INT) if trader_group is None else trader_group
        self.group_qty = np.zeros(n_groups, dtype=INT)
        self.qty = np.zeros(n_traders, dtype=INT)
        self.entry = np.zeros(n_traders, dtype=np.float64)  # average entry, ticks (display, ADL rank)
        self.leverage = np.full(n_traders, 10, dtype=INT)
        self.cross = np.zeros(n_traders, dtype=bool)
        self.liq = Triggers(n_traders)
        self.ever_open = False  # lets a never-traded contract skip its mark-to-market pass
        self._watched: np.ndarray | None = None
        self._on_change = None

    def watch(self, mask: np.ndarray, on_change) -> None:
        """Call ``on_change(idx, old, new)`` whenever the size of a trader in ``mask`` changes."""
        self._watched, self._on_change = mask, on_change

    def _notify(self, idx, old, new) -> None:
        if self._watched is not None:
            sel = (self._watched[idx] & (old != new)).nonzero()[0]
            if len(sel):
                self._on_change(idx[sel], old[sel], new[sel])

    @property
    def liq_lo(self) -> np.ndarray:
        return self.liq.lo

    @property
    def liq_hi(self) -> np.ndarray:
        return self.liq.hi

    # ------------------------------------------------------------------ triggers
    def refresh(self, idx, margin: np.ndarray, mark: int) -> None:
        """Recompute liquidation triggers of positions ``idx`` from their margin at ``mark``.

        ``mark`` must be the price the margin was last settled at: a trigger computed from
        margin settled at one price and a mark read after a trade would be wrong until the
        position next changed.  Cross positions have no stored trigger (the wallet backs them).
        """
        idx = np.atleast_1d(np.asarray(idx, dtype=INT))
        if len(idx) == 0:
            return
        cross = self.cross[idx]
        iso = idx[~cross]
        if np.count_nonzero(cross):
            self.liq.unset(idx[cross])
        q = self.qty[iso]
        lp = self.tiers.liquidation_ticks(q, margin[iso], mark)
        self.liq.set(iso, np.where(q > 0, lp, NO_LONG_TRIGGER), np.where(q < 0, lp, NO_SHORT_TRIGGER))

    def refresh_all(self, margin: np.ndarray, mark: int) -> None:
        self.liq.reset()
        self.refresh(np.flatnonzero(self.qty), margin, mark)

    def triggered(self, mark: int) -> np.ndarray:
        """Isolated positions whose liquidation price the mark has reached (sorted trader ids)."""
        return self.liq.fired(mark)

    def clear(self, idx) -> None:
        """Positions closed: no size, no trigger."""
        idx = np.atleast_1d(np.asarray(idx, dtype=INT))
        old = self.qty[idx].copy()
        np.subtract.at(self.group_qty, self.trader_group[idx], old)
        self.qty[idx] = 0
        self._notify(idx, old, np.zeros_like(old))
        self.entry[idx] = 0.0
        self.liq.unset(idx)

    # ------------------------------------------------------------------ views
    def open_interest(self) -> int:
        """Long open interest in lots (equal to short open interest by construction)."""
        return int(self.qty[self.qty > 0].sum())

    def apply_fill(self, idx, dq, price_ticks) -> np.ndarray:
        """Update size and average entry for fills ``dq`` at ``price_ticks``; returns old sizes.

        Increasing moves the entry to the size-weighted average; reducing keeps it;
        flipping starts a new entry at the fill price.
        """
        idx = np.atleast_1d(np.asarray(idx, dtype=INT))
        dq = np.atleast_1d(np.asarray(dq, dtype=INT))
        price = np.asarray(price_ticks, dtype=np.float64)  # one for all or one each: numpy broadcasts
        old = self.qty[idx]  # (fancy indexing copies)
        new = old + dq
        s_old, s_new = np.sign(old), np.sign(new)
        same = (old == 0) | (s_old == np.sign(dq))
        flipped = s_old * s_new < 0
        before = self.entry[idx]
        size = np.abs(new)
        # a row closed to 0 would divide by zero: its entry is set to 0 below whatever this gives
        avg = (before * np.abs(old) + price * np.abs(dq)) / np.where(size == 0, 1, size)
        entry = np.where(same, avg, np.where(flipped, price, before))
        self.entry[idx] = np.where(new == 0, 0.0, entry)
        self.qty[idx] = new
        np.add.at(self.group_qty, self.trader_group[idx], new - old)
        self.ever_open = self.ever_open or np.count_nonzero(new) > 0
        self._notify(idx, old, new)
        return old
