"""The order ticket: type, contract, margin mode, size (BTC or USD), leverage, price, an attached
stop-loss and take-profit, reduce-only.

Messages up: every edit posts :class:`OrderTicket.Changed` with the :class:`Draft`; the
Buy / Sell buttons post :class:`OrderTicket.Submit`; Enter in a field posts
:class:`OrderTicket.Done` (the screen gives the keys back to the game).  Attributes down:
the play screen sets :attr:`previews` (the engine's preview for a long and a short side by
side: fill, margin, fee, the most this wallet can open, the LIQUIDATION PRICE, and what
the stop-loss or take-profit would lose or make, also as a share of equity) and
:attr:`reason` (why the last order or preview was refused: the field it names is
outlined; the text wraps under the buttons, which stay in view).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from ...engine import Preview, units_to_usd
from ..palette import palette
from ..views import fmt
from ..views.draft import CONTRACTS, LEVERAGE, NUMBER, ORDER_TYPES, TRIGGER, Draft
from .panels import cols, lines

FIELD_WORDS = (("size", "#t-size"), ("lot", "#t-size"), ("leverage", "#t-lev"), ("x is above", "#t-lev"),
               ("limit price", "#t-price"), ("a limit", "#t-price"), ("order needs a price", "#t-price"),
               ("restricted", "#t-lev"), ("stop-loss", "#t-sl"), ("take-profit", "#t-tp"))


class NumberInput(Input):
    """A ticket field: numbers only, and the space bar stays the game's play / pause key."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return key != "space" and super().check_consume_key(key, character)


class PreviewTable(Static):
    """Fill estimate, margin, fee, the largest size, the liquidation price; stop and target outcomes."""

    previews: reactive[tuple[Preview | None, Preview | None]] = reactive((None, None))
    equity: reactive[float] = reactive(0.0)

    @staticmethod
    def outcome_rows(previews) -> list[tuple[str, str]]:
        """The stop and target rows a preview adds (each a line: the table's height changes with them)."""
        rows = []
        if any(p is not None and p.ok and p.stop_loss_loss is not None for p in previews):
            rows.append(("If SL fills", "sl"))
        if any(p is not None and p.ok and p.take_profit_gain is not None for p in previews):
            rows.append(("If TP fills", "tp"))
        return rows

    def watch_previews(self, old, new) -> None:
        if self.outcome_rows(old) != self.outcome_rows(new):
            self.refresh(layout=True)  # a row came or went: the ticket's height follows

    def render(self) -> Text:
        pal = palette(self.app)
        long_, short = self.previews

        def share(units: int) -> str:
            return f" {units_to_usd(units) / self.equity:.1%}" if self.equity > 0 else ""

        def cell(p: Preview | None, what: str):
            if p is None or not p.ok:
                return Text("—", pal["muted"])
            if what == "fill":
                return fmt.price(p.fill_price)
            if what == "im":
                return fmt.units_cents(p.initial_margin)
            if what == "fee":
                return fmt.units_cents(p.fee)
            if what == "max":
                return f"{p.max_qty:g} BTC"
            if what == "sl":
                return Text(f"-{fmt.units_cents(p.stop_loss_loss)}{share(p.stop_loss_loss)}", pal["bad"])
            if what == "tp":
                return Text(f"+{fmt.units_cents(p.take_profit_gain)}", pal["good"])
            return Text(fmt.price(p.liquidation_price) if p.liquidation_price else "none", pal["liq"])

        rows = [cols(("", 12, "<"), (Text("Long", pal["good"]), 14, ">"), (Text("Short", pal["bad"]), 14, ">"))]
        shown = [("Price", "fill"), ("Margin", "im"), ("Fee", "fee"), ("Max size", "max"), ("Liq. price", "liq")]
        shown += self.outcome_rows(self.previews)
        for label, what in shown:
            rows.append(cols((Text(label, "bold" if what == "liq" else ""), 12, "<"), (cell(long_, what), 14, ">"),
                             (cell(short, what), 14, ">")))
        return lines(*rows)


