"""The market: cascades from the mechanism, an overwhelmed fund, funding, expiry, the heatmap."""

import dataclasses

import numpy as np
import pytest

from liqgame.assets_io import get_scenario, scenarios
from liqgame.engine import GameConfig, actions as A
from liqgame.engine.game import Game
from liqgame.engine.index_process import SECONDS_PER_YEAR
from liqgame.engine.ledger import G_FEES, G_FUND, POOL, Cause
from liqgame.engine.market import QUARTERLY
from liqgame.session import make_game

from .helpers import assert_conserved, move_index


def trough(impact: bool, seed=1) -> float:
    g = make_game(GameConfig(seed=seed, scenario="long-squeeze", bots=3000, liquidation_impact=impact))
    low = g.venue.market.mark()
    for _ in range(12_600):  # through the end of the scripted slide
        g.step()
        low = min(low, g.venue.market.mark())
    return low / 10


def test_liquidation_impact_deepens_the_long_squeeze():
    """Same seed: forced selling from liquidations must push the trough lower than without it."""
    with_impact, without = trough(True), trough(False)
    assert with_impact < without * 0.995, (with_impact, without)


def test_black_thursday_exhausts_the_fund_and_fires_adl():
    g = make_game(GameConfig(scenario="black-thursday", rulebook="insurance-first", bots=3000))
    start = g.venue.ledger.insurance_fund
    adl = 0
    for _ in range(9_000):
        adl += sum(1 for e in g.step() if e.kind == "ADLEvent")
        assert g.venue.ledger.insurance_fund >= 0
    assert g.liq.fund_min < start * 0.01  # the fund ran dry
    assert adl > 0 and g.liq.stats["adl_events"] > 0
    assert_conserved(g)


@pytest.mark.parametrize("scenario", ["calm", "chop", "short-squeeze"])
def test_conservation_and_equal_open_interest_with_the_crowd(scenario):
    g = make_game(GameConfig(scenario=scenario, bots=2000))
    g.apply(A.PlaceOrder(side="long", qty=0.3, leverage=20))
    for t in range(3_000):
        g.step()
        if t % 100 == 0:
            assert_conserved(g)
            q = g.venue.books[0].qty
            assert q.sum() == 0 and q[q > 0].sum() == -q[q < 0].sum()
    assert_conserved(g)


def test_funding_trap_bleeds_the_crowded_longs():
    g = make_game(GameConfig(scenario="funding-trap", bots=1500))
    assert g.apply(A.PlaceOrder(side="long", qty=0.5, leverage=3)).ok
    payments = []
    for _ in range(8 * 3600 + 1):
        payments += [e for e in g.step() if e.kind == "FundingPaid"]
    assert len(payments) == 1
    e = payments[0]
    assert e.rate > 0.0003  # the perpetual trades rich: longs pay
    assert e.player_payments[1] > 0  # our long paid
    net = g.venue.ledger.net[:, Cause.FUNDING]
    assert net.sum() == 0  # paid between traders (rounding dust aside, which is counted too)
    assert net[G_FEES] == 0 and net[G_FUND] == 0  # the exchange takes nothing


def test_funding_countdown_and_predicted_rate():
    g = make_game(GameConfig(scenario="funding-trap", bots=100))
    g.run(100)
    snap = g.snapshot()
    assert snap.market.seconds_to_funding == 8 * 3600 - 100
    assert snap.market.funding_rate > 0


def test_quarterly_basis_is_carry_times_time_to_expiry_and_settles_at_index():
    g = make_game(GameConfig(scenario="calm", bots=0))
    m = g.venue.market
    week = m.p.quarterly_expiry_s / SECONDS_PER_YEAR
    assert m.mark(QUARTERLY) / m.index_ticks - 1 == pytest.approx(m.p.quarterly_carry * week, abs=2e-5)
    m.p = dataclasses.replace(m.p, quarterly_expiry_s=600)
    assert g.apply(A.PlaceOrder(side="long", qty=0.2, leverage=5, contract="quarterly")).ok
    g.run(300)  # half-way: the basis has shrunk with the time left
    assert m.contracts[QUARTERLY].fair_basis == pytest.approx(m.carry * 300 / SECONDS_PER_YEAR, rel=1e-9)
    events = g.run(300)
    settle = [e for e in events if e.kind == "Settlement"]
    assert settle and settle[0].price == pytest.approx(m.index_ticks / 10, rel=1e-9)
    assert g.venue.books[QUARTERLY].qty[1] == 0 and g.venue.ledger.margin[QUARTERLY].sum() == 0
    assert not g.apply(A.PlaceOrder(side="long", qty=0.1, contract="quarterly")).ok
    assert_conserved(g)


def test_quarterly_turns_to_backwardation_after_a_crash():
    g = make_game(GameConfig(scenario="calm", bots=0))
    m = g.venue.market
    assert m.contracts[QUARTERLY].fair_basis > 0
    move_index(g, 0.85)  # a -15 % crash
    g.run(60)
    assert m.carry < 0 and m.contracts[QUARTERLY].fair_basis < 0
    assert m.mark(QUARTERLY) < m.index_ticks


def test_funding_pays_the_intervals_share_of_the_8h_rate():
    """Hourly funding pays an eighth of the 8-hour rate; a lesson's compressed clock pays it whole."""
    hourly = dataclasses.replace(get_scenario("calm"), funding_interval_s=3600)
    squeezed = dataclasses.replace(hourly, funding_interval_s=120, funding_period_s=120)
    rates = []
    for s in (hourly, squeezed):
        g = Game(GameConfig(scenario="calm", bots=0), s)
        m = g.venue.market
        m.premium_sum, m.premium_n = 0.0, 1  # no premium: the rate is the interest rate
        rates.append(m.predicted_funding_rate())
    assert rates == [pytest.approx(0.0001 / 8), pytest.approx(0.0001)]


def test_every_scenario_pays_funding_twice_and_long_ones_reach_expiry():
    for s in scenarios().values():
        assert s.duration_s // s.funding_interval_s >= 2, s.name
        if s.duration_s >= 8 * 3600:
            assert s.quarterly_expiry_s <= s.duration_s, s.name


def test_heatmap_totals_equal_open_interest_with_a_liquidation_price():
    g = make_game(GameConfig(scenario="long-squeeze", bots=3000))
    g.apply(A.SetMarginMode(mode="cross"))
    g.apply(A.PlaceOrder(side="long", qty=0.5, leverage=20))
    g.run(300)
    h = g.heatmap(buckets=40, span=0.1)
    book = g.venue.books[0]
    mark = g.venue.market.mark()
    holders = np.flatnonzero(book.qty)
    holders = holders[holders != POOL]
    expected = np.abs(book.qty[holders]).sum() * mark / 10_000
    assert h.total == pytest.approx(expected, rel=1e-9)
    # longs liquidate below the mark, shorts above
    mid = len(h.longs) // 2
    assert h.longs[mid + 1:].sum() == 0 and h.shorts[:mid - 1].sum() == 0
    assert h.longs.sum() > 0 and h.shorts.sum() > 0
