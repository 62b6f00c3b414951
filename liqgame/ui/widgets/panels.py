"""The play screen's read-only panels: status line, position, account, market, margin-call banner.

Each panel is a small widget with one reactive attribute (the snapshot view it shows);
the play screen sets it from every frame and the panel redraws itself.  Nothing here
computes money: values come from the engine's snapshot views.

Speed matters (up to ten frames a second): panels draw plain ``Text`` in fixed columns
rather than Rich tables, and ask Textual for a new layout only when their number of
lines changes (:class:`TextPanel`).
"""

from __future__ import annotations

import math

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Sparkline, Static

from ...engine import WARNING_RATIO, MarketView, PlayerView, PositionView
from ..palette import palette
from ..runner import Frame
from ..views import fmt

GAUGE_WARN = 0.5
GAUGE_CALL = WARNING_RATIO  # the engine's margin-call level


def gauge(ratio: float, width: int, pal: dict) -> Text:
    """Margin ratio as a coloured bar: green below 50 %, amber to 80 %, red from the margin call."""
    r = 1.0 if not math.isfinite(ratio) else max(min(ratio, 1.0), 0.0)
    full = int(round(r * width))
    style = pal["good"] if r < GAUGE_WARN else pal["warn"] if r < GAUGE_CALL else pal["bad"]
    return Text.assemble(("█" * full, style), ("░" * (width - full), pal["dim_bar"]))


def adl_lights(n: int, pal: dict) -> Text:
    """ADL queue position as 5 lights (5 = first in line to be deleveraged)."""
    style = pal["good"] if n <= 2 else pal["warn"] if n <= 3 else pal["bad"]
    return Text.assemble(("●" * n, style), ("○" * (5 - n), pal["muted"]))


def cols(*cells) -> Text:
    """One line of fixed-width cells: ``(content, width, align)`` with align "<" or ">"."""
    line = Text(no_wrap=True, overflow="ellipsis")
    for content, width, align in cells:
        cell = content.copy() if isinstance(content, Text) else Text(str(content))
        cell.truncate(width, overflow="ellipsis")
        pad = " " * (width - cell.cell_len)
        if align == ">":
            line.append(pad)
            line.append_text(cell)
        else:
            line.append_text(cell)
            line.append(pad)
    return line


def pairs(l1, v1, l2="", v2="") -> Text:
    """Two label/value pairs in 40 cells: ``Label   value   Label   value``."""
    return cols((l1, 8, "<"), (v1, 12, ">"), ("", 2, "<"), (l2, 7, "<"), (v2, 11, ">"))


def lines(*rows: Text) -> Text:
    return Text("\n", no_wrap=True).join(rows)


def _signed(x: float, pal: dict, text: str) -> Text:
    return Text(text, pal["good"] if x > 0 else pal["bad"] if x < 0 else "")


class TextPanel(Widget):
    """Shows one ``Text``; a new layout is requested only when the line count changes."""

    DEFAULT_CSS = "TextPanel { height: auto; }"

    def __init__(self, **kw):
        super().__init__(**kw)
        self._text = Text()
        self._lines = 0

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.rebuild())

    def rebuild(self) -> None:
        """Draw again from the current attribute (after a theme change: colours come from the theme)."""

    def show(self, text: Text) -> None:
        n = len(text.plain.split("\n"))
        self._text = text
        height = self.styles.height
        auto = height is None or height.is_auto
        self.refresh(layout=auto and n != self._lines)
        self._lines = n

    def render(self) -> Text:
        return self._text


