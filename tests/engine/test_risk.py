"""Formulas against published venue examples (reference/venue-rules.md) and tier rules."""

import numpy as np
import pytest

from liqgame.engine.money import to_lots, to_ticks, to_units
from liqgame.engine.risk import TierTable, bankruptcy_price, isolated_liquidation_price, margin_ratio


def test_binance_formula_example():
    # long 2 BTC @ 30,000, wallet 3,000, MMR 0.4 %, cum 0 -> LP = (3000 - 60000)/(0.008 - 2) = 28,614.46
    assert isolated_liquidation_price(+1, 2, 30_000, 3_000, 0.004) == pytest.approx(28_614.46, abs=0.01)


def test_bybit_linear_example_long_and_short():
    # Bybit: long 1 BTC @ 20,000, 50x, MMR 0.5 % on *entry* value -> IM 400, MM 100, LP 19,700 (short 20,300).
    # Bybit's MM is a fixed amount (entry value x MMR), so it enters the helper as a smaller wallet with mmr 0.
    im, mm = 20_000 / 50, 20_000 * 0.005
    assert (im, mm) == (400, 100)
    assert isolated_liquidation_price(+1, 1, 20_000, im - mm, 0.0) == pytest.approx(19_700)
    assert isolated_liquidation_price(-1, 1, 20_000, im - mm, 0.0) == pytest.approx(20_300)
    # Bybit linear bankruptcy price: EP * (1 - 1/L) for a long, EP * (1 + 1/L) for a short
    assert bankruptcy_price(+1, 1, 20_000, im) == pytest.approx(20_000 * (1 - 1 / 50))
    assert bankruptcy_price(-1, 1, 20_000, im) == pytest.approx(20_000 * (1 + 1 / 50))


def test_dydx_deleverage_example_bankruptcy_price():
    # dYdX: B deposits $100 and shorts 500 @ $1 -> bankruptcy price $1.2
    assert bankruptcy_price(-1, 500, 1.0, 100) == pytest.approx(1.2)


def test_margin_ratio():
    assert margin_ratio(100, 400) == 0.25
    assert margin_ratio(100, 0) == float("inf")


def test_tier_cum_keeps_maintenance_continuous():
    t = TierTable()
    for floor in t.floors[1:]:
        below, at = t.maintenance(int(floor) - 1), t.maintenance(int(floor))
        assert abs(int(at) - int(below)) <= 1  # continuous across the boundary (1 unit of rounding)


def test_tier_max_leverage_and_notional_caps():
    t = TierTable()
    assert t.max_leverage(to_units(49_999)) == 125
    assert t.max_leverage(to_units(50_000)) == 100
    assert t.max_notional(125) == to_units(50_000)
    assert t.max_notional(100) == to_units(250_000)
    assert t.max_notional(20) == to_units(10_000_000)


def test_engine_trigger_matches_formula_and_is_exact():
    t = TierTable()
    q, mark = to_lots(2), to_ticks(30_000)
    margin = to_units(3_000)
    lp = int(t.liquidation_ticks(np.array([q]), np.array([margin]), mark)[0])
    # tier of $57k notional at LP is the second (0.5 %, cum 50): the helper with that tier agrees
    expect = isolated_liquidation_price(+1, 2, 30_000, 3_000, 0.005, 50)
    assert abs(lp / 10 - expect) < 0.1
    # exactness: at LP equity <= MM, one tick above equity > MM (rational MM, no rounding)
    for price, due in ((lp, True), (lp + 1, False)):
        equity = margin + q * (price - mark)
        mmr, cum = t.mmr_bp[t.tier_of(q * price)], t.cum[t.tier_of(q * price)]
        assert (equity * 10_000 <= q * price * mmr - cum * 10_000) == due


def test_short_trigger_exact():
    t = TierTable()
    q, mark, margin = -to_lots(0.5), to_ticks(60_000), to_units(600)
    lp = int(t.liquidation_ticks(np.array([q]), np.array([margin]), mark)[0])
    for price, due in ((lp, True), (lp - 1, False)):
        equity = margin + q * (price - mark)
        tier = t.tier_of(-q * price)
        assert (equity * 10_000 <= -q * price * t.mmr_bp[tier] - t.cum[tier] * 10_000) == due
