"""High scores from the store: free play or today's daily challenge, optionally one scenario.

Names and every other text come from a file anyone can edit: the store hands over rows whose text
is already one printable line (no escape sequences), and cells are rich ``Text`` objects, never
markup.  Start balance and crowd are shown because verification binds them to the replay.
The daily table ranks each player's first attempt; later ones follow, marked "practice".
Enter (or a click) on a row watches that session's replay on the play screen.
Reading runs in a worker (the store may wait for a file lock), and so does loading a replay.
"""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Select, Static
from textual.worker import get_current_worker

from ...assets_io import scenarios
from ...store import daily_key
from ..base import BaseScreen, replay_spec

STATUS = {True: "✓ verified", False: "✗ failed", None: "unchecked"}
NOTE = {"free": "Enter: watch the replay · d: daily challenge · check: liqgame replay --verify",
        "daily": "Enter: watch the replay · d: free play · practice: a later attempt, not ranked"}


class ScoresTable(DataTable):
    """The score table: Enter, or one click on a row, selects it (``RowSelected``) to watch it."""

    BINDINGS = [Binding("enter", "select_cursor", "Watch the replay")]

    def on_click(self, event: events.Click) -> None:
        """One click on a row selects it (a plain DataTable selects on a second click, of the same cell)."""
        row = event.style.meta.get("row")
        if isinstance(row, int) and 0 <= row < self.row_count:
            event.prevent_default()
            event.stop()
            self.move_cursor(row=row)
            self.action_select_cursor()


class ScoresScreen(BaseScreen):
    BINDINGS = [Binding("escape,q", "app.pop_screen", "Back"), Binding("d", "toggle_daily", "Free / daily")]

    def __init__(self, scenario: str | None = None, kind: str = "free"):
        super().__init__()
        self.scenario = scenario
        self.kind = kind if kind in ("free", "daily") else "free"
        self.rows: list[dict] = []
        self._note = ""

    def body(self) -> ComposeResult:
        with Horizontal(id="scores-bar"):
            yield Static(Text("High scores", "bold"), id="scores-title")
            yield Select([("All markets", "")] + [(s.title, n) for n, s in scenarios().items()],
                         value=self.scenario or "", allow_blank=False, compact=True, id="scores-scenario")
        yield ScoresTable(id="scores-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="scores-note", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
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

    def columns(self) -> list[tuple[str, object]]:
        """(heading, cell of a row) for the columns that fit: below 100 columns the start balance,
        the crowd and the date give way, so the verification status stays on screen at 80."""
        daily = self.kind == "daily"
        cols = [
            ("#", lambda r: Text("practice", "italic") if r["practice"] else Text(str(r["rank"]))),
            ("Name", lambda r: Text(r["name"])),
            ("Score", lambda r: Text(f"{r['score']:,}", justify="right")),
            ("Equity", lambda r: Text(f"${r['equity']:,.2f}", justify="right")),
            ("Start", lambda r: Text(f"${r['starting_balance']:,.0f}", justify="right")),
            ("Crowd", lambda r: Text("?" if r["bots"] is None else f"{r['bots']:,}", justify="right")),
            ("Liq.", lambda r: Text(str(r["liquidations"]), justify="right")),
            ("Max DD", lambda r: Text(f"{r['max_drawdown'] * 100:.1f} %", justify="right")),
            ("Market", lambda r: Text(str(r["scenario"]))),
            ("Rulebook", lambda r: Text(str(r["rulebook"]))),
            ("Ended" if daily else "Date", lambda r: Text(str(r["date"])[11:16] if daily else str(r["date"])[:16])),
            ("Replay", lambda r: Text(STATUS.get(r["verified"], "?"))),
        ]
        if self.size.width and self.size.width < 100:
            cols = [c for c in cols if c[0] not in ("Start", "Crowd", "Date", "Ended")]
        return cols

    def on_resize(self) -> None:
        if self.rows:
            self.show(self.rows, self._note)

    def show(self, rows: list[dict], note: str = "") -> None:
        self.rows, self._note = rows, note
        table = self.query_one(DataTable)
        table.clear(columns=True)  # a day's table shows the time only: it fits 120 columns with "practice" rows
        cols = self.columns()
        table.add_columns(*(heading for heading, _ in cols))
        for r in rows:
            table.add_row(*(cell(r) for _, cell in cols), key=r["session_id"])
        what = "today's daily challenge" if self.kind == "daily" else "free play"
        self.query_one("#scores-title", Static).update(Text(f"High scores — {what}", "bold"))
        self.query_one("#scores-note", Static).update(
            note or ("No saved sessions yet: finish a game and save it." if not rows else NOTE[self.kind]))

    # ------------------------------------------------------------------ watching a replay
    @on(DataTable.RowSelected, "#scores-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key is not None and event.row_key.value is not None:  # None: Enter on an empty table
            self.watch_replay(event.row_key.value)

    @work(thread=True, exclusive=True, group="replay")
    def watch_replay(self, session_id: str) -> None:
        """Load and check the session (the one loader ``liqgame replay`` uses), then watch it; a
        session that cannot be loaded is one message, and the table stays as it is."""
        from ...session import open_saved

        try:
            spec = replay_spec(open_saved(self.app.store, session_id))
        except Exception as e:  # a file anyone can edit or delete must not crash the game
            self.app.call_from_thread(self.notify, str(e) or type(e).__name__, title="Cannot replay this session",
                                      severity="error", markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._watch, spec)

    def _watch(self, spec) -> None:
        if self.is_current:  # not if the player left the table meanwhile
            self.app.start_game(spec, paused=False, clock=self.app.use_clock)
