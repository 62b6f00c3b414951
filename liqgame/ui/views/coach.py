"""The guided first trade: a few steps shown above the footer, each done by the player's own keys.

Textual-free: :func:`next_step` reads the play screen's latest frame and what the player
has done (the post-mortem seen) and says which step comes next; the play screen shows it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    key: str
    text: str


STEPS = (
    Step("open", "1/5 · The ticket holds 0.1 BTC at 10x. Press b to open a long (s would open a short)."),
    Step("protect", "2/5 · Liq. in the position panel is where the venue would close you. Press t: a stop-loss "
                    "2 % behind your entry closes you first, at a price you chose."),
    Step("watch", "3/5 · Press space to let time run (+ / - speed). Watch the mark, your uPnL and the margin "
                  "ratio; press space again to pause."),
    Step("close", "4/5 · Press c to close the position at the market."),
    Step("explain", "5/5 · Press e: where did the money go (or come from)? To the unit."),
    Step("done", "Done! That is the loop: open, protect, close, and read where the money went. Lessons on the "
                 "menu go deeper. (q ends the session)"),
)
WATCH_SECONDS = 30


def next_step(current: str, frame, since_open: int, explained: bool) -> str:
    """The step after ``current`` once its condition holds (else ``current``)."""
    me = frame.me
    has_position = any(p.contract == "perp" for p in me.positions)
    has_stop = any(o.type == "stop_loss" for o in me.orders)
    done = {
        "open": has_position,
        "protect": has_stop or not has_position,
        "watch": since_open >= WATCH_SECONDS or not has_position,
        "close": not has_position,
        "explain": explained,
        "done": False,
    }
    keys = [s.key for s in STEPS]
    while done.get(current):
        current = keys[min(keys.index(current) + 1, len(keys) - 1)]
        if current == "done":
            break
    return current


def text_of(key: str) -> str:
    return next(s.text for s in STEPS if s.key == key)
