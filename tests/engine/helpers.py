"""Helpers to build small games and hand-made market moves."""

from __future__ import annotations

import math

from liqgame.engine import GameConfig
from liqgame.session import make_game


def small_game(**kw):
    cfg = dict(seed=3, scenario="calm", bots=0, players=("alice", "bob"))
    cfg.update(kw)
    return make_game(GameConfig(**cfg))


def move_index(game, factor: float) -> None:
    """Move the index (and so last and mark) by ``factor`` at once: a hand-made shock."""
    m = game.venue.market
    m.permanent += math.log(factor)
    for c in m.contracts:
        c.reprice(m.index, smooth=False)


def assert_conserved(game) -> None:
    led = game.venue.ledger
    assert led.total() == led.deposits



def custom_game(rulebook="insurance-first", fund=None, players=("alice", "bob"), bots=0, seed=3, pool=None,
                scenario="calm"):
    """A game on a modified scenario (e.g. an empty insurance fund)."""
    from dataclasses import replace

    from liqgame.assets_io import get_scenario
    from liqgame.engine.game import Game

    s = get_scenario(scenario)
    s = replace(s, insurance_fund_usd=s.insurance_fund_usd if fund is None else fund,
                pool_usd=s.pool_usd if pool is None else pool)
    return Game(GameConfig(seed=seed, scenario=scenario, rulebook=rulebook, players=players, bots=bots), s)
