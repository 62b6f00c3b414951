"""What a human player can do: small immutable actions with a JSON form.

The UI and the ``--player`` file of ``liqgame simulate`` both produce these; the game
logs every accepted or rejected action with its tick, and replaying that log reproduces
the run.  JSON form (one object per line in a player file)::

    {"tick": 0, "action": "open", "side": "long", "qty": 0.5, "leverage": 50}
    {"tick": 10, "action": "order", "type": "stop_loss", "side": "sell", "qty": 0.5, "price": 58000}
    {"tick": 99, "action": "close"}

Sizes are BTC, prices and amounts USD; optional keys: ``player`` (index, default 0),
``contract`` ("perp" | "quarterly"), ``margin`` ("isolated" | "cross"), ``reduce_only``, and for
an order ``stop_loss`` / ``take_profit`` prices attached at entry.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from .fields import FieldError, number

ORDER_TYPES = ("market", "limit", "stop_loss", "take_profit")
SIDES = {"long": 1, "buy": 1, "short": -1, "sell": -1}
CONTRACTS = ("perp", "quarterly")
MARGIN_MODES = ("isolated", "cross")


class ActionError(ValueError):
    """An action that cannot be understood (bad JSON shape, unknown field or value)."""


@dataclass(frozen=True)
class Action:
    player: int = 0

    name = ""

    def to_dict(self) -> dict:
        d = {"action": self.name}
        d.update({k: v for k, v in asdict(self).items() if v is not None})
        return d


@dataclass(frozen=True)
class PlaceOrder(Action):
    """Any order. ``open`` in a player file is a market order."""

    side: str = "long"
    qty: float = 0.0
    type: str = "market"
    price: float | None = None
    leverage: int | None = None
    margin: str | None = None
    reduce_only: bool = False
    contract: str = "perp"
    stop_loss: float | None = None  # a stop-loss price attached at entry (placed for the size filled)
    take_profit: float | None = None  # a take-profit price attached at entry
    name = "order"


@dataclass(frozen=True)
class ClosePosition(Action):
    contract: str = "perp"
    qty: float | None = None  # None: the whole position
    name = "close"


@dataclass(frozen=True)
class CancelOrder(Action):
    order_id: int = 0
    name = "cancel"


@dataclass(frozen=True)
class AddMargin(Action):
    amount: float = 0.0
    contract: str = "perp"
    name = "add_margin"


@dataclass(frozen=True)
class RemoveMargin(Action):
    amount: float = 0.0
    contract: str = "perp"
    name = "remove_margin"


@dataclass(frozen=True)
class SetLeverage(Action):
    leverage: int = 10
    contract: str = "perp"
    name = "leverage"


@dataclass(frozen=True)
class SetMarginMode(Action):
    mode: str = "isolated"
    contract: str = "perp"
    name = "margin_mode"


ACTION_TYPES = {cls.name: cls for cls in (PlaceOrder, ClosePosition, CancelOrder, AddMargin, RemoveMargin,
                                          SetLeverage, SetMarginMode)}


def _number(d: dict, key: str, kind=float):
    try:
        return number(d[key], whole=kind is int)
    except FieldError as e:
        raise ActionError(f"'{key}' {e}") from None


def _choice(d: dict, key: str, allowed) -> str:
    v = d[key]
    if not isinstance(v, str) or v not in allowed:
        raise ActionError(f"'{key}' must be one of {', '.join(map(str, allowed))}; got {v!r}")
    return v


def parse_action(d: dict) -> tuple[int | None, Action]:
    """A JSON object -> (tick or None, action). Raises ActionError with a clear reason."""
    if not isinstance(d, dict):
        raise ActionError(f"an action must be a JSON object, got {type(d).__name__}")
    d = dict(d)
    tick = None
    if "tick" in d:
        tick = _number(d, "tick", int)
        if tick < 0:
            raise ActionError("'tick' must be >= 0")
        del d["tick"]
    name = d.pop("action", None)
    if not isinstance(name, str):
        raise ActionError(f"'action' must be a string, got {name!r}")
    if name == "open":
        name = "order"
        d.setdefault("type", "market")
    if name not in ACTION_TYPES:
        raise ActionError(f"unknown action {name!r}; use one of: open, {', '.join(ACTION_TYPES)}")
    cls = ACTION_TYPES[name]
    known = {f.name for f in fields(cls)}
    extra = set(d) - known
    if extra:
        raise ActionError(f"unknown field(s) for '{name}': {', '.join(sorted(extra))}")
    for key in d:
        if key in ("qty", "price", "amount", "stop_loss", "take_profit"):
            d[key] = None if (key != "amount" and d[key] is None) else _number(d, key)
        elif key in ("leverage", "order_id", "player"):
            d[key] = None if (key == "leverage" and d[key] is None) else _number(d, key, int)
        elif key == "side":
            _choice(d, key, SIDES)
        elif key == "type":
            _choice(d, key, ORDER_TYPES)
        elif key == "contract":
            _choice(d, key, CONTRACTS)
        elif key in ("margin", "mode"):
            if not (key == "margin" and d[key] is None):
                _choice(d, key, MARGIN_MODES)
        elif key == "reduce_only" and not isinstance(d[key], bool):
            raise ActionError("'reduce_only' must be true or false")
    return tick, cls(**d)


def validate(action: Action) -> Action:
    """Check an action built in Python exactly like one read from JSON (same errors).

    >>> validate(PlaceOrder(side="long", qty=0.1, leverage=2.5))
    Traceback (most recent call last):
    ...
    liqgame.engine.actions.ActionError: 'leverage' must be a whole number, got 2.5
    """
    if not isinstance(action, Action) or type(action) is Action:
        raise ActionError(f"not an action: {action!r}")
    return parse_action(action.to_dict())[1]
