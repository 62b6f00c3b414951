"""Where the crowd's margin went (``crowd_losses``): exact to the unit under every rulebook."""

import pytest

from liqgame.engine import ActionScript, GameConfig, Session, crowd_balances, crowd_losses, crowd_result
from liqgame.session import make_game

PLAYER = [{"tick": 0, "action": "open", "side": "long", "qty": 0.5, "leverage": 50},
          {"tick": 900, "action": "open", "side": "short", "qty": 0.3, "leverage": 20}]


@pytest.mark.parametrize("rulebook", ["insurance-first", "pool-backstop", "socialised-loss", "no-backstop"])
def test_destinations_sum_to_what_the_losing_traders_lost(rulebook):
    game = make_game(GameConfig(seed=2, scenario="black-thursday", rulebook=rulebook, bots=500))
    opening = crowd_balances(game)
    Session(game, ActionScript.from_log(PLAYER)).run_to(3000)
    c = crowd_losses(game, opening)
    change = crowd_balances(game) - opening
    assert c.lost == -int(change[change < 0].sum()) > 0
    assert c.lost == sum(c.destinations().values())
    # losers' losses less winners' gains is the crowd's net result, which the journal knows independently
    assert c.lost - int(change[change > 0].sum()) == -crowd_result(game)
    assert c.owed == -int(crowd_balances(game).clip(max=0).sum())
    if rulebook == "pool-backstop":  # no clearance fee, no fund in the waterfall
        assert c.to_insurance_fund == 0
    if rulebook != "socialised-loss":
        assert c.socialised == 0


def test_a_quiet_market_sends_nothing_to_the_backstops():
    game = make_game(GameConfig(seed=1, scenario="calm", bots=300))
    opening = crowd_balances(game)
    Session(game).run_to(300)
    c = crowd_losses(game, opening)
    assert game.stats().liquidations == 0
    assert (c.to_insurance_fund, c.via_adl, c.socialised, c.owed) == (0, 0, 0, 0)
    assert c.to_fees > 0 and c.lost == sum(c.destinations().values())
