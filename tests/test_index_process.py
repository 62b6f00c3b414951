"""Statistical and contract tests of the exogenous index process.

Stylised facts are checked on 1-minute returns of 3-game-day paths over several fixed seeds, each with an
allowed-failure count (thresholds from /work/shared/reference/market.md). Over 50 seeds the defaults gave:
excess kurtosis 5-500 (median ~28), realised vol 0.49-0.88, Hill 2.0-3.8 (median ~2.85), max robust ACF t
< 3.4, |r| ACF at lag 10 >= 0.06 (median ~0.17), so the margins here are comfortable.
"""

from __future__ import annotations

import ast
import inspect
import math

import numpy as np
import pytest

from liqgame.engine import index_process
from liqgame.engine.index_process import IndexParams, IndexProcess
from liqgame.market_stats import acf, excess_kurtosis, hill, robust_acf_t

SEEDS = range(8)
DAYS = 3
START = 60_000.0
MINUTES_PER_YEAR = 365 * 1440
ALLOWED_FAILURES = 1


# ------------------------------------------------------------------ helpers
def minute_returns(prices: np.ndarray, start: float = START) -> np.ndarray:
    log_p = np.log(np.concatenate([[start], prices]))
    return np.diff(log_p[::60])


def make(seed: int, params: IndexParams | None = None, **kw) -> IndexProcess:
    return IndexProcess(params or IndexParams(), np.random.default_rng(seed), START, **kw)


@pytest.fixture(scope="module")
def returns_1m() -> list[np.ndarray]:
    return [minute_returns(make(s).path(DAYS * 86_400)) for s in SEEDS]


def assert_mostly(oks: list[bool], what: str) -> None:
    fails = len(oks) - sum(oks)
    assert fails <= ALLOWED_FAILURES, f"{what}: {fails} of {len(oks)} seeds failed"


# ------------------------------------------------------------ stylised facts
def test_fat_tails_excess_kurtosis(returns_1m):
    assert_mostly([excess_kurtosis(r) > 3 for r in returns_1m], "excess kurtosis > 3")


def test_hill_tail_index(returns_1m):
    assert_mostly([2.0 <= hill(r) <= 4.5 for r in returns_1m], "Hill in [2, 4.5]")


def test_raw_returns_nearly_uncorrelated(returns_1m):
    # robust t, not Ljung-Box: heteroskedasticity makes plain tests reject falsely (market.md)
    assert_mostly([max(abs(robust_acf_t(r, k)) for k in range(1, 21)) < 4.5 for r in returns_1m],
                  "robust ACF t < 4.5 at lags 1-20")
    median_max_acf = np.median([max(abs(acf(r, k)) for k in range(1, 21)) for r in returns_1m])
    assert median_max_acf < 0.08


def test_volatility_clustering(returns_1m):
    oks = []
    for r in returns_1m:
        a = {k: acf(np.abs(r), k) for k in (1, 5, 10, 20, 50)}
        oks.append(all(v > 0 for v in a.values()) and a[10] > 0.05)
    assert_mostly(oks, "|r| ACF > 0 at lags 1-50 and > 0.05 at lag 10")


def test_realised_volatility_band(returns_1m):
    # the slow component spreads 3-day windows (over 40 seeds: 10-90 % of 0.44-0.91, median 0.60)
    vols = [r.std() * math.sqrt(MINUTES_PER_YEAR) for r in returns_1m]
    assert_mostly([0.35 <= v <= 1.0 for v in vols], "annualised vol in [0.35, 1.0]")
    assert 0.45 <= np.median(vols) <= 0.85


def daily_abs_acf1(seed: int, days: int, params: IndexParams) -> float:
    """Lag-1 autocorrelation of daily |returns| (1-minute ticks keep a year fast)."""
    path = make(seed, params, dt_seconds=60).path(days * 1440)
    daily = np.diff(np.log(np.concatenate([[START], path]))[::1440])
    return acf(np.abs(daily), 1)


def test_slow_component_clusters_volatility_over_days():
    """A wild day makes a wild next day likelier: daily |r| ACF at lag 1 > 0.05 (market.md), and it is the
    slow component that does it (without it the regimes and the GARCH have forgotten within a day)."""
    # over 10 seeds x 360 days: mean 0.15 (0.09-0.23) with it, 0.01 without
    with_slow = [daily_abs_acf1(s, 360, IndexParams()) for s in range(4)]
    without = [daily_abs_acf1(s, 360, IndexParams(slow_vol=0.0)) for s in range(4)]
    assert np.mean(with_slow) > 0.08 and np.mean(with_slow) > np.mean(without) + 0.05, (with_slow, without)
    assert_mostly([a > 0.0 for a in with_slow], "daily |r| ACF lag 1 > 0")


