"""Venue models as data: margin tiers, fees, the partial-liquidation rule and the backstop.

Each rulebook names the venue it follows and carries that venue's parameters, each with
its source beside it (``sources``).  The liquidation engine reads nothing else: every
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


# Binance BTCUSDT brackets (2021, reverse-engineered from Binance's web app; venue-rules.md)
BINANCE_BTCUSDT = (
    Tier(0, 40, 125), Tier(50_000, 50, 100), Tier(250_000, 100, 50), Tier(1_000_000, 250, 20),
    Tier(10_000_000, 500, 10), Tier(20_000_000, 1000, 5), Tier(50_000_000, 1250, 4),
    Tier(100_000_000, 1500, 3), Tier(200_000_000, 2500, 2), Tier(300_000_000, 5000, 1),
)
# Hyperliquid BTC margin table: 40x below 150M notional, 20x above; maintenance = half the
# initial margin at the tier's max leverage
HYPERLIQUID_BTC = (Tier(0, 125, 40), Tier(150_000_000, 250, 20))
# Drift v2 BTC-PERP: one margin ratio, 20x standard (initial 5 %, maintenance 2.5 %)
DRIFT_BTC_PERP = (Tier(0, 250, 20),)


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


RULEBOOKS: dict[str, Rulebook] = {
    r.name: r
    for r in (
        Rulebook(
            "insurance-first", "Insurance fund first, then ADL (Binance)", "Binance USDⓈ-M BTCUSDT",
            BINANCE_BTCUSDT, 3_000, FeeTo.INSURANCE_FUND, PartialRule.BRACKET, Backstop.INSURANCE_FUND,
            Shortfall.ADL, AdlPrice.BANKRUPTCY,
            summary="Cut down to a lower bracket if that leaves the account compliant; otherwise taken over at "
                    "the bankruptcy price: a clearance fee and the rest of the margin go to the insurance fund, "
                    "which closes the position in the market; when it cannot pay, the most profitable, most "
                    "leveraged opposite traders are auto-deleveraged at the bankruptcy price.",
            sources=(
                ("brackets", "Binance BTCUSDT leverage & margin brackets, 2021 (reference/venue-rules.md)"),
                ("clearance fee 0.3 %", "Binance Liquidation FAQ, BTCUSDT insurance clearance fee (read 2026-12)"),
                ("partial", "Binance Liquidation FAQ: one IOC order to reduce the margin limit; stops if the "
                            "account is compliant after realised loss and fee"),
                ("takeover", "Binance Liquidation FAQ: closed at the bankruptcy price, the Insurance Fund takes "
                             "over; all open orders are cancelled first"),
                ("ADL", "Binance ADL FAQ: counterparties closed at the bankruptcy price, no fee"),
            )),
        Rulebook(
            "pool-backstop", "Liquidity pool backstop (Hyperliquid)", "Hyperliquid BTC",
            HYPERLIQUID_BTC, 0, FeeTo.INSURANCE_FUND, PartialRule.SLICE, Backstop.LIQUIDITY_POOL,
            Shortfall.ADL, AdlPrice.MARK, slice_above_usd=100_000, slice_pct=20, slice_cooldown_s=30,
            summary="Closed in the market with no clearance fee, the trader keeps what is left (positions above "
                    "100k are cut 20 % at a time); below 2/3 of maintenance the liquidity pool takes over the "
                    "position and all its margin; ADL only if the pool is exhausted.",
            sources=(
                ("margin table", "Hyperliquid docs, margin tiers: BTC 40x below 150M, maintenance = half the "
                                 "initial margin at max leverage (1.25 %)"),
                ("no clearance fee", "Hyperliquid docs, Liquidations: no clearance fee on book liquidations"),
                ("slices", "Hyperliquid docs, Liquidations: above 100k USDC 20 % per order, 30 s cool-down "
                           "during which orders are for the entire position"),
                ("backstop", "Hyperliquid docs, Liquidations: below 2/3 of maintenance the liquidator vault "
                             "takes over position and margin"),
                ("ADL", "Hyperliquid docs, Auto-deleveraging: closed at the previous mark"),
            )),
        Rulebook(
            "socialised-loss", "Socialised loss (Drift)", "Drift v2 BTC-PERP",
            DRIFT_BTC_PERP, 10_000, FeeTo.INSURANCE_FUND, PartialRule.SHORTAGE, Backstop.MARKET,
            Shortfall.SOCIALISE,
            summary="Only enough is closed to cover the margin shortage; a bankrupt remainder is paid by the "
                    "insurance fund, then the exchange's fee pool, then charged to every open position (both "
                    "sides) per unit of size; what nobody can pay stays owed by the bankrupt trader.",
            sources=(
                ("margin ratio", "Drift v2 contract specs: BTC-PERP 20x (initial 5 %, maintenance 2.5 %)"),
                ("fee 1 %", "drift-labs/protocol-v2 perp market if_liquidation_fee (1 %) to the insurance fund"),
                ("shortage", "drift-labs/protocol-v2 math/liquidation.rs "
                             "calculate_base_asset_amount_to_cover_margin_shortage"),
                ("bankruptcy", "drift-labs/protocol-v2 controller/liquidation.rs resolve_perp_bankruptcy: "
                               "insurance fund, fee pool, then loss socialised per unit of base"),
            )),
        Rulebook(
            "no-backstop", "No backstop: negative balances", "none (Binance brackets)",
            BINANCE_BTCUSDT, 5_000, FeeTo.EXCHANGE, PartialRule.NONE, Backstop.MARKET, Shortfall.OWE,
            summary="No fund: closed in the market, the trader keeps any surplus and owes any deficit.",
            sources=(("brackets", "same as insurance-first"),
                     ("fee 0.5 %", "a plain exchange fee, kept by the exchange")),
        ),
    )
}

DEFAULT_RULEBOOK = "insurance-first"
MAX_LEVERAGE = max(rb.max_leverage for rb in RULEBOOKS.values())  # the highest any rulebook allows


def get_rulebook(name: str) -> Rulebook:
    try:
        return RULEBOOKS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown rulebook {name!r}; choose one of: {', '.join(RULEBOOKS)}") from None
