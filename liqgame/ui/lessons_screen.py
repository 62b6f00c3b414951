"""Lessons in the terminal: the menu (status, briefing), a simple play view, questions, the debrief.

Flow: :class:`LessonsScreen` lists the lessons (locked / new / passed, best score) with the
highlighted lesson's briefing; Enter starts it in :class:`LessonPlayScreen` (market,
position, heatmap, the lesson's steps, an event log and one-key orders).  When the lesson's
time is up (or on ``f``, which plays the rest at once) the questions are asked with the
post-mortem on screen (:class:`QuestionScreen`), the lesson checks itself on engine
numbers, the attempt is recorded in the store, and :class:`DebriefScreen` shows the
result: pass/fail, the reason, hints, and the debrief with the player's own numbers.

The screen is self-contained (built-in Textual widgets only) so it works inside the main
app (``LessonsScreen()`` takes lessons and the store from the app) and on its own through
:func:`run_lessons_app` (``liqgame lesson``).  The game steps on the UI thread: lesson
markets are small (a few hundred traders), a step costs well under a millisecond.
"""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, OptionList, RichLog, Static
from textual.widgets.option_list import Option
from rich.text import Text

from ..engine import actions as A
from ..engine import events as ev
from ..engine import fmt_usd
from ..lessons.loader import scan_lessons
from ..lessons.model import Lesson, Result
from ..lessons.numbers import flows_table
from ..lessons.progress import record, statuses
from ..lessons.run import LessonRun
from . import fmt

SPEEDS = (1, 5, 20, 60)
CLOCK_INTERVAL = 0.1
ADL_LIGHTS = "▮▮▮▮▮"


def _fmt_price(x) -> str:
    return "—" if x is None else f"{x:,.1f}"


