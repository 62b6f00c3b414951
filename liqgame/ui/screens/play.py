"""The play screen: chart + heatmap, ticket, position, account, market, feed — live.

Ownership: the screen owns a :class:`GameRunner` (the game, its lock, the clock thread)
and a Textual timer that drives the runner's clock.  Frames arrive as coalesced
``FrameReady`` messages; the screen sets each panel's reactive attribute from the frame
(attributes down) and turns the ticket's ``Submit`` messages into engine actions
(messages up).  The clock pauses itself on a liquidation (post-mortem) and at the end of
the scenario (session end).
"""

from __future__ import annotations

import math

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Footer, Static, Tab, Tabs
from textual.worker import get_current_worker

from ...engine import MAX_LEVERAGE, REARM_RATIO, WARNING_RATIO, half_lots, units_to_usd
from ...engine import actions as A
from ...engine import events as ev
from ...session import make_game
from ..base import BaseScreen, GameSpec
from ..messages import FrameReady, GameHalted
from ..palette import palette
from ..runner import SPEEDS, GameRunner, Halt
from ..views import fmt
from ..views.draft import final_order, preview_order
from ..widgets.chart import PriceChart
from ..widgets.feed import EventFeed, feed_lines
from ..widgets.panels import (
    AccountPanel,
    HistoryPanel,
    LessonPanel,
    MarginBanner,
    MarketPanel,
    PositionPanel,
    StatusBar,
)
from ..widgets.ticket import OrderTicket

CLOCK_INTERVAL = 0.1  # the timer drives the clock ~10 times a second: frames are capped there
DANGER_MODES = {"pause": "the game pauses and drops to 1x", "slow": "the game drops to 1x",
                "off": "the game keeps its speed"}
DANGER_DEFAULT = "pause"  # new players get time to react
CALL_ON, CALL_OFF = WARNING_RATIO, REARM_RATIO  # the banner follows the engine's margin call
PANELS = {"tab-lesson": ("#lesson",), "tab-ticket": ("#ticket",), "tab-position": ("#position", "#account"),
          "tab-market": ("#market",), "tab-history": ("#history",)}


def suggested_margin(pos, available: float) -> float:
    """An amount that brings the margin ratio back to 50 % (capped by what is free), in cents."""
    need = pos.maintenance / 0.5 - pos.margin
    if need <= 0:
        need = pos.margin * 0.1
    amount = min(need, max(available, 0.0))
    return math.floor(amount * 100) / 100 if amount > 0 else 0.0


# one line each, at most 78 columns: the hint row of an 80-column terminal (tests check the width)
HINTS = {
    "chart": "space play/pause · +/- speed · l leverage · t stop 2% · g chart · Tab: ticket",
    "t-type": "Market fills now; a limit rests (fills at once if it crosses); SL/TP: mark",
    "t-contract": "Perp: no expiry, pays funding. Quarterly: no funding, settles at expiry",
    "t-margin": "Isolated: only this position's margin is at risk. Cross: the whole wallet",
    "t-size": "Size in BTC, or USD at the mark. Max size: what your free balance opens",
    "t-unit": "Type the size in BTC or in USD (turned into whole 0.001 BTC lots)",
    "t-lev": "Margin = notional / leverage: higher leverage, closer liquidation. l: presets",
    "t-price": "Limit price (limit orders) or trigger price (stop-loss, take-profit), USD",
    "t-sl": "Stop-loss at entry: a price, or 2% behind the entry. Preview: the loss",
    "t-tp": "Take-profit at entry: a price, or 4% ahead of the entry. Preview: the gain",
    "t-reduce": "Reduce-only: the order can only shrink your position, never open or flip one",
    "t-buy": "Place the ticket's order as a buy / long (key b)",
    "t-sell": "Place the ticket's order as a sell / short (key s)",
    "side-tabs": "Ticket, position, market, history: v switches panels on a small screen",
}
HIGH_LEVERAGE = 50
MOST_OF_THE_WALLET = 0.5


