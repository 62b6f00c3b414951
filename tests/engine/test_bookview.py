"""The book a player reads is the impact law's own: a market order of the ladder's size fills at its price."""

from __future__ import annotations

from liqgame.engine import GameConfig
from liqgame.engine import actions as A
from liqgame.session import make_game


def game(ticks: int = 120):
    g = make_game(GameConfig(seed=3, scenario="calm", bots=300, starting_balance=1_000_000))
    for _ in range(ticks):
        g.step()
    return g


def test_the_ladder_rises_away_from_the_touch_on_both_sides():
    b = game().book_view(levels=6)
    assert b.best_bid < b.best_ask and 0 < b.spread_bp < 50
    asks, bids = [lv.price for lv in b.asks], [lv.price for lv in b.bids]
    assert asks == sorted(asks) and asks[0] > b.best_ask
    assert bids == sorted(bids, reverse=True) and bids[0] < b.best_bid
    assert all(x.btc < y.btc for x, y in zip(b.asks, b.asks[1:]))  # cumulative
    assert all(x.btc < y.btc for x, y in zip(b.bids, b.bids[1:]))


def test_a_market_buy_of_the_ladders_size_fills_within_that_level():
    g = game()
    level = g.book_view(levels=3).asks[2]
    r = g.apply(A.PlaceOrder(side="buy", qty=level.btc, leverage=5))
    assert r.ok, r.reason
    fill = next(e for e in r.events if e.__class__.__name__ == "Fill")
    assert fill.price <= level.price  # the average fill is inside the level the ladder promised


def test_the_tape_shows_the_players_trade_in_its_second():
    g = game()
    assert g.apply(A.PlaceOrder(side="sell", qty=1.5, leverage=5)).ok
    g.step()
    t = g.book_view().trades[0]
    assert t.tick == g.tick and t.sold_btc >= 1.5
    assert abs(t.last - g.snapshot().market.last) < 1e-9
