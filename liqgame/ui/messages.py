"""Messages the game runner's thread posts to the play screen.

``FrameReady`` says only "a new frame is ready": the frame itself waits in the runner, so
when ticks arrive in bursts a queued ``FrameReady`` is replaced by the next one
(``can_replace``) and the screen renders the latest frame once.  Events are never carried
in a replaceable message: the screen drains them from the runner with each frame.
"""

from __future__ import annotations

from textual.message import Message

from .runner import Halt


class FrameReady(Message):
    """The runner published a new frame (coalesced: only the latest one is handled)."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FrameReady)


class GameHalted(Message):
    """The clock stopped by itself: the player was liquidated / deleveraged, or time is up."""

    def __init__(self, halt: Halt) -> None:
        super().__init__()
        self.halt = halt
