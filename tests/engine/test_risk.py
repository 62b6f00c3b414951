"""Formulas against published venue examples (reference/venue-rules.md) and tier rules."""

import numpy as np
import pytest

from liqgame.engine.money import to_lots, to_ticks, to_units
from liqgame.engine.risk import TierTable, bankruptcy_price, isolated_liquidation_price, margin_ratio
from liqgame.engine.rulebooks import BINANCE_BTCUSDT, HYPERLIQUID_BTC


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
    t = TierTable(BINANCE_BTCUSDT)
    for floor in t.floors[1:]:
        below, at = t.maintenance(int(floor) - 1), t.maintenance(int(floor))
        assert abs(int(at) - int(below)) <= 1  # continuous across the boundary (1 unit of rounding)


def test_tier_max_leverage_and_notional_caps():
    t = TierTable(BINANCE_BTCUSDT)
    assert t.max_leverage(to_units(49_999)) == 125
    assert t.max_leverage(to_units(50_000)) == 100
    assert t.max_notional(125) == to_units(50_000)
    assert t.max_notional(100) == to_units(250_000)
    assert t.max_notional(20) == to_units(10_000_000)


def test_engine_trigger_matches_formula_and_is_exact():
    t = TierTable(BINANCE_BTCUSDT)
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
    t = TierTable(BINANCE_BTCUSDT)
    q, mark, margin = -to_lots(0.5), to_ticks(60_000), to_units(600)
    lp = int(t.liquidation_ticks(np.array([q]), np.array([margin]), mark)[0])
    for price, due in ((lp, True), (lp - 1, False)):
        equity = margin + q * (price - mark)
        tier = t.tier_of(-q * price)
        assert (equity * 10_000 <= -q * price * t.mmr_bp[tier] - t.cum[tier] * 10_000) == due


def test_trigger_is_exact_across_every_bracket_edge():
    # random sizes and margins around each bracket floor: the trigger is the last price at which
    # equity <= maintenance, to the tick, also where the bracket changes between mark and trigger
    t = TierTable(BINANCE_BTCUSDT)
    rng = np.random.default_rng(5)
    mark = to_ticks(60_000)
    for floor in t.floors[1:6]:
        lots = np.maximum(int(floor) // mark + rng.integers(-40, 40, 200), 1)
        side = rng.choice([-1, 1], 200)
        margin = (lots * mark * rng.uniform(0.006, 0.05, 200)).astype(np.int64)
        lp = t.liquidation_ticks(side * lots, margin, mark)
        for p, q, m, s in zip(lp, side * lots, margin, side):
            due = t.liquidatable(m + q * (p - mark), abs(q) * p)
            beyond = t.liquidatable(m + q * (p + s - mark), abs(q) * (p + s))
            assert due and not beyond


def test_hyperliquid_maintenance_is_half_the_initial_margin_at_max_leverage():
    t = TierTable(HYPERLIQUID_BTC)
    n = to_units(100_000)
    assert t.max_leverage(n) == 40
    assert int(t.maintenance(n)) * 2 == n // 40  # 1.25 % = half of 2.5 %
    assert t.max_leverage(to_units(200_000_000)) == 20


def test_bankruptcy_ticks_never_take_more_than_the_margin():
    t = TierTable(BINANCE_BTCUSDT)
    q = np.array([1234, -1234, 1000, -1000])
    m = np.array([5_555_555, 5_555_555, -300_001, -300_001])
    mark = 600_000
    bp = t.bankruptcy_ticks(q, m, mark)
    left = m + q * (bp - mark)  # equity if closed at the bankruptcy price
    assert (left >= 0).all() and (left < np.abs(q)).all()
    # a long's bankruptcy price lies below the mark when it has margin, above when it is under water
    assert bp[0] < mark < bp[2] and bp[1] > mark > bp[3]
