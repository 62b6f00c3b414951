"""Auto-deleveraging: who is closed when the backstop cannot pay, and the 1-5 lights.

Rank (BitMEX/Bybit): ``PnL% x effective leverage`` for profitable positions and
``PnL% / effective leverage`` for losing ones, where PnL% is the unrealised profit since
entry over the entry notional and effective leverage is mark notional over equity
(= mark value / (mark value - bankruptcy value)).  Each side is ranked separately; the
highest rank is deleveraged first, at the bankrupt position's bankruptcy price.  The
lights are the position's quantile within its side, in 20 % buckets.
"""

from __future__ import annotations

import numpy as np

from .money import INT


def adl_rank(qty: np.ndarray, entry: np.ndarray, equity: np.ndarray, mark: int) -> np.ndarray:
    """Rank score for positions (larger = deleveraged earlier). Flat positions get -inf."""
    q = qty.astype(np.float64)
    a = np.abs(q)
    with np.errstate(divide="ignore", invalid="ignore"):
        pnl_pct = np.where(a > 0, q * (mark - entry) / (a * entry), 0.0)
        eff_lev = np.where(equity > 0, a * mark / np.maximum(equity, 1), 1e9)
        rank = np.where(pnl_pct > 0, pnl_pct * eff_lev, pnl_pct / eff_lev)
    return np.where(a > 0, rank, -np.inf)


def adl_lights(rank: np.ndarray, side_mask: np.ndarray, who: np.ndarray) -> np.ndarray:
    """1-5 lights for traders ``who``: their rank's quantile among positions on their side."""
    side_ranks = np.sort(rank[side_mask])
    n = len(side_ranks)
    if n == 0:
        return np.ones(len(who), dtype=INT)
    below = np.searchsorted(side_ranks, rank[who], side="left")
    return np.clip(1 + (5 * below) // n, 1, 5).astype(INT)


def adl_allocation(rank: np.ndarray, size: np.ndarray, needed: int) -> np.ndarray:
    """How many lots each candidate gives up to cover ``needed`` lots, highest rank first.

    Ties keep the candidates' order (stable), so the queue is reproducible.

    >>> adl_allocation(np.array([3, 6, 1, 4, 5, 2.]), np.array([10, 10, 20, 30, 20, 10]), 20).tolist()
    [0, 10, 0, 0, 10, 0]
    """
    size = np.asarray(size, dtype=INT)
    order = np.argsort(-np.asarray(rank, dtype=np.float64), kind="stable")
    cum = np.cumsum(size[order])
    take_sorted = np.clip(needed - (cum - size[order]), 0, size[order])
    take = np.zeros(len(size), dtype=INT)
    take[order] = take_sorted
    return take