class StatusBar(Static):
    """Top line: clock state, game time, a REPLAY or DAILY badge, mark / last / index, funding (rate per
    interval, countdown), scenario and rulebook.

    Fitted to the width: last, index, the countdown and the scenario give way first, so the clock, the
    mark, the funding rate and the rulebook stay readable at 80 columns.
    """

    frame: reactive[Frame | None] = reactive(None)
    title: str = ""
    badge: str = ""  # "REPLAY" | "DAILY 2026-12-01" | ""

    def render(self) -> Text:
        f = self.frame
        if f is None:
            return Text("liqgame")
        pal = palette(self.app)
        m = f.snapshot.market
        wide, widest = self.size.width >= 110, self.size.width >= 150
        t = Text(no_wrap=True, overflow="ellipsis")
        t.append(" ⏸ PAUSED " if f.paused else " ▶ PLAYING ", "reverse bold" if f.paused else "bold")
        gap = "  " if wide else " "
        t.append(f" {f.speed}x {fmt.clock(m.tick)}/{fmt.clock(f.duration)}")
        if self.badge:
            t.append(" ")
            t.append(f" {self.badge} ", Style.parse("bold reverse") + pal["warn"])
        t.append(f"{gap}Mark ")
        t.append(fmt.price(m.mark), pal["warn"])
        if widest:  # the mark is what liquidates: it stays; last and index give way first
            t.append("  Last ")
            t.append(fmt.price(m.last), "bold")
            t.append("  Index ")
            t.append(fmt.price(m.index), pal["muted"])
        t.append("  Funding " if wide else " Fund ")
        t.append(fmt.funding(m.funding_rate, m.funding_interval_s), pal["bad"] if m.funding_rate > 0 else "")
        if wide:
            t.append(f" in {fmt.clock(m.seconds_to_funding)}", pal["muted"])
            t.append(f"  {self.title if widest else f.snapshot.scenario} · {f.snapshot.rulebook}", pal["muted"])
        else:
            t.append(f" {f.snapshot.rulebook}", pal["muted"])
        return t


class PositionPanel(TextPanel):
    """Size, entry, mark, uPnL / ROE, margin, the margin-ratio gauge, liq. and bankruptcy, ADL.

    Fixed height (the stylesheet gives it ROWS lines): opening or closing a position repaints
    the panel without a new layout of the whole screen.
    """

    ROWS = 9
    player: reactive[PlayerView | None] = reactive(None)

    def rebuild(self) -> None:
        self.watch_player(self.player)

    def watch_player(self, p: PlayerView | None) -> None:
        pal = palette(self.app)
        rows: list[Text] = []
        if p is None or not p.positions:
            rows += [Text("No open position.", pal["muted"]),
                     Text("Set size and leverage in the ticket,", pal["muted"]),
                     Text("then b (long) or s (short).", pal["muted"])]
        else:
            for pos in p.positions:
                rows += self._position(pos, pal)
        if p is not None and p.orders:
            rows += self._orders(p.orders, self.ROWS - len(rows))
        self.show(lines(*rows))

    @staticmethod
    def _orders(orders, room: int) -> list[Text]:
        """Every open order, one line each (the panel grows; x cancels them all, the palette one by one)."""
        out = [Text(f"Open orders: {len(orders)} (x cancels all)", "bold")]
        out += [Text(o.text, "dim", no_wrap=True, overflow="ellipsis") for o in orders]
        return out

    @staticmethod
    def _position(pos: PositionView, pal: dict) -> list[Text]:
        head = Text.assemble((f"{pos.side.upper()} {fmt.btc(pos.qty)} BTC", pal["good"] if pos.side == "long"
                              else pal["bad"]),
                             (f"  {pos.contract} · {pos.leverage}x {'cross' if pos.cross else 'isolated'}",
                              pal["muted"]))
        ratio = Text(fmt.pct(pos.margin_ratio, 1) if math.isfinite(pos.margin_ratio) else "∞")
        return [
            head,
            pairs("Entry", Text(fmt.price(pos.entry), pal["entry"]), "Mark", fmt.price(pos.mark)),
            pairs("uPnL", _signed(pos.upnl, pal, fmt.usd(pos.upnl, signed=True)),
                  "ROE", _signed(pos.roe, pal, fmt.pct(pos.roe, signed=True))),
            pairs("Margin", fmt.usd(pos.margin), "Maint.", fmt.usd(pos.maintenance)),
            cols(("Ratio", 8, "<"), (gauge(pos.margin_ratio, 22, pal), 22, "<"), (ratio, 10, ">")),
            pairs("Liq.", Text(fmt.price(pos.liquidation_price), pal["liq"]),
                  "Bankr.", Text(fmt.price(pos.bankruptcy_price), pal["bankrupt"])),
            pairs("To liq.", Text(fmt.pct(pos.distance_pct), pal["bad"] if pos.distance_pct < 0.01 else ""),
                  "ADL", adl_lights(pos.adl_lights, pal)),
        ]


