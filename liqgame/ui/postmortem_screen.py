"""Post-mortem: "Where did your margin go?" after a liquidation or deleveraging (or on demand).

Shows the engine's :func:`explain` — a bar per destination category and a table of every
flow, to the 0.0001 USD unit, whose rows add up to the loss exactly — the timeline of the
position (entry, mark path, margin call, liquidation price hit, fill vs bankruptcy price)
and one plain paragraph.  ``r`` re-plays the same seed and action log under another
rulebook in a worker thread and shows how the flows would differ.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ..engine import events as ev
from ..engine.explain import Explanation
from ..engine.game import GameConfig
from ..engine.rulebooks import RULEBOOKS
from ..session import replay_game
from . import fmt
from .base import BaseScreen
from .chart import PriceChart
from .chartdata import ChartData, Marker, series_chart
from .palette import palette

PATH_LEAD_S = 60  # the mark path starts a minute before the entry


@dataclass(frozen=True)
class PostMortem:
    """Everything the screen shows, gathered under the runner's lock."""

    reason: str  # liquidation | adl | now
    explanation: Explanation
    rulebook: str
    config: GameConfig
    log: tuple
    tick: int
    timeline: tuple[tuple[int, str, str, str], ...]  # (tick, label, text, style role)
    path: ChartData | None
    headline: str
    detail: str


@dataclass(frozen=True)
class Comparison:
    rulebook: str
    explanation: Explanation
    liquidations: int
    equity: int


def _timeline(events, path_summary: tuple[int, str] | None) -> list[tuple[int, str, str, str]]:
    """(tick, label, text, style role) rows: what happened to the position, in order."""
    rows: list[tuple[int, str, str, str]] = []
    entered = False
    for e in events:
        if isinstance(e, ev.Fill):
            label = "entry" if not entered else e.reason
            entered = True
            rows.append((e.tick, label, f"{e.side} {fmt.btc(e.qty)} BTC at {fmt.price(e.price)} "
                                        f"(mark {fmt.price(e.mark)}), fee {fmt.units_cents(e.fee)}", ""))
        elif isinstance(e, ev.MarginCall):
            rows.append((e.tick, "margin call", f"margin ratio {fmt.pct(e.margin_ratio, 1)}: mark "
                         f"{fmt.price(e.mark)}, liquidation at {fmt.price(e.liquidation_price)}", "warn"))
        elif isinstance(e, ev.Liquidation):
            rows.append((e.tick, "liq. price hit" if not e.partial else "partial liq.",
                         f"mark {fmt.price(e.mark)} reached the liquidation price {fmt.price(e.liquidation_price)}",
                         "bad"))
            side = 1 if e.side == "long" else -1
            if e.fill_price is not None:
                gap = (e.fill_price - e.bankruptcy_price) * side
                rows.append((e.tick, "fill vs bankr.",
                             f"bankruptcy price {fmt.price(e.bankruptcy_price)}, closed in the market at "
                             f"{fmt.price(e.fill_price)}: {abs(gap):,.1f} USD per BTC "
                             f"{'better' if gap >= 0 else 'worse'} than bankruptcy", ""))
            else:
                rows.append((e.tick, "bankruptcy",
                             f"taken over at the bankruptcy price {fmt.price(e.bankruptcy_price)} (no market fill)",
                             ""))
            ate = " — the fee took everything that was left" if e.fee and e.fee >= e.margin_lost else ""
            rows.append((e.tick, "margin lost", f"{fmt.units(e.margin_lost)} at liquidation (liquidation fee "
                                                f"{fmt.units(e.fee)}{ate})", "bad"))
        elif isinstance(e, ev.ADLEvent):
            rows.append((e.tick, "auto-delev.", f"{e.side} {fmt.btc(e.qty)} BTC closed at {fmt.price(e.price)} "
                         f"against a bankrupt trader, P&L {fmt.units_cents(e.pnl, signed=True)}", "warn"))
        elif isinstance(e, ev.FundingPaid):
            continue
        elif isinstance(e, ev.Notice):
            rows.append((e.tick, "notice", e.text, "muted"))
    if path_summary is not None:
        tick, text = path_summary
        rows.append((tick, "mark path", text, ""))
        rows.sort(key=lambda r: r[0])
    return rows


