"""``liqgame`` command line: play (default), simulate, and the other entry points.

Bad arguments exit with status 2 and one clear line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import __version__


class CliError(Exception):
    """A user error: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        raise CliError(f"{self.prog}: {message} (see --help)")


def _positive_int(text: str, most: int | None = None) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {v}")
    if most is not None and v > most:
        raise argparse.ArgumentTypeError(f"expected a number up to {most:,}, got {v:,}")
    return v


def _at_most(most: int):
    """An argparse type: a whole number from 0 to ``most``."""
    def parse(text: str) -> int:
        return _positive_int(text, most)

    return parse


def build_parser() -> argparse.ArgumentParser:
    from .engine.rulebooks import RULEBOOKS
    from .limits import MAX_BALANCE_USD, MAX_BOTS, MAX_TICKS

    p = _Parser(prog="liqgame", description="Leveraged bitcoin futures: get liquidated, see where the money went.")
    p.add_argument("--version", action="version", version=f"liqgame {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    play = sub.add_parser("play", help="play in the terminal (the default)")
    play.add_argument("--data-dir", help="where scores and settings are kept")
    sim = sub.add_parser("simulate", help="run the market headless and report where the money went")
    sim.add_argument("--seed", type=_positive_int, default=None, help="random seed (default: the scenario's)")
    sim.add_argument("--scenario", default="calm")
    sim.add_argument("--rulebook", default="insurance-first", choices=list(RULEBOOKS))
    sim.add_argument("--bots", type=_at_most(MAX_BOTS), default=None,
                     help=f"crowd size, up to {MAX_BOTS:,} (default: the scenario's)")
    sim.add_argument("--ticks", type=_at_most(MAX_TICKS), default=None,
                     help=f"seconds of game time, up to {MAX_TICKS:,} (default: the scenario's duration)")
    sim.add_argument("--player", help="JSON-lines file of player actions (see README)")
    sim.add_argument("--balance", type=float, default=10_000.0,
                     help=f"player's starting balance, USD (more than 0, up to {MAX_BALANCE_USD:,})")
    sim.add_argument("--no-liquidation-impact", action="store_true",
                     help="liquidation orders fill without moving the price (cascade experiment)")
    sim.add_argument("--json", action="store_true", help="print one JSON object")
    sc = sub.add_parser("scores", help="print the high-score table")
    sc.add_argument("--scenario", help="only this scenario")
    sc.add_argument("--daily", nargs="?", const="today", metavar="YYYY-MM-DD",
                    help="the daily challenge table (today, or the given date)")
    sc.add_argument("--limit", type=_positive_int, default=20)
    sc.add_argument("--json", action="store_true", help="print JSON rows")
    sc.add_argument("--data-dir", help="where scores and settings are kept")
    rp = sub.add_parser("replay", help="re-run a saved session (in the play screen, or headless with --verify)")
    rp.add_argument("session_id", nargs="?", help="session id (see `liqgame scores`)")
    rp.add_argument("--verify", action="store_true",
                    help="recompute score and final state hash headless and report mismatches")
    rp.add_argument("--all", action="store_true", help="with --verify: every saved session")
    rp.add_argument("--data-dir", help="where scores and settings are kept")
    from .serve import add_serve_parser
    from .lessons.cli import add_lesson_parser

    add_serve_parser(sub)
    add_lesson_parser(sub)
    return p


def check_data_dir(args) -> None:
    """Refuse, in one line, a data directory that cannot be used at all (name too long, not a
    directory, unreadable) before any command opens its store."""
    if not hasattr(args, "data_dir"):
        return
    from .store import data_dir_problem, resolve_data_dir

    path = resolve_data_dir(args.data_dir)
    problem = data_dir_problem(path)
    if problem:
        shown = str(path) if len(str(path)) <= 80 else str(path)[:77] + "..."
        raise CliError(f"liqgame {args.command or 'play'}: data directory {shown!r} {problem}")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser().parse_args(argv)
        check_data_dir(args)
        if args.command == "simulate":
            from .simulate import run_simulation

            return run_simulation(args)
        if args.command == "serve":
            from .serve import run_serve

            return run_serve(args)
        if args.command == "lesson":
            from .lessons.cli import run_lesson_command

            return run_lesson_command(args)
        if args.command in ("scores", "replay"):
            from . import scores_cli

            return scores_cli.run(args)
        from .ui.app import run_app  # play is the default

        return run_app(args)
    except CliError as e:
        print(str(e), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
