"""Post-mortem: where one position's margin went (or its profit came from), the session, and "what if".

Opened on a liquidation or deleveraging, offered after a stop-out or a losing close, and
on demand (``e``).  Three tabs:

* **This position** - the position's own total, a bar per destination and every flow to
  the 0.0001 USD unit (rows add up to the total exactly), its timeline and its mark path
  with its own entry, liquidation and bankruptcy lines.  ``[`` / ``]`` step through the
  session's other positions;
* **Session** - the whole session's statement, the same way;
* **What if** - the same market and the same actions, with one thing changed (lower
  leverage, a stop-loss, more margin, another rulebook), played in a worker thread to the
  end of the session and shown side by side with what happened.

Losses read as losses ("where it went"), profits as profits ("where it came from"): no
negative totals or shares are shown.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from ...engine import WhatIf
from ..base import BaseScreen
from ..palette import palette
from ..views import fmt
from ..views.story import PositionStory, PostMortem, run_what_if, what_if_choices
from ..widgets.chart import PriceChart
from ..widgets.feed import styled


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def bars(by_category, width: int, pal: dict) -> Table:
    """A bar per category, always positive: what went somewhere in red, what came from somewhere in green."""
    grid = Table.grid(padding=(0, 1))
    for _ in range(3):
        grid.add_column(no_wrap=True)
    top = max((abs(v) for _, v in by_category), default=0) or 1
    for cat, v in by_category:
        n = max(int(round(abs(v) / top * width)), 1)
        grid.add_row(Text(("to " if v > 0 else "from ") + cat), Text("█" * n, pal["bad"] if v > 0 else pal["good"]),
                     Text(fmt.units_cents(abs(v)), "bold"))
    return grid


def statement(flows, total: int) -> Table:
    """Every flow to the unit, as a loss ("went to") or a profit ("came from"); shares of the main side.

    The rows of the main side minus the other side add up to ``total`` exactly.
    """
    loss = total >= 0
    main = [(f.destination, f.cause, f.amount if loss else -f.amount) for f in flows if (f.amount > 0) == loss]
    other = [(f.destination, f.cause, -f.amount if loss else f.amount) for f in flows if (f.amount > 0) != loss]
    gross = sum(a for _, _, a in main) or 1
    table = Table(box=None, padding=(0, 1), expand=True, show_edge=False)
    table.add_column("Went to" if loss else "Came from", ratio=3)
    table.add_column("Cause", ratio=2, style="dim")
    table.add_column("Amount", justify="right", no_wrap=True)
    table.add_column("Share", justify="right", no_wrap=True)
    for dest, cause, amount in main:
        table.add_row(Text(dest), Text(cause), Text(fmt.units(amount)), Text(f"{amount / gross * 100:.1f} %"))
    if other:
        table.add_row(Text("less: came back from" if loss else "less: paid to", "italic"), "", "", "",
                      end_section=False)
        for dest, cause, amount in other:
            table.add_row(Text("  " + dest), Text(cause), Text(fmt.units(amount)), Text(""))
    assert sum(a for *_, a in main) - sum(a for *_, a in other) == abs(total)  # the engine's exactness, shown
    table.add_row(Text("Total lost" if loss else "Total made", "bold"), Text(""),
                  Text(fmt.units(abs(total)), "bold underline"), Text(""))
    return table


class PostMortemScreen(BaseScreen):
    """See the module docstring; dismisses with "continue" or "end"."""

    AUTO_FOCUS = "#pm-tabs"
    BINDINGS = [
        Binding("escape,enter", "back", "Back"),
        Binding("1", "tab('pm-position')", "Position"),
        Binding("2", "tab('pm-session')", "Session"),
        Binding("w,3", "tab('pm-whatif')", "What if?"),
        Binding("left_square_bracket", "other(-1)", "Previous position", show=False),
        Binding("right_square_bracket", "other(1)", "Next position", show=False),
        Binding("pagedown,down", "scroll(1)", "Scroll", show=False),
        Binding("pageup,up", "scroll(-1)", "Scroll up", show=False),
        Binding("q", "end", "End session"),
        Binding("question_mark,f1", "help", "Help"),
    ]

    def __init__(self, data: PostMortem):
        super().__init__()
        self.data = data
        self.index = data.stories.index(data.story) if data.story in data.stories else len(data.stories) - 1
        self.result: WhatIf | None = None

    @property
    def current(self) -> PositionStory | None:
        return self.data.stories[self.index] if self.data.stories else None

    def body(self) -> ComposeResult:
        yield Static(id="pm-title")
        yield Static(id="pm-headline")
        with TabbedContent(id="pm-tabs", initial="pm-position"):
            with TabPane("This position", id="pm-position"):
                with VerticalScroll(classes="pm-scroll"):
                    with Horizontal(classes="pm-columns"):
                        with Vertical(classes="pm-left"):
                            yield Static(id="pm-narrative", classes="pm-text")
                            yield Static(id="pm-bars", classes="pm-box")
                            yield Static(id="pm-table", classes="pm-box")
                        with Vertical(classes="pm-right"):
                            yield PriceChart(id="pm-chart")
                            yield Static(id="pm-timeline", classes="pm-box")
            with TabPane("Session", id="pm-session"):
                with VerticalScroll(classes="pm-scroll"):
                    yield Static(id="pm-s-narrative", classes="pm-text")
                    with Horizontal(classes="pm-columns"):
                        yield Static(id="pm-s-bars", classes="pm-box pm-left")
                        yield Static(id="pm-s-table", classes="pm-box pm-right")
            with TabPane("What if?", id="pm-whatif"):
                with VerticalScroll(classes="pm-scroll"):
                    yield Static(id="pm-w-intro", classes="pm-text")
                    yield Static(id="pm-w-result", classes="pm-box")
                    yield OptionList(id="pm-w-choices")
        yield Footer()

    def on_mount(self) -> None:
        self.show_position()
        self.show_session()
        intro = (f"Play the same market, the same crowd and your same actions (so far) again with one thing "
                 f"changed, to the end of the session ({fmt.clock(self.data.duration)}). Pick one:")
        self.query_one("#pm-w-intro", Static).update(Text(intro))
        choices = self.query_one("#pm-w-choices", OptionList)
        self.choices = {cid: change for cid, _, change in what_if_choices(self.data)}
        choices.add_options([Option(label, id=cid) for cid, label, _ in what_if_choices(self.data)])
        box = self.query_one("#pm-w-result", Static)
        box.border_title = "What happened · what if"
        box.update(Text("Choose a change below (arrows, Enter).", palette(self.app)["muted"]))

    # ------------------------------------------------------------------ the position
    def show_position(self) -> None:
        pal = palette(self.app)
        s = self.current
        title = self.query_one("#pm-title", Static)
        if s is None:
            title.update(Text("No position yet", "bold"))
            self.query_one("#pm-headline", Static).update(Text("Open a position: its post-mortem appears here."))
            return
        r = s.report
        title.update(Text("Where did your margin go?" if r.loss >= 0 else "Where did your profit come from?", "bold"))
        title.set_class(r.loss < 0, "-profit")
        count = f"  ·  position {self.index + 1} of {len(self.data.stories)} ([ ] for the others)" \
            if len(self.data.stories) > 1 else ""
        self.query_one("#pm-headline", Static).update(Text(s.headline + count))
        para = Text(_sentence(r.narrative))
        if s.detail:
            para.append("\n\n" + s.detail, pal["muted"])
        self.query_one("#pm-narrative", Static).update(para)
        self._box("#pm-bars", bars(r.by_category, 20, pal) if r.by_category else Text("No money moved."),
                  "By destination")
        self._box("#pm-table", statement(r.flows, r.loss), "Every flow, exact to $0.0001")
        chart = self.query_one("#pm-chart", PriceChart)
        chart.data = s.path
        chart.border_title = "Mark price, this position"
        self._box("#pm-timeline", self._timeline(s), "Timeline")

    def show_session(self) -> None:
        pal = palette(self.app)
        x = self.data.session
        self.query_one("#pm-s-narrative", Static).update(Text(_sentence(x.narrative)))
        self._box("#pm-s-bars", bars(x.by_category, 20, pal) if x.by_category else Text("No money moved."),
                  "The session, by destination")
        self._box("#pm-s-table", statement(x.flows, x.net_loss), "The session, every flow")

    def _box(self, selector: str, content, title: str) -> None:
        w = self.query_one(selector, Static)
        w.update(content)
        w.border_title = title

    def _timeline(self, s: PositionStory) -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="dim")
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column()
        pal = palette(self.app)
        for line in s.timeline:
            grid.add_row(fmt.clock(line.tick), line.label, styled(line.parts, pal))
        return grid

    def action_other(self, step: int) -> None:
        if self.data.stories:
            self.index = (self.index + step) % len(self.data.stories)
            self.show_position()
            self.action_tab("pm-position")

    def action_scroll(self, pages: int) -> None:
        """Arrow keys and page keys scroll the open tab (the choices list keeps its own arrows)."""
        choices = self.query_one("#pm-w-choices", OptionList)
        if choices.has_focus:
            choices.action_cursor_down() if pages > 0 else choices.action_cursor_up()
            return
        pane = self.query_one(TabbedContent).active_pane
        scroll = pane.query_one(VerticalScroll) if pane is not None else None
        if scroll is not None:
            scroll.scroll_relative(y=pages * max(scroll.size.height - 2, 1), animate=False)

    def action_tab(self, pane: str) -> None:
        self.query_one(TabbedContent).active = pane
        if pane == "pm-whatif":
            self.query_one("#pm-w-choices", OptionList).focus()

    # ------------------------------------------------------------------ what if
    @on(OptionList.OptionSelected, "#pm-w-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        change = self.choices[event.option.id]
        box = self.query_one("#pm-w-result", Static)
        box.update(Text(f"Playing the session again with {event.option.prompt}…"))
        box.loading = True
        self.run_what_if(change)

    @work(thread=True, exclusive=True, group="what-if")
    def run_what_if(self, change) -> None:
        result = run_what_if(self.data, change)
        self.app.call_from_thread(self.show_what_if, result)

    def show_what_if(self, w: WhatIf) -> None:
        self.result = w
        pal = palette(self.app)
        a, b = w.actual, w.alternative
        table = Table(box=None, padding=(0, 1), expand=False)
        table.add_column("")
        table.add_column("what happened", justify="right")
        table.add_column("what if", justify="right")
        table.add_row("final equity", fmt.units_cents(a.equity), Text(fmt.units_cents(b.equity),
                      pal["good"] if b.equity > a.equity else pal["bad"] if b.equity < a.equity else ""))
        table.add_row("liquidations", str(a.liquidations), str(b.liquidations))
        table.add_row("auto-deleveraged", str(a.adl_hits), str(b.adl_hits))
        table.add_row("score", str(a.score), str(b.score))
        mine, other = dict(a.explanation.by_category), dict(b.explanation.by_category)
        for cat in dict.fromkeys(list(mine) + list(other)):
            x, y = mine.get(cat, 0), other.get(cat, 0)
            table.add_row(Text(("to " if (x or y) > 0 else "from ") + cat, "dim"),
                          fmt.units_cents(abs(x)) if x else "—", fmt.units_cents(abs(y)) if y else "—")
        outer = Table.grid()
        outer.add_column()
        outer.add_row(table)
        outer.add_row(Text("\n" + w.sentence))
        box = self.query_one("#pm-w-result", Static)
        box.loading = False
        box.update(outer)

    # ------------------------------------------------------------------ leave
    def action_back(self) -> None:
        self.dismiss("continue")

    def action_end(self) -> None:
        from .confirm import ConfirmScreen

        self.app.push_screen(ConfirmScreen("End the session now? Your score is final."),
                             lambda ok: self.dismiss("end") if ok else None)

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen())
