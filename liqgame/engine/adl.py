"""Auto-deleveraging: who is closed when the backstop cannot pay, and the 1-5 lights.

Rank (BitMEX/Bybit): ``PnL% x effective leverage`` for profitable positions and
``PnL% / effective leverage`` for losing ones, where PnL% is the unrealised profit since
entry over the entry notional and effective leverage is mark notional over equity
(= mark value / (mark value - bankruptcy value)).  Each side is ranked separately; the
highest rank is deleveraged first, at the bankrupt position's bankruptcy price.

The lights (BitMEX) are percentiles of the ranked queue *weighted by position size*: a
position with 5 lights starts within the first 20 % of its side's size in the queue.
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


def adl_lights(rank: np.ndarray, size: np.ndarray, side_mask: np.ndarray, who: np.ndarray) -> np.ndarray:
    """1-5 lights for traders ``who``: where their position starts in the size-weighted queue.

    The queue holds the positions in ``side_mask``, highest rank first; a position whose
    size ahead of it is under 20 % of the side's total size has 5 lights, under 40 % 4, ...

    >>> rank = np.array([3, 6, 1, 4, 5, 2.]); size = np.array([10, 10, 20, 30, 20, 10])
    >>> adl_lights(rank, size, np.ones(6, bool), np.arange(6)).tolist()   # BitMEX's six longs
    [2, 5, 1, 4, 5, 2]
    """
    side = np.flatnonzero(side_mask)
    total = int(np.abs(size[side]).sum())
    if total == 0:
        return np.ones(len(who), dtype=INT)
    r = rank[side]
    lights = np.empty(len(who), dtype=INT)
    for k, i in enumerate(np.asarray(who)):
        ahead = int(np.abs(size[side][r > rank[i]]).sum())
        lights[k] = 5 - min(4, (5 * ahead) // total)
    return lights


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


def match(bankrupt_lots: np.ndarray, counter_lots: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pair two queues lot for lot: (bankrupt index, counterparty index, lots) per piece.

    Both queues cover the same number of lots; each bankrupt position is matched with the
    counterparties in queue order, so each piece trades at that bankrupt position's price.

    >>> [a.tolist() for a in match(np.array([3, 2]), np.array([1, 4]))]
    [[0, 0, 1], [0, 1, 1], [1, 2, 2]]
    """
    b_cum, c_cum = np.cumsum(bankrupt_lots), np.cumsum(counter_lots)
    if len(b_cum) == 0 or b_cum[-1] == 0:
        return (np.empty(0, dtype=INT),) * 3
    assert b_cum[-1] == c_cum[-1], "both sides of a deleveraging must cover the same lots"
    ends = np.union1d(b_cum, c_cum)
    ends = ends[ends > 0]
    lots = np.diff(np.r_[0, ends]).astype(INT)
    b = np.searchsorted(b_cum, ends, side="left").astype(INT)
    c = np.searchsorted(c_cum, ends, side="left").astype(INT)
    return b, c, lots
