"""First launch: offer Lesson 1 or a guided first trade before the menu (later launches go to the menu)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

CHOICES = (
    ("guided", "A guided first trade", "open, protect and close a position on a calm market, step by step"),
    ("lesson", "Lesson 1: leverage and the liquidation price", "the first of twelve short exercises"),
    ("menu", "The menu", "I know my way around"),
)


class WelcomeScreen(ModalScreen[str]):
    """Dismisses with "guided", "lesson" or "menu"."""

    BINDINGS = [Binding("g", "dismiss('guided')", "Guided trade"), Binding("l", "dismiss('lesson')", "Lesson 1"),
                Binding("escape,m", "dismiss('menu')", "Menu")]

    def compose(self) -> ComposeResult:
        with Vertical(id="welcome"):
            yield Static(Text("Welcome to liqgame", "bold"), markup=False)
            yield Static("You will trade leveraged bitcoin futures against a crowd of simulated traders, be "
                         "margin-called and liquidated as on a real exchange, and see, to the unit, where every "
                         "dollar you lose goes. Where would you like to start?", markup=False)
            yield OptionList(*[Option(Text.assemble((label, "bold"), f"\n{hint}"), id=key)
                               for key, label, hint in CHOICES], id="welcome-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