class OrderTicket(Vertical):
    """See the module docstring; the field ids are stable for tests (#t-size, #t-lev, ...)."""

    # repaint=False: the ticket passes these down to its children; repainting the whole
    # container (inputs, selects, buttons) ten times a second would be wasted work
    previews: reactive[tuple[Preview | None, Preview | None]] = reactive((None, None), repaint=False)
    reason: reactive[str] = reactive("", repaint=False)
    equity: reactive[float] = reactive(0.0, repaint=False)

    class Done(Message):
        """Enter in a field: editing is over, the game's keys take over again."""

    class Changed(Message):
        def __init__(self, draft: Draft) -> None:
            super().__init__()
            self.draft = draft

    class Submit(Message):
        def __init__(self, side: str, draft: Draft) -> None:
            super().__init__()
            self.side = side
            self.draft = draft

    def __init__(self, draft: Draft | None = None, **kw):
        super().__init__(**kw)
        self.draft = draft or Draft()

    def compose(self) -> ComposeResult:
        d = self.draft
        with Horizontal(classes="t-row"):
            yield Select([(label, v) for label, v in ORDER_TYPES], value=d.type, allow_blank=False,
                         compact=True, type_to_search=False, id="t-type")
            yield Select([(label, v) for label, v in CONTRACTS], value=d.contract, allow_blank=False,
                         compact=True, type_to_search=False, id="t-contract")
            yield Select([("Isolated", "isolated"), ("Cross", "cross")], value=d.margin, allow_blank=False,
                         compact=True, type_to_search=False, id="t-margin")
        with Horizontal(classes="t-row"):
            yield Label("Size  ", classes="t-label")
            yield NumberInput(d.size, placeholder="0.1", compact=True, restrict=NUMBER, max_length=16, id="t-size")
            yield Select([("BTC", "BTC"), ("USD", "USD")], value=d.unit, allow_blank=False, compact=True,
                         type_to_search=False, id="t-unit")
        with Horizontal(classes="t-row"):
            yield Label("Lev.  ", classes="t-label")
            yield NumberInput(d.leverage, placeholder="10", compact=True, restrict=LEVERAGE, max_length=5, id="t-lev")
            yield Label("x  Price ", classes="t-label")
            yield NumberInput(d.price, placeholder="market", compact=True, restrict=NUMBER, max_length=16, id="t-price",
                        disabled=d.type == "market")
        with Horizontal(classes="t-row"):
            yield Label("SL    ", classes="t-label")
            yield NumberInput(d.stop_loss, placeholder="none, 2%", compact=True, restrict=TRIGGER, max_length=16,
                              id="t-sl")
            yield Label("  TP ", classes="t-label")
            yield NumberInput(d.take_profit, placeholder="none, 4%", compact=True, restrict=TRIGGER, max_length=16,
                              id="t-tp")
        yield Checkbox("Reduce-only", d.reduce_only, compact=True, id="t-reduce")
        yield PreviewTable(id="t-preview")
        with Horizontal(classes="t-row t-buttons"):
            yield Button("Buy / Long", variant="success", compact=True, id="t-buy")
            yield Button("Sell / Short", variant="error", compact=True, id="t-sell")
        yield Static("", id="t-reason", markup=False)

    def on_mount(self) -> None:
        if getattr(self.app, "no_blink", False):
            for inp in self.query(Input):
                inp.cursor_blink = False

    # ------------------------------------------------------------------ attributes down
    def watch_previews(self, previews) -> None:
        self.query_one(PreviewTable).previews = previews

    def watch_equity(self, equity: float) -> None:
        self.query_one(PreviewTable).equity = equity

    def watch_reason(self, reason: str) -> None:
        label = self.query_one("#t-reason", Static)
        label.update(Text(reason, palette(self.app)["bad"]) if reason else "")
        label.set_class(bool(reason), "-shown")
        lowered = reason.lower()
        bad = {sel for word, sel in FIELD_WORDS if word in lowered}
        for sel in ("#t-size", "#t-lev", "#t-price", "#t-sl", "#t-tp"):
            self.query_one(sel).set_class(sel in bad, "-invalid")

    # ------------------------------------------------------------------ messages up
    def _changed(self, **changes) -> None:
        self.draft = self.draft.with_(**changes)
        self.post_message(self.Changed(self.draft))

    @on(Input.Changed, "#t-size")
    def _size(self, event: Input.Changed) -> None:
        self._changed(size=event.value)

    @on(Input.Changed, "#t-lev")
    def _lev(self, event: Input.Changed) -> None:
        self._changed(leverage=event.value)

    @on(Input.Changed, "#t-price")
    def _price(self, event: Input.Changed) -> None:
        self._changed(price=event.value)

    @on(Input.Changed, "#t-sl")
    def _sl(self, event: Input.Changed) -> None:
        self._changed(stop_loss=event.value)

    @on(Input.Changed, "#t-tp")
    def _tp(self, event: Input.Changed) -> None:
        self._changed(take_profit=event.value)

    @on(Select.Changed, "#t-type")
    def _type(self, event: Select.Changed) -> None:
        self.query_one("#t-price", Input).disabled = event.value == "market"
        attachable = event.value in ("market", "limit")
        self.query_one("#t-sl", Input).disabled = not attachable
        self.query_one("#t-tp", Input).disabled = not attachable
        self._changed(type=str(event.value))

    @on(Select.Changed, "#t-contract")
    def _contract(self, event: Select.Changed) -> None:
        self._changed(contract=str(event.value))

    @on(Select.Changed, "#t-margin")
    def _margin(self, event: Select.Changed) -> None:
        self._changed(margin=str(event.value))

    @on(Select.Changed, "#t-unit")
    def _unit(self, event: Select.Changed) -> None:
        self._changed(unit=str(event.value))

    @on(Checkbox.Changed, "#t-reduce")
    def _reduce(self, event: Checkbox.Changed) -> None:
        self._changed(reduce_only=event.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Done())  # Enter ends editing: b / s, space, c ... work again

    @on(Button.Pressed, "#t-buy")
    def _buy(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Submit("long", self.draft))

    @on(Button.Pressed, "#t-sell")
    def _sell(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Submit("short", self.draft))

    # ------------------------------------------------------------------ helpers for keys/tests
    def set_size(self, text: str) -> None:
        self.query_one("#t-size", Input).value = text

    def set_leverage(self, text: str) -> None:
        self.query_one("#t-lev", Input).value = text

    @property
    def editing(self) -> bool:
        """A text field has the keys (letters type into it)."""
        return isinstance(self.app.focused, Input) and self.app.focused in self.query(Input)
