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

from ..engine import actions as A

ORDER_TYPES = (("Market", "market"), ("Limit", "limit"), ("Stop-loss", "stop_loss"), ("Take-profit", "take_profit"))


@dataclass(frozen=True)
class Draft:
    """What the ticket's fields hold right now."""

    type: str = "market"
    size: str = "0.1"
    unit: str = "BTC"  # BTC | USD
    leverage: str = "10"
    price: str = ""
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
    if d is None or d != d.to_integral_value():
        return None, f"leverage must be a whole number from 1 to 125, got {draft.leverage.strip()!r}"
    if not 1 <= d <= 125:
        return None, f"leverage must be between 1x and 125x, got {int(d)}x"
    return int(d), ""


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
    lots = int((usd / Decimal(str(mark)) * 1000).to_integral_value(rounding="ROUND_FLOOR"))
    return f"{lots / 1000:.3f}"


def preview_order(draft: Draft, side: str, mark: float) -> tuple[A.PlaceOrder | None, str]:
    """The order to preview (raw text passed through), or a reason the UI can give itself."""
    lev, why = leverage_of(draft)
    if why:
        return None, why
    price = (draft.price.strip() or None) if draft.type != "market" else None
    return A.PlaceOrder(side=side, qty=size_text(draft, mark), type=draft.type, price=price, leverage=lev,
                        margin=draft.margin, reduce_only=draft.reduce_only), ""


def final_order(order: A.PlaceOrder) -> A.PlaceOrder:
    """A previewed-valid order with plain numbers (the JSON action log keeps only numbers)."""
    qty = float(_decimal(str(order.qty)))
    price = None if order.price is None else float(_decimal(str(order.price)))
    return replace(order, qty=qty, price=price)
