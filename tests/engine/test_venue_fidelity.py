"""Issue #8 (venue fidelity): each rule of the liquidation path as the venue it names does it.

Hand-built games: Alice (trader 1) and Bob (trader 2) on the calm market at 60,000, no crowd.
Amounts are checked to the unit (1 unit = 0.0001 USD).
"""

import numpy as np
import pytest

from liqgame.engine import GameConfig, actions as A
from liqgame.engine.ledger import FEES, Cause
from liqgame.engine.money import fee_units, to_ticks
from liqgame.session import make_game

from .helpers import assert_conserved, custom_game, move_index
from .test_properties import check_invariants

ALICE, BOB = 1, 2


def of(events, kind, player=None):
    return [e for e in events if e.kind == kind and (player is None or getattr(e, "player", None) == player)]


def to_mark(g, price: float) -> None:
    """Move the index so that the mark lands on ``price``."""
    move_index(g, price * 10 / g.venue.market.mark(0))


def open_pair(g, alice_lev=20, bob_lev=10, qty=1, **kw):
    assert g.apply(A.PlaceOrder(player=0, side="long", qty=qty, leverage=alice_lev, **kw)).ok
    assert g.apply(A.PlaceOrder(player=1, side="short", qty=qty, leverage=bob_lev)).ok


# ---------------------------------------------------------------- triggers after the liquidation's own trades

def test_triggers_stay_exact_after_a_partial_liquidation_moves_the_price():
    # a partial liquidation sells into the book and moves the mark; every trigger left behind must be the
    # one computed from each position's margin at the mark that margin is settled at
    g = custom_game(players=("alice", "bob", "carol"))
    assert g.apply(A.PlaceOrder(player=0, side="long", qty=1.5, leverage=50)).ok  # 90k notional: bracket 2
    assert g.apply(A.PlaceOrder(player=1, side="long", qty=0.5, leverage=40)).ok
    assert g.apply(A.PlaceOrder(player=2, side="short", qty=0.5, leverage=40)).ok
    to_mark(g, g.position_risk(ALICE, 0)["liquidation_price"] - 20)
    events = g.step()
    assert of(events, "Liquidation", ALICE)[0].partial
    v = g.venue
    book = v.books[0]
    for i in (ALICE, 2, 3):
        if book.qty[i]:
            lp = int(v.tiers.liquidation_ticks(book.qty[[i]], v.ledger.margin[0, [i]], v.market.mark(0))[0])
            assert (book.liq_lo[i] if book.qty[i] > 0 else book.liq_hi[i]) == lp
    check_invariants(g)


@pytest.mark.parametrize("rulebook", ["insurance-first", "socialised-loss", "pool-backstop", "no-backstop"])
def test_crowd_crash_never_leaves_or_liquidates_a_position_on_the_wrong_side_of_maintenance(rulebook):
    # the review saw 16 shorts liquidated above maintenance in a black-thursday crowd under socialised-loss
    g = make_game(GameConfig(scenario="black-thursday", rulebook=rulebook, bots=400, seed=11))
    g.liq.trace = []
    for _ in range(1500):
        g.step()
        check_invariants(g, g.liq.trace)
        g.liq.trace.clear()
    assert g.liq.stats["liquidations"] + g.liq.stats["partial"] > 0


# ---------------------------------------------------------------- marketable limit orders

def test_a_limit_buy_through_the_market_fills_at_once_as_a_taker():
    g = custom_game()
    mark = g.venue.market.mark(0) / 10
    order = A.PlaceOrder(side="buy", type="limit", qty=0.5, price=round(mark * 1.05, 1), leverage=10)
    preview = g.desk.preview(ALICE, order)
    r = g.apply(order)
    fill = of(r.events, "Fill", ALICE)[0]
    assert not fill.maker and fill.qty == 0.5
    assert fill.price < mark * 1.001  # the best price, not the limit 5 % above
    assert fill.fee == fee_units(500 * to_ticks(fill.price), g.venue.fees.taker_ppm)
    assert (preview.fill_price, preview.fee, preview.taker_qty, preview.resting_qty) == (fill.price, fill.fee, 0.5, 0)
    assert not g.desk.orders and g.venue.books[0].qty[ALICE] == 500


