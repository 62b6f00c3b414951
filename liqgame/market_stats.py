"""Statistics that tell a realistic market from a drawn one (reference/market.md), as plain numpy.

Used by the realism bench (``bench/market_realism.py``) and by the statistical tests, so both
measure the same thing the same way:

* stylised facts of returns: autocorrelation, a heteroskedasticity-robust t of it, excess
  kurtosis, the Hill tail index;
* the shape of a crash: its depth, the minute the main move starts, how concentrated the
  liquidations are in time.
"""

from __future__ import annotations

import math

import numpy as np


def acf(x: np.ndarray, lag: int) -> float:
    """Sample autocorrelation at one lag."""
    x = np.asarray(x, dtype=np.float64) - np.mean(x)
    return float(x[:-lag] @ x[lag:] / (x @ x))


def robust_acf_t(r: np.ndarray, lag: int) -> float:
    """Heteroskedasticity-robust t of the lag-k autocovariance: sum(r_t r_t-k) / sqrt(sum (r_t r_t-k)^2).
    Plain Ljung-Box rejects falsely on returns whose variance clusters (market.md)."""
    r = np.asarray(r, dtype=np.float64) - np.mean(r)
    prod = r[:-lag] * r[lag:]
    return float(prod.sum() / math.sqrt((prod**2).sum()))


def excess_kurtosis(x: np.ndarray) -> float:
    x = np.asarray(x, dtype=np.float64) - np.mean(x)
    return float((x**4).mean() / (x**2).mean() ** 2 - 3.0)


def hill(x: np.ndarray, frac: float = 0.05) -> float:
    """Hill estimate of the tail index from the top ``frac`` of |x|."""
    a = np.sort(np.abs(x))[::-1]
    k = int(len(a) * frac)
    return float(1.0 / np.mean(np.log(a[:k] / a[k])))


def log_returns(prices, every: int = 60) -> np.ndarray:
    """Log returns of a per-second price series sampled every ``every`` seconds (1-minute by default)."""
    p = np.asarray(prices, dtype=np.float64)[::every]
    return np.diff(np.log(p))


def trough_depth(prices) -> float:
    """How far (as a fraction of the start) the series fell below where it started."""
    p = np.asarray(prices, dtype=np.float64)
    return float(1.0 - p.min() / p[0])


def main_move_onset(prices, window_s: int = 600) -> int:
    """Second at which the worst ``window_s``-second fall of the series begins (the crash's onset)."""
    p = np.log(np.asarray(prices, dtype=np.float64))
    if len(p) <= window_s:
        return 0
    return int(np.argmin(p[window_s:] - p[:-window_s]))


def worst_window_share(per_second, window_s: int) -> float:
    """Largest share of the total that falls inside any ``window_s``-second window."""
    x = np.asarray(per_second, dtype=np.float64)
    total = x.sum()
    if total <= 0:
        return 0.0
    c = np.concatenate([[0.0], np.cumsum(x)])
    if len(x) <= window_s:
        return 1.0
    return float((c[window_s:] - c[:-window_s]).max() / total)
