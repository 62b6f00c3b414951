"""``liqgame`` on the command line: one module per command, one error type, no cycle.

Each command module has ``add_parser(subparsers)`` and ``run(args) -> exit status``.  Bad
arguments exit with status 2 and one clear line on stderr, never a traceback.
"""

from __future__ import annotations

import sys

from .. import __version__
from . import lesson, play, replay, scores, serve, simulate, study, whatif
from .base import CliError, Parser, check_data_dir

COMMANDS = {"play": play, "simulate": simulate, "scores": scores, "replay": replay, "whatif": whatif,
            "lesson": lesson, "serve": serve, "study": study}

__all__ = ["CliError", "build_parser", "main"]


def build_parser() -> Parser:
    p = Parser(prog="liqgame", description="Leveraged bitcoin futures: get liquidated, see where the money went.")
    p.add_argument("--version", action="version", version=f"liqgame {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=Parser)
    for module in COMMANDS.values():
        module.add_parser(sub)
    return p


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser().parse_args(argv)
        check_data_dir(args)
        return COMMANDS[args.command or "play"].run(args)  # play is the default
    except CliError as e:
        print(str(e), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
