"""Prices: index, last and mark for the perpetual and the quarterly, and funding.

* **index**: the exogenous process (:mod:`index_process`) times the permanent part of
  all order-flow impact (arbitrage carries a share of every trade to spot);
* **last**: index x (1 + transient impact), transient impact decaying each second;
* **mark**: index x (1 + smoothed basis), the basis an EMA of (last/index - 1) capped at
  ``mark_cap``.  Liquidations are judged on mark, so a single wick in last does not
  liquidate anyone, but sustained forced selling does: cascades come from the mechanism;
* **funding** (perpetual): the premium (last/index - 1) is averaged over each 8 h window;
  rate = P + clamp(interest - P, +-0.05 %), capped at +-0.75 %; longs pay shorts when positive;
* **quarterly**: its basis shrinks linearly to zero at expiry, where it settles at index.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .book import BookParams, flow_impact, order_impact, round_against
from .index_process import IndexParams, IndexProcess
from .money import TICKS_PER_USD as TICKS, round_ticks

PERP, QUARTERLY = 0, 1
CONTRACT_NAMES = ("perp", "quarterly")
FUNDING_INTERVAL_S = 8 * 3600


@dataclass(frozen=True)
class MarketParams:
    start_price: float = 60_000.0
    index: IndexParams = field(default_factory=IndexParams)
    book: BookParams = field(default_factory=BookParams)
    mark_ema_s: float = 20.0
    mark_cap: float = 0.01
    interest_8h: float = 0.0001
    funding_clamp: float = 0.0005
    funding_cap: float = 0.0075
    funding_interval_s: int = FUNDING_INTERVAL_S
    quarterly_basis: float = 0.01  # premium of the quarterly at the start, shrinking to 0
    quarterly_expiry_s: int = 7 * 24 * 3600


class ContractPrice:
    """Last and mark of one contract on top of the shared index.

    ``flow`` is the decaying signed volume of recent orders (lots): the transient part of
    price impact is a square-root function of it (see :mod:`book`).
    """

    def __init__(self, params: MarketParams, base_basis: float = 0.0):
        self.p = params
        self.base_basis = base_basis
        self.flow = 0.0
        self.ema_basis = base_basis
        self.last = 0
        self.mark = 0
        self._alpha = 1.0 - math.exp(-1.0 / max(params.mark_ema_s, 1e-9))
        self._decay = 0.5 ** (1.0 / params.book.decay_half_life_s)

    @property
    def transient(self) -> float:
        return (1.0 - self.p.book.permanent) * flow_impact(self.p.book, self.flow)

    def reprice(self, index: float, smooth: bool) -> None:
        basis = self.base_basis + self.transient
        self.last = max(round_ticks(index * (1.0 + basis)), 1)
        if smooth:
            self.ema_basis += self._alpha * (basis - self.ema_basis)
        cap = self.p.mark_cap
        self.mark = max(round_ticks(index * (1.0 + min(max(self.ema_basis, -cap), cap))), 1)

    def decay(self) -> None:
        self.flow *= self._decay


class Market:
    """The shared index and both contracts' prices; deterministic given its rng."""

    def __init__(self, params: MarketParams, rng: np.random.Generator, impact_on: bool = True):
        self.p = params
        self.process = IndexProcess(params.index, rng, params.start_price)
        self.permanent = 0.0  # log of the permanent impact factor
        self.impact_on = impact_on
        self.contracts = [ContractPrice(params), ContractPrice(params, params.quarterly_basis)]
        self.t = 0
        self.premium_sum = 0.0
        self.premium_n = 0
        self.last_funding_rate = 0.0
        self._reprice(smooth=True)
        for c in self.contracts:
            c.ema_basis = c.base_basis
            c.reprice(self.index, smooth=False)

    @property
    def index(self) -> float:
        return self.process.price * math.exp(self.permanent)

    @property
    def index_ticks(self) -> int:
        return round_ticks(self.index)

    def last(self, c: int = PERP) -> int:
        return self.contracts[c].last

    def mark(self, c: int = PERP) -> int:
        return self.contracts[c].mark

    def step(self) -> None:
        """Advance one second: index moves, transient impact decays, basis smooths."""
        self.t += 1
        self.process.step()
        q = self.contracts[QUARTERLY]
        q.base_basis = self.p.quarterly_basis * max(0.0, 1.0 - self.t / self.p.quarterly_expiry_s)
        for c in self.contracts:
            c.decay()
        self._reprice(smooth=True)
        perp = self.contracts[PERP]
        self.premium_sum += perp.last / self.index_ticks - 1.0
        self.premium_n += 1

    def _reprice(self, smooth: bool) -> None:
        for c in self.contracts:
            c.reprice(self.index, smooth)

    def quote(self, c: int, side: int, lots: int) -> int:
        """Average fill (ticks) a market order of ``lots`` would get now (side +1 buy / -1 sell)."""
        avg, _ = order_impact(self.p.book, self.contracts[c].flow, side, lots)
        return round_against(self._price_at(c, side, avg), side)

    def marginal(self, c: int, side: int, lots: int) -> float:
        """Price (ticks) of the last lot of a market order of ``lots``: where the book ends up."""
        return self._price_at(c, side, flow_impact(self.p.book, self.contracts[c].flow + side * lots))

    def marketable_lots(self, c: int, side: int, lots: int, limit: int) -> int:
        """How much of a limit order at ``limit`` the book fills at once (every lot within the limit)."""
        def within(x: int) -> bool:
            p = self.marginal(c, side, x)
            return p <= limit if side > 0 else p >= limit

        if not within(1):
            return 0
        if within(lots):
            return lots
        lo, hi = 1, lots
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if within(mid) else (lo, mid)
        return lo

    def _price_at(self, c: int, side: int, impact: float) -> float:
        contract = self.contracts[c]
        level = self.index * (1.0 + contract.base_basis + (1.0 - self.p.book.permanent) * impact)
        return level * TICKS * (1.0 + side * self.p.book.half_spread)

    def trade(self, c: int, side: int, lots: int, moves_price: bool = True) -> int:
        """Execute a market order: returns its average fill in ticks, then moves the price.

        The move is part permanent (the index), part transient (decaying flow), unless the
        game switched impact off, which the cascade experiment does for liquidation orders.
        """
        price = self.quote(c, side, lots)
        if moves_price and self.impact_on and lots > 0:
            contract = self.contracts[c]
            before = flow_impact(self.p.book, contract.flow)
            contract.flow += side * lots
            after = flow_impact(self.p.book, contract.flow)
            self.permanent += math.log1p(self.p.book.permanent * (after - before))
            self._reprice(smooth=False)
        return price

    def settle_marks(self) -> None:
        """After the tick's trades: let the mark take in the new basis (one EMA step)."""
        self._reprice(smooth=False)

    # ------------------------------------------------------------------ funding
    def predicted_funding_rate(self) -> float:
        p = self.premium_sum / self.premium_n if self.premium_n else 0.0
        clamp = self.p.funding_clamp
        rate = p + min(max(self.p.interest_8h - p, -clamp), clamp)
        return min(max(rate, -self.p.funding_cap), self.p.funding_cap)

    def funding_due(self) -> bool:
        return self.t > 0 and self.t % self.p.funding_interval_s == 0

    def seconds_to_funding(self) -> int:
        return self.p.funding_interval_s - self.t % self.p.funding_interval_s

    def take_funding_rate(self) -> float:
        rate = self.predicted_funding_rate()
        self.last_funding_rate = rate
        self.premium_sum, self.premium_n = 0.0, 0
        return rate

    def quarterly_expired(self) -> bool:
        return self.t == self.p.quarterly_expiry_s
