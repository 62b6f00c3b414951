"""The games a player can start: difficulties, the starting-balance range, the daily challenge.

The menu builds its games from these, and replay verification accepts a saved session only if its
config is one of them: a session replayed with no crowd, on another day's market, or with the
liquidation impact switched off is not a game the table ranks, whatever its score.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .assets_io import get_scenario, play_data
from .engine import DEFAULT_RULEBOOK, GameConfig
from .store import daily_key, daily_seed

@dataclass(frozen=True)
class Difficulty:
    label: str
    balance: float
    crowd: float  # multiple of the scenario's crowd size


@dataclass(frozen=True)
class DailyEpoch:
    start: dt.date
    scenarios: tuple[str, ...]


def _load():
    d = play_data()
    difficulties = {k: Difficulty(v["label"], float(v["balance_usd"]), float(v["crowd"]))
                    for k, v in d["difficulties"].items()}
    epochs = tuple(sorted((DailyEpoch(dt.date.fromisoformat(e["from"]), tuple(e["scenarios"])) for e in d["daily"]),
                          key=lambda e: e.start))
    return difficulties, int(d["balance_usd"]["min"]), int(d["balance_usd"]["max"]), epochs


DIFFICULTIES, BALANCE_MIN_USD, BALANCE_MAX_USD, DAILY_EPOCHS = _load()


def crowd_size(scenario: str, difficulty: str) -> int:
    return max(int(get_scenario(scenario).bots * DIFFICULTIES[difficulty].crowd), 0)


def balance_problem(balance: float) -> str | None:
    """Why a starting balance typed into the new-game form is refused, or None."""
    if not BALANCE_MIN_USD <= balance <= BALANCE_MAX_USD or round(balance, 4) != balance:
        return f"Starting balance: a number of USD from {BALANCE_MIN_USD:,} to {BALANCE_MAX_USD:,}."
    return None


def daily_config(day: dt.date | str, name: str = "you") -> GameConfig:
    """The daily challenge of ``day``: the seed from the date, the scenario picked by that seed from the
    rotation of the epoch the day falls in (``assets/play.json``: adding a scenario never moves a day that
    is already played or announced)."""
    seed = daily_seed(day)
    date = dt.date.fromisoformat(daily_key(day))
    epoch = [e for e in DAILY_EPOCHS if e.start <= date][-1]
    return GameConfig(seed=seed, scenario=epoch.scenarios[seed % len(epoch.scenarios)], rulebook=DEFAULT_RULEBOOK,
                      players=(name,))


def playable_problem(config: GameConfig, kind: str, daily_date: str | None) -> str | None:
    """Why ``config`` is not a game the menu offers for ``kind`` (None if it is).

    Lessons are checked by their own rules, not ranked here."""
    if kind == "daily":
        return _daily_problem(config, daily_date)
    if kind != "free":
        return None
    sizes = {crowd_size(config.scenario, d) for d in DIFFICULTIES}
    if config.bots not in sizes:
        return (f"a crowd of {config.bots} traders is not one the game offers for {config.scenario} "
                f"({', '.join(f'{n:,}' for n in sorted(sizes))})")
    if balance_problem(config.starting_balance):
        return (f"a starting balance of {config.starting_balance:,} USD is outside "
                f"{BALANCE_MIN_USD:,}-{BALANCE_MAX_USD:,}")
    if not (config.liquidation_impact and config.quarterly and len(config.players) == 1):
        return "the game was not set up as the menu sets up a game (one player, liquidation impact, quarterly)"
    return None


def _daily_problem(config: GameConfig, daily_date: str | None) -> str | None:
    try:
        expected = daily_config(daily_key(daily_date), *config.players[:1])
    except (TypeError, ValueError):
        return f"a daily challenge needs its date, got {daily_date!r}"
    if config != expected:
        return (f"the daily challenge of {daily_key(daily_date)} is played on seed {expected.seed}, "
                f"{expected.scenario}, {expected.rulebook}; this session was played on seed {config.seed}, {config.scenario}, "
                f"{config.rulebook}, crowd {config.bots}, balance {config.starting_balance:,}")
    return None
