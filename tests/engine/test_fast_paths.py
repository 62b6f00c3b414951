"""The hot path's shortcuts give exactly what the general code gives.

Each shortcut below exists for speed only (issue 18: a game day of 10k traders in <= 3 s). Each
test runs the general code next to the shortcut on the same inputs, edge cases included, and
requires identical results, so a shortcut can never change a game.
"""

import numpy as np
import pytest

from liqgame.engine.risk import MAX_POSITION_LOTS, TierTable
from liqgame.engine.rulebooks import RULEBOOKS


def _general_triggers(t: TierTable, q, m, mark):
    """The tier loop and the exact nudge, without the shortcut."""
    general = TierTable(t.tiers)
    general._inside_tier = lambda *args: False
    return general.liquidation_ticks(q, m, mark)


@pytest.mark.parametrize("rulebook", sorted(RULEBOOKS))
def test_trigger_shortcut_equals_the_general_computation(rulebook):
    t = TierTable(RULEBOOKS[rulebook].tiers)
    rng = np.random.default_rng(18)
    mark = 430_000
    floors = np.r_[t.floors[t.floors > 0], 10**8 * mark]  # one tier only: sizes stay small
    taken = []
    shortcut = t._inside_tier
    t._inside_tier = lambda *args: taken.append(shortcut(*args)) or taken[-1]
    for _ in range(40):
        n = int(rng.integers(1, 60))
        # sizes around tier floors and small ones, flat rows, margins from negative to many times notional
        near_floor = floors[rng.integers(0, len(floors), n)] // mark + rng.integers(-50, 50, n)
        lots = np.where(rng.random(n) < 0.5, rng.integers(0, 5_000, n), near_floor).clip(0, MAX_POSITION_LOTS)
        q = (lots * rng.choice([-1, 1], n)).astype(np.int64)
        m = (lots * mark * rng.uniform(-0.05, 1.5, n)).astype(np.int64)
        fast = t.liquidation_ticks(q, m, mark)
        assert np.array_equal(fast, _general_triggers(t, q, m, mark))
    assert any(taken) and not all(taken)  # both ways were compared


def test_trigger_shortcut_is_taken_for_ordinary_positions_and_not_at_a_tier_edge():
    t = TierTable(RULEBOOKS["insurance-first"].tiers)
    mark = 430_000
    q = np.array([100, -250, 0], dtype=np.int64)
    m = np.array([100 * mark // 20, 250 * mark // 10, 0], dtype=np.int64)
    lp = t.liquidation_ticks(q, m, mark)
    assert t._inside_tier(q, np.abs(q), lp, t.tier_of(np.abs(q) * mark))
    # a long whose notional at the trigger falls into the tier below: the general path decides
    edge = np.array([int(t.floors[1]) // mark + 1], dtype=np.int64)
    m_edge = edge * mark // 30
    lp_edge = t._lp(edge, edge, m_edge, mark, t.tier_of(edge * mark), True)
    assert not t._inside_tier(edge, edge, lp_edge, t.tier_of(edge * mark))
    assert np.array_equal(t.liquidation_ticks(edge, m_edge, mark), _general_triggers(t, edge, m_edge, mark))


def test_bulk_with_one_pocket_for_all_equals_one_pocket_each():
    from liqgame.engine.ledger import CASH, FEES, Cause
    from liqgame.engine.game import GameConfig
    from liqgame.session import make_game

    def journal(pockets):
        g = make_game(GameConfig(seed=3, scenario="calm", bots=50))
        led = g.venue.ledger
        idx = np.array([1, 5, 9, 12], dtype=np.int64)  # the player and three of the crowd
        led.bulk(0, Cause.TRADING_FEE, idx, np.array([-70, -3, 0, -11]), pockets(idx), FEES, contract=0)
        return led.cash.copy(), led.margin.copy(), led.system.copy(), led.net.copy(), led.human_flows, led.detail

    one, each = journal(lambda idx: CASH), journal(lambda idx: np.full(len(idx), CASH))
    for a, b in zip(one, each):
        assert np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b
    isolated = journal(lambda idx: 0)
    assert not np.array_equal(isolated[1], one[1])  # the margin pocket was used, not the wallet
    assert np.array_equal(isolated[0] + isolated[1].sum(axis=0), one[0] + one[1].sum(axis=0))


def test_one_positions_maintenance_in_python_ints_equals_the_array_computation():
    for rb in RULEBOOKS.values():
        t = TierTable(rb.tiers)
        notionals = [0, 1, *[int(f) + d for f in t.floors for d in (-1, 0, 1) if int(f) + d >= 0], 10**15]
        scalar = [t.maintenance_bp(n) for n in notionals]
        assert all(type(x) is int for x in scalar)
        assert scalar == t.maintenance_bp(np.array(notionals, dtype=np.int64)).tolist()


def test_split_pro_rata_on_few_weights_equals_the_array_computation():
    from liqgame.engine.money import SMALL_SPLIT, split_pro_rata

    rng = np.random.default_rng(7)
    for _ in range(300):
        n = int(rng.integers(1, SMALL_SPLIT + 1))
        weights = rng.integers(0, 10**int(rng.integers(1, 12)), n)
        weights[rng.random(n) < 0.3] = 0
        if not weights.any():
            continue
        total = int(rng.integers(-10**9, 10**9))
        padded = np.r_[weights, np.zeros(SMALL_SPLIT + 1 - n, dtype=np.int64)]  # zero weights never get a unit
        few, many = split_pro_rata(total, weights), split_pro_rata(total, padded)
        assert few.tolist() == many[:n].tolist() and int(few.sum()) == total
