"""``liqgame`` / ``liqgame play``: the game in the terminal."""

from __future__ import annotations


def add_parser(sub) -> None:
    play = sub.add_parser("play", help="play in the terminal (the default)")
    play.add_argument("--data-dir", help="where scores and settings are kept")


def run(args) -> int:
    from ..ui.app import run_app

    return run_app(args)
