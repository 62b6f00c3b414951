"""The pure, deterministic core of liqgame: no UI, no clock, no global random state, no I/O."""

from . import actions, events
from .game import ActionResult, Game, GameConfig
from .rulebooks import RULEBOOKS

__all__ = ["Game", "GameConfig", "ActionResult", "actions", "events", "RULEBOOKS"]
