"""What-if runs: the same market and log with one change, for the whole session, pure and replayable."""

import pytest

from liqgame.engine import GameConfig
from liqgame.engine.game import Game
from liqgame.engine.whatif import Change, what_if
from liqgame.session import scenario_for

CFG = GameConfig(seed=7, scenario="long-squeeze", bots=300)
LOG = [{"tick": 0, "action": "open", "side": "long", "qty": 0.5, "leverage": 50}]
TICKS = 8000


@pytest.fixture(scope="module")
def lower_leverage():
    return what_if(CFG, scenario_for(CFG.scenario), LOG, TICKS, Change(leverage=5))


def test_a_liquidated_session_replayed_at_lower_leverage_runs_to_the_end(lower_leverage):
    w = lower_leverage
    assert w.actual.liquidations == 1 and w.alternative.liquidations == 0
    assert w.alternative.ticks == w.actual.ticks == TICKS  # not stopped at the liquidation tick
    liq_tick = next(p.closed for p in w.actual.positions if p.outcome == "liquidated")
    assert liq_tick < TICKS and w.alternative.positions[0].outcome == "open"
    assert "5x" in w.sentence and "would not have been liquidated" in w.sentence


def test_what_if_is_a_pure_function_verified_by_replay(lower_leverage):
    again = what_if(CFG, scenario_for(CFG.scenario), LOG, TICKS, Change(leverage=5))
    assert again.alternative.state_hash == lower_leverage.alternative.state_hash
    replayed = Game.replay(CFG, scenario_for(CFG.scenario), list(lower_leverage.alternative.log), TICKS)
    assert replayed.state_hash() == lower_leverage.alternative.state_hash
    actual = Game.replay(CFG, scenario_for(CFG.scenario), LOG, TICKS)
    assert actual.state_hash() == lower_leverage.actual.state_hash


def test_a_stop_loss_what_if_closes_before_the_liquidation_and_replays():
    w = what_if(CFG, scenario_for(CFG.scenario), LOG, TICKS, Change(stop_pct=1))  # 50x: liquidated ~1.6 % away
    assert w.actual.liquidations == 1 and w.alternative.liquidations == 0
    assert [p.outcome for p in w.alternative.positions] == ["stop-loss"]
    assert w.alternative.equity > w.actual.equity
    assert any(d.get("type") == "stop_loss" for d in w.alternative.log)  # the change's own action, logged
    replayed = Game.replay(CFG, scenario_for(CFG.scenario), list(w.alternative.log), TICKS)
    assert replayed.state_hash() == w.alternative.state_hash
    assert "the stop closed 1 position" in w.sentence


def test_another_rulebook_and_its_flows():
    w = what_if(CFG, scenario_for(CFG.scenario), LOG, TICKS, Change(rulebook="pool-backstop"))
    dest_a = {f.category for f in w.actual.explanation.flows}
    dest_b = {f.category for f in w.alternative.explanation.flows}
    assert "insurance fund" in dest_a and "insurance fund" not in dest_b
    assert "pool-backstop" in w.sentence
    for r in (w.actual, w.alternative):  # each position's parts sum to its loss, the session's to the total
        assert sum(p.loss for p in r.positions) == r.explanation.net_loss


@pytest.mark.parametrize("kw", [{}, {"leverage": 0}, {"stop_pct": 0}, {"stop_pct": 120}, {"rulebook": "nope"},
                                {"add_margin": -5}])
def test_bad_changes_are_refused(kw):
    with pytest.raises(ValueError):
        Change(**kw)


def test_another_venue_below_the_orders_leverage_keeps_the_stake_not_refuses_it():
    """Drift allows 20x: a 50x order of 0.5 BTC is placed at 20x with the same margin, 0.2 BTC, and said so."""
    w = what_if(CFG, scenario_for(CFG.scenario), LOG, 600, Change(rulebook="socialised-loss"))
    alt = w.alternative
    assert not alt.refusals and alt.positions  # the trade happened on the other venue
    placed = alt.log[0]
    assert placed["leverage"] == 20 and placed["qty"] == 0.2 and "stake_kept_from" not in placed
    assert alt.notes and "at most 20x" in alt.notes[0] and "0.2 BTC" in alt.notes[0]
    assert "at most 20x" in w.sentence
    assert Game.replay(CFG.__class__(**{**vars(CFG), "rulebook": "socialised-loss"}), scenario_for(CFG.scenario),
                       list(alt.log), 600).state_hash() == alt.state_hash
