"""What happened: immutable events returned by ``Game.step()`` and ``Game.apply()``.

Every event carries the numbers behind it (prices in USD, sizes in BTC, money in exact
units) so a player can recompute why and at what price.  ``player`` is the human's
trader id, or None for market-wide events.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Event:
    tick: int

    @property
    def kind(self) -> str:
        return type(self).__name__

    def to_dict(self) -> dict:
        return {"kind": self.kind, **asdict(self)}


@dataclass(frozen=True)
class Fill(Event):
    player: int
    contract: str
    side: str  # "buy" | "sell"
    qty: float
    price: float
    mark: float
    fee: int
    maker: bool = False
    reason: str = "order"  # order | stop-loss | take-profit | close
    realised: int | None = None  # a close or reduce: (fill - entry) x size closed, units, before fees


@dataclass(frozen=True)
class OrderPlaced(Event):
    player: int
    order_id: int
    description: str


@dataclass(frozen=True)
class OrderCancelled(Event):
    player: int
    order_id: int
    reason: str


@dataclass(frozen=True)
class MarginCall(Event):
    player: int
    contract: str
    margin_ratio: float
    mark: float
    liquidation_price: float


@dataclass(frozen=True)
class Liquidation(Event):
    """A human's position liquidated (partially or fully)."""

    player: int
    contract: str
    side: str  # side of the liquidated position: "long" | "short"
    qty: float
    mark: float
    liquidation_price: float
    bankruptcy_price: float
    fill_price: float | None  # market close price; None when taken over or deleveraged
    margin_lost: int
    fee: int
    partial: bool
    rulebook: str
    explanation: str
    cross: bool = False  # cross margin: the whole wallet backed (and was lost with) the position
    adl_qty: float = 0.0  # part of qty closed by auto-deleveraging at the bankruptcy price


@dataclass(frozen=True)
class PositionClosed(Event):
    """A player's position is gone - closed, stopped, liquidated, deleveraged, taken over or
    settled - with its whole result from open to close (``loss`` < 0 is a profit)."""

    player: int
    contract: str
    side: str
    outcome: str
    position_id: int
    loss: int


@dataclass(frozen=True)
class CrowdLiquidations(Event):
    """The crowd's liquidations in one tick, by side."""

    long_count: int
    long_qty: float
    short_count: int
    short_qty: float
    price: float
    fund_change: int


@dataclass(frozen=True)
class ADLEvent(Event):
    """A position closed by auto-deleveraging (players get one each; the crowd a summary).

    ``pnl`` is what the close at ``price`` paid the deleveraged trader against the mark
    (negative: what it took back from their profit to cover the bankrupt trader's deficit).
    """

    player: int | None
    contract: str
    side: str  # side of the deleveraged position
    qty: float
    price: float  # the bankrupt position's bankruptcy price (the crowd summary: volume-weighted)
    count: int = 1
    pnl: int = 0
    bankrupt_trader: int | None = None  # whose position it was matched with


@dataclass(frozen=True)
class SocialisedLoss(Event):
    """A deficit charged to every open position per unit of size (what was actually charged)."""

    contract: str
    amount: int
    per_btc: float | None  # USD per BTC of the positions charged; None when nobody could be
    unpaid: int = 0  # what nobody could pay: it stays owed by the bankrupt traders


@dataclass(frozen=True)
class FundingPaid(Event):
    contract: str
    rate: float
    mark: float
    player_payments: dict = field(default_factory=dict)  # player id -> units paid (negative: received)


@dataclass(frozen=True)
class Settlement(Event):
    contract: str
    price: float


@dataclass(frozen=True)
class Notice(Event):
    player: int | None
    text: str
    topic: str = "info"  # info | restriction | revenge
