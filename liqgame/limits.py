"""Upper bounds on what a command line or a file may ask of the engine.

Why bounds at all: a run's cost grows with the crowd and the number of ticks, and money is int64
units of 0.0001 USD. Without a ceiling, ``--bots 1000000000`` is killed for memory, ``--balance 1e308``
overflows int64, and a saved session claiming a huge tick count replays for hours. These ceilings are
far above anything the game offers (3,000-trader scenarios, at most a 24-hour game, 25,000 USD on
easy) and far below where the machine or the arithmetic gives way; the README lists them.
"""

from __future__ import annotations

MAX_BOTS = 1_000_000  # a 1M-trader game peaks near 180 MB (README, Performance)
MAX_BALANCE_USD = 1_000_000_000  # 1e13 units: total deposits stay ~900x below int64's ceiling
MAX_TICKS = 7 * 86_400  # a week of game time; the longest scenario is one day
MAX_PLAYERS = 16