class HistoryPanel(TextPanel):
    """The session's closed positions: side, size, how each ended and what it made or lost (whole life)."""

    closed: reactive[tuple] = reactive(())

    def rebuild(self) -> None:
        self.watch_closed(self.closed)

    def watch_closed(self, closed: tuple) -> None:
        pal = palette(self.app)
        if not closed:
            self.show(Text("No closed position yet.", pal["muted"]))
            return
        rows = [cols(("Time", 8, "<"), ("Position", 15, "<"), ("Ended", 9, "<"), ("Result", 10, ">"))]
        for e in reversed(closed[-30:]):
            result = Text(fmt.units_cents(-e.loss, signed=True), pal["good"] if e.loss < 0 else pal["bad"])
            rows.append(cols((fmt.clock(e.tick), 8, "<"), (f"{e.side} {e.contract}", 15, "<"),
                             (e.outcome, 9, "<"), (result, 10, ">")))
        rows.append(Text("e: the post-mortem of the last one", pal["muted"]))
        self.show(lines(*rows))


class LessonPanel(VerticalScroll, can_focus=False):
    """A lesson on the play screen: what to do, the question and whether it is answered, the keys.

    Wrapped text that scrolls: lesson sentences are long and must never be cut, and beside the
    ticket the panel is capped so the ticket and the position stay in view.
    """

    DEFAULT_CSS = """
    LessonPanel { height: auto; max-height: 13; scrollbar-size: 1 1; }
    LessonPanel > #lesson-text { height: auto; }
    """
    answers: reactive[dict] = reactive(dict)

    def __init__(self, lesson, **kw):
        super().__init__(**kw)
        self.lesson = lesson

    def compose(self) -> ComposeResult:
        yield Static(id="lesson-text")

    def on_mount(self) -> None:
        self.watch_answers(self.answers)

    def watch_answers(self, answers: dict) -> None:
        if not self.query("#lesson-text"):  # not composed yet: on_mount draws it
            return
        pal = palette(self.app)
        lesson = self.lesson
        rows = [Text(lesson.summary, "italic")]
        rows += [Text(f"{k}. {step}") for k, step in enumerate(lesson.steps, 1)]
        for q in lesson.questions:
            state = (Text(f"✔ answered: {answers[q.key]}", pal["good"]) if q.key in answers else
                     Text("k: answer now" if q.when == "during" else "asked at the end", pal["warn"]))
            rows += [Text(""), Text.assemble(("Question: ", "bold"), q.prompt), state]
        rows += [Text(""), Text("f: play the rest at once and check · q: end and check", pal["muted"])]
        self.query_one("#lesson-text", Static).update(Text("\n").join(rows))

    @property
    def text(self) -> str:
        """What the panel says, as plain text."""
        return self.query_one("#lesson-text", Static).render().plain


class AccountPanel(TextPanel):
    """Wallet, equity, available; the session's P&L with its equity line; liquidations, drawdown, score."""

    player: reactive[PlayerView | None] = reactive(None, always_update=True)
    curve: tuple[float, ...] = ()
    start: float = 0.0

    def set_frame(self, f: Frame) -> None:
        self.curve, self.start = f.equity_history, f.start_equity
        self.player = f.me

    def rebuild(self) -> None:
        self.watch_player(self.player)

    def _pnl_row(self, p: PlayerView, pal: dict) -> Text:
        """The session so far: its equity line, then the P&L in $ and % of where you started."""
        pnl = p.equity - self.start
        style = pal["good"] if pnl > 0 else pal["bad"] if pnl < 0 else pal["muted"]
        pct = f" {pnl / self.start * 100:+.1f} %" if self.start > 0 else ""
        return Text.assemble(("P&L  ", ""), (fmt.spark(self.curve, 16).ljust(17), style),
                             (f"{fmt.usd(pnl, signed=True)}{pct}", style))

    def watch_player(self, p: PlayerView | None) -> None:
        if p is None:
            return
        pal = palette(self.app)
        rows = [
            pairs("Wallet", fmt.usd(p.wallet), "Equity", Text(fmt.usd(p.equity), "bold")),
            self._pnl_row(p, pal),
            cols(("Available", 10, "<"), (fmt.usd(p.available), 10, ">"), ("", 2, "<"), ("Score", 7, "<"),
                 (str(p.score), 11, ">")),
            pairs("Liq.", Text(str(p.liquidations), pal["bad"] if p.liquidations else ""),
                  "Max DD", fmt.pct(p.max_drawdown, 1)),
        ]
        if p.leverage_cap:
            rows.append(Text(f"RESTRICTED: max {p.leverage_cap}x for {fmt.clock(p.restricted_seconds)}",
                             pal["bad"]))
        self.show(lines(*rows))


