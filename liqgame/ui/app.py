"""The Textual app: ``liqgame`` with no arguments opens the title screen.

:class:`LiqApp` is also the app factory for tests and benches: pass ``game=GameSpec(...)``
to open the play screen directly (fixed seed, small crowd), ``paused``/``clock`` to
control time, ``data_dir`` for a temporary store and ``no_blink`` for stable snapshots.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ..assets_io import asset_dir
from .base import GameSpec, replay_spec

CSS_FILE = Path(asset_dir()) / "styles" / "liqgame.tcss"


class LiqApp(App):
    """liqgame's terminal UI (see the module docstring for the constructor's test hooks)."""

    TITLE = "liqgame"
    CSS_PATH = str(CSS_FILE)
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", show=False, priority=True)]

    def __init__(self, *, data_dir: str | Path | None = None, game: GameSpec | None = None, paused: bool = True,
                 speed: int = 1, clock: bool = True, no_blink: bool = False, store=None, welcome: bool = True,
                 lessons: list | None = None, lessons_only: bool = False, start_lesson=None):
        super().__init__()
        self.data_dir = data_dir
        self.initial_game = game
        self.start_paused = paused
        self.start_speed = speed
        self.use_clock = clock
        self.no_blink = no_blink
        self.store = store
        self.welcome = welcome  # tests of the menu may skip the first-launch welcome
        self.lessons = lessons  # None: read from assets/lessons when first needed
        self.lessons_only = lessons_only  # ``liqgame lesson``: the lesson list is the whole app
        self.first_lesson = start_lesson
        self.settings: dict = {}
        self._theme_loaded = False

    # ------------------------------------------------------------------ start-up
    def on_mount(self) -> None:
        warnings = self._open_store()
        theme = self.settings.get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self._theme_loaded = True
        from .screens.menu import MenuScreen

        self.push_screen(MenuScreen())
        if self.lessons_only:
            self.action_lessons()
            if self.first_lesson is not None:
                self.start_lesson(self.first_lesson)
        elif self.initial_game is not None:
            self.start_game(self.initial_game, paused=self.start_paused, speed=self.start_speed,
                            clock=self.use_clock)
        elif self.welcome and not self.settings.get("welcomed"):
            from .screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen(), self._welcomed)
        for w in warnings:
            self.notify(w, title="Saved data", severity="warning", timeout=12, markup=False)

    def _open_store(self) -> list[str]:
        if self.store is None and self.data_dir is not None:
            from ..store import Store

            try:
                self.store = Store(self.data_dir)
            except Exception as e:  # the game is playable without saves
                return [f"scores cannot be saved: {e}"]
        if self.store is None:
            return []
        try:
            self.settings = dict(self.store.settings())
        except Exception:
            self.settings = {}
        return list(self.store.warnings)

    def _welcomed(self, choice: str | None) -> None:
        """First launch only: remember it, then start what the player picked."""
        self.settings["welcomed"] = True
        if self.store is not None:
            self.store.save_settings(welcomed=True)
        if choice == "guided":
            from ..engine import GameConfig

            self.start_game(GameSpec(GameConfig(scenario="calm"), kind="free", guided=True), paused=True,
                            clock=self.use_clock)
        elif choice == "lesson":
            self.action_lessons()

    def watch_theme(self, theme: str) -> None:
        if self._theme_loaded and self.store is not None and self.settings.get("theme") != theme:
            self.settings["theme"] = theme
            self.store.save_settings(theme=theme)

    # ------------------------------------------------------------------ navigation
    def start_game(self, spec: GameSpec, *, paused: bool = True, speed: int = 1, clock: bool = True) -> None:
        from .screens.play import PlayScreen

        self.push_screen(PlayScreen(spec, paused=paused, speed=speed, clock=clock))

    def action_menu(self) -> None:
        """Back to the title screen, closing any game on the way."""
        from .screens.menu import MenuScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, MenuScreen):
            self.pop_screen()

    def action_lessons(self) -> None:
        from .screens.lessons import LessonsScreen

        self.push_screen(LessonsScreen(self.lessons))

    def start_lesson(self, lesson) -> None:
        """A lesson on the play screen: the same chart, ticket, keys and post-mortem as a game."""
        self.start_game(GameSpec(lesson.config(), kind="lesson", lesson=lesson), paused=True, clock=self.use_clock)

    def next_lesson(self, lesson):
        if self.lessons is None:
            from ..lessons.loader import scan_lessons

            self.lessons, _ = scan_lessons()
        later = [x for x in self.lessons if x.number > lesson.number]
        return min(later, key=lambda x: x.number) if later else None

    def branch_replay(self, spec: GameSpec, tick: int) -> None:
        """A new game from a replay's moment: the saved actions up to ``tick`` replay, then the player plays on."""
        import dataclasses

        script = tuple(d for d in spec.script if int(d.get("tick", 0)) <= tick)
        branch = dataclasses.replace(spec, kind="branch", script=script, ticks=None, branched_from=spec.branched_from)
        self.action_menu()
        self.start_game(branch, paused=True)
        self.play_screen.runner.advance(tick)
        self.notify(f"A new game from {tick} s of the replay: your orders from here are a new session.",
                    title="BRANCH", markup=False, timeout=6)

    async def action_quit(self) -> None:
        """Ctrl+Q: a game under way (or a score not saved yet) is never lost without asking."""
        from .screens.confirm import ChoiceScreen
        from .screens.session_end import SessionEndScreen

        end = self.screen if isinstance(self.screen, SessionEndScreen) else None
        play = self.play_screen
        if end is not None and end.unsaved:
            choices = [("s", "Save the score and quit", "save"), ("q", "Quit without saving", "quit"),
                       ("escape", "Stay", None)]
        elif end is None and play is not None and play.in_progress:
            play.paused = True
            choices = ([("q", "Quit", "quit"), ("escape", "Keep watching", None)] if play.spec.kind == "replay" else
                       [("q", "Quit: this lesson attempt is not checked", "quit"), ("escape", "Keep playing", None)]
                       if play.lesson is not None else
                       [("s", "Save the score and quit", "save"), ("q", "Quit without saving", "quit"),
                        ("escape", "Keep playing", None)])
        else:
            self.exit()
            return

        def chosen(answer) -> None:
            if answer == "save":
                ok, message = end.save_now() if end is not None else play.save_now()
                if not ok:
                    self.notify(message, title="Not saved: still here", severity="error", markup=False)
                    return
            if answer in ("save", "quit"):
                self.exit()

        self.push_screen(ChoiceScreen("Quit liqgame? This session is not saved.", choices), chosen)

    @property
    def play_screen(self):
        from .screens.play import PlayScreen

        return next((s for s in reversed(self.screen_stack) if isinstance(s, PlayScreen)), None)

    # ------------------------------------------------------------------ command palette
    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        commands = getattr(screen, "commands", None)
        if callable(commands):
            for title, help_text, callback in commands():
                yield SystemCommand(title, help_text, callback)
        yield SystemCommand("Help and glossary", "Keys and every term on screen", self._help)
        yield SystemCommand("High scores", "The best saved sessions", self._scores)

    def _help(self) -> None:
        from .screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def _scores(self) -> None:
        from .screens.scores import ScoresScreen

        self.push_screen(ScoresScreen())


def run_replay(saved, args) -> int:
    """``liqgame replay ID``: watch a saved session (``liqgame.session.SavedSession``) again in the
    play screen (speed keys work)."""
    from ..store import resolve_data_dir

    LiqApp(data_dir=resolve_data_dir(getattr(args, "data_dir", None)), game=replay_spec(saved), paused=False).run()
    return 0


def run_app(args) -> int:
    """Entry point of ``liqgame`` / ``liqgame play``."""
    from ..store import resolve_data_dir

    data_dir = resolve_data_dir(getattr(args, "data_dir", None))
    LiqApp(data_dir=data_dir).run()
    return 0
