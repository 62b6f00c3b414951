"""The score: survival first, then growth, and only for a session that took risk.

``score = 1000 * sqrt(final equity / start) * (1 - max drawdown)^2 * 0.5^liquidations * E / (E + 1)``

* growth counts, but with diminishing returns (square root): doubling your money is
  worth x1.41, not x2;
* drawdown is squared: riding a position that was 50 % under water quarters the score;
* every liquidation halves it;
* exposure ``E`` is the session's time-weighted notional in multiples of the starting
  balance (1.0 = a 1x position held for the whole session, 3.0 = 3x, or 6x for half of
  it).  ``E / (E + 1)`` is 0 for a session that never traded, 0.5 at 1x, 0.75 at 3x, 0.91
  at 10x: taking risk is rewarded, with diminishing returns, and the drawdown and
  liquidation factors make it pay only if the player survives it.  A session whose
  exposure is below ``MIN_EXPOSURE`` is not ranked.

>>> score(10_000, 10_000, 0.0, 0, 0.0)          # opened and quit: no exposure, no score
0
>>> score(10_000, 11_000, 0.05, 0, 3.0)         # +10 %, 5 % drawdown, 3x on average
710
>>> score(10_000, 20_000, 0.5, 0, 30.0)         # a 100x gamble that doubled after being 50 % under water
342
"""

from __future__ import annotations

import math

MIN_EXPOSURE = 0.05  # below this (5 % of a session at 1x) a session is not ranked


def max_drawdown(equity_curve) -> float:
    """Largest fall from a running peak, as a fraction of that peak (0..1)."""
    peak, worst = None, 0.0
    for e in equity_curve:
        peak = e if peak is None or e > peak else peak
        if peak and peak > 0:
            worst = max(worst, (peak - e) / peak)
    return min(worst, 1.0)


def exposure_factor(exposure: float) -> float:
    return max(exposure, 0.0) / (max(exposure, 0.0) + 1.0)


def rankable(exposure: float) -> bool:
    return exposure >= MIN_EXPOSURE


def score(start_equity: int, final_equity: int, drawdown: float, liquidations: int, exposure: float) -> int:
    if start_equity <= 0:
        return 0
    growth = math.sqrt(max(final_equity, 0) / start_equity)
    survival = (1.0 - min(max(drawdown, 0.0), 1.0)) ** 2 * 0.5 ** liquidations
    return int(round(1000 * growth * survival * exposure_factor(exposure)))


def score_breakdown(start_equity: int, final_equity: int, drawdown: float, liquidations: int,
                    exposure: float) -> list[tuple[str, str]]:
    """The factors, for the session-end screen: (label, value)."""
    growth = math.sqrt(max(final_equity, 0) / start_equity) if start_equity > 0 else 0.0
    rows = [
        ("base", "1000"),
        ("growth  sqrt(equity / start)", f"x {growth:.3f}"),
        ("drawdown  (1 - max DD)^2", f"x {(1 - drawdown) ** 2:.3f}  (max DD {drawdown:.1%})"),
        ("liquidations  0.5^n", f"x {0.5 ** liquidations:.3f}  ({liquidations})"),
        ("exposure  E / (E + 1)", f"x {exposure_factor(exposure):.3f}  (E = {exposure:.2f}x"
                                  f"{'' if rankable(exposure) else ': too little to rank'})"),
        ("score", str(score(start_equity, final_equity, drawdown, liquidations, exposure))),
    ]
    return rows
