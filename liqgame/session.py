"""Games from configs and saved sessions: the glue between engine, assets and store.

A saved session is (config, action log, number of ticks); replaying it reproduces the final
state bit for bit, which is what makes a high score verifiable.
"""

from __future__ import annotations

from . import __version__
from .assets_io import get_scenario
from .engine.game import Game, GameConfig

LESSON_PREFIX = "lesson:"


def scenario_for(name: str):
    """A shipped scenario by name, or a lesson's market for ``lesson:<id>``."""
    if name.startswith(LESSON_PREFIX):
        from .lessons import lesson_scenario  # lessons define their own markets

        return lesson_scenario(name[len(LESSON_PREFIX):])
    return get_scenario(name)


def make_game(config: GameConfig) -> Game:
    return Game(config, scenario_for(config.scenario))


def replay_game(config: GameConfig, log: list[dict], ticks: int | None = None) -> Game:
    return Game.replay(config, scenario_for(config.scenario), log, ticks)


def session_record(game: Game, *, name: str, date: str, kind: str = "free", daily_date: str | None = None,
                   player: int = 0) -> dict:
    """Everything the store keeps about a finished session (the action log goes alongside)."""
    ps = game.players[player]
    return {
        "name": name,
        "date": date,
        "game_version": __version__,
        "seed": game.seed,
        "scenario": game.config.scenario,
        "rulebook": game.rulebook.name,
        "starting_balance": ps.start / 10_000,
        "final_equity": game.equity(player) / 10_000,
        "score": game.score(player),
        "liquidations": ps.liquidations,
        "max_drawdown": round(ps.max_drawdown, 6),
        "exposure": round(game.exposure(player), 6),
        "state_hash": game.state_hash(),
        "kind": kind,
        "daily_date": daily_date,
        "config": game.config.to_dict(),
        "ticks": game.tick,
    }


def replay_record(record: dict, actions: list[dict]) -> Game:
    """Rebuild the final game of a saved session from its config and action log."""
    return replay_game(GameConfig.from_dict(record["config"]), actions, int(record["ticks"]))


def replayer(record: dict, actions: list[dict]):
    """The store's verification callback: recomputed (score, state hash, other fields)."""
    game = replay_record(record, actions)
    return game.score(0), game.state_hash(), {"final_equity": game.equity(0) / 10_000,
                                              "liquidations": game.players[0].liquidations}
