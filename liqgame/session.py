"""Building games from a config: resolves the scenario name through the shipped assets."""

from __future__ import annotations

from .assets_io import get_scenario
from .engine.game import Game, GameConfig


def make_game(config: GameConfig) -> Game:
    return Game(config, get_scenario(config.scenario))


def replay_game(config: GameConfig, log: list[dict], ticks: int | None = None) -> Game:
    return Game.replay(config, get_scenario(config.scenario), log, ticks)
