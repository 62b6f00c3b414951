"""A yes / no question in a small modal (y / n, Enter / Escape)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]

    def __init__(self, question: str):
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(self.question, markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button("Yes (y)", variant="primary", id="yes")
                yield Button("No (n)", id="no")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ChoiceScreen(ModalScreen):
    """A question with a few answers, each on its own key (Escape picks the last, the safe one)."""

    def __init__(self, question: str, choices: list[tuple[str, str, object]]):
        super().__init__()
        self.question = question
        self.choices = choices  # (key, label, value)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(self.question, markup=False)
            with Horizontal(id="confirm-buttons"):
                for k, (key, label, _) in enumerate(self.choices):
                    yield Button(f"{label} ({key})", variant="primary" if k == 0 else "default", id=f"choice-{k}")

    def on_mount(self) -> None:
        for k, (key, _, _) in enumerate(self.choices):
            self._bindings.bind(key, f"choose({k})", show=False)
        self._bindings.bind("escape", f"choose({len(self.choices) - 1})", show=False)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_choose(int(event.button.id.split("-")[1]))

    def action_choose(self, k: int) -> None:
        self.dismiss(self.choices[k][2])
