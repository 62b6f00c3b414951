"""The lessons around the play screen: the lesson list with its briefing, a question, the debrief.

A lesson itself is played on the play screen (same chart, ticket, keys, feed and post-mortem
as a game) with a lesson panel; :class:`LessonsScreen` starts one, :class:`QuestionScreen`
asks a question (during the lesson with ``k``, or at the end), and :class:`DebriefScreen`
shows the verdict, each goal, hints and, for a pass, the debrief with the player's numbers.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from ...lessons.loader import scan_lessons
from ...lessons.model import Lesson, Result
from ...lessons.progress import statuses
from ..views.draft import NUMBER


def lesson_row(s) -> Table:
    """Status and number in a fixed column, the title wrapping beside them (never under the number)."""
    mark = "✔" if s.status == "passed" else ("·" if not s.unlocked else " ")
    word = {"passed": "passed"}.get(s.status, s.label) if s.unlocked else "locked"
    row = Table.grid(padding=(0, 1))
    row.add_column(width=4)
    row.add_column(width=6, style="dim")
    row.add_column(ratio=1)
    row.add_row(f"{mark} {s.lesson.number:>2}", word, s.lesson.title)
    return row


# ---------------------------------------------------------------------- the menu
class LessonsScreen(Screen):
    """The lesson menu: status of every lesson and the highlighted lesson's briefing."""

    DEFAULT_CSS = """
    LessonsScreen #lessons-body { height: 1fr; }
    LessonsScreen #lesson-list { width: 50%; min-width: 44; max-width: 62; height: 1fr; border: round $primary; }
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
            ol.add_option(Option(lesson_row(s), id=s.lesson.id))
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
        self.app.lessons = self._lessons
        self.app.start_lesson(lesson)

    def action_back(self) -> None:
        if len(self.app.screen_stack) <= 2 and getattr(self.app, "lessons_only", False):
            self.app.exit()  # ``liqgame lesson``: the list is the whole app
        else:
            self.app.pop_screen()


# ---------------------------------------------------------------------- questions and debrief
class QuestionScreen(ModalScreen):
    """One question: a choice among options, or a price typed in. Dismisses with the answer (or None)."""

    DEFAULT_CSS = """
    QuestionScreen { align: center middle; }
    QuestionScreen #q-box { width: 96; max-width: 100%; max-height: 90%; height: auto; border: thick $primary; padding: 1 2;
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
                yield Static("Your last position's post-mortem (e on the play screen shows it whole):\n"
                             + self.context, id="q-context", markup=False)
            yield Static(self.question.prompt, id="q-prompt", markup=False)
            if self.question.kind == "choice":
                yield OptionList(*[Option(c, id=f"c{k}") for k, c in enumerate(self.question.choices)],
                                 id="q-choices", markup=False)
            else:
                yield Input(value="" if self.previous is None else f"{self.previous:.0f}",
                            placeholder="price in USD", id="q-price", restrict=NUMBER)

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
    DebriefScreen #d-box { width: 100; max-width: 100%; max-height: 95%; height: auto; border: thick $primary; padding: 0 2;
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
                yield Static(bullets((("✔" if ok else "✘", reason) for _, ok, reason in r.goals)), id="d-goals")
                if not r.passed:  # the debrief is written for a pass: its numbers would be missing
                    yield Static(Text("\nHints", style="bold"), id="d-hints-title")
                    yield Static(bullets(("·", h) for h in r.hints), id="d-hints")
                else:
                    yield Static(score_words(self.lesson, r.score), id="d-score", markup=False)
                    yield Static("\n" + r.debrief, id="d-text", markup=False)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)

    def action_choose(self, choice: str) -> None:
        if choice == "next" and not (self.result.passed and self.has_next):
            return
        self.dismiss(choice)


def bullets(items) -> Table:
    """Marked lines whose wrapped text stays indented under its first word."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=3, justify="right")
    grid.add_column(ratio=1)
    for mark, words in items:
        grid.add_row(mark, Text(words))
    return grid


def score_words(lesson: Lesson, score: int) -> str:
    """What the lesson's score means."""
    if lesson.scoring == "pass":
        return f"Score {score}: this lesson scores 1,000 for a pass."
    return (f"Score {score}: the game's own score for the session - 1,000 x growth x (1 - drawdown)² x "
            f"0.5^liquidations x exposure (see the help, Score): survival while taking risk.")
