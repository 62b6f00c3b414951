"""Named, seeded market set-ups, read from ``assets/scenarios/*.json``.

A scenario fixes the default seed, the exogenous shape of the index (volatility and
scheduled :class:`Segment` moves), the depth of the book, the crowd's size and mix, the
perpetual's premium (which drives funding) and the starting insurance fund and pool.
The cascade itself is never scripted: it comes from the crowd's liquidations.

The engine reads no files: ``load_scenarios`` takes already-parsed JSON (the asset
loader in :mod:`liqgame.assets_io` does the reading), so scenarios stay pure data.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .bots import DEFAULT_MIX, PERSONAS, CrowdParams
from .index_process import IndexParams, Segment


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
    bots: int = 3_000
    crowd: CrowdParams = field(default_factory=CrowdParams)
    premium: float = 0.0001
    insurance_fund_usd: float = 2_000_000.0
    pool_usd: float = 50_000_000.0
    funding_interval_s: int = 8 * 3600  # lessons compress the funding clock


def _num(d: dict, key: str, where: str, lo=None, hi=None, default=None):
    v = d.get(key, default)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ScenarioError(f"{where}: '{key}' must be a number, got {v!r}")
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise ScenarioError(f"{where}: '{key}' must be between {lo} and {hi}, got {v!r}")
    return v


def scenario_from_dict(d: dict, where: str = "scenario") -> Scenario:
    """Validate one scenario object; errors name the field at fault."""
    if not isinstance(d, dict):
        raise ScenarioError(f"{where}: expected a JSON object")
    for key in ("name", "title", "description"):
        if not isinstance(d.get(key), str) or not d[key]:
            raise ScenarioError(f"{where}: '{key}' must be a non-empty string")
    idx = d.get("index", {})
    if not isinstance(idx, dict):
        raise ScenarioError(f"{where}: 'index' must be an object")
    segs = []
    for k, s in enumerate(d.get("segments", [])):
        try:
            segs.append(Segment(int(s["start_s"]), int(s["end_s"]), float(s.get("log_move", 0.0)),
                                float(s.get("vol_mult", 1.0))))
        except (KeyError, TypeError, ValueError) as e:
            raise ScenarioError(f"{where}: segments[{k}] is invalid ({e})") from None
    try:
        index = IndexParams(**{k: float(v) for k, v in idx.items()}, segments=tuple(segs))
    except (TypeError, ValueError) as e:
        raise ScenarioError(f"{where}: 'index' is invalid ({e})") from None
    c = d.get("crowd", {})
    mix = c.get("mix", DEFAULT_MIX)
    unknown = set(mix) - set(PERSONAS)
    if unknown:
        raise ScenarioError(f"{where}: crowd.mix has unknown persona(s) {sorted(unknown)}")
    crowd = CrowdParams(mix=tuple((k, float(v)) for k, v in mix.items()),
                        long_bias=_num(c, "long_bias", where, -0.45, 0.45, 0.0),
                        herd=_num(c, "herd", where, 0, 1, 0.25),
                        activity=_num(c, "activity", where, 0, 100, 1.0),
                        leverage_tilt=_num(c, "leverage_tilt", where, 0, 1, 0.0))
    return Scenario(
        name=d["name"], title=d["title"], description=d["description"],
        seed=int(_num(d, "seed", where, 0, 2**63 - 1, 1)),
        start_price=_num(d, "start_price", where, 100, 10_000_000, 60_000),
        duration_s=int(_num(d, "duration_s", where, 60, 10**7, 14_400)),
        index=index,
        depth_btc=_num(d, "depth_btc", where, 1, 10**6, 400),
        bots=int(_num(d, "bots", where, 0, 2_000_000, 3000)),
        crowd=crowd,
        premium=_num(d, "premium", where, -0.01, 0.01, 0.0001),
        insurance_fund_usd=_num(d, "insurance_fund_usd", where, 0, 10**12, 2e6),
        pool_usd=_num(d, "pool_usd", where, 0, 10**13, 5e7),
        funding_interval_s=int(_num(d, "funding_interval_s", where, 60, 7 * 86400, 8 * 3600)),
    )


def with_overrides(s: Scenario, **changes) -> Scenario:
    return replace(s, **{k: v for k, v in changes.items() if v is not None})