def test_only_the_remainder_of_a_marketable_limit_rests_as_a_maker():
    g = make_game(GameConfig(seed=3, scenario="calm", bots=0, players=("whale",), starting_balance=5_000_000))
    mark = g.venue.market.mark(0)
    limit = round(mark * 1.0008) / 10  # the book holds only part of 40 BTC within 0.08 %
    preview = g.desk.preview(ALICE, A.PlaceOrder(side="buy", type="limit", qty=40, price=limit, leverage=5))
    r = g.apply(A.PlaceOrder(side="buy", type="limit", qty=40, price=limit, leverage=5))
    fill, placed = of(r.events, "Fill")[0], of(r.events, "OrderPlaced")[0]
    assert 0 < fill.qty < 40 and fill.price <= limit and not fill.maker
    (rest,) = g.desk.orders.values()
    assert rest.lots == 40_000 - int(round(fill.qty * 1000)) and rest.price == to_ticks(limit)
    assert (preview.taker_qty, preview.resting_qty) == (fill.qty, rest.lots / 1000)
    assert str(rest.id) in placed.description


# ---------------------------------------------------------------- orders around liquidation and closing

def test_liquidation_cancels_every_open_order_with_a_reason():
    g = custom_game()
    open_pair(g)
    assert g.apply(A.PlaceOrder(side="sell", type="take_profit", qty=1, price=63_000)).ok
    assert g.apply(A.PlaceOrder(side="buy", type="limit", qty=0.1, price=50_000, leverage=5)).ok
    move_index(g, 0.94)
    events = g.step()
    assert of(events, "Liquidation", ALICE)
    cancelled = of(events, "OrderCancelled", ALICE)
    assert sorted(e.order_id for e in cancelled) == [1, 2]
    assert all("liquidated" in e.reason for e in cancelled)
    assert not [o for o in g.desk.orders.values() if o.trader == ALICE]


def test_a_stop_with_nothing_to_reduce_is_cancelled_at_once_and_never_carried_over():
    g = custom_game()
    assert g.apply(A.PlaceOrder(side="long", qty=0.2, leverage=10)).ok
    assert g.apply(A.PlaceOrder(side="sell", type="stop_loss", qty=0.2, price=58_000)).ok
    r = g.apply(A.ClosePosition())  # while paused: no step in between
    assert [e.order_id for e in of(r.events, "OrderCancelled")] == [1]
    assert not g.desk.orders
    assert g.apply(A.PlaceOrder(side="short", qty=0.2, leverage=10)).ok
    move_index(g, 58_000 / 60_000 * 0.999)  # where the old sell stop would have fired
    events = g.step()
    assert not of(events, "Fill") and g.venue.books[0].qty[ALICE] == -200


def test_stop_direction_comes_from_the_order_side():
    g = custom_game()
    assert g.apply(A.PlaceOrder(side="short", qty=0.2, leverage=10)).ok
    assert g.apply(A.PlaceOrder(side="buy", type="stop_loss", qty=0.2, price=61_000)).ok
    move_index(g, 1.005)
    assert not of(g.step(), "Fill")
    move_index(g, 1.015)
    fill = of(g.step(), "Fill")[0]
    assert fill.reason == "stop-loss" and fill.side == "buy"
    assert g.venue.ledger.lives[-1].outcome == "stop-loss"


# ---------------------------------------------------------------- ADL

def test_adl_closes_the_winner_at_the_bankruptcy_price_with_no_fee():
    g = custom_game(fund=0)
    open_pair(g)
    bp_before = g.snapshot().players[0].positions[0].bankruptcy_price
    move_index(g, 0.94)
    events = g.step()
    liq, adl = of(events, "Liquidation", ALICE)[0], of(events, "ADLEvent", BOB)[0]
    assert liq.bankruptcy_price == adl.price == bp_before  # one number: panel, event, ADL fill
    assert f"{adl.price:,.1f}" in liq.explanation
    assert adl.bankrupt_trader == ALICE and adl.qty == 1.0 and liq.adl_qty == 1.0
    # Bob's close at the bankruptcy price instead of the mark: exactly lots x (mark - price), paid to Alice
    assert adl.pnl == 1000 * (to_ticks(liq.mark) - to_ticks(adl.price))
    bob = g.venue.ledger.human_flows[BOB]
    alice_group = g.venue.ledger.group_of(ALICE)
    assert bob[(Cause.ADL, alice_group)] == -adl.pnl
    assert not [k for k in bob if k[0] == Cause.LIQUIDATION_FEE]  # no part of her liquidation fee
    assert g.venue.ledger.insurance_fund >= 0
    assert g.venue.books[0].qty[BOB] == 0
    assert_conserved(g)


def test_a_winner_statement_says_adl_took_back_profit_and_to_whom():
    g = custom_game(fund=0)
    open_pair(g)
    move_index(g, 0.94)
    g.step()
    text = g.explain(1).narrative
    assert "Auto-deleveraging took back" in text and "player alice" in text


