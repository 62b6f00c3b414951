"""The engine's numbers are data: venues (assets/venues.json) and the crowd's personas (assets/personas.json)."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from liqgame.engine.rulebooks import (RULEBOOKS, TIER_TABLES, TRADING_FEES, Backstop, PartialRule, VenueDataError,
                                      rulebook_from_dict)
from liqgame.engine.venue import FeeSchedule


def data() -> dict:
    return json.loads((resources.files("liqgame.assets") / "venues.json").read_text(encoding="utf-8"))


def test_every_rulebook_in_the_file_is_the_one_the_engine_plays():
    d = data()
    assert [r["name"] for r in d["rulebooks"]] == list(RULEBOOKS)
    for r in d["rulebooks"]:
        rb = RULEBOOKS[r["name"]]
        assert rb.tiers == TIER_TABLES[r["tiers"]] and rb.liquidation_fee_ppm == r["liquidation_fee_ppm"]
        assert dict(rb.sources) == r["sources"] and rb.sources  # every rulebook says where its numbers come from
    assert RULEBOOKS["pool-backstop"].partial is PartialRule.SLICE
    assert RULEBOOKS["pool-backstop"].backstop is Backstop.LIQUIDITY_POOL


def test_binance_brackets_and_fees_as_published():
    """Binance BTCUSDT: 125x and 0.40 % up to 50k, 100x and 0.50 % to 250k; VIP 0 taker 0.05 %, maker 0.02 %."""
    first, second = TIER_TABLES["binance-btcusdt"][:2]
    assert (first.floor_usd, first.mmr_bp, first.max_leverage) == (0, 40, 125)
    assert (second.floor_usd, second.mmr_bp, second.max_leverage) == (50_000, 50, 100)
    assert FeeSchedule().taker_ppm == TRADING_FEES["taker_ppm"] == 500
    assert FeeSchedule().maker_ppm == TRADING_FEES["maker_ppm"] == 200


@pytest.mark.parametrize("change,words", [
    ({"partial": "halfway"}, "halfway"),
    ({"tiers": "kraken"}, "kraken"),
    ({"liquidation_fee_ppm": "lots"}, "lots"),
])
def test_a_bad_rulebook_entry_is_named(change, words):
    entry = {**data()["rulebooks"][0], **change}
    with pytest.raises(VenueDataError, match="insurance-first") as e:
        rulebook_from_dict(entry, TIER_TABLES)
    assert words in str(e.value)


def test_the_crowd_is_the_personas_file():
    from liqgame.engine.bots import DEFAULT_MIX, PERSONAS
    from liqgame.engine.data import asset_json

    d = asset_json("personas.json")
    assert [p["name"] for p in d["personas"]] == list(PERSONAS) and d["default_mix"] == DEFAULT_MIX
    degen = PERSONAS["degen"]
    assert (degen.lev_lo, degen.lev_hi, degen.style) == (25, 100, "random")
    assert abs(sum(DEFAULT_MIX.values()) - 1) < 1e-9 and set(DEFAULT_MIX) <= set(PERSONAS)
