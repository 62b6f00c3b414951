"""What every liqgame screen shares: size breakpoints and the "terminal too small" notice.

Breakpoints put classes on the screen (``-tiny`` / ``-narrow`` / ``-wide`` for the width,
``-tinyh`` / ``-short`` / ``-tall`` for the height); the stylesheet uses them to collapse
panels at 80 x 24 and to swap everything for :class:`TooSmall` below that.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from ..engine import GameConfig

MIN_W, MIN_H = 80, 24


class TooSmall(Static):
    def render(self) -> str:
        w, h = self.app.size
        return (f"The terminal is too small ({w} × {h}).\n"
                f"liqgame needs at least {MIN_W} × {MIN_H}: enlarge the window (Ctrl+Q quits).\n"
                f"A game under way waits, paused.")


class BaseScreen(Screen):
    HORIZONTAL_BREAKPOINTS = [(0, "-tiny"), (MIN_W, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-tinyh"), (MIN_H, "-short"), (36, "-tall")]

    def compose(self) -> ComposeResult:
        yield TooSmall(id="too-small")
        yield from self.body()

    def body(self) -> ComposeResult:
        yield from ()

    def notify(self, message: str, **kw) -> None:
        """One toast at a time: a new one replaces the last, so toasts never pile up over the panels."""
        self.app.clear_notifications()
        super().notify(message, **kw)


@dataclass(frozen=True)
class GameSpec:
    """A game to start: the engine config plus what the score table needs to know."""

    config: GameConfig
    kind: str = "free"  # free | daily | replay
    daily_date: str | None = None
    player_name: str = "you"
    script: tuple = ()  # a saved session's action log (dicts with a "tick"), applied as time reaches each tick
    ticks: int | None = None  # a replay ends where the saved session ended (None: the scenario's duration)
    branched_from: str | None = None  # a new session started from a replay: the replayed session's id
    guided: bool = False  # the guided first trade: a coach line walks the player through one position
    lesson: object = None  # a lesson (liqgame.lessons.Lesson) played on the play screen, with its panel


def replay_spec(saved) -> GameSpec:
    """A saved session (``liqgame.session.open_saved``) to watch read-only on the play screen: how
    ``liqgame replay ID`` and Enter on the score table both start a replay."""
    return GameSpec(saved.config, kind="replay", player_name=str(saved.record.get("name", "")),
                    script=tuple(saved.actions), ticks=saved.ticks, branched_from=saved.record.get("id"))