def test_the_feed_margin_lost_is_the_whole_loss_of_the_position():
    g = custom_game()
    start = g.equity(0)
    open_pair(g)
    move_index(g, 0.94)
    liq = of(g.step(), "Liquidation", ALICE)[0]
    assert liq.margin_lost == start - g.equity(0)  # initial margin and the opening fee, to the unit
    life = g.venue.ledger.lives[0]
    assert life.outcome == "liquidated" and life.loss == liq.margin_lost


# ---------------------------------------------------------------- socialised loss

def test_socialised_loss_never_takes_more_than_a_holder_has():
    g = custom_game(rulebook="socialised-loss", fund=0, players=("a", "b", "c"))
    assert g.apply(A.PlaceOrder(player=1, side="short", qty=1, leverage=20)).ok
    assert g.apply(A.PlaceOrder(player=2, side="long", qty=0.1, leverage=20)).ok
    v = g.venue
    holders = np.flatnonzero(v.books[0].qty)
    room = np.maximum(v.position_margin(0, holders), 0)
    huge = 10**13  # more than everyone's equity together, the pool's included
    charged, per_btc = g.liq.backstops._socialise(0, huge)
    assert charged == int(room.sum())  # everybody paid what they had, and not a unit more
    assert (v.position_margin(0, holders) == 0).all() and (v.ledger.cash >= 0).all()
    assert v.ledger.insurance_fund == charged  # collected, to be paid to the bankrupt side
    assert_conserved(g)


def test_socialised_charges_per_unit_of_size():
    g = custom_game(rulebook="socialised-loss", fund=0, pool=10**9, players=("a", "b"))
    assert g.apply(A.PlaceOrder(player=0, side="short", qty=0.3, leverage=5)).ok
    assert g.apply(A.PlaceOrder(player=1, side="short", qty=0.1, leverage=5)).ok
    v = g.venue
    before = v.ledger.margin[0].copy()
    charged, per_btc = g.liq.backstops._socialise(0, 8_000_000)  # 800 USD over 0.8 BTC of open positions
    paid = before - v.ledger.margin[0]
    assert charged == 8_000_000 and per_btc == pytest.approx(1000.0)
    assert (paid[ALICE], paid[BOB]) == (3_000_000, 1_000_000)  # 3:1 by size, not 1:1 by position


def test_socialised_deficit_with_nobody_to_charge_stays_owed_and_is_reported_as_charged():
    # the pool (no deposit) is the only other holder and is under water: nobody can be charged
    g = custom_game(rulebook="socialised-loss", fund=0, pool=0, players=("alice",))
    assert g.apply(A.PlaceOrder(side="short", qty=1, leverage=20)).ok
    move_index(g, 1.10)
    events = g.step()
    (soc,) = of(events, "SocialisedLoss")
    assert soc.amount == 0 and soc.per_btc is None and soc.unpaid > 0
    assert soc.unpaid == g.liq.stats["unpaid"] and g.liq.stats["socialised"] == 0
    assert g.venue.ledger.insurance_fund == 0
    # alice's isolated deficit that nobody paid is a debt on her wallet
    assert g.equity(0) < 10_000 * 10_000 - 3_000 * 10_000 - soc.unpaid + 1
    assert_conserved(g)


# ---------------------------------------------------------------- cross margin

def test_cross_liquidation_reports_the_real_cross_price():
    g = custom_game()
    assert g.apply(A.PlaceOrder(side="long", qty=1, leverage=20, margin="cross")).ok
    lp_before = g.position_risk(ALICE, 0)["liquidation_price"]
    assert 0 < lp_before < 60_000
    to_mark(g, lp_before - 20)
    liq = of(g.step(), "Liquidation", ALICE)[0]
    assert liq.cross and liq.liquidation_price == lp_before
    assert 40_000 < liq.bankruptcy_price < 60_000


def test_an_isolated_order_is_refused_while_a_cross_position_is_open():
    g = custom_game()
    assert g.apply(A.PlaceOrder(side="long", qty=0.1, leverage=20, margin="cross")).ok
    before = g.state_hash()
    r = g.apply(A.PlaceOrder(side="long", qty=0.1, leverage=20, margin="isolated"))
    assert not r.ok and "cross" in r.reason and g.state_hash() == before
    assert g.apply(A.PlaceOrder(side="long", qty=0.1, leverage=20, margin="cross")).ok


# ---------------------------------------------------------------- rulebooks as data

