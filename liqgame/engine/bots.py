"""The simulated crowd: thousands of leveraged traders, every decision an array operation.

Each trader belongs to a persona (cautious, swing, degen, trend follower, mean-reverter,
funding farmer, whale) that fixes its leverage range, stake, stop-loss habit and how it
picks a side.  Each second a random few act: flat traders open (herding: a rally tilts
them long), holders close.  A liquidated trader first stays away for a while (a seeded
cool-off around ``cooloff_hours``), then comes back with what is left in its wallet.  All of
a tick's crowd orders net into one market order against the liquidity pool, so the crowd
moves the price the same way players and liquidations do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .money import INT, UNITS_PER_USD
from .positions import NO_LONG_TRIGGER, NO_SHORT_TRIGGER, Triggers
from .data import asset_json
from .rulebooks import MAX_LEVERAGE


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


def persona_from_dict(d: dict) -> Persona:
    lo, hi = d["leverage"]
    return Persona(d["name"], int(lo), int(hi), d["stake"], d["deposit_usd"], d["style"], d["stop_prob"],
                   d["stop_move"], d["acts_per_hour"], d["holds_hours"])


_DATA = asset_json("personas.json")  # assets/personas.json: who the crowd is
PERSONAS = {p.name: p for p in map(persona_from_dict, _DATA["personas"])}
DEFAULT_MIX = {k: float(v) for k, v in _DATA["default_mix"].items()}


@dataclass(frozen=True)
class CrowdParams:
    mix: tuple[tuple[str, float], ...] = tuple(DEFAULT_MIX.items())
    long_bias: float = 0.0  # added to the chance of going long
    herd: float = 0.25  # how strongly a recent move tilts new positions its way
    activity: float = 1.0  # multiplies every persona's acts_per_hour
    leverage_tilt: float = 0.0  # 0..1: pulls leverage towards each persona's top
    cooloff_hours: float = 6.0  # mean time a liquidated trader stays away


def layout(n: int, mix) -> list[tuple[str, int]]:
    """Persona blocks (name, count) summing to n; every persona in the mix gets at least one trader."""
    names = [m for m, w in mix if w > 0]
    weights = np.array([w for m, w in mix if w > 0], dtype=float)
    counts = np.maximum(np.floor(weights / weights.sum() * n).astype(int), 1 if n >= len(names) else 0)
    counts[np.argmax(counts)] += n - counts.sum()
    return [(name, int(k)) for name, k in zip(names, counts)]


class Crowd:
    """Crowd traders occupy trader ids ``first .. first+n-1``, grouped by persona.

    Only the persona index is stored per trader; persona traits are small tables looked up
    for the few traders that act each second (a million traders stay a few MB).
    """

    STYLES = ("random", "trend", "contrarian", "funding")

    def __init__(self, first: int, blocks: list[tuple[str, int]], params: CrowdParams, rng: np.random.Generator,
                 n_traders: int):
        self.first = first
        self.params = params
        self.rng = rng
        self.names = [name for name, _ in blocks]
        self.persona = np.repeat(np.arange(len(blocks), dtype=np.int16), [k for _, k in blocks])
        self.n = len(self.persona)
        table = [PERSONAS[name] for name in self.names]
        trait = lambda f: np.array([f(p) for p in table], dtype=float)
        self.lev_lo, self.lev_hi = trait(lambda p: p.lev_lo), trait(lambda p: p.lev_hi)
        self.stake, self.deposit = trait(lambda p: p.stake), trait(lambda p: p.deposit_usd)
        self.style = np.array([self.STYLES.index(p.style) for p in table], dtype=INT)
        self.stop_prob, self.stop_move = trait(lambda p: p.stop_prob), trait(lambda p: p.stop_move)
        self.act_rate = trait(lambda p: p.acts_per_hour) * params.activity / 3600.0
        self.close_rate = 1.0 / (trait(lambda p: p.holds_hours) * 3600.0)
        # per-persona tables for the few traders that act each batch (one lookup instead of three calls)
        self._p_close = np.clip(self.close_rate / np.maximum(self.act_rate, 1e-12), 0, 1)
        self._lev_span = self.lev_hi - self.lev_lo + 1
        counts = np.array([k for _, k in blocks], dtype=float)
        self.mean_act = float((self.act_rate * counts).sum() / counts.sum()) if self.n else 0.0
        self.stops = Triggers(n_traders)
        self.max_leverage = MAX_LEVERAGE  # the venue's top leverage (the game sets it from the rulebook's tiers)
        self.holding = np.zeros(self.n, dtype=bool)  # had a position at the last look
        self.back_at = np.zeros(self.n, dtype=INT)  # tick from which a liquidated trader trades again

    @property
    def ids(self) -> np.ndarray:
        return np.arange(self.first, self.first + self.n, dtype=INT)

    def of(self, who: np.ndarray) -> np.ndarray:
        """Persona index of traders ``who``."""
        return self.persona[who - self.first]

    def initial_deposits(self, who: np.ndarray) -> np.ndarray:
        """Log-normal deposits around each persona's median, in units."""
        d = self.deposit[self.of(who)] * np.exp(self.rng.normal(0.0, 0.8, len(who)))
        return np.round(d * UNITS_PER_USD).astype(INT)

    # ------------------------------------------------------------------ decisions
    def choose_sides(self, who: np.ndarray, momentum: float, funding_rate: float, bias: float = 0.0) -> np.ndarray:
        p = self.params
        tilt = p.herd * np.tanh(momentum / 0.01)
        p_long = min(max(0.5 + p.long_bias + bias + tilt, 0.05), 0.95)  # a scalar: np.clip costs microseconds
        side = np.where(self.rng.random(len(who)) < p_long, 1, -1)
        mom_side = 1 if momentum >= 0 else -1
        fund_side = -1 if funding_rate > 0 else 1 if funding_rate < 0 else 0  # no funding: no preference
        by_style = np.array([0, mom_side, -mom_side, fund_side])[self.style[self.of(who)]]
        return np.where(by_style == 0, side, by_style).astype(INT)

    def choose_leverage(self, who: np.ndarray) -> np.ndarray:
        k = self.of(who)
        u = self.rng.random(len(who)) ** (1.0 - 0.9 * self.params.leverage_tilt)
        lev = np.floor(self.lev_lo[k] + u * self._lev_span[k])
        return np.minimum(np.maximum(lev, 1), self.max_leverage).astype(INT)

    def orders(self, venue, c: int, momentum: float, funding_rate: float, dt: int = 1, now: int = 0,
               bias: float = 0.0):
        """The crowd's orders for the last ``dt`` seconds: (ids, signed lots, leverage) to open, ids to close.

        ``bias`` is a sentiment shock's extra lean towards longs."""
        rng = self.rng
        p_any = min(self.mean_act * dt * 2.0, 1.0)
        n_act = rng.binomial(self.n, p_any) if self.n else 0
        book, cash = venue.books[c], venue.ledger.cash
        ids = np.empty(0, dtype=INT)
        if n_act:
            cand = np.unique(rng.integers(0, self.n, n_act)) + self.first
            keep = rng.random(len(cand)) < (self.act_rate * dt / p_any)[self.of(cand)]
            ids = cand[keep]
        q = book.qty[ids]
        # holders: close with a chance that gives the persona's mean holding time
        holders = ids[q != 0]
        closers = holders[rng.random(len(holders)) < self._p_close[self.of(holders)]]
        # flat traders open again with what is left in their wallet, once their cool-off is over
        flat = ids[q == 0]
        openers = flat[(cash[flat] >= 20 * UNITS_PER_USD) & (self.back_at[flat - self.first] <= now)]
        side = self.choose_sides(openers, momentum, funding_rate, bias)
        lev = self.choose_leverage(openers)
        stake = (cash[openers] * self.stake[self.of(openers)]).astype(INT)
        price = int(venue.market.mark(c) * 1.02) + 1  # conservative: slippage and fees must fit in the wallet
        lots = np.minimum((stake * lev) // price, self._caps(venue, lev) // price)
        ok = lots > 0
        return (openers[ok], side[ok] * lots[ok], lev[ok]), closers

    @staticmethod
    def _caps(venue, lev: np.ndarray) -> np.ndarray:
        """Largest notional (units) allowed at each leverage (tier table)."""
        return venue.tiers.notional_caps[lev]

    def note_positions(self, book, now: int) -> None:
        """Traders who held a position at the last look and are flat without having closed it were
        liquidated (or deleveraged): they stay away for an exponential while around ``cooloff_hours``."""
        lost = (self.holding & (book.qty[self.first:self.first + self.n] == 0)).nonzero()[0]
        if len(lost):
            self.holding[lost] = False
            wait = self.rng.exponential(self.params.cooloff_hours * 3600.0, len(lost))
            self.back_at[lost] = now + wait.astype(INT)

    def opened(self, ids: np.ndarray) -> None:
        self.holding[ids - self.first] = True

    def closed(self, ids: np.ndarray) -> None:
        self.holding[ids - self.first] = False

    def set_stops(self, ids: np.ndarray, side: np.ndarray, entry) -> None:
        """Some new positions get a stop-loss a persona-typical move away from entry."""
        k = self.of(ids)
        has = self.rng.random(len(k)) < self.stop_prob[k]
        move = self.stop_move[k]
        lo = np.where(has & (side > 0), (entry * (1 - move)).astype(INT), NO_LONG_TRIGGER)
        hi = np.where(has & (side < 0), (entry * (1 + move)).astype(INT), NO_SHORT_TRIGGER)
        self.stops.set(ids, lo, hi)

    def stopped(self, mark: int, book) -> np.ndarray:
        """Crowd positions whose stop-loss the mark reached (still open)."""
        hit = self.stops.fired(mark)
        if len(hit) == 0:  # most seconds: nothing to unset or look up
            return hit
        self.stops.unset(hit)
        return hit[book.qty[hit] != 0]

