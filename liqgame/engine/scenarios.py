"""Named, seeded market set-ups, read from ``assets/scenarios/*.json``.

A scenario fixes the default seed, the index's volatility, the depth of the book and how
it withdraws (:mod:`liquidity`), the crowd's size and mix, the shocks that hit the market
(:mod:`shocks`: order flow with seeded ranges for onset, size and duration), the funding
interval, the quarterly's carry and expiry, and the starting insurance fund and pool.
The price path is never scripted: the shock is order flow, and the crowd's stops and
liquidations through the impact model decide how far it goes.

The engine reads no files: ``load_scenarios`` takes already-parsed JSON (the asset
loader in :mod:`liqgame.assets_io` does the reading), so scenarios stay pure data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .bots import DEFAULT_MIX, PERSONAS, CrowdParams
from .fields import FieldError, number
from .index_process import IndexParams
from .liquidity import LiquidityParams
from .shocks import ShockError, ShockSpec, shocks_from_list


class ScenarioError(ValueError):
    """A malformed scenario (the message names the field)."""


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    description: str
    seed: int = 1
    start_price: float = 60_000.0
    duration_s: int = 14_400
    index: IndexParams = field(default_factory=IndexParams)
    depth_btc: float = 400.0
    liquidity: LiquidityParams = field(default_factory=LiquidityParams)
    bots: int = 3_000
    crowd: CrowdParams = field(default_factory=CrowdParams)
    shocks: tuple[ShockSpec, ...] = ()
    insurance_fund_usd: float = 2_000_000.0
    pool_usd: float = 50_000_000.0
    funding_interval_s: int = 8 * 3600  # short scenarios settle more often (and pay a share of the 8 h rate)
    funding_period_s: int = 8 * 3600  # lessons compress the clock: a whole 8 h period in a few minutes
    quarterly_carry: float = 0.08  # annualised
    quarterly_expiry_s: int = 7 * 24 * 3600


KNOWN = set(Scenario.__dataclass_fields__)
# what a scenario file may set, within what bounds (the defaults are the dataclasses' own, written once)
BOUNDS = {"seed": (0, 2**63 - 1, int), "start_price": (100, 10_000_000, float), "duration_s": (60, 10**7, int),
          "depth_btc": (1, 10**6, float), "bots": (0, 2_000_000, int), "insurance_fund_usd": (0, 10**12, float),
          "pool_usd": (0, 10**13, float), "funding_interval_s": (60, 7 * 86400, int),
          "funding_period_s": (60, 8 * 3600, int), "quarterly_carry": (-0.5, 1.0, float),
          "quarterly_expiry_s": (60, 400 * 86400, int)}
CROWD_BOUNDS = {"long_bias": (-0.45, 0.45), "herd": (0, 1), "activity": (0, 100), "leverage_tilt": (0, 1),
                "cooloff_hours": (0, 24 * 30)}
RETIRED = {
    "segments": "scripted price moves are gone: describe what hits the market with 'shocks' (order flow)",
    "premium": "the premium follows the crowd's imbalance now: lean the crowd with crowd.long_bias or a "
               "'sentiment' shock",
}


def _num(d: dict, key: str, where: str, lo=None, hi=None, default=None):
    try:
        return number(d.get(key, default), lo=lo, hi=hi)
    except FieldError as e:
        raise ScenarioError(f"{where}: '{key}' {e}") from None


def scenario_from_dict(d: dict, where: str = "scenario") -> Scenario:
    """Validate one scenario object; errors name the field at fault."""
    if not isinstance(d, dict):
        raise ScenarioError(f"{where}: expected a JSON object")
    for key in ("name", "title", "description"):
        if not isinstance(d.get(key), str) or not d[key]:
            raise ScenarioError(f"{where}: '{key}' must be a non-empty string")
    unknown = sorted(set(d) - KNOWN)
    if unknown:
        key = unknown[0]
        raise ScenarioError(f"{where}: '{key}' " + RETIRED.get(key, f"is not a scenario field (known: "
                                                                     f"{', '.join(sorted(KNOWN))})"))
    index = _params(d, "index", IndexParams, where)
    liquidity = _params(d, "liquidity", LiquidityParams, where)
    try:
        shocks = shocks_from_list(d.get("shocks", []), "shocks")
    except ShockError as e:
        raise ScenarioError(f"{where}: {e}") from None
    c = d.get("crowd", {})
    mix = c.get("mix", DEFAULT_MIX)
    unknown = set(mix) - set(PERSONAS)
    if unknown:
        raise ScenarioError(f"{where}: crowd.mix has unknown persona(s) {sorted(unknown)}")
    crowd = CrowdParams(mix=tuple((k, float(v)) for k, v in mix.items()),
                        **{k: float(_num(c, k, where, lo, hi, _default(CrowdParams, k)))
                           for k, (lo, hi) in CROWD_BOUNDS.items()})
    numbers = {k: kind(_num(d, k, where, lo, hi, _default(Scenario, k))) for k, (lo, hi, kind) in BOUNDS.items()}
    return Scenario(name=d["name"], title=d["title"], description=d["description"], index=index, liquidity=liquidity,
                    crowd=crowd, shocks=shocks, **numbers)


def _default(cls, key: str):
    return cls.__dataclass_fields__[key].default


def _params(d: dict, key: str, cls, where: str):
    """An object of numeric overrides for a parameter dataclass (``index``, ``liquidity``)."""
    raw = d.get(key, {})
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: '{key}' must be an object")
    for k, v in raw.items():
        if k not in cls.__dataclass_fields__:
            raise ScenarioError(f"{where}: '{key}.{k}' is not a {key} setting")
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ScenarioError(f"{where}: '{key}.{k}' must be a number, got {v!r}")
    try:
        return cls(**{k: float(v) for k, v in raw.items()})
    except (TypeError, ValueError) as e:
        raise ScenarioError(f"{where}: '{key}' is invalid ({e})") from None