def test_binance_cuts_a_bracket_2_position_down_to_bracket_1_for_a_clearance_fee():
    g = custom_game()
    assert g.apply(A.PlaceOrder(side="long", qty=1.5, leverage=50)).ok  # 90k notional, 0.5 % bracket
    fund0 = g.venue.ledger.insurance_fund
    to_mark(g, g.position_risk(ALICE, 0)["liquidation_price"] - 20)
    (liq,) = of(g.step(), "Liquidation", ALICE)
    mark = to_ticks(liq.mark)
    keep = (50_000 * 10_000 - 1) // mark
    assert liq.partial and liq.qty == (1500 - keep) / 1000
    assert liq.fee == fee_units((1500 - keep) * mark, 3_000)  # 0.3 % clearance fee...
    assert g.venue.ledger.insurance_fund - fund0 == liq.fee  # ...to the insurance fund
    assert g.venue.books[0].qty[ALICE] == keep  # the rest stays open, above maintenance
    check_invariants(g)


def test_hyperliquid_cuts_large_positions_by_a_fifth_then_closes_during_the_cooldown():
    g = custom_game(rulebook="pool-backstop")
    assert not g.apply(A.PlaceOrder(side="long", qty=0.1, leverage=50)).ok  # BTC max 40x
    assert g.apply(A.PlaceOrder(side="long", qty=2.5, leverage=40)).ok  # 150k > 100k
    to_mark(g, g.position_risk(ALICE, 0)["liquidation_price"] - 20)
    (liq,) = of(g.step(), "Liquidation", ALICE)
    assert liq.partial and liq.qty == 0.5 and liq.fee == 0  # 20 %, no clearance fee
    to_mark(g, g.position_risk(ALICE, 0)["liquidation_price"] - 20)
    (liq2,) = of(g.step(), "Liquidation", ALICE)
    assert not liq2.partial and liq2.qty == 2.0  # within 30 s: the whole position, in the market
    assert "no clearance fee" in liq2.explanation and g.equity(0) > 0


def test_hyperliquid_pool_takes_over_below_two_thirds_of_maintenance():
    g = custom_game(rulebook="pool-backstop")
    assert g.apply(A.PlaceOrder(side="long", qty=1, leverage=40)).ok
    move_index(g, 0.97)  # far beyond the trigger: equity well under 2/3 of maintenance
    (liq,) = of(g.step(), "Liquidation", ALICE)
    assert "took over" in liq.explanation and liq.fill_price is None
    flows = g.venue.ledger.human_flows[ALICE]
    assert any(c == Cause.POOL_TAKEOVER for c, _ in flows)


def test_drift_closes_only_enough_to_cover_the_shortage():
    g = custom_game(rulebook="socialised-loss")
    assert g.apply(A.PlaceOrder(side="long", qty=1, leverage=20)).ok
    to_mark(g, g.position_risk(ALICE, 0)["liquidation_price"] - 20)
    (liq,) = of(g.step(), "Liquidation", ALICE)
    assert liq.partial and 0 < liq.qty < 0.5
    risk = g.position_risk(ALICE, 0)
    assert risk["margin"] > risk["maintenance"]


def test_no_backstop_fee_goes_to_the_exchange():
    g = custom_game(rulebook="no-backstop")
    assert g.apply(A.PlaceOrder(side="long", qty=1, leverage=20)).ok
    fees0, fund0 = g.venue.ledger.balance(FEES), g.venue.ledger.insurance_fund
    to_mark(g, g.position_risk(ALICE, 0)["liquidation_price"] - 20)
    (liq,) = of(g.step(), "Liquidation", ALICE)
    assert liq.fee > 0 and g.venue.ledger.balance(FEES) - fees0 >= liq.fee
    assert g.venue.ledger.insurance_fund == fund0


# ---------------------------------------------------------------- the Python API validates like the JSON path

@pytest.mark.parametrize("action,reason", [
    (A.PlaceOrder(side="long", qty=0.1, leverage=2.5), "whole number"),
    (A.PlaceOrder(side="long", qty=0.1, margin="portfolio"), "'margin' must be one of"),
    (A.PlaceOrder(side="long", qty=0.1, contract="spot"), "'contract' must be one of"),
    (A.PlaceOrder(side=["long"], qty=0.1), "'side' must be one of"),
    (A.SetLeverage(leverage="20"), "must be a number"),
])
def test_invalid_python_actions_are_refused_and_never_logged(action, reason):
    g = custom_game()
    before = g.state_hash()
    r = g.apply(action)
    assert not r.ok and reason in r.reason
    assert g.state_hash() == before and g.log == []
    assert g.apply(A.PlaceOrder(side="long", qty=0.1, leverage=5)).ok and len(g.log) == 1
