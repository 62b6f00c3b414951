"""The score: survival first, then growth.

``score = 1000 * sqrt(final equity / start) * (1 - max drawdown)^2 * 0.5^liquidations``

* growth counts, but with diminishing returns (square root): doubling your money is
  worth x1.41, not x2;
* drawdown is squared: riding a position that was 50 % under water quarters the score;
* every liquidation halves it.

So a 100x gamble that happened to double the account (typically after a deep drawdown)
scores about 350, while a steady +10 % with a 5 % drawdown scores about 950.
"""

from __future__ import annotations

import math


def max_drawdown(equity_curve) -> float:
    """Largest fall from a running peak, as a fraction of that peak (0..1)."""
    peak, worst = None, 0.0
    for e in equity_curve:
        peak = e if peak is None or e > peak else peak
        if peak and peak > 0:
            worst = max(worst, (peak - e) / peak)
    return min(worst, 1.0)


def score(start_equity: int, final_equity: int, drawdown: float, liquidations: int) -> int:
    if start_equity <= 0:
        return 0
    growth = math.sqrt(max(final_equity, 0) / start_equity)
    return int(round(1000 * growth * (1.0 - min(max(drawdown, 0.0), 1.0)) ** 2 * 0.5 ** liquidations))


def score_breakdown(start_equity: int, final_equity: int, drawdown: float, liquidations: int) -> list[tuple[str, str]]:
    """The factors, for the session-end screen: (label, value)."""
    growth = math.sqrt(max(final_equity, 0) / start_equity) if start_equity > 0 else 0.0
    return [
        ("base", "1000"),
        ("growth  sqrt(equity / start)", f"x {growth:.3f}"),
        ("drawdown  (1 - max DD)^2", f"x {(1 - drawdown) ** 2:.3f}  (max DD {drawdown:.1%})"),
        ("liquidations  0.5^n", f"x {0.5 ** liquidations:.3f}  ({liquidations})"),
        ("score", str(score(start_equity, final_equity, drawdown, liquidations))),
    ]
