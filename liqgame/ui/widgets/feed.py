"""The event feed: fills, funding, margin calls, the crowd's liquidations, ADL, notices.

:func:`feed_lines` colours the lines of :mod:`liqgame.ui.views.wording` (the crowd's
liquidations of a whole frame are summed into one line per side, so a cascade at 100x
does not flood the log); :class:`EventFeed` shows them as ``Text`` (never markup, so no
text from the engine or a save file is ever read as markup).
"""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.widget import Widget

from ..views import fmt, wording


def styled(parts, pal: dict) -> Text:
    """A worded sentence's parts in the theme's colours."""
    t = Text()
    for text, role in parts:
        t.append(text, pal[role] if role else "")
    return t


def feed_lines(events, trader: int, pal: dict) -> list[Text]:
    """One line per event worth showing (oldest first): time, LABEL, the sentence."""
    out = []
    for line in wording.feed(events, trader):
        t = Text(f"{fmt.clock(line.tick)} ", pal["muted"])
        t.append(line.label.upper() + " ", pal[line.role] if line.role else "")
        out.append(t + styled(line.parts, pal))
    return out


class EventFeed(Widget):
    """The newest lines at the bottom, wrapped to the width; the mouse wheel scrolls back.

    A fixed-height widget that only repaints (a ``RichLog`` asks for a new layout of the
    whole screen on every line it adds: too slow at ten frames a second).
    """

    DEFAULT_CSS = "EventFeed { height: 8; }"
    MAX_LINES = 400

    def __init__(self, **kw):
        super().__init__(**kw)
        self.lines: deque[Text] = deque(maxlen=self.MAX_LINES)
        self.back = 0  # lines scrolled back from the newest

    def add(self, lines: list[Text]) -> None:
        if not lines:
            return
        self.lines.extend(lines)
        if self.back:
            self.back = min(self.back + len(lines), len(self.lines) - 1)
        self.refresh()

    def render(self) -> Text:
        width, height = self.size
        if width <= 0 or height <= 0:
            return Text("")
        console = self.app.console
        rows: list[Text] = []
        stop = len(self.lines) - self.back
        for line in reversed(list(self.lines)[max(stop - height, 0): stop]):
            rows[:0] = list(line.wrap(console, width))
            if len(rows) >= height:
                break
        rows = rows[-height:]
        if self.back:
            rows[-1] = Text(f"… {self.back} newer line(s) below: scroll down", "reverse")
        return Text("\n", no_wrap=True).join(rows)

    def on_mouse_scroll_up(self, event) -> None:
        self.back = min(self.back + 1, max(len(self.lines) - 1, 0))
        self.refresh()

    def on_mouse_scroll_down(self, event) -> None:
        self.back = max(self.back - 1, 0)
        self.refresh()
