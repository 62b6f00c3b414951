"""Liquidity as state: the book thins with volatility and forced flow, refills over minutes, and the pool
leans against its inventory."""

from __future__ import annotations

import math

import pytest

from liqgame.engine.index_process import SECONDS_PER_YEAR
from liqgame.engine.liquidity import Liquidity, LiquidityParams
from liqgame.engine.money import LOTS_PER_BTC

NORMAL_VAR = 0.5**2 / SECONDS_PER_YEAR
DEPTH = 100.0


def book(**kw) -> Liquidity:
    return Liquidity(LiquidityParams(**kw), DEPTH, NORMAL_VAR, pool_btc=1000.0)


def quiet_seconds(liq: Liquidity, n: int) -> None:
    for _ in range(n):
        liq.step(math.sqrt(NORMAL_VAR))


def test_forced_flow_empties_the_book_in_seconds_and_it_refills_over_minutes():
    liq = book()
    liq.absorb_forced(int(3 * DEPTH * LOTS_PER_BTC))  # three depths of liquidations at once
    quiet_seconds(liq, 10)
    assert liq.level < 0.25
    quiet_seconds(liq, 120)
    assert liq.level < 0.6  # two minutes later the book is still thin
    quiet_seconds(liq, 3600)
    assert liq.level > 0.95


def test_realised_volatility_thins_the_book_and_widens_the_spread():
    calm, wild = book(), book()
    quiet_seconds(calm, 300)
    for _ in range(300):
        wild.step(10 * math.sqrt(NORMAL_VAR))  # ten times normal volatility
    assert calm.level == pytest.approx(1.0) and wild.vol_ratio > 8
    assert wild.level < 0.5
    assert wild.half_spread(0.0001) > 2 * calm.half_spread(0.0001)


def test_the_pool_limits_its_inventory_and_skews_against_it():
    liq = book()
    limit = 2.0 * 1000 * LOTS_PER_BTC  # inventory_limit x the pool's capital in BTC
    long_pool = int(0.5 * limit)
    # sellers would make a long pool longer: thinner bids; buyers take inventory off it: full depth
    assert liq.depth(-1, long_pool) == pytest.approx(0.5 * DEPTH)
    assert liq.depth(+1, long_pool) == pytest.approx(DEPTH)
    assert liq.depth(-1, int(2 * limit)) == pytest.approx(liq.p.inventory_floor * DEPTH)
    assert liq.skew(long_pool) == pytest.approx(-0.5 * liq.p.skew_at_limit)  # a long pool quotes lower
    assert liq.skew(-int(3 * limit)) == pytest.approx(liq.p.skew_at_limit)  # capped at the limit


def test_liquidity_parameters_are_validated():
    with pytest.raises(ValueError, match="refill_s"):
        LiquidityParams(refill_s=0)
    with pytest.raises(ValueError, match="min_level"):
        LiquidityParams(min_level=0)


def test_liquidation_volume_feeds_the_slow_volatility_and_thins_the_book():
    """Forced flow (the game marks liquidation orders so) leaves days of higher volatility behind; the same
    order when it is not forced does not."""
    from liqgame.engine import GameConfig
    from liqgame.session import make_game

    slow, level = [], []
    for forced in (False, True):
        m = make_game(GameConfig(seed=1, scenario="calm", bots=0)).venue.market
        before = m.process.slow_multiplier
        m.forced = forced
        m.trade(0, -1, int(2 * m.p.book.depth_btc * LOTS_PER_BTC))
        m.forced = False
        for _ in range(10):  # quotes are pulled within seconds
            m.step()
        slow.append(m.process.slow_multiplier / before)
        level.append(m.liquidity.level)
    assert slow[0] == pytest.approx(1.0, abs=1e-3) and slow[1] > 1.04
    assert level[1] < 0.5 < level[0]
