"""Title screen and the new-game form (scenario, rulebook, difficulty, starting balance)."""

from __future__ import annotations

import datetime as dt
import secrets

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from ...assets_io import scenarios
from ...engine import DEFAULT_RULEBOOK, RULEBOOKS, GameConfig
from ...playable import DIFFICULTIES, balance_problem, crowd_size, daily_config
from ...store import daily_key
from ..base import BaseScreen, GameSpec

LOGO = r"""
 _ _                                   
| (_) __ _  __ _  __ _ _ __ ___   ___ 
| | |/ _` |/ _` |/ _` | '_ ` _ \ / _ \
| | | (_| | (_| | (_| | | | | | |  __/
|_|_|\__, |\__, |\__,_|_| |_| |_|\___|
        |_| |___/                      """.strip("\n")

MENU = (
    ("play", "Play", "choose a market, a rulebook and a difficulty"),
    ("daily", "Daily challenge", "today's market, the same for everyone"),
    ("lessons", "Lessons", "short exercises: margin, liquidation, ADL"),
    ("scores", "High scores", "the best sessions on this machine"),
    ("help", "Help", "keys and glossary"),
    ("quit", "Quit", ""),
)


def daily_spec(today: dt.date, name: str = "you") -> GameSpec:
    """Today's challenge (see :func:`liqgame.playable.daily_config`)."""
    return GameSpec(daily_config(today, name), kind="daily", daily_date=daily_key(today), player_name=name)


class MenuScreen(BaseScreen):
    BINDINGS = [Binding("p", "choose('play')", "Play"), Binding("d", "choose('daily')", "Daily"),
                Binding("l", "choose('lessons')", "Lessons"), Binding("h", "choose('scores')", "Scores"),
                Binding("question_mark,f1", "choose('help')", "Help"), Binding("q", "choose('quit')", "Quit")]

    def body(self) -> ComposeResult:
        with Vertical(id="menu"):
            yield Static(LOGO, id="logo", markup=False)
            yield Static("Leveraged bitcoin futures. Get liquidated, then see exactly where the money went.",
                         id="tagline", markup=False)
            yield OptionList(*[Option(Text.assemble((label, "bold"), ("  " + hint, "dim")), id=key)
                               for key, label, hint in MENU], id="menu-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#menu-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_choose(event.option.id)

    def action_choose(self, key: str) -> None:
        app = self.app
        if key == "play":
            app.push_screen(NewGameScreen())
        elif key == "daily":
            name = (getattr(app, "settings", {}) or {}).get("player_name", "you")
            app.start_game(daily_spec(dt.date.today(), name))
        elif key == "lessons":
            app.action_lessons()
        elif key == "scores":
            from .scores import ScoresScreen

            app.push_screen(ScoresScreen())
        elif key == "help":
            from .help import HelpScreen

            app.push_screen(HelpScreen())
        elif key == "quit":
            app.exit()


class NewGameScreen(BaseScreen):
    """The new-game form; remembers the last choices in the store's settings."""

    AUTO_FOCUS = "#ng-scenario"
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("ctrl+s", "start", "Start")]

    def body(self) -> ComposeResult:
        s = getattr(self.app, "settings", {}) or {}
        names = scenarios()
        scenario = s.get("scenario") if s.get("scenario") in names else next(iter(names))
        rulebook = s.get("rulebook") if s.get("rulebook") in RULEBOOKS else DEFAULT_RULEBOOK
        difficulty = s.get("difficulty") if s.get("difficulty") in DIFFICULTIES else "normal"
        with VerticalScroll(id="newgame"):
            yield Static(Text("New game", "bold"), id="ng-title")
            with Horizontal(classes="ng-row"):
                yield Label("Market", classes="ng-label")
                yield Select([(sc.title, n) for n, sc in names.items()], value=scenario, allow_blank=False,
                             id="ng-scenario")
            yield Static(id="ng-scenario-text", classes="ng-help")
            with Horizontal(classes="ng-row"):
                yield Label("Rulebook", classes="ng-label")
                yield Select([(rb.title, n) for n, rb in RULEBOOKS.items()], value=rulebook, allow_blank=False,
                             id="ng-rulebook")
            yield Static(id="ng-rulebook-text", classes="ng-help")
            with Horizontal(classes="ng-row"):
                yield Label("Difficulty", classes="ng-label")
                yield Select([(d.label, k) for k, d in DIFFICULTIES.items()], value=difficulty, allow_blank=False,
                             id="ng-difficulty")
            with Horizontal(classes="ng-row"):
                yield Label("Balance USD", classes="ng-label")
                yield Input(str(int(DIFFICULTIES[difficulty].balance)), id="ng-balance", type="number")
            with Horizontal(classes="ng-row"):
                yield Label("Your name", classes="ng-label")
                yield Input(str(s.get("player_name") or "you"), max_length=24, id="ng-name")
            yield Static("", id="ng-error", markup=False)
            yield Button("Start (Ctrl+S)", variant="primary", id="ng-start")
        yield Footer()

    def on_mount(self) -> None:
        self._describe()

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        if event.select.id == "ng-difficulty" and event.value in DIFFICULTIES:
            self.query_one("#ng-balance", Input).value = str(int(DIFFICULTIES[event.value].balance))
        self._describe()

    def _describe(self) -> None:
        sc = scenarios().get(self.query_one("#ng-scenario", Select).value)
        rb = RULEBOOKS.get(self.query_one("#ng-rulebook", Select).value)
        if sc is not None:
            hours = sc.duration_s / 3600
            self.query_one("#ng-scenario-text", Static).update(
                Text(f"{sc.description} ({hours:g} h of game time, {sc.bots:,} traders)"))
        if rb is not None:
            self.query_one("#ng-rulebook-text", Static).update(Text(rb.summary))

    @on(Button.Pressed, "#ng-start")
    def action_start(self) -> None:
        scenario = self.query_one("#ng-scenario", Select).value
        rulebook = self.query_one("#ng-rulebook", Select).value
        difficulty = self.query_one("#ng-difficulty", Select).value
        name = self.query_one("#ng-name", Input).value.strip() or "you"
        error = self.query_one("#ng-error", Static)
        try:
            balance = float(self.query_one("#ng-balance", Input).value)
        except ValueError:
            balance = -1.0
        problem = balance_problem(balance)
        if problem:
            error.update(problem)
            return
        bots = crowd_size(scenario, difficulty)
        # every new game gets its own market (two browser tabs never share one); the seed is
        # saved with the session, so the game stays replayable
        config = GameConfig(seed=secrets.randbelow(2**31 - 1) + 1, scenario=scenario, rulebook=rulebook,
                            players=(name,), starting_balance=balance, bots=bots)
        store = getattr(self.app, "store", None)
        if store is not None:
            store.save_settings(scenario=scenario, rulebook=rulebook, difficulty=difficulty, player_name=name)
        if hasattr(self.app, "settings"):
            self.app.settings.update(scenario=scenario, rulebook=rulebook, difficulty=difficulty, player_name=name)
        self.app.pop_screen()
        self.app.start_game(GameSpec(config, player_name=name))
