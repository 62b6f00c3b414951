"""Prices: index, last and mark for the perpetual and the quarterly, funding and carry.

* **fair value**: the exogenous process (:mod:`index_process`) times the permanent part of all
  order-flow impact, displaced by recent spot flow (shocks: a spot seller's metaorder);
* **index** (spot): fair value plus the share of the perpetual's transient displacement that
  arbitrage carries to spot (``BookParams.arbitrage`` times the square root of the liquidity
  level: arbitrageurs are the market makers, and they thin out together) — forced selling in the
  perpetual drags spot with it *within the tick*, so the mark, and the next round of the
  liquidation loop, see it; in an empty book the perpetual also dislocates from spot, and
  liquidation orders fill far beyond the mark;
* **last**: index x (1 + fair basis + the pool's inventory skew + the rest of the displacement);
* **mark**: index x (1 + fair basis + smoothed deviation), the deviation an EMA of
  ``last/index - 1 - fair basis`` capped at ``mark_cap``: one wick in last does not liquidate
  anyone, but the index moves with sustained forced selling, so cascades come from the mechanism;
* **funding** (perpetual): the premium ``last/index - 1`` (mostly the pool's skew: the crowd's
  imbalance) is averaged over each funding interval; rate = P + clamp(interest - P, +-clamp),
  capped; the venue's figures are per 8 hours and each settlement pays its interval's share
  (hourly funding pays an eighth; a lesson that compresses the clock pays a whole period every
  couple of minutes); longs pay shorts when positive;
* **quarterly**: its fair basis is an annual carry times the time to expiry; the carry leans on
  the recent move of the index (``carry_sensitivity``), so it turns to backwardation after a crash.

Displacements come from :mod:`book`'s impact law against depths from :mod:`liquidity`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .book import BookParams, flow_impact, path_average, round_against
from .index_process import SECONDS_PER_YEAR, IndexParams, IndexProcess
from .liquidity import Liquidity, LiquidityParams
from .money import LOTS_PER_BTC, TICKS_PER_USD as TICKS, round_ticks

PERP, QUARTERLY = 0, 1
CONTRACT_NAMES = ("perp", "quarterly")
FUNDING_INTERVAL_S = 8 * 3600


@dataclass(frozen=True)
class MarketParams:
    start_price: float = 60_000.0
    index: IndexParams = field(default_factory=IndexParams)
    book: BookParams = field(default_factory=BookParams)
    liquidity: LiquidityParams = field(default_factory=LiquidityParams)
    mark_ema_s: float = 20.0
    mark_cap: float = 0.01
    interest_8h: float = 0.0001
    funding_clamp: float = 0.0005  # per 8 h
    funding_cap: float = 0.0075  # per 8 h
    funding_interval_s: int = FUNDING_INTERVAL_S
    funding_period_s: int = FUNDING_INTERVAL_S  # game time one 8-hour funding period takes (lessons compress it)
    quarterly_carry: float = 0.08  # annualised basis of the quarterly in a quiet market
    carry_sensitivity: float = 1.5  # carry change per unit of log(index / its slow average)
    carry_window_s: float = 4 * 3600.0  # the slow average's time constant
    carry_bounds: tuple[float, float] = (-0.3, 0.6)
    quarterly_expiry_s: int = 7 * 24 * 3600
    liquidation_feed: float = 0.05  # slow log-variance added per depth's worth of liquidation volume
    pool_usd: float = 50_000_000.0  # the pool's capital: what its inventory limit is measured against


class Flow:
    """A market's decaying signed volume of recent orders (lots) and the displacement it causes."""

    def __init__(self, half_life_s: float):
        self.flow = 0.0
        self.disp = 0.0
        self._decay = 0.5 ** (1.0 / half_life_s)

    def decay(self) -> None:
        self.flow *= self._decay


class ContractPrice(Flow):
    """Last and mark of one contract on top of the shared index.

    ``fair_basis`` is where the contract trades when nobody pushes it (0 for the perpetual, the
    carry for the quarterly); ``lean`` is the pool's skew; ``own`` the share of the displacement
    that stays in this contract (the rest is in the index already).
    """

    def __init__(self, params: MarketParams, own: float, fair_basis: float = 0.0):
        super().__init__(params.book.decay_half_life_s)
        self.p = params
        self.own = own
        self.fair_basis = fair_basis
        self.lean = 0.0
        self.ema_basis = 0.0  # smoothed deviation from the fair basis
        self.last = 0
        self.mark = 0
        self._alpha = 1.0 - math.exp(-1.0 / max(params.mark_ema_s, 1e-9))

    def reprice(self, index: float, smooth: bool) -> None:
        deviation = self.lean + self.own * self.disp
        self.last = max(round_ticks(index * (1.0 + self.fair_basis + deviation)), 1)
        if smooth:
            self.ema_basis += self._alpha * (deviation - self.ema_basis)
        cap = self.p.mark_cap
        self.mark = max(round_ticks(index * (1.0 + self.fair_basis + min(max(self.ema_basis, -cap), cap))), 1)


