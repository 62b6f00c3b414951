"""Benchmark and statistics of the exogenous index process (figures, not pass/fail).

Prints µs per step() and, for 3-game-day paths over a few seeds, the stylised facts of 1-minute returns:
excess kurtosis, annualised volatility, Hill tail index, raw-return ACF (plain and robust t) and |r| ACF.
Usage: python bench/index_process.py [n_seeds] [days]
"""

from __future__ import annotations

import math
import sys
import time

import numpy as np

from liqgame.engine.index_process import IndexParams, IndexProcess
from liqgame.market_stats import acf, excess_kurtosis, hill, robust_acf_t as robust_t

START = 60_000.0
ABS_LAGS = (1, 5, 10, 20, 50)


def time_steps(n: int = 200_000) -> float:
    """Best-of-3 µs per individual step() call."""
    best = math.inf
    for _ in range(3):
        step = IndexProcess(IndexParams(), np.random.default_rng(0), START).step
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        best = min(best, (time.perf_counter() - t0) / n)
    return best * 1e6


def path_stats(seed: int, days: int) -> tuple[float, ...]:
    prices = IndexProcess(IndexParams(), np.random.default_rng(seed), START).path(days * 86_400)
    r = np.diff(np.log(np.concatenate([[START], prices]))[::60])
    return (
        excess_kurtosis(r),
        r.std() * math.sqrt(365 * 1440),
        hill(r),
        max(abs(acf(r, k)) for k in range(1, 21)),
        max(abs(robust_t(r, k)) for k in range(1, 21)),
        *(acf(np.abs(r), k) for k in ABS_LAGS),
        prices.min() / START,
        prices.max() / START,
    )


def main() -> None:
    n_seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    days = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print(f"step(): {time_steps():.2f} µs per step")
    t0 = time.perf_counter()
    IndexProcess(IndexParams(), np.random.default_rng(0), START).path(86_400)
    print(f"path(86_400) (one game day): {time.perf_counter() - t0:.3f} s")
    print(f"\n1-minute returns, {days}-day paths, defaults {IndexParams()}\n")
    abs_head = " ".join(f"|r|acf{k:<3}" for k in ABS_LAGS)
    print(f"seed  ex.kurt   vol   hill  max|acf| max|t| | {abs_head}  min/P0 max/P0")
    rows = []
    for seed in range(n_seeds):
        row = path_stats(seed, days)
        rows.append(row)
        print(f"{seed:4d} {row[0]:8.1f} {row[1]:5.2f} {row[2]:5.2f} {row[3]:8.3f} {row[4]:6.2f} | "
              + " ".join(f"{v:9.3f}" for v in row[5:10]) + f"  {row[10]:6.3f} {row[11]:6.3f}")
    med = np.median(np.array(rows), axis=0)
    print(f" med {med[0]:8.1f} {med[1]:5.2f} {med[2]:5.2f} {med[3]:8.3f} {med[4]:6.2f} | "
          + " ".join(f"{v:9.3f}" for v in med[5:10]) + f"  {med[10]:6.3f} {med[11]:6.3f}")


if __name__ == "__main__":
    main()
