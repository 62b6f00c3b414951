"""Venue models: where a liquidated trader's margin goes, as data plus a named backstop.

==================  =============================================================
insurance-first     Binance/BitMEX/Bybit: partial liquidation down the tiers, then the
                    position is taken over at the bankruptcy price (remaining margin and a
                    liquidation fee to the insurance fund), closed in the market; a better
                    fill feeds the fund, a worse one is paid by it; when it cannot pay,
                    auto-deleveraging closes the most profitable, most leveraged opposite
                    positions at the bankruptcy price.
pool-backstop       Hyperliquid HLP / GMX: positions are closed in the market first and the
                    trader keeps what is left; when equity falls below 2/3 of maintenance
                    the liquidity pool takes over the position and all its margin; ADL only
                    when the pool is exhausted.
socialised-loss     Drift v2: like insurance-first, but a deficit the fund cannot pay is
                    charged to every open position (both sides) per unit of size.
no-backstop         no fund at all: the position is closed in the market, the trader keeps a
                    surplus and owes a deficit - the account goes negative.
==================  =============================================================
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rulebook:
    name: str
    title: str
    partial_by_tier: bool  # step down the tiers before a full liquidation
    liquidation_fee_ppm: int  # on the liquidated notional, capped at what is left
    fee_to: str  # "fund" | "exchange" | "none"
    takeover: bool  # position taken over at bankruptcy (remaining margin to the backstop)
    backstop: str  # "fund" | "pool" | "none": who pays a fill worse than bankruptcy
    shortfall: str  # when the backstop cannot pay: "adl" | "socialise" | "owe"
    pool_takeover_ratio: tuple[int, int] = (2, 3)  # pool-backstop: equity < 2/3 MM
    summary: str = ""


RULEBOOKS: dict[str, Rulebook] = {
    r.name: r
    for r in (
        Rulebook("insurance-first", "Insurance fund first, then ADL", True, 5_000, "fund", True, "fund", "adl",
                 summary="Remaining margin and a liquidation fee go to the insurance fund, which pays for bad "
                         "fills; when it cannot, the most profitable opposite traders are auto-deleveraged."),
        Rulebook("pool-backstop", "Liquidity pool backstop", False, 0, "none", False, "pool", "adl",
                 summary="Liquidated in the market, the trader keeps the rest; below 2/3 of maintenance the "
                         "liquidity pool takes over the position and all its margin."),
        Rulebook("socialised-loss", "Socialised loss", False, 5_000, "fund", True, "fund", "socialise",
                 summary="Like insurance-first, but a deficit the fund cannot pay is charged to every open "
                         "position, per unit of size."),
        Rulebook("no-backstop", "No backstop: negative balances", False, 5_000, "exchange", False, "none", "owe",
                 summary="No fund: closed in the market, the trader keeps any surplus and owes any deficit."),
    )
}

DEFAULT_RULEBOOK = "insurance-first"


def get_rulebook(name: str) -> Rulebook:
    try:
        return RULEBOOKS[name]
    except KeyError:
        raise ValueError(f"unknown rulebook {name!r}; choose one of: {', '.join(RULEBOOKS)}") from None
