"""What every command shares: the one error type, the parser that reports in one line, argument types,
and opening the store a command names with ``--data-dir``."""

from __future__ import annotations

import argparse
import sys


class CliError(Exception):
    """A user error: printed as one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        raise CliError(f"{self.prog}: {message} (see --help)")


def positive_int(text: str, most: int | None = None) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {v}")
    if most is not None and v > most:
        raise argparse.ArgumentTypeError(f"expected a number up to {most:,}, got {v:,}")
    return v


def at_most(most: int):
    """An argparse type: a whole number from 0 to ``most``."""
    def parse(text: str) -> int:
        return positive_int(text, most)

    return parse


def check_data_dir(args) -> None:
    """Refuse, in one line, a data directory that cannot be used at all (name too long, not a
    directory, unreadable) before any command opens its store."""
    if not hasattr(args, "data_dir"):
        return
    from ..store import data_dir_problem, resolve_data_dir

    path = resolve_data_dir(args.data_dir)
    problem = data_dir_problem(path)
    if problem:
        shown = str(path) if len(str(path)) <= 80 else str(path)[:77] + "..."
        raise CliError(f"liqgame {args.command or 'play'}: data directory {shown!r} {problem}")


def open_store(args):
    """The store of ``--data-dir``; its warnings go to stderr (stdout carries only tables or JSON)."""
    from ..store import Store, resolve_data_dir

    store = Store(resolve_data_dir(args.data_dir))
    for w in store.warnings:
        print(f"note: {w}", file=sys.stderr)
    return store
