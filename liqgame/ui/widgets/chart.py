"""The price chart widget: braille line, the player's price lines, the liquidation heatmap.

Attributes down: the play screen sets :attr:`PriceChart.data` from each frame.  Messages
up: when its size changes the chart posts :class:`PriceChart.Resized` so the runner builds
the next frames (points, heatmap buckets) for exactly this many cells.
"""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from ..palette import palette
from ...engine import BookView
from ..views.book import book_lines
from ..views.chartdata import ChartData, heat_width, render_chart


class PriceChart(Widget, can_focus=True):
    """A braille line chart (or candles); ``heat=True`` reserves a column for the liquidation heatmap.

    ``mode`` "book" shows the book and the tape in the same place (the chart keeps the keys).
    """

    data: reactive[ChartData | None] = reactive(None)
    book: reactive[BookView | None] = reactive(None)
    mode: reactive[str] = reactive("line")  # line | candles | book

    class Resized(Message):
        def __init__(self, chart: "PriceChart", points: int, rows: int) -> None:
            super().__init__()
            self.chart = chart
            self.points = points
            self.rows = rows

    def __init__(self, *, heat: bool = False, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.heat = heat

    def plot_size(self) -> tuple[int, int]:
        """(dot columns, rows) of the plot area for the widget's current size."""
        w, h = self.size
        axis = 11
        cols = max(w - axis - (heat_width(w) if self.heat else 0), 2)
        return cols * 2, max(h, 2)

    def on_resize(self) -> None:
        points, rows = self.plot_size()
        self.post_message(self.Resized(self, points, rows))

    def render(self) -> Text:
        w, h = self.size
        pal = palette(self.app)
        lines = book_lines(self.book, w, h, pal) if self.mode == "book" else render_chart(self.data, w, h, pal)
        return Text("\n", no_wrap=True, overflow="crop").join(lines)