def build_postmortem(runner, halt=None) -> PostMortem:
    """Gather the explanation, the episode's events and the mark path (under the lock)."""
    halt_event = halt.event if halt is not None else None
    with runner.ui_lock() as game:
        x = game.explain(0)
        config, log, tick = game.config, tuple(game.log), game.tick
        start = runner.episode.start_tick
        events = list(runner.episode.events) if start is not None else list(runner.player_events[-40:])
        if start is None:
            start = events[0].tick if events else max(tick - 600, 0)
        lo = max(start - PATH_LEAD_S, 0)
        marks = [m / 10 for _, _, m in game.price_history[lo: tick + 1]]
    markers = []
    entry = next((e for e in events if isinstance(e, ev.Fill)), None)
    if entry is not None:
        markers.append(Marker("ENTRY", entry.price, "entry"))
    liq = halt_event if isinstance(halt_event, ev.Liquidation) else next(
        (e for e in reversed(events) if isinstance(e, ev.Liquidation)), None)
    if liq is not None:
        markers += [Marker("LIQ", liq.liquidation_price, "liq"), Marker("BKR", liq.bankruptcy_price, "bankrupt")]
        if liq.fill_price is not None:
            markers.append(Marker("FILL", liq.fill_price, "fill"))
    summary = None
    path = None
    if len(marks) >= 2:
        first = marks[min(start - lo, len(marks) - 1)]
        move = marks[-1] / first - 1 if first else 0.0
        summary = (tick, f"mark {fmt.price(first)} → {fmt.price(marks[-1])} ({move * 100:+.2f} %) in "
                         f"{fmt.clock(tick - start)}; low {fmt.price(min(marks))}, high {fmt.price(max(marks))}")
        path = series_chart(marks, markers)
    timeline = tuple(_timeline(events, summary))
    reason = halt.reason if halt is not None else "now"
    loss = x.net_loss
    if reason == "liquidation":
        headline = f"Liquidated at {fmt.clock(tick)} under {config.rulebook}"
    elif reason == "adl":
        headline = f"Auto-deleveraged at {fmt.clock(tick)} under {config.rulebook}"
    else:
        headline = f"Your account at {fmt.clock(tick)} under {config.rulebook}"
    headline += f" · net {'loss' if loss >= 0 else 'profit'} {fmt.units(abs(loss))}"
    detail = getattr(halt_event, "explanation", "") if halt_event is not None else ""
    return PostMortem(reason, x, config.rulebook, config, log, tick, timeline, path, headline, detail)


def replay_under(data: PostMortem, rulebook: str) -> Comparison:
    """The same seed, scenario and action log, up to the same tick, under another rulebook."""
    config = dataclasses.replace(data.config, rulebook=rulebook)
    game = replay_game(config, list(data.log), ticks=data.tick)
    return Comparison(rulebook, game.explain(0), game.players[0].liquidations, game.equity(0))


def _sentence(text: str) -> str:
    """The engine's narrative starts with the player's name ("you lost ..."): capitalise it."""
    return text[:1].upper() + text[1:]


