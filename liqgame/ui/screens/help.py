"""Help: the glossary (every term on screen in two lines) and the key bindings."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Input, Static

from ..base import BaseScreen
from ..views.glossary import glossary

KEYS = (
    ("Game clock", "space play / pause (from any field) · n step one second (paused) · 1 2 3 4 or + / - "
                   "speed 1x 5x 20x 100x"),
    ("Trading", "b buy / long · s sell / short (the ticket's order) · c close · r reduce by half · "
                "t stop-loss 2 % behind the entry · l leverage presets · a add or remove margin · "
                "x cancel all orders"),
    ("Ticket", "Tab / Shift+Tab move between fields · Enter back to the chart · Esc back to the chart; "
               "SL and TP fields attach a stop-loss and a take-profit to the entry"),
    ("Chart", "g line / candles / the book and the tape · v next panel (small terminals)"),
    ("Screens", "e where did my money go? (the post-mortem) · ? help · q end the session (asks first)"),
    ("Post-mortem", "1 this position · 2 the session · w what if? (another leverage, a stop, more margin, "
                    "another rulebook) · [ ] other positions · Esc back to the game · q end the session"),
    ("Replays", "read-only: space, speeds and j (next event) · B starts a new game from this moment"),
    ("Lessons", "the game's keys, plus k answer the question · f play the rest and check"),
    ("Anywhere", "Ctrl+P command palette (themes, settings, every action) · Ctrl+Q quit (asks first)"),
)


class HelpScreen(BaseScreen):
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close"), Binding("slash", "find", "Find")]

    def body(self) -> ComposeResult:
        yield Static(Text("Help — keys and glossary", "bold"), id="help-title")
        yield Input(placeholder="filter the glossary (/)", id="help-filter")
        with VerticalScroll(id="help-body"):
            yield Static(self._keys(), id="help-keys")
            yield Static(id="help-glossary")
        yield Footer()

    def on_mount(self) -> None:
        if getattr(self.app, "no_blink", False):
            self.query_one(Input).cursor_blink = False
        self.query_one("#help-keys").border_title = "Keys"
        self.query_one("#help-glossary").border_title = "Glossary"
        self._show("")
        self.query_one("#help-body").focus()

    def _keys(self) -> Table:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        for what, keys in KEYS:
            grid.add_row(what, keys)
        return grid

    def _show(self, needle: str) -> None:
        needle = needle.strip().lower()
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True, min_width=18, max_width=26)
        grid.add_column()
        self.shown_terms = [t.term for t in glossary()
                            if not needle or needle in t.term.lower() or needle in " ".join(t.lines).lower()]
        for t in glossary():
            if t.term in self.shown_terms:
                grid.add_row(Text(t.term), Text(t.lines[0]))
                grid.add_row("", Text(t.lines[1], "dim"))
        if not self.shown_terms:
            grid.add_row("", Text("No term matches." if needle else "The glossary file is missing."))
        self.query_one("#help-glossary", Static).update(grid)

    @on(Input.Changed, "#help-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._show(event.value)

    def action_find(self) -> None:
        self.query_one(Input).focus()

    def action_close(self) -> None:
        self.dismiss()