class MarketPanel(Vertical):
    """Funding with countdown, open interest, long/short accounts, insurance fund (+ sparkline), pool."""

    market: reactive[MarketView | None] = reactive(None, repaint=False)  # the children repaint themselves

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.watch_market(self.market))

    def compose(self) -> ComposeResult:
        yield TextPanel(id="market-text")
        yield Sparkline([], id="fund-spark")
        yield TextPanel(id="market-pool")

    def set_frame(self, f: Frame) -> None:
        self.market = f.snapshot.market
        spark = self.query_one("#fund-spark", Sparkline)
        data = list(f.fund_history)
        data = data * 2 if len(data) == 1 else data  # one point would draw as a full bar
        if data != spark.data:
            spark.data = data

    def watch_market(self, m: MarketView | None) -> None:
        if m is None:
            return
        pal = palette(self.app)
        rate = m.funding_rate
        total = max(m.long_accounts + m.short_accounts, 1)
        longs = int(round(m.long_accounts / total * 10))
        ls = Text.assemble(f"{m.long_accounts:,} / {m.short_accounts:,} ", ("▮" * longs, pal["good"]),
                           ("▮" * (10 - longs), pal["bad"]))
        self.query_one("#market-text", TextPanel).show(lines(
            cols(("Funding", 15, "<"), (Text(fmt.funding(rate, m.funding_interval_s),
                                             pal["bad"] if rate > 0.0003 * m.funding_interval_s / 28800 else ""), 13,
                                        "<"), (Text(f"in {fmt.clock(m.seconds_to_funding)}", pal["muted"]), 12, ">")),
            cols(("Open interest", 15, "<"), (f"{m.open_interest_btc:,.1f} BTC", 25, "<")),
            cols(("Long/short", 15, "<"), (ls, 25, "<")),
            cols(("Insurance fund", 15, "<"), (Text(fmt.usd(m.insurance_fund, decimals=0), "bold"), 25, "<")),
        ))
        self.query_one("#market-pool", TextPanel).show(lines(
            cols(("Liquidity pool", 15, "<"), (fmt.usd_short(m.liquidity_pool), 25, "<")),
            cols(("Exchange fees", 15, "<"), (fmt.usd(m.exchange_fees), 25, "<")),
        ))


class MarginBanner(Static):
    """The danger state: margin-call numbers and one-key remedies, shown until the ratio recovers."""

    position: reactive[PositionView | None] = reactive(None)
    suggestion: reactive[float] = reactive(0.0)
    paused_for_danger: reactive[bool] = reactive(False)

    def render(self) -> Text:
        p = self.position
        if p is None:
            return Text("")
        # the widest wording that fits: at 80 columns every remedy key stays visible, only words go
        width = self.size.width or 200
        for level in range(3):
            t = self._wording(p, level)
            if t.cell_len <= width:
                break
        return t

    def _wording(self, p: PositionView, level: int) -> Text:
        """Level 0 says it all; 1 shortens the title and the gaps; 2 keeps only numbers and keys."""
        gap = "   " if level == 0 else "  "
        t = Text(no_wrap=True, overflow="ellipsis")
        t.append(" ⚠ DANGER: MARGIN CALL " if level == 0 else " ⚠ DANGER ", "reverse bold")
        ratio = f"ratio {fmt.pct(p.margin_ratio, 1)}" if level < 2 else fmt.pct(p.margin_ratio, 1)
        away = f" ({fmt.pct(p.distance_pct)} away)" if level < 2 else ""
        t.append(f" {ratio} · liq {fmt.price(p.liquidation_price)}{away}{gap}")
        add = f"add {fmt.usd(self.suggestion)}" if self.suggestion > 0 else "add margin"
        for key, words in (("a", add), ("r", "reduce ½"), ("c", "close")):
            t.append(key, "bold reverse")
            t.append(f" {words}{gap}")
        if self.paused_for_danger:
            t.append(("paused: space resumes at 1x", "paused: space resumes", "paused")[level], "italic")
        return t
