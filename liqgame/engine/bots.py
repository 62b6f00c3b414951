"""The simulated crowd: thousands of leveraged traders, every decision an array operation.

Each trader belongs to a persona (cautious, swing, degen, trend follower, mean-reverter,
funding farmer, whale) that fixes its leverage range, stake, stop-loss habit and how it
picks a side.  Each second a random few act: flat traders open (herding: a rally tilts
them long), holders close, liquidated traders come back with what is left in their wallet.  All of a
tick's crowd orders net into one market order against the liquidity pool, so the crowd
moves the price the same way players and liquidations do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .money import INT, UNITS_PER_USD
from .positions import NO_LONG_TRIGGER, NO_SHORT_TRIGGER, Triggers


@dataclass(frozen=True)
class Persona:
    name: str
    lev_lo: int
    lev_hi: int
    stake: float  # share of the wallet put up as margin per trade
    deposit_usd: float  # median deposit (log-normal)
    style: str  # random | trend | contrarian | funding
    stop_prob: float  # share of trades with a stop-loss
    stop_move: float  # stop distance as a price move
    acts_per_hour: float
    holds_hours: float  # mean holding time


PERSONAS = {
    p.name: p
    for p in (
        Persona("cautious", 2, 5, 0.3, 5_000, "random", 0.7, 0.04, 0.5, 24.0),
        Persona("swing", 10, 25, 0.3, 3_000, "random", 0.4, 0.02, 1.0, 6.0),
        Persona("degen", 50, 100, 0.5, 1_000, "random", 0.05, 0.01, 3.0, 1.0),
        Persona("trend", 10, 30, 0.3, 3_000, "trend", 0.5, 0.015, 2.0, 2.0),
        Persona("mean-reverter", 5, 15, 0.3, 3_000, "contrarian", 0.5, 0.03, 1.0, 3.0),
        Persona("funding-farmer", 2, 3, 0.5, 20_000, "funding", 0.0, 0.0, 0.3, 48.0),
        Persona("whale", 3, 10, 0.2, 500_000, "random", 0.3, 0.05, 0.2, 24.0),
    )
}

DEFAULT_MIX = {"cautious": 0.28, "swing": 0.25, "degen": 0.2, "trend": 0.12, "mean-reverter": 0.08,
               "funding-farmer": 0.05, "whale": 0.02}


@dataclass(frozen=True)
class CrowdParams:
    mix: tuple[tuple[str, float], ...] = tuple(DEFAULT_MIX.items())
    long_bias: float = 0.0  # added to the chance of going long
    herd: float = 0.25  # how strongly a recent move tilts new positions its way
    activity: float = 1.0  # multiplies every persona's acts_per_hour
    leverage_tilt: float = 0.0  # 0..1: pulls leverage towards each persona's top


def layout(n: int, mix) -> list[tuple[str, int]]:
    """Persona blocks (name, count) summing to n; every persona in the mix gets at least one trader."""
    names = [m for m, w in mix if w > 0]
    weights = np.array([w for m, w in mix if w > 0], dtype=float)
    counts = np.maximum(np.floor(weights / weights.sum() * n).astype(int), 1 if n >= len(names) else 0)
    counts[np.argmax(counts)] += n - counts.sum()
    return [(name, int(k)) for name, k in zip(names, counts)]


class Crowd:
    """Crowd traders occupy trader ids ``first .. first+n-1``, grouped by persona."""

    def __init__(self, first: int, blocks: list[tuple[str, int]], params: CrowdParams, rng: np.random.Generator,
                 n_traders: int):
        self.first = first
        self.params = params
        self.rng = rng
        self.names = [name for name, _ in blocks]
        self.persona = np.concatenate([np.full(k, j, dtype=INT) for j, (_, k) in enumerate(blocks)]) \
            if blocks else np.empty(0, dtype=INT)
        self.n = len(self.persona)
        table = [PERSONAS[name] for name in self.names]
        col = lambda f: np.array([f(p) for p in table], dtype=float)[self.persona] if self.n else np.empty(0)
        self.lev_lo, self.lev_hi = col(lambda p: p.lev_lo), col(lambda p: p.lev_hi)
        self.stake, self.deposit = col(lambda p: p.stake), col(lambda p: p.deposit_usd)
        self.style = np.array([["random", "trend", "contrarian", "funding"].index(p.style) for p in table],
                              dtype=INT)[self.persona] if self.n else np.empty(0, dtype=INT)
        self.stop_prob, self.stop_move = col(lambda p: p.stop_prob), col(lambda p: p.stop_move)
        self.act_rate = col(lambda p: p.acts_per_hour) * params.activity / 3600.0
        self.close_rate = 1.0 / (col(lambda p: p.holds_hours) * 3600.0) if self.n else np.empty(0)
        self.stops = Triggers(n_traders)
        self.mean_act = float(self.act_rate.mean()) if self.n else 0.0

    @property
    def ids(self) -> np.ndarray:
        return np.arange(self.first, self.first + self.n, dtype=INT)

    def initial_deposits(self) -> np.ndarray:
        """Log-normal deposits around each persona's median, in units."""
        d = self.deposit * np.exp(self.rng.normal(0.0, 0.8, self.n))
        return np.round(d * UNITS_PER_USD).astype(INT)

    # ------------------------------------------------------------------ decisions
    def choose_sides(self, who: np.ndarray, momentum: float, funding_rate: float) -> np.ndarray:
        k = who - self.first
        p = self.params
        tilt = p.herd * np.tanh(momentum / 0.01)
        p_long = np.clip(0.5 + p.long_bias + tilt, 0.05, 0.95)
        side = np.where(self.rng.random(len(k)) < p_long, 1, -1)
        mom_side = 1 if momentum >= 0 else -1
        style = self.style[k]
        side = np.where(style == 1, mom_side, side)
        side = np.where(style == 2, -mom_side, side)
        fund_side = -1 if funding_rate > 0 else 1
        side = np.where(style == 3, fund_side, side)
        return side.astype(INT)

    def choose_leverage(self, who: np.ndarray) -> np.ndarray:
        k = who - self.first
        u = self.rng.random(len(k)) ** (1.0 - 0.9 * self.params.leverage_tilt)
        return np.floor(self.lev_lo[k] + u * (self.lev_hi[k] - self.lev_lo[k] + 1)).clip(1, 125).astype(INT)

    def orders(self, venue, c: int, momentum: float, funding_rate: float):
        """This second's crowd orders: (ids, signed lots, leverage) for openers and closers."""
        rng = self.rng
        n_act = rng.binomial(self.n, min(self.mean_act * 2.0, 1.0)) if self.n else 0
        book, cash = venue.books[c], venue.ledger.cash
        ids = np.empty(0, dtype=INT)
        if n_act:
            cand = np.unique(rng.integers(0, self.n, n_act))
            keep = rng.random(len(cand)) < self.act_rate[cand] / (self.mean_act * 2.0)
            ids = cand[keep] + self.first
        q = book.qty[ids]
        # holders: close with a chance that gives the persona's mean holding time
        holders = ids[q != 0]
        hk = holders - self.first
        p_close = np.clip(self.close_rate[hk] / np.maximum(self.act_rate[hk], 1e-12), 0, 1)
        closers = holders[rng.random(len(holders)) < p_close]
        # flat traders open again with what is left in their wallet (re-entry after a liquidation)
        flat = ids[q == 0]
        mark = venue.market.mark(c)
        openers = flat[cash[flat] >= 20 * UNITS_PER_USD]
        side = self.choose_sides(openers, momentum, funding_rate)
        lev = self.choose_leverage(openers)
        stake = (cash[openers] * self.stake[openers - self.first]).astype(INT)
        price = int(mark * 1.02) + 1  # conservative: slippage and fees must fit in the wallet
        lots = (stake * lev) // price
        cap = np.array([venue.tiers.max_notional(int(l)) for l in lev], dtype=INT) // price \
            if len(lev) < 64 else self._caps(venue, lev) // price
        lots = np.minimum(lots, cap)
        ok = lots > 0
        return (openers[ok], side[ok] * lots[ok], lev[ok]), closers

    @staticmethod
    def _caps(venue, lev):
        table = {int(l): venue.tiers.max_notional(int(l)) for l in np.unique(lev)}
        return np.array([table[int(l)] for l in lev], dtype=INT)

    def set_stops(self, ids: np.ndarray, side: np.ndarray, entry: int) -> None:
        """Some new positions get a stop-loss a persona-typical move away from entry."""
        k = ids - self.first
        has = self.rng.random(len(k)) < self.stop_prob[k]
        move = self.stop_move[k]
        lo = np.where(has & (side > 0), (entry * (1 - move)).astype(INT), NO_LONG_TRIGGER)
        hi = np.where(has & (side < 0), (entry * (1 + move)).astype(INT), NO_SHORT_TRIGGER)
        self.stops.set(ids, lo, hi)

    def stopped(self, mark: int, book) -> np.ndarray:
        """Crowd positions whose stop-loss the mark reached (still open)."""
        hit = self.stops.fired(mark)
        self.stops.unset(hit)
        return hit[book.qty[hit] != 0]

