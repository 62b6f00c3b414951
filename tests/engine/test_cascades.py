"""Crashes caused by the crowd: amplification by liquidations, in-tick cascades, the flash crash, the calm day.

Statistical checks run over fixed seeds (figures over more seeds: ``python bench/market_realism.py``).
"""

from __future__ import annotations

import numpy as np
import pytest

from liqgame.engine import GameConfig, actions as A
from liqgame.engine.ledger import POOL
from liqgame.market_stats import worst_window_share
from liqgame.session import make_game

from .helpers import assert_conserved, custom_game, move_index


def marks(g) -> np.ndarray:
    return np.fromiter((p[2] for p in g.price_history), dtype=np.float64) / 10


def shock_window(g) -> tuple[int, int]:
    shocks = g.shocks.describe()
    return min(s["onset_s"] for s in shocks), max(s["onset_s"] + s["duration_s"] for s in shocks) + 1800


def play_through_shock(scenario: str, seed: int, impact: bool = True):
    g = make_game(GameConfig(seed=seed, scenario=scenario, liquidation_impact=impact))
    g.run(shock_window(g)[1])
    return g


def trough(g) -> float:
    start, end = shock_window(g)
    m = marks(g)
    return 1.0 - m[start:end].min() / m[start]


@pytest.fixture(scope="module")
def squeezes():
    return {seed: (play_through_shock("long-squeeze", seed), play_through_shock("long-squeeze", seed, False))
            for seed in (1, 3)}


def test_the_crowds_liquidations_make_the_long_squeeze_deep(squeezes):
    """Same seed, same spot seller: the liquidations at least half as much again to the fall (bench: x1.5-2.8)."""
    for seed, (g, quiet) in squeezes.items():
        assert g.shocks.describe() == quiet.shocks.describe()  # the very same shock
        assert trough(g) >= 1.5 * trough(quiet), (seed, trough(g), trough(quiet))


def test_a_may_2021_day_liquidates_a_large_share_of_open_interest(squeezes):
    for seed, (g, _) in squeezes.items():
        oi0 = g.tape.minute_close[0][0] * marks(g)[0]
        liquidated = sum(g.tape.liq_long) + sum(g.tape.liq_short)
        assert 0.12 <= liquidated / oi0 <= 0.35, (seed, liquidated / oi0)


def test_flash_crash_is_fast_concentrated_deleverages_and_bounces():
    g = make_game(GameConfig(seed=2, scenario="flash-crash"))
    g.run(g.scenario.duration_s)
    m = marks(g)
    start, end = shock_window(g)
    low = int(np.argmin(m))
    assert 0.08 <= 1 - m[low] / m[start] <= 0.18
    liq = np.asarray(g.tape.liq_long) + np.asarray(g.tape.liq_short)
    assert worst_window_share(liq, 40 * 60) >= 0.6  # 10 Oct 2025: ~70 % of the day's within 40 minutes
    assert sum(g.tape.liq_long) > 3 * sum(g.tape.liq_short)  # longs, overwhelmingly
    assert g.liq.stats["adl_events"] > 0  # the thin fund ran dry: winners were deleveraged
    assert g.liq.fund_min < 0.01 * g.scenario.insurance_fund_usd * 10_000
    assert m[low] < m[-1] < m[start]  # a partial rebound
    assert_conserved(g)


def test_forced_flow_into_an_empty_book_cascades_within_the_second():
    """A ladder of 3 BTC longs at 50x down to 21x: their liquidation prices are rungs 0.1-0.4 % apart.
    Pushed past the first rung, the forced sales reach rung after rung inside the same tick when the book
    is thin (one in a deep book moves the mark a third as far)."""

    def liquidated_in_one_tick(level: float) -> int:
        players = tuple(f"p{k}" for k in range(12))
        g = custom_game(players=players, bots=0, fund=10**7)
        for k, lev in enumerate((50, 46, 42, 39, 36, 33, 31, 29, 27, 25, 23, 21)):
            assert g.apply(A.PlaceOrder(player=k, side="long", qty=3.0, leverage=lev)).ok
        m = g.venue.market
        m.contracts[0].flow = 0.0  # forget the ladder's own buying: only the push and the forced flow count
        m.liquidity.level = level
        m.settle_marks()
        first = g.position_risk(g.players[0].trader, 0)["liquidation_price"]
        move_index(g, first * 0.9995 / (g.venue.market.mark() / 10))
        events = g.step()
        # partial or whole (Binance first cuts a position down a bracket): every rung the forced flow reached
        return len({e.player for e in events if e.kind == "Liquidation"})

    deep, empty = liquidated_in_one_tick(1.0), liquidated_in_one_tick(0.1)
    # each liquidation is judged exactly at the mark the last forced sale left: the empty book runs down
    # several rungs in the second, the deep book stops at the first
    assert deep <= 2 and empty >= 4 and empty >= 3 * deep, (deep, empty)


def test_a_calm_day_liquidates_well_under_one_percent_of_open_interest():
    """Calm: leverage and size such that liquidations stay under 1 % of open interest a day (was 22-28 %)."""
    for seed in (1, 2):
        g = make_game(GameConfig(seed=seed, scenario="calm"))
        g.run(6 * 3600)
        oi = np.mean([oi_btc for oi_btc, _, _ in g.tape.minute_close]) * marks(g).mean()
        per_day = (sum(g.tape.liq_long) + sum(g.tape.liq_short)) / oi * 4
        assert per_day <= 0.01, (seed, per_day)


def test_liquidated_crowd_traders_cool_off_before_coming_back():
    g = make_game(GameConfig(seed=4, scenario="flash-crash", bots=1500))
    cr, book = g.crowd, g.venue.books[0]
    held = cr.holding.copy()
    start_wallet = np.array([g.venue.ledger.balance(int(i)) for i in cr.ids])
    g.run(shock_window(g)[1])
    lost = np.flatnonzero(cr.back_at > 0)
    assert len(lost) > 50  # the crash took many of them out
    waiting = lost[cr.back_at[lost] > g.tick]
    assert len(waiting) > len(lost) // 2  # hours of cool-off: most are still away
    assert not book.qty[waiting + cr.first].any()  # and none of those has traded since
    assert held[lost].sum() > len(lost) // 2  # most were in the lived-in book before the crash
    g.run(6 * 3600)
    back = lost[(cr.back_at[lost] <= g.tick) & (book.qty[lost + cr.first] != 0)]
    wallets = np.array([g.venue.ledger.balance(int(i)) for i in back + cr.first])
    assert len(back) > 20 and (wallets < start_wallet[back]).mean() > 0.9  # back, with a smaller wallet


def test_the_pool_quotes_against_its_inventory_so_a_long_crowd_pays_funding():
    g = make_game(GameConfig(seed=1, scenario="funding-trap", bots=1500))
    g.run(3600)
    m = g.venue.market
    assert g.venue.books[0].qty[POOL] < 0  # the crowd is net long, the pool short
    assert m.contracts[0].lean > 0 and m.last() > m.index_ticks  # the perpetual trades rich
    assert m.predicted_funding_rate() > m.p.interest_8h * m.p.funding_interval_s / m.p.funding_period_s
