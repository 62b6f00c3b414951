"""The order ticket's fields as typed, and the orders they make.

The ticket never judges sizes, prices or margin itself: for the preview it hands the text
the player typed straight to the engine (which parses it exactly and explains what is
wrong); only an order the engine previewed as valid is sent, with plain numbers, so the
action log always replays.  The UI converts two things only: a size typed in USD becomes
whole 0.001 BTC lots at the mark, and the leverage must be a whole number.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from ...engine import actions as A
from ...engine import usd_to_btc_floor

ORDER_TYPES = (("Market", "market"), ("Limit", "limit"), ("Stop-loss", "stop_loss"), ("Take-profit", "take_profit"))
CONTRACTS = (("Perp", "perp"), ("Quarterly", "quarterly"))
LEVERAGE_PRESETS = (2, 5, 10, 20, 50, 100)
# every number field takes the same syntax: digits, one decimal point, "," or "_" as thousands separators
# (leverage may end in x); anything else - letters, signs, control characters - is refused as typed
NUMBER = r"(?:[0-9][0-9,_]*\.?[0-9]*|\.[0-9]*)?"
LEVERAGE = r"[0-9]*[xX]?"
TRIGGER = NUMBER + r"%?"  # a stop-loss or take-profit: a price, or a distance from the entry such as 2%


@dataclass(frozen=True)
class Draft:
    """What the ticket's fields hold right now."""

    type: str = "market"
    contract: str = "perp"
    size: str = "0.1"
    unit: str = "BTC"  # BTC | USD
    leverage: str = "10"
    price: str = ""
    stop_loss: str = ""  # attached at entry (market and limit orders)
    take_profit: str = ""
    margin: str = "isolated"
    reduce_only: bool = False

    def with_(self, **changes) -> "Draft":
        return replace(self, **changes)


def _decimal(text: str) -> Decimal | None:
    try:
        d = Decimal(text.strip().replace(",", "").replace("_", ""))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def leverage_of(draft: Draft) -> tuple[int | None, str]:
    """The leverage as a whole number, or a reason."""
    text = draft.leverage.strip().lower().rstrip("x").strip()
    if not text:
        return None, ""  # the engine's default for this contract
    d = _decimal(text)
    if d is None or d != d.to_integral_value() or d < 1:
        return None, f"leverage must be a whole number of 1 or more, got {draft.leverage.strip()!r}"
    return int(d), ""  # the venue's own maximum is the engine's to check


def size_text(draft: Draft, mark: float) -> str | None:
    """The size as BTC text for the engine; a USD size becomes whole lots at the mark."""
    text = draft.size.strip()
    if not text:
        return None
    if draft.unit != "USD":
        return text
    usd = _decimal(text)
    if usd is None or mark <= 0:
        return text  # let the engine say what is wrong with it
    return f"{usd_to_btc_floor(usd, mark):.3f}"


def preview_order(draft: Draft, side: str, mark: float) -> tuple[A.PlaceOrder | None, str]:
    """The order to preview (raw text passed through), or a reason the UI can give itself."""
    lev, why = leverage_of(draft)
    if why:
        return None, why
    price = (draft.price.strip() or None) if draft.type != "market" else None
    opening = draft.type in ("market", "limit") and not draft.reduce_only
    reference = _decimal(price) if price is not None else None
    ref = float(reference) if reference is not None and reference > 0 else mark
    sl = trigger_text(draft.stop_loss, side, ref, loss=True) if opening else None
    tp = trigger_text(draft.take_profit, side, ref, loss=False) if opening else None
    return A.PlaceOrder(side=side, qty=size_text(draft, mark), type=draft.type, price=price, leverage=lev,
                        margin=draft.margin, reduce_only=draft.reduce_only, contract=draft.contract,
                        stop_loss=sl, take_profit=tp), ""


def trigger_text(text: str, side: str, reference: float, loss: bool) -> str | None:
    """A stop-loss or take-profit as the engine takes it: a price as typed, or ``N%`` from the reference
    price (the limit, else the mark) on the losing side for a stop, the winning side for a take-profit.

    >>> trigger_text("2%", "long", 50_000.0, loss=True), trigger_text("2%", "short", 50_000.0, loss=True)
    ('49000.0', '51000.0')
    >>> trigger_text("5 %", "long", 50_000.0, loss=False), trigger_text("42,700", "long", 1.0, loss=True)
    ('52500.0', '42,700')
    """
    text = text.strip()
    if not text:
        return None
    if not text.endswith("%"):
        return text
    pct = _decimal(text[:-1])
    if pct is None or not 0 < pct < 100 or reference <= 0:
        return text  # the engine says what is wrong with it
    away = -1 if (side in ("long", "buy")) == loss else 1
    return f"{round(reference * (1 + away * float(pct) / 100), 1):.1f}"


def _number(text):
    return None if text is None else float(_decimal(str(text)))


def final_order(order: A.PlaceOrder) -> A.PlaceOrder:
    """A previewed-valid order with plain numbers (the JSON action log keeps only numbers)."""
    return replace(order, qty=_number(order.qty), price=_number(order.price), stop_loss=_number(order.stop_loss),
                   take_profit=_number(order.take_profit))


def next_preset(leverage: str, top: int) -> str:
    """The next leverage preset after the one typed (wrapping), within the venue's maximum."""
    presets = [x for x in LEVERAGE_PRESETS if x <= top] or [1]
    d = _decimal(leverage.strip().lower().rstrip("x"))
    current = int(d) if d is not None else 0
    return str(next((x for x in presets if x > current), presets[0]))
