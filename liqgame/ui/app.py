"""The Textual app (being built): for now ``liqgame`` explains how to run the simulator."""

from __future__ import annotations


def run_app(args) -> int:
    print("The terminal UI is not built yet. Try: liqgame simulate --scenario long-squeeze --player FILE")
    return 0
