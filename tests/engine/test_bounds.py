"""Integer money never overflows int64 anywhere a player can reach.

The engine's bounds (risk.MAX_*, game.MAX_BALANCE_USD, the index's price cap) are checked
here against the largest products the engine forms, and the formulas that could still be
driven past them fall back to exact Python integers (compared with a reference below).
"""

import math
from fractions import Fraction

import numpy as np
import pytest

from liqgame.engine import GameConfig, actions as A
from liqgame.engine import index_process
from liqgame.engine.game import MAX_BALANCE_USD
from liqgame.engine.money import PPM, UNITS_PER_USD
from liqgame.engine.risk import BP, MAX_NOTIONAL_UNITS, MAX_POSITION_LOTS, MAX_PRICE_TICKS, TierTable
from liqgame.engine.rulebooks import RULEBOOKS
from liqgame.engine.venue import FeeSchedule
from liqgame.session import make_game

INT64 = 2**63 - 1
TOP_MARK = MAX_PRICE_TICKS * 102 // 100  # the mark may sit 1 % (the basis cap) above the index, plus rounding


def test_the_largest_products_fit():
    top_notional = MAX_POSITION_LOTS * TOP_MARK
    assert top_notional * max(t.mmr_bp for rb in RULEBOOKS.values() for t in rb.tiers) < INT64  # maintenance
    assert MAX_POSITION_LOTS * TOP_MARK < INT64  # variation margin: qty x price move
    fees = [rb.liquidation_fee_ppm for rb in RULEBOOKS.values()] + [FeeSchedule().taker_ppm, FeeSchedule().maker_ppm]
    assert MAX_NOTIONAL_UNITS * max(fees) < INT64  # a fee on the largest notional that may trade
    assert max(fees) < PPM
    assert MAX_BALANCE_USD * UNITS_PER_USD * 10**4 < INT64  # ten thousand maximal players' wallets


def test_the_index_cannot_leave_the_price_range():
    assert math.exp(index_process._MAX_LOG_PRICE) * 10 <= MAX_PRICE_TICKS * (1 + 1e-12)


@pytest.mark.parametrize("rulebook", sorted(RULEBOOKS))
def test_liquidation_price_is_exact_at_the_bounds(rulebook):
    # the largest position at the highest mark with the largest margins: exact, no wrap-around
    t = TierTable(RULEBOOKS[rulebook].tiers)
    q = np.array([MAX_POSITION_LOTS, -MAX_POSITION_LOTS, 1, -1], dtype=np.int64)
    m = np.array([MAX_NOTIONAL_UNITS, MAX_NOTIONAL_UNITS // 3, -5, 7], dtype=np.int64)
    lp = t.liquidation_ticks(q, m, TOP_MARK)
    for qi, mi, p in zip(q.tolist(), m.tolist(), lp.tolist()):
        s = 1 if qi > 0 else -1

        def due(price, qi=qi, mi=mi):
            n = abs(qi) * price
            tier = int(np.searchsorted(t.floors, n, side="right") - 1)
            return (mi + qi * (price - TOP_MARK)) * BP <= n * int(t.mmr_bp[tier]) - int(t.cum[tier]) * BP

        assert due(p) and not due(p + s), (rulebook, qi, mi, p)
        assert Fraction(p) > 0 or s > 0


def test_players_cannot_build_positions_beyond_the_bounds():
    g = make_game(GameConfig(seed=1, bots=0, starting_balance=MAX_BALANCE_USD))
    big = MAX_POSITION_LOTS / 1000
    r = g.apply(A.PlaceOrder(side="long", qty=big + 0.001, leverage=1))
    assert not r.ok and "larger than the whole market" in r.reason
    r = g.apply(A.PlaceOrder(side="long", qty=big / 2, leverage=1))  # 5,000 BTC = 300M USD: within 1B
    assert r.ok, r.reason
    r = g.apply(A.PlaceOrder(side="long", qty=big / 2 + 1, leverage=1))
    assert not r.ok and "at most" in r.reason
    with pytest.raises(ValueError, match="at most"):
        make_game(GameConfig(seed=1, bots=0, starting_balance=MAX_BALANCE_USD + 1))