# ---------------------------------------------------------------------- the menu
class LessonsScreen(Screen):
    """The lesson menu: status of every lesson and the highlighted lesson's briefing."""

    DEFAULT_CSS = """
    LessonsScreen #lessons-body { height: 1fr; }
    LessonsScreen #lesson-list { width: 46; height: 1fr; border: round $primary; }
    LessonsScreen #lesson-brief { width: 1fr; height: 1fr; border: round $secondary; padding: 0 1; }
    LessonsScreen #lessons-title { height: 1; padding: 0 1; background: $boost; }
    """
    BINDINGS = [
        Binding("enter", "start", "Start lesson"),
        Binding("escape,q", "back", "Back"),
    ]

    def __init__(self, lessons: list[Lesson] | None = None, *, store=None, start: Lesson | None = None,
                 errors: list | None = None):
        super().__init__()
        self._lessons = lessons
        self._store = store
        self._start = start
        self._errors = list(errors or [])
        self.rows = []

    def compose(self) -> ComposeResult:
        yield Static("Lessons: where does the money go after a liquidation?", id="lessons-title", markup=False)
        with Horizontal(id="lessons-body"):
            yield OptionList(id="lesson-list", markup=False)
            with VerticalScroll(id="lesson-brief"):
                yield Static("", id="brief-text", markup=False)
        yield Footer()

    @property
    def store(self):
        return self._store if self._store is not None else getattr(self.app, "store", None)

    def on_mount(self) -> None:
        if self._lessons is None:
            self._lessons, errors = scan_lessons()
            self._errors += errors
        for e in self._errors:
            self.notify(str(e), title="Lesson file skipped", severity="warning", timeout=12, markup=False)
        self.refresh_list()
        self.query_one(OptionList).focus()
        if self._start is not None:
            lesson, self._start = self._start, None
            self.start_lesson(lesson)

    def on_screen_resume(self) -> None:
        if self.rows:
            self.refresh_list()

    def progress(self) -> dict:
        try:
            return self.store.lesson_progress() if self.store is not None else {}
        except Exception:
            return {}

    def refresh_list(self) -> None:
        ol = self.query_one(OptionList)
        keep = ol.highlighted
        self.rows = statuses(self._lessons, self.progress())
        ol.clear_options()
        for s in self.rows:
            mark = "✔" if s.status == "passed" else ("-" if not s.unlocked else " ")
            ol.add_option(Option(f"{mark} {s.lesson.number:>2}. {s.lesson.title}  [{s.label}]", id=s.lesson.id))
        if self.rows:
            first_open = next((k for k, s in enumerate(self.rows) if s.unlocked and s.status != "passed"), 0)
            ol.highlighted = keep if keep is not None and keep < len(self.rows) else first_open
            self.show_brief(self.rows[ol.highlighted])

    @on(OptionList.OptionHighlighted, "#lesson-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index is not None and event.option_index < len(self.rows):
            self.show_brief(self.rows[event.option_index])

    @on(OptionList.OptionSelected, "#lesson-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_start()

    def show_brief(self, s) -> None:
        lesson = s.lesson
        parts = [f"Lesson {lesson.number}: {lesson.title}", f"Status: {s.label}"
                 + (f" · attempts {s.attempts}" if s.attempts else ""), "", lesson.briefing, ""]
        if lesson.steps:
            parts += ["What to do:"] + [f"  {k}. {step}" for k, step in enumerate(lesson.steps, 1)] + [""]
        parts.append(f"Market: {lesson.scenario.start_price:,.0f} USD, {lesson.scenario.bots} traders, "
                     f"rulebook {lesson.rulebook}, {lesson.duration_s // 60} min {lesson.duration_s % 60} s "
                     f"of game time, balance {lesson.starting_balance:,.0f} USD.")
        if not s.unlocked:
            parts += ["", "Locked: pass the previous lesson first."]
        else:
            parts += ["", "Press Enter to start."]
        self.query_one("#brief-text", Static).update("\n".join(parts))

    def action_start(self) -> None:
        ol = self.query_one(OptionList)
        if ol.highlighted is None or not self.rows:
            return
        s = self.rows[ol.highlighted]
        if not s.unlocked:
            self.notify("Pass the previous lesson first.", title="Locked", severity="warning", markup=False)
            return
        self.start_lesson(s.lesson)

    def start_lesson(self, lesson: Lesson) -> None:
        self.app.push_screen(LessonPlayScreen(lesson, store=self.store, next_lesson=self._next_of(lesson)))

    def _next_of(self, lesson: Lesson) -> Lesson | None:
        later = [x for x in self._lessons if x.number > lesson.number]
        return min(later, key=lambda x: x.number) if later else None

    def action_back(self) -> None:
        if isinstance(self.app, LessonsApp):
            self.app.exit()
        else:
            self.app.pop_screen()


# ---------------------------------------------------------------------- playing
class LessonPlayScreen(Screen):
    """A lesson being played: the market, your position, the steps, and one-key orders."""

    DEFAULT_CSS = """
    LessonPlayScreen #lp-status { height: 1; padding: 0 1; background: $boost; }
    LessonPlayScreen #lp-body { height: 1fr; }
    LessonPlayScreen #lp-left { width: 1fr; }
    LessonPlayScreen #lp-right { width: 60; }
    LessonPlayScreen #lp-market { height: auto; border: round $primary; padding: 0 1; }
    LessonPlayScreen #lp-heat { height: auto; border: round $primary; padding: 0 1; }
    LessonPlayScreen #lp-log { height: 1fr; border: round $primary; }
    LessonPlayScreen #lp-steps { height: auto; max-height: 12; border: round $secondary; padding: 0 1; }
    LessonPlayScreen #lp-position { height: auto; border: round $secondary; padding: 0 1; }
    LessonPlayScreen #lp-ticket { height: auto; border: round $secondary; padding: 0 1; }
    LessonPlayScreen #lp-ticket Horizontal { height: auto; }
    LessonPlayScreen #lp-ticket Input { width: 1fr; }
    LessonPlayScreen .lp-label { width: auto; padding: 1 1 0 0; }
    """
    BINDINGS = [
        Binding("space", "toggle_pause", "Play/Pause", priority=True),
        Binding("plus,equals_sign", "faster", "Faster", priority=True),
        Binding("minus", "slower", "Slower", priority=True),
        Binding("b", "open('long')", "Long", priority=True),
        Binding("s", "open('short')", "Short", priority=True),
        Binding("c", "close", "Close", priority=True),
        Binding("t", "stop_loss", "Stop-loss", priority=True),
        Binding("m", "margin_mode", "Iso/Cross", priority=True),
        Binding("a", "answer", "Answer", priority=True),
        Binding("f", "finish", "Finish & check", priority=True),
        Binding("escape", "leave", "Lessons"),
    ]

    def __init__(self, lesson: Lesson, *, store=None, next_lesson: Lesson | None = None, clock: bool = True):
        super().__init__()
        self.lesson = lesson
        self.store = store
        self.next_lesson = next_lesson
        self.use_clock = clock
        self.run: LessonRun = lesson.start()
        self.paused = True
        self.speed = SPEEDS[1]
        self._due = 0.0
        self._timer = None
        self._done = False
        self.result: Result | None = None
        self.crowd_liquidated = 0
        self._mounted = False

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static("", id="lp-status", markup=False)
        with Horizontal(id="lp-body"):
            with Vertical(id="lp-left"):
                yield Static("", id="lp-market", markup=False)
                yield Static("", id="lp-heat", markup=False)
                yield RichLog(id="lp-log", max_lines=400, markup=False, wrap=True)
            with VerticalScroll(id="lp-right"):
                yield Static("", id="lp-steps", markup=False)
                yield Static("", id="lp-position", markup=False)
                with Vertical(id="lp-ticket"):
                    with Horizontal():
                        yield Static("BTC", classes="lp-label", markup=False)
                        yield Input(value=self._default_qty(), id="qty", restrict=r"[0-9.]*")
                        yield Static("lev", classes="lp-label", markup=False)
                        yield Input(value="10", id="lev", restrict=r"[0-9]*")
                    with Horizontal():
                        yield Static("stop", classes="lp-label", markup=False)
                        yield Input(placeholder="stop-loss price", id="stop", restrict=r"[0-9.]*")
                        yield Button("Answer", id="answer-btn")
        yield Footer()

    def _default_qty(self) -> str:
        return "0.1"

    def on_mount(self) -> None:
        self._mounted = True
        self.query_one("#lp-market").border_title = "Market"
        self.query_one("#lp-heat").border_title = "Liquidation heatmap"
        self.query_one("#lp-log").border_title = "Events"
        self.query_one("#lp-steps").border_title = f"Lesson {self.lesson.number}: {self.lesson.title}"
        self.query_one("#lp-position").border_title = "Your account"
        self.query_one("#lp-ticket").border_title = "Order (b long · s short · t stop · c close · m margin)"
        steps = [f"{k}. {s}" for k, s in enumerate(self.lesson.steps, 1)] or [self.lesson.summary]
        self.query_one("#lp-steps", Static).update("\n".join(steps))
        log = self.query_one(RichLog)
        log.write(f"Lesson {self.lesson.number}: {self.lesson.title}. Paused: press space to start the clock.")
        if self.use_clock:
            self._timer = self.set_interval(CLOCK_INTERVAL, self._clock)
        self.refresh_view()

    # ------------------------------------------------------------------ time
    def _clock(self) -> None:
        if self.paused or self._done:
            return
        self._due += self.speed * CLOCK_INTERVAL
        n = int(self._due)
        if n:
            self._due -= n
            self.advance(n)

    def advance(self, ticks: int) -> None:
        """Step the lesson's game ``ticks`` seconds (tests call this with the clock off)."""
        events = []
        for _ in range(ticks):
            if self.run.finished:
                break
            events += self.run.step()
        self.show_events(events)
        self.refresh_view()
        if self.run.finished and not self._done:
            self.end_lesson()

    def action_toggle_pause(self) -> None:
        if self._done:
            return
        self.paused = not self.paused
        self.refresh_view()

    def action_faster(self) -> None:
        k = SPEEDS.index(self.speed)
        self.speed = SPEEDS[min(k + 1, len(SPEEDS) - 1)]
        self.refresh_view()

    def action_slower(self) -> None:
        k = SPEEDS.index(self.speed)
        self.speed = SPEEDS[max(k - 1, 0)]
        self.refresh_view()

    # ------------------------------------------------------------------ orders
    def _number(self, widget_id: str, what: str) -> float | None:
        text = self.query_one(f"#{widget_id}", Input).value.strip()
        try:
            value = float(text)
        except ValueError:
            self.notify(f"type a {what} first", title="Order", severity="warning", markup=False)
            return None
        return value

    def apply(self, action: A.Action) -> bool:
        result = self.run.apply(action)
        if not result.ok:
            self.notify(result.reason, title="Refused", severity="warning", markup=False)
        self.show_events(list(result.events))
        self.refresh_view()
        return result.ok

    def action_open(self, side: str) -> None:
        qty = self._number("qty", "size in BTC")
        lev = self._number("lev", "leverage")
        if qty is None or lev is None:
            return
        if lev != int(lev):
            self.notify("leverage must be a whole number", severity="warning", markup=False)
            return
        self.apply(A.PlaceOrder(side=side, qty=qty, leverage=int(lev)))

    def action_close(self) -> None:
        self.apply(A.ClosePosition())

    def action_stop_loss(self) -> None:
        price = self._number("stop", "stop-loss price")
        if price is None:
            return
        q = int(self.run.game.venue.books[0].qty[self.run.trader])
        if q == 0:
            self.notify("open a position first: a stop-loss closes one", severity="warning", markup=False)
            return
        self.apply(A.PlaceOrder(side="sell" if q > 0 else "buy", qty=abs(q) / 1000, type="stop_loss", price=price))

    def action_margin_mode(self) -> None:
        i = self.run.trader
        cross = self.run.game.desk.cross_of(i, 0)
        if self.apply(A.SetMarginMode(mode="isolated" if cross else "cross")):
            self.notify(f"margin mode: {'isolated' if cross else 'cross'}", markup=False, timeout=3)

    @on(Button.Pressed, "#answer-btn")
    def _answer_pressed(self) -> None:
        self.action_answer()

    @on(Input.Submitted)
    def _input_done(self) -> None:
        self.set_focus(None)

    def action_answer(self) -> None:
        qs = [q for q in self.lesson.questions if q.when == "during" or self.run.finished]
        if not qs:
            self.notify("This lesson's question comes at the end.", markup=False, timeout=4)
            return
        self._ask(list(qs), then=None)

    def _ask(self, questions, then) -> None:
        """Ask the questions one after the other, then call ``then``."""
        if not questions:
            if then is not None:
                then()
            return
        q = questions.pop(0)
        context = flows_table(self.run.game.explain(0)) if self.run.finished else ""

        def got(value) -> None:
            if value is not None:
                ok, reason = self.run.answer(q.key, value)
                if not ok:
                    self.notify(reason, title="Answer", severity="warning", markup=False)
                else:
                    self.query_one(RichLog).write(f"You answered: {value}")
            self._ask(questions, then)

        self.app.push_screen(QuestionScreen(q, context=context, previous=self.run.answers.get(q.key)), got)

    # ------------------------------------------------------------------ the end
    def action_finish(self) -> None:
        """Play the rest of the lesson at once, then check it."""
        if self._done:
            return
        self.paused = True
        self.advance(self.lesson.duration_s - self.run.tick)

    def end_lesson(self) -> None:
        self._done = True
        self.paused = True
        self.refresh_view()
        unanswered = [q for q in self.lesson.questions if q.key not in self.run.answers]
        self._ask(unanswered, then=self.check)

    def check(self) -> None:
        self.result = self.lesson.check(self.run)
        saved = record(self.store, self.lesson, self.result)
        if saved is not None and not saved.ok:
            self.notify(saved.message, title="Progress", severity="warning", markup=False)
        self.app.push_screen(DebriefScreen(self.lesson, self.result, has_next=self.next_lesson is not None),
                             self._after_debrief)

    def _after_debrief(self, choice) -> None:
        if choice == "retry":
            self.app.switch_screen(LessonPlayScreen(self.lesson, store=self.store, next_lesson=self.next_lesson,
                                                    clock=self.use_clock))
        elif choice == "next" and self.next_lesson is not None and self.result and self.result.passed:
            nxt = self._next_after(self.next_lesson)
            self.app.switch_screen(LessonPlayScreen(self.next_lesson, store=self.store, next_lesson=nxt,
                                                    clock=self.use_clock))
        else:
            self.app.pop_screen()

    def _next_after(self, lesson: Lesson) -> Lesson | None:
        menu = next((s for s in self.app.screen_stack if isinstance(s, LessonsScreen)), None)
        return menu._next_of(lesson) if menu is not None else None

    def action_leave(self) -> None:
        """Leaving a lesson under way throws the attempt away: ask first."""
        if self.run.tick == 0 and not self.run.actions:
            self.app.pop_screen()
            return
        from .confirm import ConfirmScreen

        self.app.push_screen(ConfirmScreen("Leave this lesson? This attempt will not be checked or recorded."),
                             lambda ok: self.app.pop_screen() if ok else None)

    # ------------------------------------------------------------------ rendering
    def show_events(self, events) -> None:
        log = self.query_one(RichLog)
        me = self.run.trader
        for e in events:
            line = event_line(e, me)
            if isinstance(e, ev.CrowdLiquidations):
                self.crowd_liquidated += e.long_count + e.short_count
            if line:
                log.write(Text(line, style="bold red" if isinstance(e, (ev.Liquidation, ev.ADLEvent)) else ""))

    def refresh_view(self) -> None:
        if not self._mounted:
            return
        g = self.run.game
        snap = g.snapshot()
        m, me = snap.market, snap.players[0]
        state = "finished" if self._done else ("paused" if self.paused else f"running {self.speed}x")
        self.query_one("#lp-status", Static).update(
            f"Lesson {self.lesson.number} · {self.lesson.title} · {self.run.tick}/{self.lesson.duration_s} s · {state}"
            f" · rulebook {g.rulebook.name}")
        self.query_one("#lp-market", Static).update("\n".join([
            f"mark {m.mark:,.1f}   index {m.index:,.1f}   last {m.last:,.1f}",
            f"funding {fmt.funding(m.funding_rate, m.funding_interval_s)} next in {m.seconds_to_funding} s   "
            f"open interest {m.open_interest_btc:,.1f} BTC",
            f"insurance fund {m.insurance_fund:,.2f} USD   crowd liquidations {self.crowd_liquidated}",
        ]))
        self.query_one("#lp-heat", Static).update(heatmap_lines(g, m.mark))
        lines = [f"equity {me.equity:,.2f} USD   available {me.available:,.2f}",
                 f"liquidations {me.liquidations}   margin mode {'cross' if g.desk.cross_of(self.run.trader, 0) else 'isolated'}"]
        if me.leverage_cap:
            lines.append(f"RESTRICTED: max {me.leverage_cap}x for {me.restricted_seconds} s")
        for p in me.positions:
            lines += ["", f"{p.side.upper()} {p.qty:g} BTC {p.contract} {p.leverage}x {'cross' if p.cross else 'isolated'}",
                      f"entry {p.entry:,.1f}   mark {p.mark:,.1f}   PnL {p.upnl:+,.2f}",
                      f"liquidation {_fmt_price(p.liquidation_price)}   bankruptcy {_fmt_price(p.bankruptcy_price)}",
                      f"margin {p.margin:,.2f}   ratio {p.margin_ratio * 100:.1f} %   "
                      f"({p.distance_pct * 100:.2f} % to liquidation)",
                      f"ADL {ADL_LIGHTS[:p.adl_lights]}{'▯' * (5 - p.adl_lights)} {p.adl_lights}/5"]
        if not me.positions:
            lines += ["", "no position"]
        for o in me.orders:
            lines.append(f"order {o.text}")
        answered = [f"{k}: {v}" for k, v in self.run.answers.items()]
        if answered:
            lines += ["", "answers: " + "; ".join(answered)]
        self.query_one("#lp-position", Static).update("\n".join(lines))


def event_line(e, me: int) -> str:
    """One log line for an event that matters in a lesson (plain text)."""
    t = f"{e.tick:>4}s "
    if isinstance(e, ev.CrowdLiquidations):
        n = e.long_count + e.short_count
        side = "longs" if e.long_count else "shorts"
        return f"{t}crowd: {n} {side} liquidated ({e.long_qty + e.short_qty:,.2f} BTC) near {e.price:,.1f}; " \
               f"fund {fmt_usd(e.fund_change, signed=True)}"
    if getattr(e, "player", None) not in (me, None) and not isinstance(e, ev.FundingPaid):
        return ""
    if isinstance(e, ev.Fill):
        return f"{t}{e.side} {e.qty:g} BTC at {e.price:,.1f} ({e.reason}), fee {fmt_usd(e.fee)}"
    if isinstance(e, ev.Liquidation):
        return f"{t}LIQUIDATED: {e.explanation}"
    if isinstance(e, ev.MarginCall):
        return f"{t}MARGIN CALL: ratio {e.margin_ratio * 100:.0f} %, liquidation at {e.liquidation_price:,.1f}"
    if isinstance(e, ev.ADLEvent):
        if e.player is None:
            return f"{t}ADL: {e.count} crowd {e.side}s closed at {e.price:,.1f}"
        return f"{t}AUTO-DELEVERAGED: {e.qty:g} BTC of your {e.side} closed at {e.price:,.1f}"
    if isinstance(e, ev.FundingPaid):
        paid = e.player_payments.get(me, 0)
        who = f"; you {'paid' if paid > 0 else 'received'} {fmt_usd(abs(paid))}" if paid else ""
        return f"{t}funding settled at {e.rate * 100:+.4f} %{who}"
    if isinstance(e, ev.SocialisedLoss):
        return f"{t}socialised loss {fmt_usd(e.amount)} charged to open positions"
    if isinstance(e, (ev.Notice, ev.OrderPlaced, ev.OrderCancelled)):
        text = getattr(e, "text", None) or getattr(e, "description", None) or f"order {e.order_id} {e.reason}"
        return f"{t}{text}"
    return ""


def heatmap_lines(game, mark: float, rows: int = 9, span: float = 0.06) -> str:
    """Long liquidations below the mark, short ones above, as bars (notional in M USD)."""
    hm = game.heatmap(buckets=rows * 2, span=span)
    peak = max(float(hm.longs.max()), float(hm.shorts.max()), 1.0)
    out = []
    for k in range(len(hm.longs) - 1, -1, -1):
        lo, hi = hm.edges[k], hm.edges[k + 1]
        w = hm.shorts[k] if lo >= mark else hm.longs[k]
        tag = "S" if lo >= mark else "L"
        bar = "█" * int(round(24 * w / peak))
        here = " ◀ mark" if lo <= mark < hi else ""
        out.append(f"{(lo + hi) / 2:>10,.0f} {tag} {bar:<24} {w / 1e6:5.2f}M{here}")
    return "\n".join(out)


# ---------------------------------------------------------------------- questions and debrief
class QuestionScreen(ModalScreen):
    """One question: a choice among options, or a price typed in. Dismisses with the answer (or None)."""

    DEFAULT_CSS = """
    QuestionScreen { align: center middle; }
    QuestionScreen #q-box { width: 96; max-height: 90%; height: auto; border: thick $primary; padding: 1 2;
                            background: $surface; }
    QuestionScreen #q-context { height: auto; max-height: 16; }
    QuestionScreen OptionList { height: auto; max-height: 10; }
    """
    BINDINGS = [Binding("escape", "skip", "Later")]

    def __init__(self, question, *, context: str = "", previous=None):
        super().__init__()
        self.question = question
        self.context = context
        self.previous = previous

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="q-box"):
            if self.context:
                yield Static("Post-mortem (positive: paid there; negative: came to you)\n" + self.context,
                             id="q-context", markup=False)
            yield Static(self.question.prompt, id="q-prompt", markup=False)
            if self.question.kind == "choice":
                yield OptionList(*[Option(c, id=f"c{k}") for k, c in enumerate(self.question.choices)],
                                 id="q-choices", markup=False)
            else:
                yield Input(value="" if self.previous is None else f"{self.previous:.0f}",
                            placeholder="price in USD", id="q-price", restrict=r"[0-9.,]*")

    def on_mount(self) -> None:
        (self.query_one(OptionList) if self.question.kind == "choice" else self.query_one(Input)).focus()

    @on(OptionList.OptionSelected, "#q-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.question.choices[event.option_index])

    @on(Input.Submitted, "#q-price")
    def _typed(self, event: Input.Submitted) -> None:
        ok, reason, value = self.question.accept(event.value)
        if not ok:
            self.notify(reason, severity="warning", markup=False)
            return
        self.dismiss(value)

    def action_skip(self) -> None:
        self.dismiss(None)


class DebriefScreen(ModalScreen):
    """Pass or fail, the reason, each goal, hints, and the debrief. Dismisses with retry/next/menu."""

    DEFAULT_CSS = """
    DebriefScreen { align: center middle; }
    DebriefScreen #d-box { width: 100; max-height: 95%; height: auto; border: thick $primary; padding: 0 2;
                           background: $surface; }
    DebriefScreen #d-buttons { height: auto; }
    DebriefScreen #d-scroll { height: auto; max-height: 1fr; }
    """
    BINDINGS = [Binding("r", "choose('retry')", "Retry"), Binding("n", "choose('next')", "Next lesson"),
                Binding("escape", "choose('menu')", "Lessons")]

    def __init__(self, lesson: Lesson, result: Result, *, has_next: bool = False):
        super().__init__()
        self.lesson = lesson
        self.result = result
        self.has_next = has_next

    def compose(self) -> ComposeResult:
        r = self.result
        with Vertical(id="d-box"):
            head = Text(("PASSED" if r.passed else "NOT YET") + f" · lesson {self.lesson.number}: {self.lesson.title}",
                        style="bold green" if r.passed else "bold red")
            yield Static(head, id="d-head")
            with Horizontal(id="d-buttons"):
                yield Button("Retry (r)", id="retry")
                if r.passed and self.has_next:
                    yield Button("Next lesson (n)", id="next", variant="primary")
                yield Button("Lessons (esc)", id="menu")
            with VerticalScroll(id="d-scroll"):
                goals = "\n".join(f"  {'✔' if ok else '✘'} {reason}" for _, ok, reason in r.goals)
                yield Static(goals, id="d-goals", markup=False)
                if not r.passed:
                    yield Static("Hints:\n" + "\n".join(f"  · {h}" for h in r.hints), id="d-hints", markup=False)
                else:
                    yield Static(f"Score {r.score}", id="d-score", markup=False)
                yield Static("\n" + r.debrief, id="d-text", markup=False)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)

    def action_choose(self, choice: str) -> None:
        if choice == "next" and not (self.result.passed and self.has_next):
            return
        self.dismiss(choice)


# ---------------------------------------------------------------------- standalone app
class LessonsApp(App):
    """``liqgame lesson``: the lesson menu on its own (or one lesson started directly)."""

    TITLE = "liqgame lessons"

    def __init__(self, lessons: list[Lesson], *, store=None, start: Lesson | None = None):
        super().__init__()
        self.lessons = lessons
        self.store = store
        self.start = start

    def on_mount(self) -> None:
        self.push_screen(LessonsScreen(self.lessons, store=self.store, start=self.start))


def run_lessons_app(lessons: list[Lesson], *, store=None, start: Lesson | None = None) -> int:
    LessonsApp(lessons, store=store, start=start).run()
    return 0
