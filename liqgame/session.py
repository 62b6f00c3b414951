"""Games from configs and saved sessions: the glue between engine, assets and store.

A saved session is (config, action log, number of ticks); replaying it reproduces the final
state bit for bit, which is what makes a high score verifiable. What the score table shows about
a game (``shown_fields``) is taken from the game itself, both when the session is saved and when
it is replayed, so the two can be compared field by field.

A session file may have been written by anyone, so the replayer checks every field it reads
before running anything: types, the bounds of :mod:`liqgame.limits`, and that the config is a
game the menu offers (:mod:`liqgame.playable`). It refuses with ``ReplayRefused`` and a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from . import __version__
from .assets_io import get_scenario
from .engine import Game, GameConfig, get_rulebook, units_to_usd
from .limits import MAX_BALANCE_USD, MAX_BOTS, MAX_PLAYERS, MAX_TICKS
from .script_file import MAX_LINES, check_entry
from .store import ReplayRefused

LESSON_PREFIX = "lesson:"
MAX_SEED = 2**63 - 1
NAME_MAX = 64


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


def shown_fields(game: Game, player: int = 0) -> dict:
    """How the game was set up and how it ended, as the score table shows it."""
    ps = game.players[player]
    return {
        "seed": game.seed,
        "scenario": game.config.scenario,
        "rulebook": game.rulebook.name,
        "bots": game.crowd_size,
        "starting_balance": units_to_usd(ps.start),
        "final_equity": units_to_usd(game.equity(player)),
        "liquidations": ps.liquidations,
        "max_drawdown": round(ps.max_drawdown, 6),
        "exposure": round(game.exposure(player), 6),
    }


def session_record(game: Game, *, name: str, date: str, kind: str = "free", daily_date: str | None = None,
                   player: int = 0) -> dict:
    """Everything the store keeps about a finished session (the action log goes alongside)."""
    return {
        "name": name,
        "date": date,
        "game_version": __version__,
        **shown_fields(game, player),
        "score": game.score(player),
        "state_hash": game.state_hash(),
        "kind": kind,
        "daily_date": daily_date,
        "config": game.config.to_dict(),
        "ticks": game.tick,
    }


@dataclass(frozen=True)
class SavedSession:
    """A saved session as read back and checked: ready to replay, watch or play again with a change."""

    record: dict  # the full record, with its "id"
    actions: list
    config: GameConfig
    ticks: int


def open_saved(store, session_id: str) -> SavedSession:
    """Read a saved session from ``store`` and check every field before anything runs it (a session
    file may be hand-made). The one loader of ``liqgame replay``, ``liqgame whatif`` and the score
    table's Enter. Raises the store's ``StoreError`` (not found, file missing or unreadable) or
    ``ReplayRefused``, each with a message for the player."""
    record, actions = store.load_session(session_id)
    config, ticks = checked_replay(record, actions)
    return SavedSession(record, actions, config, ticks)


def replay_record(record: dict, actions: list[dict]) -> Game:
    """Rebuild the final game of a saved session from its config and action log (checked first)."""
    config, ticks = checked_replay(record, actions)
    return replay_game(config, actions, ticks)


def replayer(record: dict, actions: list[dict]):
    """The store's verification callback: recomputed (score, state hash, shown fields)."""
    game = replay_record(record, actions)
    return game.score(0), game.state_hash(), shown_fields(game)


# ------------------------------------------------------------------ checking a session file

def checked_replay(record: dict, actions: list) -> tuple[GameConfig, int]:
    """The config and tick count of a session, after checking every field read from its file;
    raises ``ReplayRefused`` naming the first problem."""
    config = _config(record.get("config"))
    try:
        scenario = scenario_for(config.scenario)
        get_rulebook(config.rulebook)
    except (KeyError, ValueError) as e:
        raise ReplayRefused(str(e)) from None
    from .playable import playable_problem  # playable reads the shipped scenarios

    problem = playable_problem(config, record.get("kind"), record.get("daily_date"))
    if problem:
        raise ReplayRefused(problem)
    ticks = record.get("ticks")
    longest = min(MAX_TICKS, scenario.duration_s)
    if type(ticks) is not int or not 0 <= ticks <= longest:
        raise ReplayRefused(f"ticks must be a whole number from 0 to {longest:,} (the scenario's length), "
                            f"got {ticks!r:.40}")
    _check_actions(actions, ticks)
    return config, ticks


def _config(d) -> GameConfig:
    if not isinstance(d, dict):
        raise ReplayRefused("the session has no config")
    unknown = sorted(set(d) - {f.name for f in fields(GameConfig)})
    if unknown:
        raise ReplayRefused(f"unknown config field(s): {', '.join(map(str, unknown))[:80]}")
    for key, check in _CONFIG_CHECKS.items():
        if key in d and not check(d[key]):
            raise ReplayRefused(f"config {key} {d[key]!r:.40} is not allowed ({_CONFIG_RULES[key]})")
    return GameConfig.from_dict(d)


def _whole(value, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high


_CONFIG_CHECKS = {
    "seed": lambda v: v is None or _whole(v, 0, MAX_SEED),
    "scenario": lambda v: type(v) is str and 0 < len(v) <= NAME_MAX,
    "rulebook": lambda v: type(v) is str and 0 < len(v) <= NAME_MAX,
    "players": lambda v: (type(v) is list and 0 < len(v) <= MAX_PLAYERS
                          and all(type(p) is str and len(p) <= NAME_MAX for p in v)),
    "starting_balance": lambda v: type(v) in (int, float) and 0 < v <= MAX_BALANCE_USD,
    "bots": lambda v: v is None or _whole(v, 0, MAX_BOTS),
    "liquidation_impact": lambda v: type(v) is bool,
    "quarterly": lambda v: type(v) is bool,
}
_CONFIG_RULES = {
    "seed": "a whole number from 0 to 2**63-1", "scenario": "a name", "rulebook": "a name",
    "players": f"1 to {MAX_PLAYERS} names", "starting_balance": f"more than 0, up to {MAX_BALANCE_USD:,} USD",
    "bots": f"0 to {MAX_BOTS:,} traders", "liquidation_impact": "true or false", "quarterly": "true or false",
}


def _check_actions(actions: list, ticks: int) -> None:
    if len(actions) > MAX_LINES:
        raise ReplayRefused(f"more than {MAX_LINES:,} logged actions")
    for n, entry in enumerate(actions, 1):
        try:
            check_entry(entry)
        except ValueError as e:
            raise ReplayRefused(f"logged action {n}: {e}") from None
        if entry["tick"] > ticks:
            raise ReplayRefused(f"logged action {n} is at tick {entry['tick']}, after the session's end ({ticks})")
