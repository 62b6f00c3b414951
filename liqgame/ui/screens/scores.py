"""High scores from the store: free play or today's daily challenge, optionally one scenario.

Names and every other text come from a file anyone can edit: the store hands over rows whose text
is already one printable line (no escape sequences), and cells are rich ``Text`` objects, never
markup.  Start balance and crowd are shown because verification binds them to the replay.
Reading runs in a worker (the store may wait for a file lock).
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Select, Static

from ...assets_io import scenarios
from ...store import daily_key
from ..base import BaseScreen

STATUS = {True: "✓ verified", False: "✗ failed", None: "unchecked"}


class ScoresScreen(BaseScreen):
    BINDINGS = [Binding("escape,q", "app.pop_screen", "Back"), Binding("d", "toggle_daily", "Free / daily")]

    def __init__(self, scenario: str | None = None, kind: str = "free"):
        super().__init__()
        self.scenario = scenario
        self.kind = kind if kind in ("free", "daily") else "free"
        self.rows: list[dict] = []

    def body(self) -> ComposeResult:
        with Horizontal(id="scores-bar"):
            yield Static(Text("High scores", "bold"), id="scores-title")
            yield Select([("All markets", "")] + [(s.title, n) for n, s in scenarios().items()],
                         value=self.scenario or "", allow_blank=False, compact=True, id="scores-scenario")
        yield DataTable(id="scores-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="scores-note", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for col in ("#", "Name", "Score", "Equity", "Start", "Crowd", "Liq.", "Max DD", "Market", "Rulebook", "Date",
                    "Replay"):
            table.add_column(col)
        table.focus()
        self.load()

    @on(Select.Changed, "#scores-scenario")
    def _scenario(self, event: Select.Changed) -> None:
        self.scenario = event.value or None
        self.load()

    def action_toggle_daily(self) -> None:
        self.kind = "daily" if self.kind == "free" else "free"
        self.load()

    @work(thread=True, exclusive=True, group="scores")
    def load(self) -> None:
        store = getattr(self.app, "store", None)
        if store is None:
            rows, note = [], "No data directory: scores cannot be read."
        else:
            day = daily_key(dt.date.today()) if self.kind == "daily" else None
            rows = store.top_scores(scenario=self.scenario, kind=self.kind, daily_date=day, limit=50)
            note = ""
        self.app.call_from_thread(self.show, rows, note)

    def show(self, rows: list[dict], note: str = "") -> None:
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for r in rows:
            table.add_row(
                Text(str(r["rank"])), Text(r["name"]), Text(f"{r['score']:,}", justify="right"),
                Text(f"${r['equity']:,.2f}", justify="right"),
                Text(f"${r['starting_balance']:,.0f}", justify="right"),
                Text("?" if r["bots"] is None else f"{r['bots']:,}", justify="right"),
                Text(str(r["liquidations"]), justify="right"),
                Text(f"{r['max_drawdown'] * 100:.1f} %", justify="right"), Text(str(r["scenario"])),
                Text(str(r["rulebook"])), Text(str(r["date"])[:16]), Text(STATUS.get(r["verified"], "?")))
        what = "today's daily challenge" if self.kind == "daily" else "free play"
        self.query_one("#scores-title", Static).update(Text(f"High scores — {what}", "bold"))
        self.query_one("#scores-note", Static).update(
            note or ("No saved sessions yet: finish a game and save it." if not rows else
                     "d: free play / daily · verify with `liqgame replay --verify`"))
