"""Number formatting for the screen: prices, sizes, money, percentages, clock times.

Pure string helpers (no Textual): the engine hands over USD floats and exact units; these
only decide how many digits a human sees.
"""

from __future__ import annotations

import math

from ...engine import UNITS_PER_USD


def price(p: float | None) -> str:
    """43,012.3 (one decimal: the price tick is 0.1 USD)."""
    if p is None or not math.isfinite(p) or p <= 0:
        return "—"
    return f"{p:,.1f}"


def usd(x: float | None, signed: bool = False, decimals: int = 2) -> str:
    """$1,234.56 / -$12.00 / +$3.10."""
    if x is None or not math.isfinite(x):
        return "—"
    sign = "-" if x < 0 else ("+" if signed and x > 0 else "")
    return f"{sign}${abs(x):,.{decimals}f}"


def usd_short(x: float) -> str:
    """$1.5M / $230k / $950 (for crowd-sized numbers)."""
    if not math.isfinite(x):
        return "—"
    a, sign = abs(x), "-" if x < 0 else ""
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            return f"{sign}${a / div:,.{1 if a / div < 100 else 0}f}{suffix}"
    return f"{sign}${a:,.0f}"


def units(u: int, signed: bool = False) -> str:
    """Exact money units as USD with all four decimals: $339.0327 (the engine's unit is 0.0001 USD)."""
    u = int(u)
    sign = "-" if u < 0 else ("+" if signed and u > 0 else "")
    whole, frac = divmod(abs(u), UNITS_PER_USD)
    return f"{sign}${whole:,}.{frac:04d}"


def units_cents(u: int, signed: bool = False) -> str:
    return usd(int(u) / UNITS_PER_USD, signed)


def btc(q: float) -> str:
    return f"{q:,.3f}"


def pct(x: float | None, decimals: int = 2, signed: bool = False) -> str:
    if x is None or not math.isfinite(x):
        return "—"
    return f"{x * 100:{'+' if signed else ''}.{decimals}f} %"


_BARS = "▁▂▃▄▅▆▇█"


def spark(values, width: int) -> str:
    """A one-line sparkline of the last ``width`` values, scaled to their own range.

    >>> spark([1, 2, 3, 4], 4), spark([5, 5], 3)
    ('▁▃▆█', '▄▄')
    """
    vals = [float(v) for v in values][-width:]
    if not vals:
        return ""
    lo, hi = min(vals), max(vals)
    if hi <= lo:
        return _BARS[3] * len(vals)
    return "".join(_BARS[round((v - lo) / (hi - lo) * (len(_BARS) - 1))] for v in vals)


def clock(seconds: int) -> str:
    """Game time as H:MM:SS."""
    seconds = max(int(seconds), 0)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}"


def interval(seconds: int) -> str:
    """A funding interval: "8h", "1h", "30m", "2m"."""
    seconds = max(int(seconds), 1)
    if seconds % 3600 == 0:
        return f"{seconds // 3600}h"
    return f"{seconds // 60}m" if seconds % 60 == 0 else f"{seconds}s"


def funding(rate: float, interval_s: int) -> str:
    """A funding rate per settlement with its interval: "+0.0013 %/1h"."""
    return f"{rate * 100:+.4f} %/{interval(interval_s)}"