def risk_question(order, preview, available: float, mark: float) -> str:
    """The question to ask before a risky order, or "" when it is not risky."""
    if preview is None or order.reduce_only or order.type in ("stop_loss", "take_profit"):
        return ""
    lev = order.leverage or 0
    stake = units_to_usd(preview.initial_margin + preview.fee)
    high, most = lev >= HIGH_LEVERAGE, available > 0 and stake > MOST_OF_THE_WALLET * available
    if not (high or most):
        return ""
    liq = preview.liquidation_price
    away = f", {abs(mark - liq) / mark:.2%} from the mark" if liq else ""
    why = " and ".join(w for w, on in ((f"{lev}x leverage", high), (f"{stake / available:.0%} of your free balance",
                                                                  most)) if on)
    return (f"This {order.side} of {order.qty} BTC uses {why}: it puts {fmt.usd(stake)} at stake and is "
            f"liquidated at {fmt.price(liq) if liq else '—'}{away}. Place it?")


def _combine(long_why: str, short_why: str) -> str:
    """One line for the ticket: the shared reason, or each side's."""
    if long_why == short_why:
        return long_why
    if long_why and short_why:
        return f"long: {long_why} / short: {short_why}"
    return f"long: {long_why}" if long_why else f"short: {short_why}"


class PlayScreen(BaseScreen):
    AUTO_FOCUS = "#chart"
    # the footer shows what a player needs at 80 columns; the rest is in the palette (Ctrl+P) and the help
    BINDINGS = [
        Binding("space", "toggle_pause", "Play", priority=True),  # from every field, even while typing
        Binding("n", "step", "Step", show=False),
        Binding("plus,equals_sign,right_square_bracket", "faster", "Faster", show=False),
        Binding("minus,left_square_bracket", "slower", "Slower", show=False),
        Binding("1", "speed(1)", "1x", show=False),
        Binding("2", "speed(5)", "5x", show=False),
        Binding("3", "speed(20)", "20x", show=False),
        Binding("4", "speed(100)", "100x", show=False),
        Binding("b", "submit('long')", "Long"),
        Binding("s", "submit('short')", "Short"),
        Binding("c", "close_position", "Close"),
        Binding("a", "margin", "Margin"),
        Binding("r", "reduce", "Reduce ½", show=False),
        Binding("t", "protect", "Stop 2 %", show=False),
        Binding("l", "leverage_preset", "Leverage", show=False),
        Binding("x", "cancel_orders", "Cancel orders", show=False),
        Binding("e", "explain", "Why?"),
        Binding("v", "next_panel", "Panels", show=False),
        Binding("g", "chart_mode", "Chart: line / candles / book", show=False),
        Binding("question_mark,f1", "help", "Help"),
        Binding("q", "end_session", "End"),
        Binding("escape", "focus_chart", "Chart", show=False),
        Binding("j", "seek", "Next event", show=False),
        Binding("B", "branch", "Branch", show=False),
        # lessons only (check_action refuses them in a game); the lesson panel names them, the footer
        # has no room for them at 80 columns
        Binding("k", "answer", "Answer", show=False),
        Binding("f", "finish", "Check", show=False),
    ]
    LESSON_ACTIONS = {"answer", "finish"}
    REPLAY_WORDS = "This is a replay: it cannot take orders. j jumps to the next event; B starts a new game from here."

    paused: reactive[bool] = reactive(True, init=False)
    speed: reactive[int] = reactive(SPEEDS[0], init=False)

    def __init__(self, spec: GameSpec, *, paused: bool = True, speed: int = 1, clock: bool = True):
        super().__init__()
        self.spec = spec
        self.lesson = spec.lesson
        self.run = self.lesson.start() if self.lesson is not None else None  # a lesson records its own run
        self.game = self.run.game if self.run is not None else make_game(spec.config)
        self.result = None  # a lesson's verdict, once checked
        self.runner = GameRunner(self.game, on_frame=lambda: self.post_message(FrameReady()),
                                 on_halt=lambda h: self.post_message(GameHalted(h)), script=spec.script,
                                 duration=self.lesson.duration_s if self.lesson is not None else spec.ticks,
                                 driver=self.run)
        self.set_reactive(PlayScreen.paused, paused)
        self.set_reactive(PlayScreen.speed, speed)
        self.runner.set_speed(speed)
        self.runner.set_paused(paused)
        self.use_clock = clock  # tests may step by hand, with no timer at all
        self._call_on = False
        self._timer = None
        self._last_loss: ev.PositionClosed | None = None  # a stop-out or losing close offers its post-mortem
        self.coach_step = "open" if spec.guided else None  # the guided first trade's current step
        self._opened_at: int | None = None
        self._explained = False
        from ...assets_io import scenarios

        self.scenario_title = scenarios()[spec.config.scenario].title if spec.config.scenario in scenarios() \
            else spec.config.scenario

    # ------------------------------------------------------------------ layout
    def body(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield MarginBanner(id="banner")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield PriceChart(heat=True, id="chart")
                yield EventFeed(id="feed")
            with VerticalScroll(id="side", can_focus=False):
                tabs = [Tab("Lesson", id="tab-lesson")] if self.lesson is not None else []
                yield Tabs(*tabs, Tab("Ticket", id="tab-ticket"), Tab("Position", id="tab-position"),
                           Tab("Market", id="tab-market"), Tab("History", id="tab-history"), id="side-tabs")
                if self.lesson is not None:
                    yield LessonPanel(self.lesson, id="lesson", classes="panel -shown")
                yield OrderTicket(id="ticket", classes="panel" if self.lesson is not None else "panel -shown")
                yield PositionPanel(id="position", classes="panel")
                yield AccountPanel(id="account", classes="panel")
                yield MarketPanel(id="market", classes="panel")
                yield HistoryPanel(id="history", classes="panel")
        yield Static("", id="hint", markup=False)
        yield Footer(compact=True)  # every key a player needs fits in 80 columns

    def on_mount(self) -> None:
        self.runner.margin_call_brake = self.app.settings.get("danger", DANGER_DEFAULT)
        self.status = self.query_one(StatusBar)
        self.status.title = self.scenario_title
        self.status.badge = {"replay": "REPLAY", "branch": "BRANCH",
                             "daily": f"DAILY {self.spec.daily_date or ''}".strip(),
                             "lesson": f"LESSON {getattr(self.lesson, 'number', '')}"}.get(self.spec.kind, "")
        self.chart = self.query_one(PriceChart)
        self.chart.border_title = "BTC-PERP"
        if self.app.settings.get("chart") in ("candles", "book"):
            self.action_chart_mode(self.app.settings["chart"])
        self.feed = self.query_one(EventFeed)
        self.feed.border_title = "Feed"
        self.ticket = self.query_one(OrderTicket)
        self.ticket.border_title = "Order ticket"
        self.position = self.query_one(PositionPanel)
        self.position.border_title = "Position"
        self.account = self.query_one(AccountPanel)
        self.account.border_title = "Account"
        self.market = self.query_one(MarketPanel)
        self.market.border_title = "Market"
        self.history = self.query_one(HistoryPanel)
        self.history.border_title = "Trade history"
        if self.lesson is not None:
            self.query_one("#lesson").border_title = f"Lesson {self.lesson.number}: {self.lesson.title}"
        if self.read_only:
            self.ticket.disabled = True
            self.ticket.border_title = "Order ticket · REPLAY (read-only)"
            # fits 80 columns; q (end) is in the footer
            self.query_one("#hint", Static).update("REPLAY · space play/pause · +/- speed · j next event · "
                                                   "B new game from here")
        self.banner = self.query_one(MarginBanner)
        self.banner.display = False
        self.run_worker(self._clock_thread, thread=True, name="game-clock", group="clock")
        if self.use_clock:
            self._timer = self.set_interval(CLOCK_INTERVAL, self.runner.clock, pause=self.paused)
        self.render_frame()

    def _clock_thread(self) -> None:
        worker = get_current_worker()
        self.runner.run(stop=lambda: worker.is_cancelled)

    def on_unmount(self) -> None:
        self.runner.close()

    # ------------------------------------------------------------------ frames
    @on(FrameReady)
    def _frame_ready(self) -> None:
        self.render_frame()

    def render_frame(self) -> None:
        """Set every panel from the runner's latest frame; feed the new events."""
        f = self.runner.frame
        if f is None or not self.is_mounted:
            return
        self.status.frame = f
        self.chart.data = f.chart
        if f.book is not None:
            self.chart.book = f.book
        subtitle = (f"1 pt = {f.chart.seconds_per_point} s · crowd liquidations: "
                    f"[$error]▌longs[/] [$success]▌shorts[/]")
        if self.chart.border_subtitle != subtitle:
            self.chart.border_subtitle = subtitle
        me = f.me
        self.position.player = me
        self.account.set_frame(f)
        self.ticket.equity = me.equity
        self.market.set_frame(f)
        events = self.runner.drain_events()
        closed = tuple(e for e in events if isinstance(e, ev.PositionClosed) and e.player == self.runner.trader)
        if closed:
            self.history.closed = self.history.closed + closed
        if events:
            self.feed.add(feed_lines(events, self.runner.trader, palette(self.app)))
            self._alerts(events)
        self._update_banner(f)
        self.refresh_previews()
        self._coach(f)

    def _coach(self, f) -> None:
        """The guided first trade: the next step, in the hint line, once the last one is done."""
        self.set_class(self.coach_step is not None, "-coaching")  # toasts stand above the taller hint
        if self.coach_step is None:
            return
        from ..views.coach import next_step, text_of

        if f.me.positions and self._opened_at is None:
            self._opened_at = f.snapshot.tick
        since = f.snapshot.tick - self._opened_at if self._opened_at is not None else 0
        self.coach_step = next_step(self.coach_step, f, since, self._explained)
        hint = self.query_one("#hint", Static)
        hint.update(text_of(self.coach_step))
        hint.add_class("-coach")

    def _alerts(self, events) -> None:
        """Margin calls and the engine's notices get a bell and a toast, not just a feed line."""
        me = self.runner.trader
        for e in events:
            if getattr(e, "player", None) != me:
                continue
            if isinstance(e, ev.MarginCall):
                self.app.bell()
                self.danger(e)
            elif isinstance(e, ev.Notice):
                # Notices carry no kind yet: the two that matter most are recognised by their words
                restricted = e.topic == "restriction"
                urgent = restricted or e.topic == "revenge"
                if urgent:
                    self.app.bell()
                self.notify(e.text, title="Account restricted" if restricted else "Notice",
                            severity="error" if restricted else "warning" if urgent else "information",
                            timeout=12 if urgent else 4, markup=False)
            elif isinstance(e, ev.PositionClosed) and e.loss > 0 and e.outcome not in ("liquidated", "auto-deleveraged"):
                self._last_loss = e
                self.notify(f"Your {e.side} ({e.outcome}) lost {fmt.units_cents(e.loss)}. Press e to see where it "
                            f"went.", title="Position closed at a loss", severity="warning", timeout=8, markup=False)
            elif isinstance(e, ev.Liquidation) and e.partial:
                self.notify(e.explanation, title="Partial liquidation", severity="error", timeout=10,
                            markup=False)

    def danger(self, call: ev.MarginCall) -> None:
        """Danger needs time: at a margin call the game drops to 1x and, by default, pauses.

        The banner (not a toast) carries the numbers and the remedies and stays until the
        ratio recovers; the setting is in the command palette ("At a margin call ...").
        """
        mode = self.app.settings.get("danger", DANGER_DEFAULT)
        if mode == "off":
            return
        self.speed = SPEEDS[0]
        if mode == "pause" and not self.paused:
            self.paused = True
            self.banner.paused_for_danger = True

    def set_danger_mode(self, mode: str) -> None:
        self.app.settings["danger"] = mode
        self.runner.margin_call_brake = mode
        if self.app.store is not None:
            self.app.store.save_settings(danger=mode)
        self.notify(DANGER_MODES[mode], title="At a margin call", markup=False, timeout=4)

    def _update_banner(self, f) -> None:
        positions = f.me.positions
        worst = max(positions, key=lambda p: p.margin_ratio, default=None)
        if worst is None or worst.margin_ratio < CALL_OFF or f.halted:
            self._call_on = False
        elif worst.margin_ratio >= CALL_ON:
            self._call_on = True
        if self.banner.display != self._call_on:
            self.banner.display = self._call_on
        if self._call_on:
            self.banner.position = worst
            self.banner.suggestion = suggested_margin(worst, f.me.available)

    # ------------------------------------------------------------------ ticket
    @on(OrderTicket.Changed)
    def _draft_changed(self, event: OrderTicket.Changed) -> None:
        self.refresh_previews(explain=True)

    def refresh_previews(self, explain: bool = False) -> None:
        """The engine's preview for a long and a short; ``explain`` also shows why a field is refused."""
        f = self.runner.frame
        if f is None:
            return
        draft, mark = self.ticket.draft, f.snapshot.market.mark
        previews, reasons = [], []
        for side in ("long", "short"):
            order, reason = preview_order(draft, side, mark)
            p = self.runner.preview(order) if order is not None else None
            previews.append(p)
            reasons.append(reason or (p.reason if p is not None and not p.ok else ""))
        self.ticket.previews = tuple(previews)
        if explain:
            self.ticket.reason = _combine(*reasons)

    @on(OrderTicket.Submit)
    def _submit(self, event: OrderTicket.Submit) -> None:
        self.place(event.side)

    @property
    def read_only(self) -> bool:
        return self.spec.kind == "replay"

    def refuse_in_replay(self) -> bool:
        if self.read_only:
            self.notify(self.REPLAY_WORDS, title="REPLAY", markup=False, timeout=6)
        return self.read_only

    def action_seek(self) -> None:
        """j: jump to the next event of the session (a replay's seek; also works in a game)."""
        if self.runner.resume_after_halt():
            self.paused = True
            n = self.runner.seek()
            self.notify(f"Jumped {fmt.clock(n)} to the next event." if n else "Nothing more happens.",
                        markup=False, timeout=3)

    def action_branch(self) -> None:
        """B in a replay: a new, separately scored game from this moment (the same seed and actions so far)."""
        if not self.read_only:
            return
        from .confirm import ConfirmScreen

        self.paused = True
        tick = self.runner.game.tick
        self.app.push_screen(ConfirmScreen(f"Start a new game from {fmt.clock(tick)} of this replay? It is a new "
                                           f"session, labelled as a branch, scored on its own."),
                             lambda ok: self.app.branch_replay(self.spec, tick) if ok else None)

    def place(self, side: str, confirmed: bool = False) -> bool:
        if self.refuse_in_replay():
            return False
        """Preview the ticket's order for ``side``; only a valid order reaches the engine.

        An order at 50x or more, or one that commits most of the free balance, is asked about
        first: the question shows the liquidation price and what is at stake.
        """
        f = self.runner.frame
        order, why = preview_order(self.ticket.draft, side, f.snapshot.market.mark)
        p = None
        if order is not None:
            p = self.runner.preview(order)
            why = "" if p.ok else p.reason
        if why:
            self.ticket.reason = f"{side}: {why}"
            self.app.bell()
            return False
        risky = risk_question(order, p, f.me.available, f.snapshot.market.mark)
        if risky and not confirmed:
            from .confirm import ConfirmScreen

            self.paused = True
            self.app.push_screen(ConfirmScreen(risky), lambda ok: self.place(side, confirmed=True) if ok else None)
            return False
        result = self.runner.apply(final_order(order))
        self.ticket.reason = "" if result.ok else f"{side}: {result.reason}"
        return result.ok

    def act(self, action: A.Action, done: str = "") -> bool:
        """Apply a one-key action; a refusal is shown as a toast with the engine's reason."""
        if self.refuse_in_replay():
            return False
        result = self.runner.apply(action)
        if not result.ok:
            self.notify(result.reason, title="Refused", severity="warning", markup=False)
        elif done and not any(isinstance(e, ev.Notice) for e in result.events):
            self.notify(done, markup=False, timeout=3)  # (the engine's own notice says it otherwise)
        return result.ok

    def _perp_position(self):
        return next((p for p in self.runner.frame.me.positions if p.contract == "perp"), None)

    # ------------------------------------------------------------------ actions
    def action_toggle_pause(self) -> None:
        if self.runner.halted and self.runner.halted.reason == "end":
            self.notify("The session is over: press q for the results.", markup=False)
            return
        self.runner.resume_after_halt()
        self.paused = not self.paused

    def watch_paused(self, paused: bool) -> None:
        if not paused:
            self.banner.paused_for_danger = False
        self.runner.set_paused(paused)
        if self._timer is not None:
            self._timer.pause() if paused else self._timer.resume()
        self.runner.publish()

    def action_speed(self, speed: int) -> None:
        self.speed = speed

    def action_faster(self) -> None:
        self.speed = next((s for s in SPEEDS if s > self.speed), SPEEDS[-1])

    def action_slower(self) -> None:
        self.speed = next((s for s in reversed(SPEEDS) if s < self.speed), SPEEDS[0])

    def watch_speed(self, speed: int) -> None:
        self.runner.set_speed(speed)
        self.runner.publish()

    def action_step(self) -> None:
        if not self.paused:
            self.paused = True
        elif self.runner.resume_after_halt():
            self.runner.request(1)

    def action_submit(self, side: str) -> None:
        self.place(side)

    def action_close_position(self) -> None:
        self.act(A.ClosePosition(), "Position closed at market")

    def action_reduce(self) -> None:
        pos = self._perp_position()
        if pos is None:
            self.notify("No open position to reduce.", markup=False)
            return
        qty = half_lots(pos.qty)
        self.act(A.ClosePosition(qty=qty), f"Reduced by {fmt.btc(qty or pos.qty)} BTC")

    def action_margin(self) -> None:
        """Add (or remove) margin: a typed amount, prefilled to bring the ratio back to 50 %."""
        from .margin import MarginDialog

        if self.refuse_in_replay():
            return
        pos = self._perp_position()
        if pos is None:
            self.notify("No open position to add margin to.", markup=False)
            return
        if pos.cross:
            self.notify("A cross position uses the whole wallet: there is no margin to move.", markup=False)
            return
        me = self.runner.frame.me
        removable = pos.margin - pos.notional / max(pos.leverage, 1)

        def chosen(answer) -> None:
            if answer is None:
                return
            verb, amount = answer
            action = A.AddMargin(amount=amount) if verb == "add" else A.RemoveMargin(amount=amount)
            self.act(action, f"{'Added' if verb == 'add' else 'Removed'} {fmt.usd(amount)} margin")

        self.app.push_screen(MarginDialog(suggested_margin(pos, me.available), me.available, removable), chosen)

    def action_leverage_preset(self) -> None:
        """l cycles the ticket's leverage through 2, 5, 10, 20, 50, 100x (up to the venue's maximum)."""
        from ..views.draft import next_preset

        top = self.runner.frame.snapshot.max_leverage if self.runner.frame else MAX_LEVERAGE
        self.ticket.set_leverage(next_preset(self.ticket.draft.leverage, top))

    def action_cancel_orders(self) -> None:
        orders = self.runner.frame.me.orders
        if not orders:
            self.notify("No open orders.", markup=False)
        for o in orders:
            self.act(A.CancelOrder(order_id=o.id))

    CHART_MODES = {"line": "BTC-PERP", "candles": "BTC-PERP · candles", "book": "BTC-PERP · book and trades"}

    def action_chart_mode(self, mode: str | None = None) -> None:
        """g: the chart area cycles the price line, candles, and the book with the tape (remembered)."""
        modes = list(self.CHART_MODES)
        mode = mode if mode in modes else modes[(modes.index(self.chart.mode) + 1) % len(modes)]
        self.chart.mode = self.runner.chart_mode = mode
        self.chart.border_title = self.CHART_MODES[mode]
        if self.app.settings.get("chart") != mode:
            self.app.settings["chart"] = mode
            if self.app.store is not None:
                self.app.store.save_settings(chart=mode)
        self.runner.publish()

    def action_focus_chart(self) -> None:
        self.chart.focus()

    @on(OrderTicket.Done)
    def _done_editing(self) -> None:
        self.chart.focus()

    def on_descendant_focus(self, event) -> None:
        """One line of help for whatever has the keys (a terminal has no hover tooltips)."""
        if self.read_only or self.coach_step is not None:
            return
        widget_id = getattr(event.widget, "id", None) or getattr(event.widget.parent, "id", None) or ""
        self.query_one("#hint", Static).update(HINTS.get(widget_id, HINTS["chart"]))

    def action_next_panel(self) -> None:
        tabs = self.query_one(Tabs)
        ids = list(PANELS)
        tabs.active = ids[(ids.index(tabs.active) + 1) % len(ids)] if tabs.active in ids else ids[0]

    @on(Tabs.TabActivated, "#side-tabs")
    def _tab(self, event: Tabs.TabActivated) -> None:
        shown = PANELS.get(event.tab.id or "", ())
        for selectors in PANELS.values():
            for sel in selectors:
                for panel in self.query(sel):  # a game has no lesson panel
                    panel.set_class(sel in shown, "-shown")

    @on(PriceChart.Resized)
    def _chart_resized(self, event: PriceChart.Resized) -> None:
        self.runner.set_view(event.points, event.rows)
        if self.paused or self.runner.halted:
            self.runner.publish()

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen())

    # ------------------------------------------------------------------ halts, post-mortem, end
    @on(GameHalted)
    def _halted(self, message: GameHalted) -> None:
        self.paused = True
        self.render_frame()
        if message.halt.reason in ("liquidation", "adl"):
            self.app.bell()
            self.show_postmortem(message.halt)
        elif self.lesson is not None:
            self.end_lesson()
        else:
            self.notify("Time is up: the session is over.", title="Session end", markup=False)
            self.end_session()

    def show_postmortem(self, halt: Halt | None = None) -> None:
        """The post-mortem of the position the halt (or the last losing close) is about, or the open one."""
        from ..views.story import build_postmortem
        from .postmortem import PostMortemScreen

        if halt is not None:
            reason, contract = halt.reason, getattr(halt.event, "contract", "perp")
        elif self._last_loss is not None:
            reason, contract = "close", self._last_loss.contract
        else:
            reason, contract = "now", "perp"
        self._last_loss = None
        self.app.clear_notifications()  # a stale toast ("r: reduce") must not cover the post-mortem
        data = build_postmortem(self.runner, reason, contract)

        def closed(result: str | None) -> None:
            if result == "end":
                self.end_session()
            else:
                self.runner.publish()  # a fresh frame: the coach and the panels catch up

        self.app.push_screen(PostMortemScreen(data), closed)

    def action_explain(self) -> None:
        self.paused = True
        self._explained = True
        self.show_postmortem(None)

    def action_protect(self) -> None:
        """t: a stop-loss 2 % behind the perpetual position's entry, for the whole position."""
        pos = self._perp_position()
        if pos is None:
            self.notify("No open position to protect.", markup=False)
            return
        if any(o.type == "stop_loss" and o.contract == "perp" for o in self.runner.frame.me.orders):
            self.notify("This position already has a stop-loss (x cancels orders).", markup=False)
            return
        long_ = pos.side == "long"
        price = round(pos.entry * (0.98 if long_ else 1.02), 1)
        self.act(A.PlaceOrder(side="sell" if long_ else "buy", type="stop_loss", qty=pos.qty, price=price),
                 f"Stop-loss at {fmt.price(price)}: 2 % behind the entry")

    # ------------------------------------------------------------------ lessons on the play screen
    def check_action(self, action: str, parameters) -> bool | None:
        """The lesson keys exist only in a lesson."""
        return not (action in self.LESSON_ACTIONS and self.lesson is None)

    def action_answer(self) -> None:
        """k: answer the lesson's questions that may be answered now."""
        qs = [q for q in self.lesson.questions if q.when == "during" or self.run.finished]
        if not qs:
            self.notify("This lesson's question comes at the end.", markup=False, timeout=4)
            return
        self.paused = True
        self._ask(list(qs), then=None)

    def _ask(self, questions, then) -> None:
        """Ask the questions one after the other, then call ``then``."""
        from .lessons import QuestionScreen

        if not questions:
            if then is not None:
                then()
            return
        q = questions.pop(0)
        story = self.game.positions(0)[-1].narrative if self.run.finished and self.game.positions(0) else ""

        def got(value) -> None:
            if value is not None:
                ok, reason = self.run.answer(q.key, value)
                if not ok:
                    self.notify(reason, title="Answer", severity="warning", markup=False)
                self.query_one("#lesson", LessonPanel).answers = dict(self.run.answers)
            self._ask(questions, then)

        self.app.push_screen(QuestionScreen(q, context=story, previous=self.run.answers.get(q.key)), got)

    def action_finish(self) -> None:
        """f: play the rest of the lesson at once, then check it."""
        if self.result is not None:
            return
        self.paused = True
        self.runner.resume_after_halt()
        self.runner.advance(self.lesson.duration_s - self.game.tick)  # halts at the end: end_lesson follows

    def end_lesson(self) -> None:
        """Time is up: the questions not answered yet, then the check and the debrief."""
        if self.result is not None:
            return
        self.paused = True
        unanswered = [q for q in self.lesson.questions if q.key not in self.run.answers]
        self._ask(unanswered, then=self.check_lesson)

    def check_lesson(self) -> None:
        from ...lessons.progress import record
        from .lessons import DebriefScreen

        self.result = self.lesson.check(self.run)
        saved = record(self.app.store, self.lesson, self.result)
        if saved is not None and not saved.ok:
            self.notify(saved.message, title="Progress", severity="warning", markup=False)
        nxt = self.app.next_lesson(self.lesson)
        self.app.push_screen(DebriefScreen(self.lesson, self.result, has_next=nxt is not None), self._after_debrief)

    def _after_debrief(self, choice) -> None:
        nxt = self.app.next_lesson(self.lesson)
        self.app.pop_screen()  # this attempt's play screen
        if choice == "retry":
            self.app.start_lesson(self.lesson)
        elif choice == "next" and nxt is not None and self.result.passed:
            self.app.start_lesson(nxt)

    def action_end_session(self) -> None:
        if self.lesson is not None:
            from .confirm import ConfirmScreen

            self.paused = True
            self.app.push_screen(ConfirmScreen("End the lesson now and check it? The rest of its time is played "
                                               "at once."), lambda ok: self.action_finish() if ok else None)
            return
        from .confirm import ConfirmScreen

        if self.read_only:  # a replay has no score of its own: q goes back to where it was opened from
            self.paused = True
            self.app.push_screen(ConfirmScreen("Stop watching this replay?"),
                                 lambda ok: self.app.pop_screen() if ok else None)
            return
        if self.runner.halted and self.runner.halted.reason == "end":
            self.end_session()
            return
        self.paused = True
        self.app.push_screen(ConfirmScreen("End the session now? Your score is final."),
                             lambda ok: self.end_session() if ok else None)

    @property
    def in_progress(self) -> bool:
        """Something would be lost by leaving: time has passed or the player acted."""
        return self.runner.game.tick > 0 or bool(self.runner.game.log)

    def save_now(self) -> tuple[bool, str]:
        """Save this session's score as it stands (Ctrl+Q's "save and quit")."""
        from .session_end import build_session_end

        store = self.app.store
        if store is None:
            return False, "no data directory is available"
        data = build_session_end(self.runner, self.spec)
        record = dict(data.record, name=self.app.settings.get("player_name") or self.spec.player_name)
        result = store.save_session(record, list(data.log))
        return result.ok, result.message

    def on_resize(self, event) -> None:
        """The game pauses while the terminal is too small to show it."""
        from ..base import MIN_H, MIN_W

        if (self.app.size.width < MIN_W or self.app.size.height < MIN_H) and not self.paused:
            self.paused = True

    def end_session(self) -> None:
        from .session_end import SessionEndScreen, build_session_end

        self.paused = True
        data = build_session_end(self.runner, self.spec)
        self.app.push_screen(SessionEndScreen(data))

    # ------------------------------------------------------------------ command palette
    def commands(self):
        """(title, help, callback) for the command palette while this screen is active."""
        yield "Play / pause", "Start or stop the game clock", self.action_toggle_pause
        for s in SPEEDS:
            yield f"Speed {s}x", f"Run the game at {s} seconds per second", lambda s=s: self.action_speed(s)
        yield "Step one second", "Advance the paused game by one tick", self.action_step
        yield "Open long (ticket)", "Place the ticket's order as a buy / long", lambda: self.place("long")
        yield "Open short (ticket)", "Place the ticket's order as a sell / short", lambda: self.place("short")
        yield "Close position", "Close the whole perpetual position at market", self.action_close_position
        yield "Reduce position by half", "Close half of the position at market", self.action_reduce
        yield "Add or remove margin", "Type an amount for the isolated position", self.action_margin
        yield "Next leverage preset", "2, 5, 10, 20, 50, 100x in the ticket (key l)", self.action_leverage_preset
        yield "Protect: stop-loss 2 % behind the entry", "A reduce-only stop for the whole position (key t)", \
            self.action_protect
        yield "Jump to the next event", "Step until something happens to you (key j)", self.action_seek
        yield "Cancel all orders", "Cancel every open order", self.action_cancel_orders
        for o in self.runner.frame.me.orders:
            yield f"Cancel order #{o.id}", o.text, lambda o=o: self.act(A.CancelOrder(order_id=o.id))
        lev = self.ticket.draft.leverage.strip() if self.is_mounted else ""
        if lev.isdigit():
            yield (f"Set position leverage to {lev}x", "Apply the ticket's leverage to the open position",
                   lambda: self.act(A.SetLeverage(leverage=int(lev)), f"Leverage set to {lev}x"))
        for mode, words in DANGER_MODES.items():
            yield f"At a margin call: {words}", "What the clock does when your margin ratio reaches 80 %", \
                lambda m=mode: self.set_danger_mode(m)
        yield "Where did my margin go?", "Open the explanation of your losses so far", self.action_explain
        yield "End session", "Finish, see the score and save it", self.action_end_session
