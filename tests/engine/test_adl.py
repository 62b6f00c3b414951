"""ADL ordering: the BitMEX worked example, and the engine's queue on a hand-built book."""

import numpy as np

from liqgame.engine import actions as A
from liqgame.engine.adl import adl_allocation, adl_lights, adl_rank

from .helpers import assert_conserved, custom_game, move_index


def test_bitmex_example_queue():
    # six longs, sizes {1:10, 2:10, 3:20, 4:30, 5:20, 6:10}, ranks {1:3, 2:6, 3:1, 4:4, 5:5, 6:2};
    # a short of 20 is liquidated and the fund cannot take it: account 2 is closed fully, then 10 of account 5
    sizes = np.array([10, 10, 20, 30, 20, 10])
    ranks = np.array([3, 6, 1, 4, 5, 2], dtype=float)
    assert adl_allocation(ranks, sizes, 20).tolist() == [0, 10, 0, 0, 10, 0]
    assert adl_allocation(ranks, sizes, 35).tolist() == [0, 10, 0, 5, 20, 0]


def test_rank_prefers_profit_times_leverage():
    qty = np.array([-100, -100, -100, -100])
    entry = np.array([600_000.0, 600_000.0, 620_000.0, 580_000.0])
    equity = np.array([1_000_000, 5_000_000, 1_000_000, 1_000_000])
    mark = 590_000
    r = adl_rank(qty, entry, equity, mark)
    # same profit, higher leverage ranks higher; more profit ranks higher; a loser ranks last
    assert r[0] > r[1] and r[2] > r[0] and r[3] < 0 < r[1]


def test_lights_are_quantiles_of_equal_sizes():
    rank = np.array([5.0, 4.0, 3.0, 2.0, 1.0, -np.inf])
    side = np.array([True] * 5 + [False])
    assert adl_lights(rank, np.full(6, 10), side, np.arange(5)).tolist() == [5, 4, 3, 2, 1]


def test_lights_weigh_the_queue_by_size_bitmex():
    # BitMEX: lights are percentiles of the ranked queue weighted by position size.  One huge top-ranked
    # position fills the first 80 % of the queue: the next position, second by count, has 1 light.
    rank = np.array([5.0, 4.0, 3.0, 2.0, 1.0])
    size = np.array([80, 5, 5, 5, 5])
    side = np.ones(5, bool)
    assert adl_lights(rank, size, side, np.arange(5)).tolist() == [5, 1, 1, 1, 1]
    # by count it would have been [5, 4, 3, 2, 1]: four small positions are not 80 % of the exposure
    # the worked example of six longs: account 2 (rank 6) and 5 (rank 5, 10..30 % of size) lead
    ranks = np.array([3, 6, 1, 4, 5, 2], dtype=float)
    sizes = np.array([10, 10, 20, 30, 20, 10])
    assert adl_lights(ranks, sizes, np.ones(6, bool), np.arange(6)).tolist() == [2, 5, 1, 4, 5, 2]


def test_engine_deleverages_highest_rank_first_at_bankruptcy_price():
    g = custom_game(fund=0, players=("loser", "high", "low", "mid"))
    assert g.apply(A.PlaceOrder(player=1, side="short", qty=1, leverage=50)).ok  # most leveraged winner
    assert g.apply(A.PlaceOrder(player=2, side="short", qty=0.1, leverage=2)).ok
    assert g.apply(A.PlaceOrder(player=3, side="short", qty=0.5, leverage=10)).ok
    assert g.apply(A.PlaceOrder(player=0, side="long", qty=1, leverage=50)).ok
    move_index(g, 0.985)
    g.step()  # shorts in profit, the long is not yet liquidated
    snap_lights = {p: g.adl_lights(p) for p in (1, 2, 3)}
    assert snap_lights[1] >= snap_lights[3] >= snap_lights[2]
    move_index(g, 0.95)
    events = g.step()
    adl = [e for e in events if e.kind == "ADLEvent" and e.player is not None]
    assert [e.player for e in adl][:1] == [2]  # trader id of "high"
    liq = next(e for e in events if e.kind == "Liquidation")
    assert abs(adl[0].price - liq.bankruptcy_price) < 1.0
    assert g.venue.books[0].qty[3] == -100 and g.venue.books[0].qty[4] == -500  # "low" and "mid" untouched
    assert "auto-deleveraged" in liq.explanation and liq.adl_qty > 0
    assert_conserved(g)