def test_the_index_has_no_drift():
    """Down jumps are larger than up jumps, but their expected value is taken out: no drawn trend."""
    monthly = [math.log(make(s, dt_seconds=60).path(30 * 1440)[-1] / START) for s in range(40)]
    assert abs(np.mean(monthly)) < 3 * np.std(monthly) / math.sqrt(len(monthly)), np.mean(monthly)


def test_long_run_volatility_is_annual_vol_with_the_slow_component():
    vols = [np.diff(np.log(make(s, dt_seconds=60).path(360 * 1440))).std() * math.sqrt(MINUTES_PER_YEAR)
            for s in range(4)]
    assert 0.55 <= np.mean(vols) <= 0.75, vols


def test_excite_raises_volatility_and_decays_with_the_half_life():
    quiet = IndexParams(slow_vol=0.0, slow_half_life_days=1.0)
    p = make(0, quiet, dt_seconds=60)
    base = p.sigma
    p.excite(1.0)  # log q + 1: volatility x e^0.5
    assert p.sigma == pytest.approx(base * math.exp(0.5), rel=1e-9)
    p.path(1440)  # one half-life later the excess log variance has halved
    assert p.slow_multiplier == pytest.approx(math.exp(0.25), rel=1e-6)


def test_annual_vol_scales_every_return():
    """Jump sizes are in units of the 1-minute sigma, so annual_vol scales the whole return distribution."""
    lo = np.diff(np.log(make(3, IndexParams(annual_vol=0.4)).path(50_000)))
    hi = np.diff(np.log(make(3, IndexParams(annual_vol=1.2)).path(50_000)))
    np.testing.assert_allclose(hi, 3.0 * lo, rtol=1e-6, atol=1e-12)


# --------------------------------------------------------------- determinism
def test_same_seed_same_path_bit_identical():
    a = make(42).path(20_000)
    b = make(42).path(20_000)
    assert np.array_equal(a, b)
    c = make(42)
    stepped = np.array([c.step() for _ in range(20_000)])
    assert np.array_equal(a, stepped)


def test_different_seeds_different_paths():
    assert not np.array_equal(make(1).path(1000), make(2).path(1000))


def test_no_global_random_state_clock_or_io():
    source = inspect.getsource(index_process)
    tree = ast.parse(source)
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= {"__future__", "dataclasses", "math", "numpy"}, imported
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                and node.value.attr == "random"):  # np.random.<x>: only the Generator type is allowed
            assert node.attr == "Generator", f"global numpy random call np.random.{node.attr}"
    assert "open(" not in source and "print(" not in source


# ------------------------------------------------------------------- safety
def test_prices_stay_positive_and_finite_under_extremes():
    wild = IndexParams(annual_vol=8.0, jump_rate_per_day=500.0, jump_scale=0.5)
    p = make(7, wild)
    p.path(100)
    p.excite(40.0)  # an absurd liquidation feed: vol x e^20
    path = p.path(2_000)
    assert np.all(np.isfinite(path)) and np.all(path > 0)
    log_r = np.diff(np.log(path))
    assert np.max(np.abs(log_r)) <= wild.max_log_return + 1e-12


def test_properties_and_path():
    p = make(5)
    assert p.t == 0 and p.price == START and p.sigma > 0
    x = p.step()
    assert p.t == 1 and p.price == x
    arr = p.path(99)
    assert p.t == 100 and arr.shape == (99,) and arr[-1] == p.price
    # long-run sigma at 65 %/yr is ~1.16e-4 per second; the process starts near it
    assert 2e-5 < p.sigma < 1e-3


def test_invalid_parameters_rejected():
    with pytest.raises(ValueError):
        IndexParams(beta=0.9999)  # persistence >= 1
    with pytest.raises(ValueError):
        IndexParams(nu=2.0)
    with pytest.raises(ValueError):
        IndexParams(slow_vol=-0.1)
    with pytest.raises(ValueError):
        IndexProcess(IndexParams(), np.random.default_rng(0), 0.0)
    with pytest.raises(ValueError):
        make(0, IndexParams(jump_scale=1e3))  # jumps alone exceed annual_vol


def test_scaled_replaces_fields():
    base = IndexParams()
    hot = base.scaled(annual_vol=1.2, stressed_vol_mult=3.0)
    assert hot.annual_vol == 1.2 and hot.stressed_vol_mult == 3.0 and hot.alpha == base.alpha
    assert base.annual_vol == 0.65
