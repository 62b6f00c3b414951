"""The score rewards survival: a 100x gamble that wins does not usually beat steady risk control."""

import pytest

from liqgame.engine import GameConfig, actions as A
from liqgame.engine.score import exposure_factor, max_drawdown, rankable, score, score_breakdown
from liqgame.session import make_game


def test_formula_examples_from_the_readme():
    assert score(100, 200, 0.5, 0, 30.0) == 342  # a 100x gamble that doubled after being half under water
    assert score(100, 110, 0.05, 0, 3.0) == 710  # steady, 3x on average
    assert score(100, 100, 0.0, 1, 1.0) == 250  # every liquidation halves it
    assert score(100, -50, 0.2, 1, 5.0) == 0  # a debt scores nothing
    assert score_breakdown(100, 110, 0.05, 0, 3.0)[-1] == ("score", "710")


def test_idling_scores_nothing_and_is_not_ranked():
    g = make_game(GameConfig(seed=1, scenario="calm", bots=50))
    assert g.score(0) == 0 and not rankable(g.exposure(0))  # quit at 0:00:00
    g.run(600)
    assert g.score(0) == 0 and g.exposure(0) == 0.0  # ten minutes of watching
    assert g.apply(A.PlaceOrder(side="long", qty=0.5, leverage=5)).ok  # 3x the wallet in notional
    g.run(600)
    assert g.exposure(0) == pytest.approx(1.5, rel=0.02)  # 3x for half of the session
    assert rankable(g.exposure(0)) and 550 < g.score(0) < 650  # about 1000 x 1.5 / 2.5


def test_exposure_is_time_weighted_notional_over_the_starting_balance():
    g = make_game(GameConfig(seed=1, scenario="calm", bots=0, starting_balance=60_000))
    assert g.apply(A.PlaceOrder(side="long", qty=1, leverage=2)).ok  # ~60k notional on a 60k balance
    g.run(100)
    assert g.exposure(0) == pytest.approx(1.0, rel=0.01)
    g.apply(A.ClosePosition())
    g.run(100)
    assert g.exposure(0) == pytest.approx(0.5, rel=0.01)
    assert exposure_factor(g.exposure(0)) == pytest.approx(1 / 3, rel=0.02)


def test_max_drawdown():
    assert max_drawdown([100, 120, 60, 130, 125]) == pytest.approx(0.5)
    assert max_drawdown([100, 101, 102]) == 0.0


def play(seed, leverage, qty, stop=None):
    g = make_game(GameConfig(seed=seed, scenario="chop", bots=300, starting_balance=10_000))
    assert g.apply(A.PlaceOrder(side="long", qty=qty, leverage=leverage)).ok
    if stop:
        mark = g.venue.market.mark() / 10
        g.apply(A.PlaceOrder(side="sell", qty=qty, type="stop_loss", price=round(mark * (1 - stop), 1)))
    g.run(3_600)
    if g.venue.books[0].qty[1]:
        g.apply(A.ClosePosition())
    return g.score(0), g.players[0].liquidations


def test_gambling_scores_below_risk_control_on_average():
    gamble = [play(s, 100, 4.0) for s in range(6)]  # 24x the wallet in notional, at 100x
    steady = [play(s, 3, 0.4, stop=0.03) for s in range(6)]  # ~2.4x the wallet, with a stop
    assert sum(s for s, _ in steady) > sum(s for s, _ in gamble)
    assert sum(n for _, n in gamble) >= 3  # the gambles mostly blow up