class Market:
    """The shared index and both contracts' prices; deterministic given its rng."""

    def __init__(self, params: MarketParams, rng: np.random.Generator, impact_on: bool = True):
        self.p = params
        self.process = IndexProcess(params.index, rng, params.start_price)
        normal_var = params.index.annual_vol ** 2 / SECONDS_PER_YEAR
        self.liquidity = Liquidity(params.liquidity, params.book.depth_btc, normal_var,
                                   params.pool_usd / params.start_price)
        self._permanent = 0.0  # log of the permanent impact factor
        self._permanent_factor = 1.0  # its exp
        self._index = params.start_price
        self.impact_on = impact_on
        self.forced = False  # set by the game while liquidation orders trade
        self.taken = [[0, 0] for _ in range(2)]  # lots bought / sold by takers this second, per contract (the tape)
        self.pool_inventory = lambda c: 0  # the pool's position (lots); the game wires in the position book
        self.spot = Flow(params.book.decay_half_life_s)
        self.arb = params.book.arbitrage  # share carried to spot now: arbitrage capital thins with the book
        self.contracts = [ContractPrice(params, 1.0 - self.arb), ContractPrice(params, 1.0)]
        self.t = 0
        self.premium_sum = 0.0
        self.premium_n = 0
        self.last_funding_rate = 0.0
        self.carry = params.quarterly_carry
        self._log_avg = math.log(params.start_price)  # slow average of log index (for the carry)
        self._carry_w = 1.0 - math.exp(-1.0 / params.carry_window_s)
        self._interval_share = params.funding_interval_s / params.funding_period_s
        self._update_quarterly(self._log_avg)
        self._reprice(smooth=True)
        for c in self.contracts:
            c.ema_basis = c.lean + c.own * c.disp
            c.reprice(self.index, smooth=False)

    # ------------------------------------------------------------------ prices
    @property
    def fair_value(self) -> float:
        return self.process.price * self._permanent_factor * (1.0 + self.spot.disp)

    @property
    def permanent(self) -> float:
        return self._permanent

    @permanent.setter
    def permanent(self, value: float) -> None:
        self._permanent = value
        self._permanent_factor = math.exp(value)  # changes with trades only; the index is read every tick
        self._refresh_index()

    @property
    def index(self) -> float:
        """Kept up to date by every change of its parts (it is read many times a tick)."""
        return self._index

    def _refresh_index(self) -> None:
        self._index = self.fair_value * (1.0 + self.arb * self.contracts[PERP].disp)

    @property
    def index_ticks(self) -> int:
        return round_ticks(self.index)

    def last(self, c: int = PERP) -> int:
        return self.contracts[c].last

    def mark(self, c: int = PERP) -> int:
        return self.contracts[c].mark

    def depth(self, side: int, c: int = PERP) -> float:
        """BTC of taker flow on ``side`` that would move contract c by ``depth_move`` right now."""
        return self.liquidity.depth(side, self.pool_inventory(c))

    def step(self) -> None:
        """Advance one second: index moves, liquidity adapts, transient impact decays, basis smooths."""
        log_before = math.log(self.index)
        self.t += 1
        self.process.step()
        for f in (self.spot, *self.contracts):
            f.decay()
        self._update_quarterly(log_before)
        index = self._reprice(smooth=True)
        self.liquidity.step(math.log(index) - log_before)
        self.premium_sum += self.contracts[PERP].last / round_ticks(index) - 1.0
        self.premium_n += 1

    def _update_quarterly(self, log_index: float) -> None:
        """The carry leans on how far the index is from its slow average; the basis is carry x time left."""
        p = self.p
        self._log_avg += self._carry_w * (log_index - self._log_avg)
        lo, hi = p.carry_bounds
        self.carry = min(max(p.quarterly_carry + p.carry_sensitivity * (log_index - self._log_avg), lo), hi)
        self.contracts[QUARTERLY].fair_basis = self.carry * max(p.quarterly_expiry_s - self.t, 0) / SECONDS_PER_YEAR

    def _contract_disp(self, c: int, flow: float, inventory: int | None = None) -> float:
        """Displacement of contract c by a recent flow, against the book on the flow's side (``inventory``:
        the pool's position in c, when the caller has read it already)."""
        if not flow:
            return 0.0
        inventory = self.pool_inventory(c) if inventory is None else inventory
        return flow_impact(self.p.book, flow, self.liquidity.depth(1 if flow > 0 else -1, inventory))

    def _spot_disp(self, flow: float) -> float:
        liq = self.liquidity
        return flow_impact(self.p.book, flow, liq.depth_btc * liq.level) if flow else 0.0

    def _displace(self) -> None:
        """Displacements from the flows against the current depths; the pool's lean; arbitrage's reach."""
        liq = self.liquidity
        self.arb = self.p.book.arbitrage * liq.level ** 0.25
        self.contracts[PERP].own = 1.0 - self.arb
        inventory = self.pool_inventory(PERP)
        self.contracts[PERP].lean = liq.skew(inventory)
        self.spot.disp = self._spot_disp(self.spot.flow)
        perp, quarterly = self.contracts
        perp.disp = self._contract_disp(PERP, perp.flow, inventory)
        quarterly.disp = self._contract_disp(QUARTERLY, quarterly.flow)
        self._refresh_index()

    def _reprice(self, smooth: bool) -> float:
        self._displace()
        index = self.index
        for c in self.contracts:
            c.reprice(index, smooth)
        return index

    def settle_marks(self) -> None:
        """After the tick's trades: let the mark take in the new basis (one EMA step)."""
        self._reprice(smooth=False)

    # ------------------------------------------------------------------ trading
    def quote(self, c: int, side: int, lots: int) -> int:
        """Average fill (ticks) a market order of ``lots`` would get now (side +1 buy / -1 sell)."""
        k = self.contracts[c]
        avg = path_average(k.disp, self._contract_disp(c, k.flow + side * lots))
        return round_against(self._price_at(c, side, avg), side)

    def marginal(self, c: int, side: int, lots: int) -> float:
        """Price (ticks) of the last lot of a market order of ``lots``: where the book ends up."""
        k = self.contracts[c]
        return self._price_at(c, side, self._contract_disp(c, k.flow + side * lots))

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

    def _price_at(self, c: int, side: int, disp: float) -> float:
        """The book's price (ticks, before rounding) at displacement ``disp``, spread included."""
        k = self.contracts[c]
        # the perpetual's whole displacement is in ``disp`` (the index carries part of it): price it from
        # the fair value; the quarterly trades around the index
        base = self.fair_value if c == PERP else self.index
        level = base * (1.0 + k.fair_basis + k.lean + disp)
        spread = self.liquidity.half_spread(self.p.book.half_spread)
        return level * TICKS * (1.0 + side * spread)

    def trade(self, c: int, side: int, lots: int, moves_price: bool = True) -> int:
        """Execute a market order against the pool: returns its average fill in ticks, then moves the price.

        The move is transient (decaying flow) plus a permanent part, unless the game switched impact off,
        which the cascade experiment does for liquidation orders.  Liquidation volume (``forced``) also
        thins the book and feeds the slow volatility component.
        """
        price = self.quote(c, side, lots)
        if lots > 0:
            self.taken[c][0 if side > 0 else 1] += lots
        if moves_price and self.impact_on and lots > 0:
            k = self.contracts[c]
            before = k.disp
            k.flow += side * lots
            self.permanent += math.log1p(self.p.book.permanent * (self._contract_disp(c, k.flow) - before))
            if self.forced:
                self.liquidity.absorb_forced(lots)
                self.process.excite(self.p.liquidation_feed * lots / LOTS_PER_BTC / self.p.book.depth_btc)
            self._reprice(smooth=False)
        return price

    def take_volume(self, c: int) -> tuple[int, int]:
        """Lots bought and sold by takers in contract c since the last call (the tape's second)."""
        bought, sold = self.taken[c]
        self.taken[c] = [0, 0]
        return bought, sold

    def trade_spot(self, side: int, lots: int, permanent: float | None = None) -> None:
        """Exogenous flow on the spot market (a shock): moves the index, and so both contracts.
        ``permanent`` overrides how much of its displacement is written into the fair value for good
        (news-driven flow is information, not inventory pressure)."""
        if lots <= 0:
            return
        before = self.spot.disp
        self.spot.flow += side * lots
        share = self.p.book.permanent if permanent is None else permanent
        self.permanent += math.log1p(share * (self._spot_disp(self.spot.flow) - before))
        self._reprice(smooth=False)

    # ------------------------------------------------------------------ funding
    def predicted_funding_rate(self) -> float:
        """The rate the next settlement will pay, per funding interval."""
        p = self.premium_sum / self.premium_n if self.premium_n else 0.0
        clamp = self.p.funding_clamp
        rate = p + min(max(self.p.interest_8h - p, -clamp), clamp)
        rate = min(max(rate, -self.p.funding_cap), self.p.funding_cap)
        return rate * self._interval_share

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
