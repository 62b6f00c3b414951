"""The pure, deterministic core of liqgame: no UI, no clock, no global random state, no I/O.

This module is the engine's public face: the UI, the lessons, the commands and the store's
verifier import only what is listed here (tests/test_layers.py checks it).

    >>> from liqgame.engine import Game, GameConfig, Session, ActionScript, actions
    >>> from liqgame.engine import scenario_from_dict
    >>> s = scenario_from_dict({"name": "t", "title": "t", "description": "a tiny market", "bots": 50})
    >>> game = Game(GameConfig(seed=1), s)
    >>> Session(game, ActionScript.from_log([{"tick": 0, "action": "open", "side": "long", "qty": 0.1}])).run_to(5)
    >>> game.tick, game.position_view(0).side
    (5, 'long')
"""

from . import actions, events
from .actions import ActionError, parse_action
from .bookview import BookLevel, BookView, TradeSecond
from .explain import Explanation, Flow, PositionReport
from .fields import FieldError, number
from .game import (MAX_BALANCE_USD, REARM_RATIO, RESTRICT_AFTER, RESTRICT_LEVERAGE, WARNING_RATIO, ActionResult,
                   Game, GameConfig)
from .market import CONTRACT_NAMES
from .money import (TICKS_PER_USD, UNITS_PER_USD, fmt_usd, half_lots, lots_to_btc, plural, ticks_to_usd, to_lots,
                    to_ticks, to_units, units_to_usd, usd_to_btc_floor)
from .orders import Preview
from .report import (CrowdLosses, CrowdTally, RunStats, crowd_balances, crowd_losses, crowd_result, flows_by_group,
                     player_flows_by_group)
from .rulebooks import DEFAULT_RULEBOOK, MAX_LEVERAGE, RULEBOOKS, Rulebook, get_rulebook
from .scenarios import Scenario, ScenarioError, scenario_from_dict
from .score import MIN_EXPOSURE, exposure_factor, rankable, score, score_breakdown
from .script import ActionScript, Refusal, Session
from .snapshot import Heatmap, MarketView, OrderView, PlayerView, PositionView, Snapshot
from .tape import Tape
from .whatif import Change, RunResult, WhatIf, replay_with, what_if

__all__ = [
    "FieldError", "number",
    "actions", "events", "ActionError", "parse_action",
    "BookLevel", "BookView", "TradeSecond",
    "Explanation", "Flow", "PositionReport",
    "MAX_BALANCE_USD", "REARM_RATIO", "RESTRICT_AFTER", "RESTRICT_LEVERAGE", "WARNING_RATIO", "ActionResult",
    "Game", "GameConfig", "CONTRACT_NAMES",
    "TICKS_PER_USD", "UNITS_PER_USD", "fmt_usd", "half_lots", "lots_to_btc", "plural", "ticks_to_usd", "to_lots",
    "to_ticks", "to_units", "units_to_usd", "usd_to_btc_floor", "Preview",
    "CrowdTally", "RunStats", "crowd_result", "flows_by_group", "player_flows_by_group",
    "CrowdLosses", "crowd_balances", "crowd_losses",
    "DEFAULT_RULEBOOK", "MAX_LEVERAGE", "RULEBOOKS", "Rulebook", "get_rulebook",
    "Scenario", "ScenarioError", "scenario_from_dict",
    "MIN_EXPOSURE", "exposure_factor", "rankable", "score", "score_breakdown",
    "ActionScript", "Refusal", "Session",
    "Heatmap", "MarketView", "OrderView", "PlayerView", "PositionView", "Snapshot", "Tape",
    "Change", "RunResult", "WhatIf", "replay_with", "what_if",
]
