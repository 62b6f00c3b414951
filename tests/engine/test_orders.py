"""Players' orders and account actions on a small market (no crowd: the pool is the counterparty)."""


import pytest

from liqgame.engine import actions as A
from liqgame.engine.ledger import FEES, POOL

from .helpers import assert_conserved, move_index, small_game


def risk(game, p=0, c=0):
    return game.position_risk(game.players[p].trader, c)


def test_open_long_moves_only_margin_fee_and_spread(game):
    led = game.venue.ledger
    start = led.balance(1)
    mark_before = game.venue.market.mark()
    r = game.apply(A.PlaceOrder(side="long", qty=0.5, leverage=20))
    assert r.ok, r.reason
    fill = r.events[0]
    assert fill.kind == "Fill" and fill.side == "buy" and fill.qty == 0.5
    assert game.venue.books[0].qty[1] == 500 and game.venue.books[0].qty[POOL] == -500
    price = round(fill.price * 10)
    notional = 500 * price
    assert fill.fee == -(-notional * 500 // 1_000_000)  # taker 0.05 %, rounded up
    rebate = -(-notional * 100 // 1_000_000)  # the pool's maker rebate comes out of the fee
    assert led.balance(FEES) == fill.fee - rebate
    # the player paid the fee and the fill's distance from the mark; then the position was marked
    # to the new mark (the order itself moved the price)
    mark_after = game.venue.market.mark()
    assert led.balance(1) == start - fill.fee - 500 * (price - mark_before) + 500 * (mark_after - mark_before)
    im = -(-notional // 20)
    assert led.margin[0, 1] == im - 500 * (price - mark_before) + 500 * (mark_after - mark_before)
    assert_conserved(game)


def test_preview_liquidation_price_matches_engine(game):
    order = A.PlaceOrder(side="long", qty=0.3, leverage=50)
    pv = game.desk.preview(1, order)
    assert pv.ok and pv.initial_margin > 0 and pv.fee > 0
    game.apply(order)
    # the fill moved the price, but the position's trigger is what the preview said
    assert game.venue.books[0].liq_lo[1] / 10 == pytest.approx(pv.liquidation_price, abs=0.1)


def test_preview_short_cross_matches_engine():
    g = small_game()
    g.apply(A.SetMarginMode(mode="cross"))
    order = A.PlaceOrder(side="short", qty=0.2, leverage=25)
    pv = g.desk.preview(1, order)
    assert pv.ok
    g.apply(order)
    assert risk(g)["liquidation_price"] == pytest.approx(pv.liquidation_price, abs=0.2)


def test_limit_order_rests_then_fills_as_maker():
    g = small_game()
    last = g.venue.market.last() / 10
    r = g.apply(A.PlaceOrder(side="long", qty=0.1, type="limit", price=round(last * 0.99, 1), leverage=10))
    assert r.ok and r.events[0].kind == "OrderPlaced"
    assert g.venue.books[0].qty[1] == 0
    move_index(g, 0.985)
    events = g.step()
    fills = [e for e in events if e.kind == "Fill"]
    assert fills and fills[0].maker and fills[0].price == round(last * 0.99, 1)
    assert g.venue.books[0].qty[1] == 100
    assert_conserved(g)


def test_stop_loss_closes_on_mark(game):
    game.apply(A.PlaceOrder(side="long", qty=0.2, leverage=10))
    mark = game.venue.market.mark() / 10
    r = game.apply(A.PlaceOrder(side="sell", qty=0.2, type="stop_loss", price=round(mark * 0.98, 1)))
    assert r.ok, r.reason
    move_index(game, 0.97)
    events = game.step()
    assert any(e.kind == "Fill" and e.reason == "stop-loss" for e in events)
    assert game.venue.books[0].qty[1] == 0
    assert not any(e.kind == "Liquidation" for e in events)


def test_take_profit_and_wrong_side_trigger_rejected(game):
    game.apply(A.PlaceOrder(side="short", qty=0.2, leverage=10))
    mark = game.venue.market.mark() / 10
    bad = game.apply(A.PlaceOrder(side="buy", qty=0.2, type="take_profit", price=round(mark * 1.05, 1)))
    assert not bad.ok and "below the mark" in bad.reason
    ok = game.apply(A.PlaceOrder(side="buy", qty=0.2, type="take_profit", price=round(mark * 0.98, 1)))
    assert ok.ok
    move_index(game, 0.97)
    events = game.step()
    assert any(e.kind == "Fill" and e.reason == "take-profit" for e in events)
    assert game.venue.books[0].qty[1] == 0


def test_reduce_only_never_increases(game):
    r = game.apply(A.PlaceOrder(side="long", qty=0.1, reduce_only=True))
    assert not r.ok and "reduce-only" in r.reason
    game.apply(A.PlaceOrder(side="long", qty=0.1, leverage=5))
    r = game.apply(A.PlaceOrder(side="sell", qty=0.5, reduce_only=True))
    assert r.ok and game.venue.books[0].qty[1] == 0


def test_flip_from_long_to_short(game):
    game.apply(A.PlaceOrder(side="long", qty=0.1, leverage=5))
    r = game.apply(A.PlaceOrder(side="short", qty=0.3, leverage=5))
    assert r.ok and game.venue.books[0].qty[1] == -200
    assert_conserved(game)


def test_add_and_remove_margin_move_the_liquidation_price(game):
    game.apply(A.PlaceOrder(side="long", qty=0.5, leverage=20))
    lp0 = risk(game)["liquidation_price"]
    assert game.apply(A.AddMargin(amount=500)).ok
    lp1 = risk(game)["liquidation_price"]
    assert lp1 < lp0
    r = game.apply(A.RemoveMargin(amount=5000))
    assert not r.ok and "initial margin" in r.reason
    assert game.apply(A.RemoveMargin(amount=400)).ok
    assert lp1 < risk(game)["liquidation_price"] < lp0
    assert_conserved(game)


def test_change_leverage_on_open_position(game):
    game.apply(A.PlaceOrder(side="long", qty=0.5, leverage=20))
    m20 = int(game.venue.ledger.margin[0, 1])
    assert game.apply(A.SetLeverage(leverage=5)).ok
    assert game.venue.ledger.margin[0, 1] > 3 * m20
    r = game.apply(A.SetLeverage(leverage=125))  # 0.5 BTC at 60k is 30k notional: 125x tier ok
    assert r.ok
    r = game.apply(A.SetLeverage(leverage=126))
    assert not r.ok and "125x" in r.reason


def test_cross_liquidation_takes_the_whole_wallet():
    g = small_game(players=("alice",))
    g.apply(A.SetMarginMode(mode="cross"))
    g.apply(A.PlaceOrder(side="long", qty=1.5, leverage=50))
    move_index(g, 0.95)
    assert not any(e.kind == "Liquidation" for e in g.step())  # isolated 50x would be gone at -5 %
    move_index(g, 0.90)
    events = g.step()
    liq = [e for e in events if e.kind == "Liquidation"]
    assert liq and liq[0].cross
    assert g.equity() == 0  # insurance-first: the whole cross wallet is gone, not just this position's margin
    assert_conserved(g)


def test_isolated_liquidation_keeps_the_rest_of_the_wallet():
    g = small_game(players=("alice",))
    g.apply(A.PlaceOrder(side="long", qty=1.5, leverage=50))
    move_index(g, 0.90)
    g.step()
    assert g.players[0].liquidations == 1
    assert g.equity() > 7_000 * 10_000  # only the ~1,800 USD isolated margin (plus fees) was lost


BAD = [
    (A.PlaceOrder(side="long", qty=0), "at least one lot"),
    (A.PlaceOrder(side="long", qty=-1), "at least one lot"),
    (A.PlaceOrder(side="long", qty=float("nan")), "finite"),
    (A.PlaceOrder(side="long", qty=float("inf")), "finite"),
    (A.PlaceOrder(side="long", qty=0.0005), "multiple of the lot size"),
    (A.PlaceOrder(side="long", qty=5, leverage=125), "tier maximum"),
    (A.PlaceOrder(side="long", qty=0.1, leverage=0), "between 1x and 125x"),
    (A.PlaceOrder(side="long", qty=0.1, leverage=126), "between 1x and 125x"),
    (A.PlaceOrder(side="long", qty=20, leverage=2), "insufficient margin"),
    (A.PlaceOrder(side="long", qty=0.1, type="limit"), "needs a price"),
    (A.PlaceOrder(side="long", qty=0.1, type="limit", price=-5), "positive"),
    (A.PlaceOrder(side="long", qty=0.1, type="limit", price=60000.05), "price tick"),
    (A.CancelOrder(order_id=99), "unknown order id"),
    (A.ClosePosition(), "no open perp position"),
    (A.AddMargin(amount=10), "no open perp position"),
    (A.SetLeverage(leverage=500), "between 1x and 125x"),
    (A.PlaceOrder(player=7, side="long", qty=0.1), "unknown player"),
]


@pytest.mark.parametrize("action,reason", BAD)
def test_bad_input_is_rejected_and_changes_nothing(action, reason):
    g = small_game()
    before = g.state_hash()
    r = g.apply(action)
    assert not r.ok and reason in r.reason, r.reason
    assert g.state_hash() == before
    assert_conserved(g)


def test_acting_on_a_closed_position_is_rejected():
    g = small_game()
    g.apply(A.PlaceOrder(side="long", qty=0.1, leverage=5))
    g.apply(A.ClosePosition())
    before = g.state_hash()
    for a in (A.ClosePosition(), A.AddMargin(amount=1), A.RemoveMargin(amount=1),
              A.PlaceOrder(side="sell", qty=0.1, type="stop_loss", price=1000)):
        assert not g.apply(a).ok
    assert g.state_hash() == before


def test_parse_action_rejects_malformed_json_objects():
    for d, msg in [({"action": "fly"}, "unknown action"), ({"action": "open", "qty": "x", "side": "long"}, "number"),
                   ({"action": "open", "side": "up", "qty": 1}, "side"), ({"action": "open", "wat": 1}, "unknown field"),
                   ({"tick": -1, "action": "close"}, "tick"), ([1, 2], "JSON object"),
                   ({"action": "order", "type": "limit", "side": "buy", "qty": 1, "reduce_only": "yes"}, "reduce_only")]:
        with pytest.raises(A.ActionError, match=msg):
            A.parse_action(d)
    tick, a = A.parse_action({"tick": 3, "action": "open", "side": "long", "qty": 0.5, "leverage": 50})
    assert tick == 3 and isinstance(a, A.PlaceOrder) and a.leverage == 50 and a.type == "market"


def test_preview_refuses_what_place_would_refuse(game):
    game.apply(A.PlaceOrder(side="long", qty=0.2, leverage=10))
    mark = game.venue.market.mark() / 10
    wrong = A.PlaceOrder(side="sell", qty=0.2, type="stop_loss", price=round(mark * 1.02, 1))
    pv = game.desk.preview(1, wrong)
    assert not pv.ok and "below the mark" in pv.reason
    assert game.apply(wrong).reason == pv.reason
    assert game.desk.preview(1, A.PlaceOrder(side="sell", qty=0.2, type="stop_loss",
                                             price=round(mark * 0.98, 1))).ok


def test_notices_say_what_they_are_about():
    g = small_game(players=("alice",))
    for _ in range(3):
        assert g.apply(A.PlaceOrder(side="long", qty=1, leverage=50)).ok
        move_index(g, 0.97)
        g.step()
    topics = {e.topic for e in g.recent_events if e.kind == "Notice"}
    assert "restriction" in topics
    assert not g.apply(A.PlaceOrder(side="long", qty=0.1, leverage=50)).ok  # capped at 20x for an hour
    r = g.apply(A.PlaceOrder(side="long", qty=1.5, leverage=20))
    assert r.ok and any(e.kind == "Notice" and e.topic == "revenge" for e in r.events)
