"""Add or remove isolated margin: a typed amount, prefilled with a suggestion (a / palette)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from ..views.draft import NUMBER, _decimal


class MarginDialog(ModalScreen[tuple[str, float] | None]):
    """Dismisses with ("add" | "remove", amount in USD), or None."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, suggestion: float, free: float, removable: float):
        super().__init__()
        self.suggestion, self.free, self.removable = suggestion, free, removable

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(f"Margin for the perpetual position (USD). Free to add: {self.free:,.2f}; "
                         f"removable above the initial margin: {max(self.removable, 0):,.2f}.", markup=False)
            yield Input(f"{self.suggestion:.2f}" if self.suggestion > 0 else "", restrict=NUMBER, max_length=16,
                        id="m-amount")
            yield Static("", id="m-reason", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button("Add (Enter)", variant="primary", id="m-add")
                yield Button("Remove", id="m-remove")
                yield Button("Cancel (Esc)", id="m-cancel")

    def on_mount(self) -> None:
        if getattr(self.app, "no_blink", False):
            self.query_one(Input).cursor_blink = False
        self.query_one(Input).focus()

    def _amount(self) -> float | None:
        d = _decimal(self.query_one(Input).value)
        if d is None or d <= 0:
            self.query_one("#m-reason", Static).update("Type an amount above zero, in USD.")
            return None
        return float(round(d, 4))

    @on(Input.Submitted)
    @on(Button.Pressed, "#m-add")
    def _add(self) -> None:
        amount = self._amount()
        if amount is not None:
            self.dismiss(("add", amount))

    @on(Button.Pressed, "#m-remove")
    def _remove(self) -> None:
        amount = self._amount()
        if amount is not None:
            self.dismiss(("remove", amount))

    @on(Button.Pressed, "#m-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
