"""Session end: the score and why, the equity curve, what the crowd lost; save to high scores.

The record is built once (under the runner's lock) with :func:`liqgame.session.session_record`;
saving runs in a worker thread because the store may wait for another process's file lock.
A daily attempt says before it is saved whether it will be practice: the day's table is read once
(in a worker) and the name typed is checked against it as it changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Digits, Footer, Input, Static

from ...engine import crowd_result, flows_by_group, score_breakdown, units_to_usd
from ...session import session_record
from ...store import SaveResult, ranked_attempt
from ..base import BaseScreen, GameSpec
from ..palette import palette
from ..views import fmt
from ..views.chartdata import ChartData, series_chart
from ..widgets.chart import PriceChart


@dataclass(frozen=True)
class SessionEnd:
    record: dict  # session_record(...) with a placeholder name (replaced when saving)
    log: tuple
    score: int
    breakdown: tuple[tuple[str, str], ...]
    start: float
    equity: float
    liquidations: int
    max_drawdown: float
    curve: ChartData | None
    crowd_liquidated: int
    crowd_longs: int
    crowd_shorts: int
    crowd_notional: float
    crowd_pnl: float
    pool_pnl: float  # the liquidity pool, the crowd's and your counterparty
    fund_change: float
    fees: float
    ticks: int


def build_session_end(runner, spec: GameSpec) -> SessionEnd:
    with runner.ui_lock() as game:
        ps = game.players[0]
        equity_units = game.equity(0)
        record = session_record(game, name=spec.player_name, date=dt.datetime.now().isoformat(timespec="seconds"),
                                kind=spec.kind, daily_date=spec.daily_date)
        log = tuple(game.log)
        curve_units = list(ps.curve)
        crowd = game.stats().crowd_liquidated
        pnl = crowd_result(game)
        pool = sum(flows_by_group(game).get("liquidity pool", {}).values())
        fund_now = game.insurance_fund
        fees = game.snapshot().market.exchange_fees
        start_fund = game.scenario.insurance_fund_usd
        tick = game.tick
        exposure = game.exposure(0)
    breakdown = tuple(score_breakdown(ps.start, equity_units, ps.max_drawdown, ps.liquidations, exposure))
    step = max(len(curve_units) // 2000, 1)
    curve = series_chart([units_to_usd(u) for u in curve_units[::step]] + [units_to_usd(equity_units)], decimals=0,
                         seconds_per_point=step) if len(curve_units) > 1 else None
    return SessionEnd(record, log, int(record["score"]), breakdown, units_to_usd(ps.start), units_to_usd(equity_units),
                      ps.liquidations, ps.max_drawdown, curve, crowd.count, crowd.long_count, crowd.short_count,
                      crowd.notional_usd,
                      units_to_usd(pnl), units_to_usd(pool), units_to_usd(fund_now) - start_fund, fees, tick)


class SessionEndScreen(BaseScreen):
    AUTO_FOCUS = "#se-name"  # type a name, Enter saves
    BINDINGS = [
        Binding("ctrl+s", "save", "Save score"),
        Binding("h", "scores", "High scores"),
        Binding("m,escape", "menu", "Menu"),
    ]

    def __init__(self, data: SessionEnd):
        super().__init__()
        self.data = data
        self.saved: SaveResult | None = None
        self.day_rows: list[dict] | None = None  # a daily attempt: the day's table, once read

    def body(self) -> ComposeResult:
        d = self.data
        # the score in words too: a short terminal hides the big digits
        yield Static(Text(f"Session over after {fmt.clock(d.ticks)} — score {d.score:,}", "bold"), id="se-title")
        yield Digits(str(d.score), id="se-score")
        with VerticalScroll(id="se-body"):
            with Horizontal(id="se-columns"):
                with Vertical(id="se-left"):
                    yield Static(id="se-breakdown")
                    yield Static(id="se-stats")
                    yield Static(id="se-crowd")
                with Vertical(id="se-right"):
                    yield PriceChart(id="se-curve")
            with Horizontal(id="se-save-row"):
                yield Input(self._default_name(), placeholder="your name", max_length=24, id="se-name")
                yield Button("Save score", variant="primary", id="se-save")
                yield Button("High scores", id="se-scores")
                yield Button("Menu", id="se-menu")
            yield Static("", id="se-practice", markup=False)
            yield Static("", id="se-result", markup=False)
        yield Footer()

    def _default_name(self) -> str:
        settings = getattr(self.app, "settings", {}) or {}
        return str(settings.get("player_name") or self.data.record.get("name") or "you")

    def on_mount(self) -> None:
        d = self.data
        pal = palette(self.app)
        if getattr(self.app, "no_blink", False):
            self.query_one(Input).cursor_blink = False
        table = Table.grid(padding=(0, 2))
        table.add_column()
        table.add_column(justify="right")
        for label, value in d.breakdown:
            table.add_row(label, Text(value, "bold" if label == "score" else ""))
        self.query_one("#se-breakdown", Static).update(table)
        self.query_one("#se-breakdown").border_title = "Score = survival first, then growth"
        pnl = d.equity - d.start
        stats = Table.grid(padding=(0, 2))
        stats.add_column()
        stats.add_column(justify="right")
        stats.add_row("Starting balance", fmt.usd(d.start))
        stats.add_row("Final equity", Text(fmt.usd(d.equity), "bold"))
        stats.add_row("Profit / loss", Text(fmt.usd(pnl, signed=True), pal["good"] if pnl > 0 else pal["bad"]))
        stats.add_row("Liquidations", Text(str(d.liquidations), pal["bad"] if d.liquidations else ""))
        stats.add_row("Max drawdown", fmt.pct(d.max_drawdown, 1))
        self.query_one("#se-stats", Static).update(stats)
        self.query_one("#se-stats").border_title = "You"
        crowd = Table.grid(padding=(0, 2))
        crowd.add_column()
        crowd.add_column(justify="right")
        crowd.add_row("Traders liquidated",
                      f"{d.crowd_liquidated:,} ({d.crowd_longs:,} longs, {d.crowd_shorts:,} shorts)")
        crowd.add_row("Liquidated notional", fmt.usd_short(d.crowd_notional))
        crowd.add_row("Crowd's net result", Text(fmt.usd(d.crowd_pnl, signed=True),
                                                 pal["good"] if d.crowd_pnl > 0 else pal["bad"]))
        crowd.add_row("Liquidity pool's result", Text(fmt.usd(d.pool_pnl, signed=True),
                                                      pal["good"] if d.pool_pnl > 0 else pal["bad"]))
        crowd.add_row("Insurance fund change", fmt.usd(d.fund_change, signed=True))
        crowd.add_row("Exchange fees earned", fmt.usd(d.fees))
        self.query_one("#se-crowd", Static).update(crowd)
        self.query_one("#se-crowd").border_title = "The market: who else won and lost"
        chart = self.query_one("#se-curve", PriceChart)
        chart.data = d.curve
        chart.border_title = "Your equity (USD)"
        self.query_one("#se-practice").display = False
        if d.record.get("kind") == "daily" and getattr(self.app, "store", None) is not None:
            self.read_day()

    # ------------------------------------------------------------------ a daily attempt: ranked or practice?
    @work(thread=True, exclusive=True, group="day")
    def read_day(self) -> None:
        rows = self.app.store.top_scores(kind="daily", daily_date=self.data.record["daily_date"], limit=None)
        self.app.call_from_thread(self._day_read, rows)

    def _day_read(self, rows: list[dict]) -> None:
        self.day_rows = rows
        self._show_practice()

    @on(Input.Changed, "#se-name")
    def _name_changed(self) -> None:
        if not (self.saved is not None and self.saved.ok):  # once saved, the note says what was saved
            self._show_practice()

    def _show_practice(self) -> None:
        """Before saving: if the name typed already has today's ranked attempt, say this one is practice."""
        if self.day_rows is None:
            return
        first = ranked_attempt(self.day_rows, self.query_one("#se-name", Input).value, self.data.record["date"])
        note = self.query_one("#se-practice", Static)
        note.display = first is not None
        if first is not None:
            note.update(f"Practice: this attempt will be saved but not ranked. Today's ranked attempt for "
                        f"{first['name']} is the first one (ended {str(first['date'])[11:16]}, score {first['score']:,}).")
            self.call_after_refresh(note.scroll_visible, animate=False)  # under the name field, in view

    # ------------------------------------------------------------------ saving
    @on(Input.Submitted, "#se-name")
    @on(Button.Pressed, "#se-save")
    def action_save(self) -> None:
        store = getattr(self.app, "store", None)
        out = self.query_one("#se-result", Static)
        if self.saved is not None and self.saved.ok:
            out.update(f"Already saved ({self.saved.message}).")
            return
        if store is None:
            out.update("Not saved: no data directory is available.")
            return
        if self.data.record.get("kind") == "replay":
            out.update("A replay is not saved again: the original session is already in the table.")
            return
        name = self.query_one("#se-name", Input).value
        self.query_one("#se-save", Button).disabled = True
        out.update("Saving and checking the replay…")
        self.save(store, name)

    @work(thread=True, exclusive=True, group="save")
    def save(self, store, name: str) -> None:
        from ...session import replayer

        record = dict(self.data.record, name=name)
        # replayed before it enters the table, so a new score never ranks as unchecked
        result = store.save_session(record, list(self.data.log), replayer=replayer)
        if result.ok:
            store.save_settings(player_name=name)
        self.app.call_from_thread(self._saved, result, name)

    def _saved(self, result: SaveResult, name: str) -> None:
        self.saved = result
        if result.ok and hasattr(self.app, "settings"):
            self.app.settings["player_name"] = name
        self.query_one("#se-save", Button).disabled = result.ok
        if result.ok:
            self.query_one("#se-scores", Button).focus()  # not the name field: h / m stay keys
        self.query_one("#se-result", Static).update(
            f"Score saved ({result.message})." if result.ok else f"Could not save: {result.message}")
        if not result.ok:
            self.notify(result.message, title="Not saved", severity="error", markup=False)

    @on(Button.Pressed, "#se-scores")
    def action_scores(self) -> None:
        from .scores import ScoresScreen

        self.app.push_screen(ScoresScreen(scenario=self.data.record["scenario"], kind=self.data.record["kind"]))

    @on(Button.Pressed, "#se-menu")
    def action_menu(self) -> None:
        if self.unsaved:
            from .confirm import ConfirmScreen

            self.app.push_screen(ConfirmScreen("Leave without saving this score? The session will not be in the "
                                               "table."), lambda ok: self.app.action_menu() if ok else None)
            return
        self.app.action_menu()

    def save_now(self) -> tuple[bool, str]:
        """Save at once with the typed name (Ctrl+Q's "save and quit")."""
        store = getattr(self.app, "store", None)
        if store is None:
            return False, "no data directory is available"
        name = self.query_one("#se-name", Input).value
        result = store.save_session(dict(self.data.record, name=name), list(self.data.log))
        return result.ok, result.message

    @property
    def unsaved(self) -> bool:
        """A real session whose score is not saved yet (a replay is never saved again)."""
        return self.data.record.get("kind") != "replay" and not (self.saved is not None and self.saved.ok) \
            and getattr(self.app, "store", None) is not None
