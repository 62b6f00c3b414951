"""Venue models as data: margin tiers, fees, the partial-liquidation rule and the backstop.

The numbers live in ``assets/venues.json`` (tier tables, trading fees, rulebooks); this module
gives them types.  Each rulebook names the venue it follows and carries that venue's
parameters, each with its source beside it (``sources``).  The liquidation engine reads nothing else: every
field below changes what happens to a liquidated position.

==================  =============================================================
insurance-first     Binance USDⓈ-M BTCUSDT: partial liquidation down the brackets (one IOC
                    order, kept only if the account is compliant after fee and loss), else
                    the position is taken over at its bankruptcy price: a clearance fee and
                    the rest of the margin go to the insurance fund, which closes it in the
                    market; when the fund cannot pay, ADL at the bankruptcy price.
pool-backstop       Hyperliquid BTC: market orders first (20 % slices for positions above
                    100k USDC, whole position during a 30 s cool-down), the trader keeps
                    what is left; below 2/3 of maintenance the liquidity pool (HLP) takes
                    over position and margin; ADL at the mark only if the pool is exhausted.
socialised-loss     Drift v2 BTC-PERP: close only enough to cover the margin shortage; a
                    bankrupt remainder is paid by the insurance fund, then the fee pool,
                    then charged to every open position (both sides) per unit of size.
no-backstop         no fund at all (Binance brackets): closed in the market, the trader
                    keeps a surplus and owes a deficit - the account goes negative.
==================  =============================================================

>>> get_rulebook("pool-backstop").max_leverage, get_rulebook("insurance-first").max_leverage
(40, 125)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .data import asset_json
from .risk import Tier


class Backstop(Enum):
    """Who stands behind a liquidated position."""

    INSURANCE_FUND = "insurance fund"  # takes the position over at bankruptcy, closes it in the market
    LIQUIDITY_POOL = "liquidity pool"  # takes the position and all margin below a threshold
    MARKET = "the market"  # closed in the market for the trader's own account


class Shortfall(Enum):
    """Where a deficit goes when the backstop cannot pay."""

    ADL = "auto-deleveraging"  # opposite positions closed at a price that covers it
    SOCIALISE = "socialised loss"  # fund, fee pool, then every open position per unit of size
    OWE = "owed by the trader"  # the account goes negative


class PartialRule(Enum):
    """How much of a liquidatable position is closed before a full liquidation."""

    NONE = "none"
    BRACKET = "down to the bracket below"  # Binance: reduce the margin limit with one IOC order
    SLICE = "a slice of large positions"  # Hyperliquid: 20 % of positions above 100k, 30 s cool-down
    SHORTAGE = "enough to cover the shortage"  # Drift: base to cover the margin shortage


class AdlPrice(Enum):
    BANKRUPTCY = "bankruptcy price of the liquidated position"  # Binance, BitMEX, Bybit
    MARK = "mark price"  # Hyperliquid: the previous mark; the deficit stays with the backstop


class FeeTo(Enum):
    INSURANCE_FUND = "insurance fund"
    EXCHANGE = "exchange"


@dataclass(frozen=True)
class Rulebook:
    name: str
    title: str
    venue: str
    tiers: tuple[Tier, ...]  # maintenance rate and max leverage by notional
    liquidation_fee_ppm: int  # on the liquidated notional, capped at what is left of the margin
    fee_to: FeeTo
    partial: PartialRule
    backstop: Backstop
    shortfall: Shortfall
    adl_price: AdlPrice = AdlPrice.BANKRUPTCY
    slice_above_usd: int = 0  # PartialRule.SLICE: positions above this notional...
    slice_pct: int = 0  # ...are closed this share at a time...
    slice_cooldown_s: int = 0  # ...and in full while this long has not passed since the last slice
    takeover_ratio: tuple[int, int] = (2, 3)  # pool backstop: takes over when equity < 2/3 of maintenance
    summary: str = ""
    sources: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # (parameter, source)

    @property
    def max_leverage(self) -> int:
        return max(t.max_leverage for t in self.tiers)


class VenueDataError(ValueError):
    """assets/venues.json is not what the engine needs (a shipped file: a bug, said once, at import)."""


def _tiers(name: str, table: dict) -> tuple[Tier, ...]:
    tiers = tuple(Tier(int(t["floor_usd"]), int(t["maintenance_bp"]), int(t["max_leverage"])) for t in table["tiers"])
    if not tiers or tiers[0].floor_usd != 0 or any(b.floor_usd <= a.floor_usd for a, b in zip(tiers, tiers[1:])):
        raise VenueDataError(f"tier table {name!r}: tiers must start at 0 USD and rise")
    return tiers


def rulebook_from_dict(d: dict, tables: dict[str, tuple[Tier, ...]]) -> Rulebook:
    """One rulebook from its data (the enums are named by their values, the tiers by their table)."""
    try:
        return Rulebook(
            d["name"], d["title"], d["venue"], tables[d["tiers"]], int(d["liquidation_fee_ppm"]), FeeTo(d["fee_to"]),
            PartialRule(d["partial"]), Backstop(d["backstop"]), Shortfall(d["shortfall"]),
            AdlPrice(d.get("adl_price", AdlPrice.BANKRUPTCY.value)),
            slice_above_usd=int(d.get("slice_above_usd", 0)), slice_pct=int(d.get("slice_pct", 0)),
            slice_cooldown_s=int(d.get("slice_cooldown_s", 0)),
            takeover_ratio=tuple(int(x) for x in d.get("takeover_ratio", (2, 3))),
            summary=d.get("summary", ""), sources=tuple(d.get("sources", {}).items()))
    except (KeyError, ValueError, TypeError) as e:
        raise VenueDataError(f"rulebook {d.get('name', '?')!r}: {e!r}") from None


_DATA = asset_json("venues.json")
TIER_TABLES: dict[str, tuple[Tier, ...]] = {k: _tiers(k, v) for k, v in _DATA["tier_tables"].items()}
BINANCE_BTCUSDT = TIER_TABLES["binance-btcusdt"]
HYPERLIQUID_BTC = TIER_TABLES["hyperliquid-btc"]
DRIFT_BTC_PERP = TIER_TABLES["drift-btc-perp"]
TRADING_FEES: dict[str, int] = {k: int(v) for k, v in _DATA["trading_fees"].items() if k.endswith("_ppm")}
RULEBOOKS: dict[str, Rulebook] = {r.name: r for r in (rulebook_from_dict(d, TIER_TABLES) for d in _DATA["rulebooks"])}

DEFAULT_RULEBOOK = "insurance-first"
MAX_LEVERAGE = max(rb.max_leverage for rb in RULEBOOKS.values())  # the highest any rulebook allows


def get_rulebook(name: str) -> Rulebook:
    try:
        return RULEBOOKS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown rulebook {name!r}; choose one of: {', '.join(RULEBOOKS)}") from None
