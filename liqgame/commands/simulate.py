"""``liqgame simulate``: run a market headless and report the flows of money (see :mod:`liqgame.simulate`)."""

from __future__ import annotations

import json
import math
import sys

from ..engine import RULEBOOKS, GameConfig
from ..limits import MAX_BALANCE_USD, MAX_BOTS, MAX_TICKS
from ..script_file import PlayerFileError, ScriptEntry, read_script
from ..session import make_game
from ..simulate import format_report, simulate
from .base import CliError, at_most, positive_int


def add_parser(sub) -> None:
    sim = sub.add_parser("simulate", help="run the market headless and report where the money went")
    sim.add_argument("--seed", type=positive_int, default=None, help="random seed (default: the scenario's)")
    sim.add_argument("--scenario", default="calm")
    sim.add_argument("--rulebook", default="insurance-first", choices=list(RULEBOOKS))
    sim.add_argument("--bots", type=at_most(MAX_BOTS), default=None,
                     help=f"crowd size, up to {MAX_BOTS:,} (default: the scenario's)")
    sim.add_argument("--ticks", type=at_most(MAX_TICKS), default=None,
                     help=f"seconds of game time, up to {MAX_TICKS:,} (default: the scenario's duration)")
    sim.add_argument("--player", help="JSON-lines file of player actions (see README)")
    sim.add_argument("--balance", type=float, default=10_000.0,
                     help=f"player's starting balance, USD (more than 0, up to {MAX_BALANCE_USD:,})")
    sim.add_argument("--no-liquidation-impact", action="store_true",
                     help="liquidation orders fill without moving the price (cascade experiment)")
    sim.add_argument("--json", action="store_true", help="print one JSON object")


def run(args) -> int:
    if not math.isfinite(args.balance) or not 0 < args.balance <= MAX_BALANCE_USD:
        raise CliError(f"--balance must be a positive number of USD up to {MAX_BALANCE_USD:,}, got {args.balance:g}")
    try:
        script = read_script(args.player) if args.player else []
    except PlayerFileError as e:
        raise CliError(str(e)) from None
    try:
        config = GameConfig(seed=args.seed, scenario=args.scenario, rulebook=args.rulebook, bots=args.bots,
                            starting_balance=round(args.balance, 4),
                            liquidation_impact=not args.no_liquidation_impact)
        game = make_game(config)
    except ValueError as e:
        raise CliError(str(e)) from None
    ticks = game.scenario.duration_s if args.ticks is None else args.ticks
    actions = [entry.data for entry in script if entry.tick <= ticks]
    report = simulate(game, actions, ticks, progress=(not args.json and sys.stderr.isatty()))
    report["ignored_actions"] = beyond_the_end(script, ticks)
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


def beyond_the_end(script: list[ScriptEntry], ticks: int) -> list[dict]:
    """Player-file lines whose tick comes after the run ends: reported, never silently dropped."""
    return [{"line": e.line, "tick": e.tick, "action": e.data.get("action"),
             "reason": f"tick {e.tick} is after the end of the run (tick {ticks}); not applied"}
            for e in script if e.tick > ticks]
