"""Immutable views of the game for the UI: what a trader's terminal shows, in USD and BTC.

The UI never computes money; it renders these.  Built on demand (several times a second
is fine: the costly part, ADL lights, is one pass over one side's positions).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ledger import FEES, POOL
from .positions import NO_LONG_TRIGGER, NO_SHORT_TRIGGER
from .market import CONTRACT_NAMES
from .money import lots_to_btc, units_to_usd
from .rulebooks import MAX_LEVERAGE


@dataclass(frozen=True)
class PositionView:
    contract: str
    side: str  # long | short
    qty: float  # BTC
    entry: float
    mark: float
    notional: float  # USD at mark
    upnl: float  # USD since entry (exchange-style view; variation margin is already settled)
    roe: float  # upnl / initial margin at entry
    margin: float  # USD backing the position (isolated margin, or the cross wallet's share)
    maintenance: float
    margin_ratio: float  # maintenance / margin; >= 1 means liquidation
    liquidation_price: float
    bankruptcy_price: float
    distance_pct: float  # how far the mark may move against the position before liquidation
    adl_lights: int  # 1-5
    leverage: int
    cross: bool


@dataclass(frozen=True)
class OrderView:
    id: int
    contract: str
    type: str
    side: str
    qty: float
    price: float | None
    text: str


@dataclass(frozen=True)
class PlayerView:
    index: int
    name: str
    equity: float  # USD: everything the player owns at mark
    wallet: float  # exchange-style wallet balance: equity minus unrealised P&L since entry
    available: float  # free for new margin
    positions: tuple[PositionView, ...]
    orders: tuple[OrderView, ...]
    liquidations: int
    max_drawdown: float
    score: int
    leverage_cap: int | None  # set while the account is restricted
    restricted_seconds: int


@dataclass(frozen=True)
class MarketView:
    tick: int
    index: float
    last: float
    mark: float
    quarterly_last: float
    quarterly_mark: float
    quarterly_seconds_to_expiry: int
    funding_rate: float  # predicted for the next settlement (per funding interval)
    last_funding_rate: float
    seconds_to_funding: int
    funding_interval_s: int
    open_interest_btc: float
    long_accounts: int
    short_accounts: int
    insurance_fund: float
    liquidity_pool: float
    exchange_fees: float


@dataclass(frozen=True)
class Snapshot:
    tick: int
    scenario: str
    rulebook: str
    market: MarketView
    players: tuple[PlayerView, ...]
    max_leverage: int = MAX_LEVERAGE  # the rulebook's top leverage (its first tier)


@dataclass(frozen=True)
class Heatmap:
    """Notional (USD) of positions whose liquidation price lies in each price bucket."""

    edges: np.ndarray  # bucket edges, USD (len = buckets + 1)
    longs: np.ndarray  # long positions' liquidation notional per bucket
    shorts: np.ndarray
    below: float  # notional liquidating below the first edge (longs and shorts)
    above: float

    @property
    def total(self) -> float:
        return float(self.longs.sum() + self.shorts.sum() + self.below + self.above)


def heatmap(game, c: int = 0, buckets: int = 48, span: float = 0.15) -> Heatmap:
    """Liquidation heatmap around the mark (+-span): one bincount per side.

    Isolated positions use their exact trigger price; cross positions (players only) their
    current cross liquidation price.  Weights are notional at the mark.
    """
    v = game.venue
    book = v.books[c]
    mark = v.market.mark(c)
    lo_edge, hi_edge = mark * (1 - span), mark * (1 + span)
    scale = buckets / (hi_edge - lo_edge)
    usd_per_lot = mark / 10_000  # lots x ticks = units

    def side(prices: np.ndarray, lots: np.ndarray) -> tuple[np.ndarray, float, float]:
        b = np.floor((prices - lo_edge) * scale).astype(np.int64)
        np.clip(b, -1, buckets, out=b)
        counts = np.bincount(b + 1, weights=lots, minlength=buckets + 2) * usd_per_lot
        return counts[1:-1], float(counts[0]), float(counts[-1])

    longs = np.flatnonzero(book.liq_lo > NO_LONG_TRIGGER)
    shorts = np.flatnonzero(book.liq_hi < NO_SHORT_TRIGGER)
    lp_l, q_l = book.liq_lo[longs].astype(np.float64), np.abs(book.qty[longs]).astype(np.float64)
    lp_s, q_s = book.liq_hi[shorts].astype(np.float64), np.abs(book.qty[shorts]).astype(np.float64)
    for i in v.cross_positions(c):  # players' cross positions: their current liquidation price
        if i == POOL:
            continue
        price = game.position_risk(int(i), c)["liquidation_price"] * 10
        if book.qty[i] > 0:
            lp_l, q_l = np.r_[lp_l, price], np.r_[q_l, book.qty[i]]
        else:
            lp_s, q_s = np.r_[lp_s, price], np.r_[q_s, -book.qty[i]]
    h_l, below_l, above_l = side(lp_l, q_l)
    h_s, below_s, above_s = side(lp_s, q_s)
    return Heatmap(np.linspace(lo_edge, hi_edge, buckets + 1) / 10, h_l, h_s, below_l + below_s, above_l + above_s)


def snapshot(game) -> Snapshot:
    v = game.venue
    m = v.market
    book = v.books[0]
    q = book.qty
    crowd = slice(game.crowd.first, game.crowd.first + game.crowd.n)
    market = MarketView(
        tick=game.tick, index=m.index_ticks / 10, last=m.last(0) / 10, mark=m.mark(0) / 10,
        quarterly_last=m.last(1) / 10, quarterly_mark=m.mark(1) / 10,
        quarterly_seconds_to_expiry=max(m.p.quarterly_expiry_s - m.t, 0),
        funding_rate=m.predicted_funding_rate(), last_funding_rate=m.last_funding_rate,
        seconds_to_funding=m.seconds_to_funding(), funding_interval_s=m.p.funding_interval_s,
        open_interest_btc=lots_to_btc(book.open_interest()),
        long_accounts=int((q[crowd] > 0).sum()), short_accounts=int((q[crowd] < 0).sum()),
        insurance_fund=units_to_usd(v.ledger.insurance_fund), liquidity_pool=units_to_usd(v.ledger.balance(POOL)),
        exchange_fees=units_to_usd(v.ledger.balance(FEES)))
    players = tuple(_player_view(game, k) for k in range(len(game.players)))
    return Snapshot(game.tick, game.scenario.name, game.rulebook.name, market, players, game.rulebook.max_leverage)


def position_view(game, k: int, c: int) -> PositionView | None:
    """Player k's position in contract c as the position panel shows it (None when flat)."""
    i, v = game.players[k].trader, game.venue
    r = game.position_risk(i, c)
    if r is None:
        return None
    book = v.books[c]
    q, mark, entry = r["qty"], v.market.mark(c), float(book.entry[i])
    upnl = q * (mark - entry) / 10_000
    im = abs(q) * entry / 10_000 / max(int(book.leverage[i]), 1)
    liq = r["liquidation_price"]
    dist = (mark / 10 - liq) / (mark / 10) * (1 if q > 0 else -1) if liq > 0 else 1.0
    return PositionView(
        CONTRACT_NAMES[c], "long" if q > 0 else "short", lots_to_btc(abs(q)), entry / 10, mark / 10,
        abs(q) * mark / 10_000, upnl, upnl / im if im else 0.0, units_to_usd(r["margin"]),
        units_to_usd(r["maintenance"]), r["margin_ratio"], liq, r["bankruptcy_price"], dist,
        game.adl_lights(k, c), int(book.leverage[i]), bool(book.cross[i]))


def _player_view(game, k: int) -> PlayerView:
    ps = game.players[k]
    v = game.venue
    i = ps.trader
    positions = tuple(p for p in (position_view(game, k, c) for c in range(len(v.books))) if p is not None)
    upnl_total = sum(p.upnl for p in positions)
    orders = tuple(OrderView(o.id, CONTRACT_NAMES[o.contract], o.type, "buy" if o.side > 0 else "sell",
                             lots_to_btc(o.lots), None if o.price is None else o.price / 10, o.describe())
                   for o in sorted(game.desk.orders.values(), key=lambda o: o.id) if o.trader == i)
    equity = units_to_usd(v.ledger.balance(i))
    cap = game.desk.max_leverage_cap.get(i)
    return PlayerView(k, ps.name, equity, equity - upnl_total, units_to_usd(game.desk.available(i)),
                      positions, orders, ps.liquidations, ps.max_drawdown, game.score(k), cap,
                      max(ps.restricted_until - game.tick, 0) if cap else 0)
