"""The game: one deterministic market, its crowd, and the human players.

    >>> from liqgame.engine import Game, GameConfig, actions as A
    >>> g = Game(GameConfig(seed=7, bots=200), scenario=None)     # doctest: +SKIP
    >>> g.apply(A.PlaceOrder(side="long", qty=0.1, leverage=20)).ok  # doctest: +SKIP
    True
    >>> events = g.step()                                             # doctest: +SKIP

A run is a pure function of (seed, scenario, rulebook, action log): ``log`` records every
action with its tick, and :meth:`Game.replay` reproduces the run bit for bit.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field

import numpy as np

from . import actions as act
from . import events as ev
from .book import BookParams
from .bots import Crowd, layout
from .ledger import FUND, POOL, SYSTEM_GROUPS, Cause, Ledger
from .liquidation import LiquidationEngine
from .market import CONTRACT_NAMES, PERP, QUARTERLY, Market, MarketParams
from .money import INT, LOTS_PER_BTC, UNITS_PER_USD, lots_to_btc, notional, round_ticks, ticks_to_usd, to_units
from .orders import OrderDesk, Rejected
from .positions import PositionBook
from .report import CrowdTally
from .risk import TierTable
from .rulebooks import DEFAULT_RULEBOOK, get_rulebook
from .scenarios import Scenario
from .script import ActionScript, Session
from .score import score
from .shocks import ShockPlan
from .tape import Tape
from .venue import FeeSchedule, Venue

MAX_BALANCE_USD = 1_000_000_000  # keeps every account and sum of accounts far inside int64
MOMENTUM_WINDOW_S = 900
CROWD_EVERY_S = 10  # crowd decisions are batched: same rates, a tenth of the per-second overhead
RESTRICT_AFTER = 3  # liquidations in a session before the venue caps leverage
RESTRICT_LEVERAGE = 20
RESTRICT_SECONDS = 3600
REVENGE_WINDOW_S = 600
WARNING_RATIO = 0.8  # margin ratio that triggers a margin call
REARM_RATIO = 0.7


@dataclass(frozen=True)
class GameConfig:
    seed: int | None = None  # None: the scenario's default seed
    scenario: str = "calm"
    rulebook: str = DEFAULT_RULEBOOK
    players: tuple[str, ...] = ("you",)
    starting_balance: float = 10_000.0
    bots: int | None = None  # None: the scenario's crowd size
    liquidation_impact: bool = True
    quarterly: bool = True

    def to_dict(self) -> dict:
        d = asdict(self)
        d["players"] = list(self.players)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "GameConfig":
        d = dict(d)
        if "players" in d:
            d["players"] = tuple(d["players"])
        return cls(**d)


@dataclass(frozen=True)
class ActionResult:
    ok: bool
    reason: str = ""
    events: tuple = ()


@dataclass
class PlayerState:
    trader: int
    name: str
    start: int
    liquidations: int = 0
    peak: int = 0
    max_drawdown: float = 0.0
    warned: set = field(default_factory=set)
    last_liquidation: tuple[int, int] | None = None  # (tick, notional)
    restricted_until: int = -1
    curve: list = field(default_factory=list)  # equity once per second
    exposure_units: int = 0  # the sum over seconds of the notional held, at mark (units)


class Game:
    def __init__(self, config: GameConfig, scenario: Scenario):
        self.config = config
        self.scenario = scenario
        self.seed = scenario.seed if config.seed is None else int(config.seed)
        if not config.players:
            raise ValueError("a game needs at least one player")
        self.rulebook = get_rulebook(config.rulebook)
        # one stream per component; shocks got their own third stream (the first two draw as before)
        streams = np.random.SeedSequence(self.seed).spawn(3)
        market_rng, crowd_rng, shock_rng = (np.random.default_rng(s) for s in streams)
        n_bots = scenario.bots if config.bots is None else int(config.bots)
        if n_bots < 0:
            raise ValueError("bots must be >= 0")
        humans = list(range(1, 1 + len(config.players)))
        blocks = layout(n_bots, scenario.crowd.mix) if n_bots else []
        n = 1 + len(humans) + n_bots
        group_names = list(SYSTEM_GROUPS) + [f"player {p}" for p in config.players] + [b for b, _ in blocks]
        groups = np.concatenate([[3], np.arange(4, 4 + len(humans)),
                                 *[np.full(k, 4 + len(humans) + j) for j, (_, k) in enumerate(blocks)]]).astype(INT)
        tiers = TierTable(self.rulebook.tiers)
        # depth is quoted for the scenario's crowd; a bigger crowd trades in a proportionally deeper market
        depth = scenario.depth_btc * max(1.0, n_bots / max(scenario.bots, 1))
        params = MarketParams(start_price=scenario.start_price, index=scenario.index,
                              book=BookParams(depth_btc=depth), liquidity=scenario.liquidity,
                              funding_interval_s=scenario.funding_interval_s, pool_usd=scenario.pool_usd,
                              funding_period_s=scenario.funding_period_s,
                              quarterly_carry=scenario.quarterly_carry, quarterly_expiry_s=scenario.quarterly_expiry_s)
        market = Market(params, market_rng, impact_on=True)
        ledger = Ledger(n, 2, groups, group_names, humans)
        books = [PositionBook(n, tiers, name, groups, len(group_names)) for name in CONTRACT_NAMES]
        for b in books:
            b.cross[POOL] = True
        market.pool_inventory = lambda c: int(books[c].qty[POOL])  # the pool quotes against its inventory
        self.shocks = ShockPlan(scenario.shocks, shock_rng)
        self.venue = Venue(ledger, books, market, tiers, self.rulebook, FeeSchedule(), humans)
        self.desk = OrderDesk(self.venue)
        self.liq = LiquidationEngine(self.venue)
        self.liquidation_impact = config.liquidation_impact
        self.crowd = Crowd(1 + len(humans), blocks, scenario.crowd, crowd_rng, n)
        self.crowd.max_leverage = tiers.top_leverage  # the crowd trades within the venue's own limits
        self.players: list[PlayerState] = []
        start = to_units(config.starting_balance)
        if not 0 < start <= MAX_BALANCE_USD * UNITS_PER_USD:
            raise ValueError(f"starting balance must be positive and at most {MAX_BALANCE_USD:,} USD")
        ledger.deposit(0, POOL, int(scenario.pool_usd * UNITS_PER_USD))
        ledger.deposit(0, FUND, int(scenario.insurance_fund_usd * UNITS_PER_USD))
        for h, name in zip(humans, config.players):
            ledger.deposit(0, h, start)
            self.players.append(PlayerState(h, name, start, peak=start, curve=[start]))
        self._seed_crowd()
        self.liq.fund_min = ledger.insurance_fund
        self.tick = 0
        self.log: list[dict] = []
        self._momentum = np.full(MOMENTUM_WINDOW_S, market.index)
        self.price_history: list[tuple[int, int, int]] = [(market.index_ticks, market.last(), market.mark())]
        self.tape = Tape(market.depth(-1), market.depth(1))
        self.recent_events: list[ev.Event] = []
        self.crowd_liquidated = CrowdTally()
        self._lives_done = 0  # lives before this index are all reported closed
        self._lives_reported: set[int] = set()

    # ------------------------------------------------------------------ setup
    def _seed_crowd(self, chunk: int = 65_536) -> None:
        """The crowd starts with positions entered at prices around the start (a lived-in book).

        Done in chunks so a million traders never need more than a few MB of temporaries.
        """
        cr, v = self.crowd, self.venue
        mark = v.market.mark(PERP)
        for lo in range(0, cr.n, chunk):
            ids = cr.ids[lo:lo + chunk]
            v.ledger.deposit_many(0, ids, cr.initial_deposits(ids))
            holders = ids[cr.rng.random(len(ids)) < 0.85]
            side = cr.choose_sides(holders, 0.0, 0.0)
            lev = cr.choose_leverage(holders)
            # entries spread over the recent past; a position at a loss is at most halfway to liquidation
            move = cr.rng.normal(0.0, 0.02, len(holders))
            worst = 0.5 * (1.0 / lev - 0.006)  # a positive move is a loss for the position
            # spread those beyond it below it (clipping would stack them all at one price: a liquidation wall)
            move = np.where(move > worst, worst * cr.rng.random(len(holders)), np.maximum(move, -0.03))
            entry = np.round(mark * (1 + side * move)).astype(INT)
            stake = (v.ledger.cash[holders] * cr.stake[cr.of(holders)]).astype(INT)
            lots = np.minimum((stake * lev) // (entry + 1), cr._caps(v, lev) // (entry + 1))
            ok = lots > 0
            holders, side, lev, entry, lots = holders[ok], side[ok], lev[ok], entry[ok], lots[ok]
            v.execute_fills(PERP, holders, side * lots, entry, fee_ppm=0, leverage=lev, cross=False)
            cr.set_stops(holders, side, entry)  # each stop from its own entry: no wall of stops at one price
            cr.opened(holders)
        v.ledger.net[:] = 0  # the journal starts with the game: the lived-in book is its opening state

    # ------------------------------------------------------------------ actions
    def apply(self, action: act.Action) -> ActionResult:
        """Apply one player action now; a refused action changes nothing and says why.

        Actions built in Python are checked exactly like the JSON of a player file; only
        accepted actions enter the replay log (a refused one changed nothing to replay).
        """
        try:
            action = act.validate(action)
            events = self._apply(action)
        except (Rejected, act.ActionError) as e:
            return ActionResult(False, str(e))
        self.log.append({"tick": self.tick, **action.to_dict()})
        events += self.desk.drop_orphans()
        events += self._closed_positions()
        self._remember(events)
        return ActionResult(True, "", tuple(events))

    def _player(self, p: int) -> PlayerState:
        if isinstance(p, bool) or not isinstance(p, int) or not 0 <= p < len(self.players):
            raise Rejected(f"unknown player {p!r}")
        return self.players[p]

    def _apply(self, a: act.Action) -> list[ev.Event]:
        ps = self._player(a.player)
        i, d = ps.trader, self.desk
        if ps.restricted_until <= self.tick and i in d.max_leverage_cap:
            del d.max_leverage_cap[i]
        contract = getattr(a, "contract", "perp")
        if contract == "quarterly" and (not self.config.quarterly or self.quarterly_expired):
            raise Rejected("the quarterly contract is not trading" + (" (expired)" if self.quarterly_expired else ""))
        if isinstance(a, act.PlaceOrder):
            out = d.place(i, a)
            return self._revenge_check(ps, a, out)
        if isinstance(a, act.ClosePosition):
            return d.close(i, a)
        if isinstance(a, act.CancelOrder):
            return d.cancel(i, a.order_id)
        if isinstance(a, (act.AddMargin, act.RemoveMargin)):
            return d.move_margin(i, a.contract, a.amount, isinstance(a, act.AddMargin))
        if isinstance(a, act.SetLeverage):
            return d.set_leverage(i, a.contract, a.leverage)
        if isinstance(a, act.SetMarginMode):
            return d.set_margin_mode(i, a.contract, a.mode)
        raise Rejected(f"unsupported action {type(a).__name__}")

    def _revenge_check(self, ps: PlayerState, a: act.PlaceOrder, out: list) -> list:
        if ps.last_liquidation is None or a.reduce_only or a.type in ("stop_loss", "take_profit"):
            return out
        when, notional = ps.last_liquidation
        c = CONTRACT_NAMES.index(a.contract)
        now = abs(int(self.venue.books[c].qty[ps.trader])) * self.venue.market.mark(c)
        if self.tick - when <= REVENGE_WINDOW_S and now > notional:
            out.append(ev.Notice(self.tick, ps.trader,
                                 "Revenge trade? You were liquidated minutes ago and this position is bigger "
                                 "than the one you lost. Survival comes before profit.", topic="revenge"))
        return out

    # ------------------------------------------------------------------ time
    def step(self) -> list[ev.Event]:
        """Advance one second of game time; returns what happened."""
        v, m = self.venue, self.venue.market
        self.tick += 1
        v.tick = self.tick
        m.impact_on = True
        m.step()
        flows, bias = self.shocks.step(self.tick)
        for lots, permanent in flows:
            m.trade_spot(1 if lots > 0 else -1, abs(lots), permanent)
        out: list[ev.Event] = []
        self._crowd_step(bias)
        out += self.desk.trigger()
        if m.funding_due():
            out += self._funding()
        if self.config.quarterly and m.quarterly_expired():
            out += self._expire()
        out += self._liquidations()
        out += self._after_liquidations(out)
        out += self.desk.drop_orphans()
        out += self._closed_positions()
        out += self._margin_calls()
        self._track(out)
        self._remember(out)
        return out

    def _liquidations(self) -> list[ev.Event]:
        """Every contract, until a whole pass finds nobody at or below maintenance.

        A liquidation in one contract moves the shared index, so the other contract is
        checked again: after a tick no open position is left at or below maintenance.
        """
        m, out = self.venue.market, []
        m.impact_on, m.forced = self.liquidation_impact, True  # the cascade experiment mutes forced flow
        for _ in range(8):
            found = [e for c in self._live_contracts() if self.venue.books[c].ever_open for e in self.liq.run(c)]
            out += found
            if not any(isinstance(e, (ev.Liquidation, ev.CrowdLiquidations, ev.ADLEvent)) for e in found):
                break
        m.impact_on, m.forced = True, False
        return out

    def run(self, ticks: int) -> list[ev.Event]:
        out = []
        for _ in range(ticks):
            out += self.step()
        return out

    @property
    def quarterly_expired(self) -> bool:
        return self.venue.market.t >= self.venue.market.p.quarterly_expiry_s

    def _live_contracts(self):
        return (PERP, QUARTERLY) if self.config.quarterly and not self.quarterly_expired else (PERP,)

    def _crowd_step(self, bias: float = 0.0) -> None:
        v, cr = self.venue, self.crowd
        if cr.n == 0:
            return
        m = v.market
        book = v.books[PERP]
        self._momentum[self.tick % MOMENTUM_WINDOW_S] = m.index
        if self.tick % CROWD_EVERY_S == 0:  # the crowd's orders arrive in batches of a few seconds
            momentum = float(np.log(m.index / self._momentum[(self.tick + 1) % MOMENTUM_WINDOW_S]))
            cr.note_positions(book, self.tick)
            (openers, lots, lev), closers = cr.orders(v, PERP, momentum, m.predicted_funding_rate(), CROWD_EVERY_S,
                                                      self.tick, bias)
        else:
            openers, lots, lev, closers = (np.empty(0, dtype=INT),) * 4
        stopped = cr.stopped(m.mark(PERP), book)
        if len(stopped):
            closers = np.union1d(closers, stopped).astype(INT)
        if len(openers) == 0 and len(closers) == 0:
            return
        idx = np.concatenate([openers, closers])
        dq = np.concatenate([lots, -book.qty[closers]])
        net = int(dq.sum())
        price = m.trade(PERP, 1 if net > 0 else -1, abs(net)) if net else m.last(PERP)
        levs = np.concatenate([lev, book.leverage[closers]])
        v.execute_fills(PERP, idx, dq, price, fee_ppm=v.fees.taker_ppm, leverage=levs, cross=False)
        cr.stops.unset(closers)
        cr.closed(closers)
        cr.opened(openers)
        cr.set_stops(openers, np.sign(lots), price)

    def _funding(self) -> list[ev.Event]:
        """Every 8 h: longs pay shorts (or the reverse) notional x rate; nothing to the exchange."""
        v, m = self.venue, self.venue.market
        rate = m.take_funding_rate()
        book, c = v.books[PERP], PERP
        v.settle(c)
        mark = m.mark(c)
        amount = np.abs(book.qty).astype(np.float64) * mark * abs(rate)
        payer = np.sign(book.qty) == (1 if rate > 0 else -1)
        deltas = np.where(payer, -np.ceil(amount), np.floor(amount)).astype(INT)
        deltas[book.qty == 0] = 0
        dust = -int(deltas.sum())
        v.ledger.zero_sum(self.tick, Cause.FUNDING, deltas, v.cross_positions(c), c, dust=dust)
        book.refresh_all(v.ledger.margin[c], mark)
        pays = {p.trader: -int(deltas[p.trader]) for p in self.players if deltas[p.trader]}
        return [ev.FundingPaid(self.tick, "perp", rate, mark / 10, pays)]

    def _expire(self) -> list[ev.Event]:
        """The quarterly settles at the index: final variation margin, then every position closes."""
        v, m = self.venue, self.venue.market
        c = QUARTERLY
        m.contracts[c].mark = m.index_ticks
        v.settle(c)
        book = v.books[c]
        holders = np.flatnonzero(book.qty)
        iso = holders[~book.cross[holders]]
        v.reallocate(c, iso, -v.ledger.margin[c, iso])
        with v.because("settled at expiry"):
            book.clear(holders)
        out: list[ev.Event] = [ev.Settlement(self.tick, "quarterly", m.index_ticks / 10)]
        for o in sorted((o for o in self.desk.orders.values() if o.contract == c), key=lambda o: o.id):
            out += self.desk.cancel(o.trader, o.id, "the quarterly contract expired")
        return out

    def _after_liquidations(self, events: list) -> list[ev.Event]:
        """Cancel the orders of liquidated and deleveraged players; count liquidations; restrict.

        Binance: "On liquidation, all open orders are immediately cancelled"; BitMEX and Bybit
        cancel the open orders of deleveraged traders.
        """
        out = []
        for e in events:
            if isinstance(e, ev.Liquidation):
                out += self.desk.cancel_all(e.player, f"your {e.contract} position was liquidated: the venue "
                                                      f"cancels all open orders on liquidation")
            elif isinstance(e, ev.ADLEvent) and e.player is not None:
                out += self.desk.cancel_all(e.player, f"your {e.contract} position was auto-deleveraged: the "
                                                      f"venue cancels the deleveraged trader's open orders")
            if isinstance(e, ev.CrowdLiquidations):
                self.crowd_liquidated.add(e)
            if isinstance(e, ev.Liquidation) and not e.partial:
                ps = next(p for p in self.players if p.trader == e.player)
                ps.liquidations += 1
                ps.last_liquidation = (self.tick, notional(round(e.qty * LOTS_PER_BTC), round_ticks(e.mark)))
                if ps.liquidations >= RESTRICT_AFTER and ps.restricted_until < self.tick:
                    ps.restricted_until = self.tick + RESTRICT_SECONDS
                    self.desk.max_leverage_cap[ps.trader] = RESTRICT_LEVERAGE
                    out.append(ev.Notice(self.tick, ps.trader,
                                         f"Account restricted: after {ps.liquidations} liquidations the venue caps "
                                         f"your leverage at {RESTRICT_LEVERAGE}x for the next hour.",
                                         topic="restriction"))
        return out

    def _closed_positions(self) -> list[ev.Event]:
        """One PositionClosed per player position that ended since the last call."""
        out, lives = [], self.venue.ledger.lives
        for life in lives[self._lives_done:]:
            if life.closed is not None and life.id not in self._lives_reported:
                self._lives_reported.add(life.id)
                out.append(ev.PositionClosed(self.tick, life.trader, CONTRACT_NAMES[life.contract],
                                             "long" if life.side > 0 else "short", life.outcome, life.id, life.loss))
        while self._lives_done < len(lives) and lives[self._lives_done].id in self._lives_reported:
            self._lives_done += 1
        return out

    def _margin_calls(self) -> list[ev.Event]:
        out = []
        for ps in self.players:
            for c in self._live_contracts():
                q = int(self.venue.books[c].qty[ps.trader])
                if q == 0:
                    ps.warned.discard(c)
                    continue
                ratio = self._margin_ratio(ps.trader, c, q)[2]  # the prices only when a call goes out
                if ratio >= WARNING_RATIO and c not in ps.warned:
                    ps.warned.add(c)
                    out.append(ev.MarginCall(self.tick, ps.trader, CONTRACT_NAMES[c], ratio,
                                             self.venue.market.mark(c) / 10,
                                             self.position_risk(ps.trader, c)["liquidation_price"]))
                elif ratio < REARM_RATIO:
                    ps.warned.discard(c)
        return out

    def _track(self, events: list) -> None:
        v = self.venue
        for ps in self.players:
            ps.exposure_units += sum(abs(int(b.qty[ps.trader])) * v.market.mark(c) for c, b in enumerate(v.books))
            e = self.venue.ledger.balance(ps.trader)
            ps.curve.append(e)
            ps.peak = max(ps.peak, e)
            if ps.peak > 0:
                ps.max_drawdown = max(ps.max_drawdown, min((ps.peak - e) / ps.peak, 1.0))
        m = self.venue.market
        self.price_history.append((m.index_ticks, m.last(), m.mark()))
        bought, sold = m.take_volume(PERP)
        self.tape.second(events, m.depth(-1), m.depth(1), lots_to_btc(bought), lots_to_btc(sold))
        if self.tick % 60 == 0:
            self.tape.minute(*self.minute_close())

    def minute_close(self) -> tuple[float, float, float]:
        """(open interest BTC, predicted funding rate, insurance fund USD) now: what the tape keeps a minute."""
        m = self.venue.market
        return (self.venue.books[PERP].open_interest() / LOTS_PER_BTC, m.predicted_funding_rate(),
                self.venue.ledger.insurance_fund / UNITS_PER_USD)

    def _remember(self, events: list) -> None:
        self.recent_events.extend(events)
        if len(self.recent_events) > 500:
            del self.recent_events[:-300]

    # ------------------------------------------------------------------ views
    def position_risk(self, i: int, c: int) -> dict | None:
        """Margin, maintenance, ratio, liquidation and bankruptcy price of one position."""
        v = self.venue
        book = v.books[c]
        q = int(book.qty[i])
        if q == 0:
            return None
        mm, equity, ratio = self._margin_ratio(i, c, q)
        return {"qty": q, "margin": equity, "maintenance": mm, "margin_ratio": ratio,
                "liquidation_price": ticks_to_usd(max(v.liquidation_ticks(c, i), 0)),
                "bankruptcy_price": ticks_to_usd(max(v.bankruptcy_ticks(c, i), 0))}

    def _margin_ratio(self, i: int, c: int, q: int) -> tuple[int, int, float]:
        """(maintenance, margin, margin ratio) of trader i's position of ``q`` lots in c: the margin
        call's test every second, without the liquidation and bankruptcy prices."""
        v = self.venue
        v.settle(c)  # read at the mark the margin is settled at
        mm = int(v.tiers.maintenance(abs(q) * v.market.mark(c)))
        equity = v.backing(c, i)
        if v.books[c].cross[i]:
            ratio_equity, ratio_mm = int(v.ledger.cash[i]), v.cross_maintenance(i)
        else:
            ratio_equity, ratio_mm = equity, mm
        return mm, equity, float("inf") if ratio_equity <= 0 else ratio_mm / ratio_equity

    def snapshot(self):
        """An immutable view for the UI (see :mod:`snapshot`)."""
        from .snapshot import snapshot

        return snapshot(self)

    def heatmap(self, c: int = PERP, buckets: int = 48, span: float = 0.15):
        """Liquidation heatmap around the mark (see :func:`snapshot.heatmap`)."""
        from .snapshot import heatmap

        return heatmap(self, c, buckets, span)

    def book_view(self, contract: str = "perp", levels: int = 6, trades: int = 12):
        """The price ladder and the tape (see :mod:`bookview`)."""
        from .bookview import book_view

        return book_view(self, contract, levels, trades)

    def explain(self, player: int = 0):
        """Where did this player's margin go? (see :mod:`explain`)"""
        from .explain import explain

        ps = self.players[player]
        return explain(self.venue.ledger, ps.trader, ps.name, self.rulebook.name)

    # ------------------------------------------------------------------ the public face for clients
    def preview(self, order: act.PlaceOrder, player: int = 0):
        """What ``order`` would do for ``player`` now (the ticket's preview); never changes anything."""
        return self.desk.preview(self.players[player].trader, order)

    def position_view(self, player: int = 0, contract: str = "perp"):
        """The player's position in ``contract`` as the position panel shows it (None when flat)."""
        from .snapshot import position_view

        return position_view(self, player, CONTRACT_NAMES.index(contract))

    def stats(self):
        """Counts and amounts of the run so far (see :class:`report.RunStats`)."""
        from .report import run_stats

        return run_stats(self)

    @property
    def insurance_fund(self) -> int:
        return self.venue.ledger.insurance_fund

    @property
    def mark(self) -> float:
        """The perpetual's mark price, USD."""
        return ticks_to_usd(self.venue.market.mark(PERP))

    @property
    def index(self) -> float:
        return ticks_to_usd(self.venue.market.index_ticks)

    @property
    def crowd_size(self) -> int:
        return self.crowd.n

    def drawn_shocks(self) -> list[dict]:
        """What hit this market, as drawn from the seed (kind, onset, size...)."""
        return self.shocks.describe()

    def positions(self, player: int = 0):
        """Every position this player held, open to close, each with its own where-it-went."""
        from .explain import explain_position

        led, trader = self.venue.ledger, self.players[player].trader
        return [explain_position(led, life, CONTRACT_NAMES[life.contract]) for life in led.lives
                if life.trader == trader]

    def adl_lights(self, player: int = 0, c: int = PERP) -> int:
        """1-5: where this player's position stands in the ADL queue of its side (5 = first)."""
        from .adl import adl_lights, adl_rank

        v = self.venue
        i = self.players[player].trader
        book = v.books[c]
        q = int(book.qty[i])
        if q == 0:
            return 0
        side = np.sign(book.qty) == np.sign(q)
        side[POOL] = False
        rank = adl_rank(book.qty, book.entry, v.position_margin(c, np.arange(len(book.qty))), v.market.mark(c))
        return int(adl_lights(rank, book.qty, side, np.array([i]))[0])

    def equity(self, player: int = 0) -> int:
        return self.venue.ledger.balance(self.players[player].trader)

    def exposure(self, player: int = 0) -> float:
        """Time-weighted notional over the session, in multiples of the starting balance (see :mod:`score`)."""
        ps = self.players[player]
        return ps.exposure_units / (ps.start * self.tick) if self.tick else 0.0

    def score(self, player: int = 0) -> int:
        ps = self.players[player]
        return score(ps.start, self.equity(player), ps.max_drawdown, ps.liquidations, self.exposure(player))

    def total_money(self) -> int:
        return self.venue.ledger.total()

    def state_hash(self) -> str:
        """A digest of everything the future depends on: equal hashes mean equal runs."""
        v = self.venue
        h = hashlib.sha256()
        h.update(np.int64(self.tick).tobytes())
        for arr in (v.ledger.cash, v.ledger.margin, v.ledger.system):
            h.update(arr.tobytes())
        for b in v.books:
            for arr in (b.qty, b.entry, b.leverage, b.cross, b.liq_lo, b.liq_hi):
                h.update(arr.tobytes())
        h.update(self.liq.slice_until.tobytes())
        m = v.market
        h.update(repr((m.index, m.permanent, m.spot.flow, m.carry, m.process.slow_multiplier,
                       (m.liquidity.level, m.liquidity.var, m.liquidity.forced),
                       [(c.flow, c.ema_basis, c.last, c.mark) for c in m.contracts],
                       m.premium_sum, sorted((o.id, o.lots, o.price) for o in self.desk.orders.values()))).encode())
        h.update(self.crowd.back_at.tobytes())
        return h.hexdigest()

    @classmethod
    def replay(cls, config: GameConfig, scenario: Scenario, log: list[dict], ticks: int | None = None) -> "Game":
        """Re-run a game from its action log (each entry a dict with a ``tick``), up to ``ticks``."""
        script = ActionScript.from_log(log)
        game = cls(config, scenario)
        Session(game, script).run_to(script.last_tick if ticks is None else ticks)
        return game
