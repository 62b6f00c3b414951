"""Exact money: integer minor units, lots and price ticks.

The engine never stores money, prices or sizes as floats:

* size is counted in **lots** of 0.001 BTC,
* prices in **ticks** of 0.1 USD,
* money in **units** of 0.0001 USD.

A lot times a tick is exactly one unit (0.001 BTC x 0.1 USD = 0.0001 USD), so the
value of any position move ``qty_lots * price_ticks`` is an exact integer number of
units and variation margin never needs rounding.

>>> to_lots(0.5), to_ticks(60000), to_units(12.34)
(500, 600000, 123400)
>>> units_to_usd(notional(500, 600000))
30000.0
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

import numpy as np

LOT_BTC = Decimal("0.001")
TICK_USD = Decimal("0.1")
UNIT_USD = Decimal("0.0001")
LOTS_PER_BTC = 1000
TICKS_PER_USD = 10
UNITS_PER_USD = 10_000
PPM = 1_000_000  # rates (fees, funding) are integers in parts per million
SMALL_SPLIT = 32  # split_pro_rata works on Python ints up to this many weights (fewer calls than arrays)

INT = np.int64


class MoneyError(ValueError):
    """A number that cannot be turned into exact lots, ticks or units."""


def _decimal(value, what: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise MoneyError(f"{what} must be a number, got {value!r}")
    try:
        d = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise MoneyError(f"{what} must be a number, got {value!r}") from None
    if not d.is_finite():
        raise MoneyError(f"{what} must be a finite number, got {value!r}")
    return d


def _exact(value, step: Decimal, what: str, step_name: str) -> int:
    d = _decimal(value, what)
    n = d / step
    if n != n.to_integral_value():
        raise MoneyError(f"{what} {value} is not a multiple of the {step_name} {step}")
    return int(n)


def to_lots(btc) -> int:
    """BTC -> lots; refuses anything that is not a whole number of 0.001 BTC lots."""
    return _exact(btc, LOT_BTC, "size", "lot size")


def to_ticks(usd) -> int:
    """USD price -> ticks; refuses prices off the 0.1 USD tick."""
    return _exact(usd, TICK_USD, "price", "price tick")


def round_ticks(usd: float) -> int:
    """A computed (float) price to the nearest tick, for model prices such as the index."""
    return int(round(usd * TICKS_PER_USD))


def to_units(usd) -> int:
    """USD amount -> units; refuses amounts finer than 0.0001 USD."""
    return _exact(usd, UNIT_USD, "amount", "money unit")


def lots_to_btc(lots) -> float:
    return float(lots) / LOTS_PER_BTC


def ticks_to_usd(ticks) -> float:
    return float(ticks) / TICKS_PER_USD


def units_to_usd(units) -> float:
    return float(units) / UNITS_PER_USD


def half_lots(btc: float) -> float | None:
    """Half a position in BTC, rounded down to the lot (None when it is one lot: close it all).

    >>> half_lots(0.005), half_lots(0.001)
    (0.002, None)
    """
    lots = int(round(btc * LOTS_PER_BTC))
    return None if lots < 2 else (lots // 2) / LOTS_PER_BTC


def usd_to_btc_floor(usd: Decimal, price: float) -> float:
    """How many BTC ``usd`` buys at ``price``, rounded down to the lot.

    >>> usd_to_btc_floor(Decimal("1000"), 60_000.0)
    0.016
    """
    lots = int((usd / Decimal(str(price)) * LOTS_PER_BTC).to_integral_value(rounding="ROUND_FLOOR"))
    return lots / LOTS_PER_BTC


def notional(lots, ticks):
    """Exact notional in units of |lots| at a price in ticks."""
    return abs(lots) * ticks


def ceil_div(a, b):
    """Integer ceiling division for ints or int64 arrays (b > 0)."""
    return -((-a) // b)


def fee_units(notional_units, rate_ppm: int):
    """A fee on a notional, rounded up to the next unit (the venue never undercharges)."""
    return ceil_div(notional_units * rate_ppm, PPM)


def split_pro_rata(total: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer ``total`` over non-negative integer ``weights`` exactly.

    Largest-remainder method: every share is floor(total * w / sum(w)) plus one unit for
    the largest remainders, so the shares sum to ``total`` exactly (also for negative totals).
    Python integers are used for the products so nothing overflows.
    """
    weights = np.asarray(weights, dtype=INT)
    out = np.zeros(len(weights), dtype=INT)
    wsum = int(weights.sum())
    if len(weights) == 0 or total == 0:
        return out
    if wsum <= 0:
        raise ValueError("cannot split over zero weights")
    sign = -1 if total < 0 else 1
    t = abs(total)
    if len(weights) <= SMALL_SPLIT:  # a player's share over a dozen groups, every second: Python ints
        w = weights.tolist()
        base, rem = [x * t // wsum for x in w], [x * t % wsum for x in w]
        for k in sorted(range(len(w)), key=lambda k: -float(rem[k]))[:t - sum(base)]:  # as the stable argsort
            base[k] += 1
        out[:] = base
        return out * sign
    if t < 2**62 // max(int(weights.max()), 1):
        prod = weights * t  # no overflow
        base = prod // wsum
        rem = prod - base * wsum
    else:
        py = [int(w) * t for w in weights]
        base = np.array([p // wsum for p in py], dtype=INT)
        rem = np.array([p % wsum for p in py], dtype=object)
    short = t - int(base.sum())
    if short:
        order = np.argsort(-np.asarray(rem, dtype=float), kind="stable")[:short]
        base[order] += 1
    out[:] = base * sign
    return out


def plural(n: int, word: str, many: str | None = None) -> str:
    """"1 long", "3 longs": counts read as English.

    >>> plural(1, "liquidation"), plural(2, "liquidation"), plural(0, "ADL hit", "ADL hits")
    ('1 liquidation', '2 liquidations', '0 ADL hits')
    """
    return f"{n} {word if n == 1 else (many or word + 's')}"


def fmt_usd(units, signed: bool = False) -> str:
    """Units -> '$1,234.56' (cents shown; the exact units stay in the engine)."""
    usd = units_to_usd(units)
    if math.isnan(usd):
        return "—"
    sign = "-" if usd < 0 else ("+" if signed and usd > 0 else "")
    return f"{sign}${abs(usd):,.2f}"