def bars(by_category, width: int, pal: dict) -> Table:
    """Horizontal bars per destination category (gains back shown in green)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    top = max((abs(v) for _, v in by_category), default=0) or 1
    for cat, v in by_category:
        n = max(int(round(abs(v) / top * width)), 1)
        grid.add_row(Text(cat), Text("█" * n, pal["bad"] if v > 0 else pal["good"]),
                     Text(fmt.units_cents(v), "bold"))
    return grid


class RulebookPicker(ModalScreen[str | None]):
    """Choose the rulebook to re-play the market under."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, current: str):
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static("Re-play the same market and your same orders under:", markup=False)
            yield OptionList(*[Option(Text.assemble((rb.title, "bold"), f"\n{rb.summary}"), id=name)
                               for name, rb in RULEBOOKS.items() if name != self.current], id="picker-list")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class PostMortemScreen(BaseScreen):
    """See the module docstring; dismisses with "continue" or "end"."""

    AUTO_FOCUS = "#pm-body"

    BINDINGS = [
        Binding("escape,enter", "back", "Back to the game"),
        Binding("r", "replay", "Re-play under another rulebook"),
        Binding("e", "end", "End session"),
        Binding("question_mark,f1", "help", "Help"),
    ]

    def __init__(self, data: PostMortem):
        super().__init__()
        self.data = data
        self.comparison: Comparison | None = None
        self.table_units: list[int] = []

    def body(self) -> ComposeResult:
        x = self.data.explanation
        title = "Where did your margin go?" if x.net_loss >= 0 else "Where did your profit come from?"
        yield Static(Text(title, "bold"), id="pm-title")
        yield Static(Text(self.data.headline), id="pm-headline")
        with VerticalScroll(id="pm-body"):
            with Horizontal(id="pm-columns"):
                with Vertical(id="pm-left"):
                    yield Static(id="pm-narrative")
                    yield Static(id="pm-bars")
                    yield Static(id="pm-table")
                with Vertical(id="pm-right"):
                    yield PriceChart(id="pm-chart")
                    yield Static(id="pm-timeline")
            yield Static(id="pm-compare")
        yield Footer()

    def on_mount(self) -> None:
        pal = palette(self.app)
        d, x = self.data, self.data.explanation
        para = Text(_sentence(x.narrative))
        if d.detail:
            para.append("\n\n" + d.detail, pal["muted"])
        self.query_one("#pm-narrative", Static).update(para)
        bars_widget = self.query_one("#pm-bars", Static)
        bars_widget.update(bars(x.by_category, 24, pal) if x.by_category else Text("No money moved.", pal["muted"]))
        bars_widget.border_title = "By destination"
        self._fill_table()
        chart = self.query_one("#pm-chart", PriceChart)
        chart.data = d.path
        chart.border_title = "Mark price, entry to now"
        self.query_one("#pm-timeline", Static).update(self._timeline_table())
        self.query_one("#pm-timeline").border_title = "Timeline"
        compare = self.query_one("#pm-compare", Static)
        compare.update(Text("Press r to re-play this market under another rulebook and compare the flows.",
                            pal["muted"]))
        compare.border_title = "Other rulebooks"

    def _fill_table(self) -> None:
        """Every flow to the unit; the rows add up to the net loss exactly (checked here too)."""
        x = self.data.explanation
        self.table_units = [f.amount for f in x.flows]
        total = sum(self.table_units)
        assert total == x.net_loss  # the engine guarantees it; a failure here is a real bug
        table = Table(box=None, padding=(0, 1), expand=True, show_edge=False)
        table.add_column("Destination", ratio=3)
        table.add_column("Cause", ratio=2, style="dim")
        table.add_column("Amount", justify="right", no_wrap=True)
        table.add_column("Share", justify="right", no_wrap=True)
        base = abs(x.net_loss) or 1
        for f in x.flows:
            table.add_row(Text(f.destination), Text(f.cause), Text(fmt.units(f.amount)),
                          Text(f"{f.amount / base * 100:.1f} %"))
        label = "Total = net loss" if x.net_loss >= 0 else "Total = net profit (negative)"
        table.add_row(Text(label, "bold"), Text(""), Text(fmt.units(total), "bold underline"), Text("100 %"),
                      end_section=True)
        widget = self.query_one("#pm-table", Static)
        widget.update(table)
        widget.border_title = "Every flow, exact to $0.0001"

    def _timeline_table(self) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="dim")
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column()
        pal = palette(self.app)
        for tick, label, text, role in self.data.timeline:
            grid.add_row(fmt.clock(tick), label, Text(text, pal[role]) if role else Text(text))
        if not self.data.timeline:
            grid.add_row("", "", Text("No trades yet."))
        return grid

    # ------------------------------------------------------------------ re-play
    def action_replay(self) -> None:
        self.app.push_screen(RulebookPicker(self.data.rulebook), self._picked)

    def _picked(self, rulebook: str | None) -> None:
        if not rulebook:
            return
        compare = self.query_one("#pm-compare", Static)
        compare.update(Text(f"Re-playing {fmt.clock(self.data.tick)} of game time under {rulebook}…"))
        compare.loading = True
        self.run_replay(rulebook)

    @work(thread=True, exclusive=True, group="replay")
    def run_replay(self, rulebook: str) -> None:
        result = replay_under(self.data, rulebook)
        self.app.call_from_thread(self.show_comparison, result)

    def show_comparison(self, c: Comparison) -> None:
        self.comparison = c
        pal = palette(self.app)
        mine, other = dict(self.data.explanation.by_category), dict(c.explanation.by_category)
        table = Table(box=None, padding=(0, 1), expand=False)
        table.add_column("Destination")
        table.add_column(self.data.rulebook, justify="right")
        table.add_column(c.rulebook, justify="right")
        table.add_column("difference", justify="right")
        for cat in list(dict.fromkeys(list(mine) + list(other))):
            a, b = mine.get(cat, 0), other.get(cat, 0)
            table.add_row(cat, fmt.units_cents(a), fmt.units_cents(b), fmt.units_cents(b - a, signed=True))
        a, b = self.data.explanation.net_loss, c.explanation.net_loss
        table.add_row(Text("net loss", "bold"), Text(fmt.units_cents(a), "bold"), Text(fmt.units_cents(b), "bold"),
                      Text(fmt.units_cents(b - a, signed=True), pal["good"] if b < a else pal["bad"] if b > a else ""))
        words = (f"Under {c.rulebook} you would have {'lost' if b >= 0 else 'made'} {fmt.units_cents(abs(b))} "
                 f"instead of {fmt.units_cents(abs(a))}, with {c.liquidations} liquidation(s). ")
        outer = Table.grid()
        outer.add_column()
        outer.add_row(table)
        outer.add_row(Text(words + _sentence(c.explanation.narrative)))
        compare = self.query_one("#pm-compare", Static)
        compare.loading = False
        compare.update(outer)
        compare.border_title = f"{self.data.rulebook} vs {c.rulebook}"

    # ------------------------------------------------------------------ leave
    def action_back(self) -> None:
        self.dismiss("continue")

    def action_end(self) -> None:
        self.dismiss("end")

    def action_help(self) -> None:
        from .help_screen import HelpScreen

        self.app.push_screen(HelpScreen())
