"""Exogenous shocks: what hits the market, as order flow, never as a drawn price path.

A scenario lists shocks with *ranges* for onset, duration and size; the game draws the actual
values from its own seeded stream (``SeedSequence(seed).spawn``), so the same seed gives the
same shock with and without liquidation impact, and another seed (another daily challenge) a
crash at another minute, of another size.  Kinds:

* ``metaorder``: a spot seller (or buyer) works ``size_btc`` over ``duration_s`` in child
  orders of irregular size — it moves the index through the impact law, and the crowd's stops
  and liquidations decide how far the perpetual goes;
* ``jumps``: a burst of block trades on spot with self-exciting intensity (a Hawkes process:
  ``rate = base + sum of excitation / decay_s * exp(-age / decay_s)`` over past jumps, so each
  jump triggers ``excitation`` more on average), sizes exponential around ``size_btc``, all on
  one side or (``"side": "both"``) each on a side of its own;
* ``sentiment``: the crowd leans one way for a while (``long_bias`` is added to its chance of
  opening long): a crowd piling into longs leaves the pool short, the perpetual trades rich
  and funding climbs — a funding squeeze, once the crowd has to get out.

``permanent`` is how much of a flow's displacement is also written into the fair value for
good (default: the book's, for uninformed flow that the market mostly forgets; a seller acting
on news moves the price for good).  ``after: k`` counts a shock's onset from the drawn onset of shock ``k`` (an earlier one): one
piece of news, two flows (a burst of block trades and the metaorder that follows it).

A value is a number or a ``[lo, hi]`` range (drawn uniformly).  Lessons that need the same
market for everyone use plain numbers: the shape is then fixed, and it still moves price
only through order flow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from .fields import FieldError, number
from .money import LOTS_PER_BTC

KINDS = ("metaorder", "jumps", "sentiment")
SIDES = {"sell": -1, "buy": 1, "both": 0}  # "both": each jump picks its side (jumps only)


class ShockError(ValueError):
    """A malformed shock (the message names the field)."""


@dataclass(frozen=True)
class Range:
    lo: float
    hi: float

    def draw(self, rng: np.random.Generator) -> float:
        return self.lo if self.lo == self.hi else float(rng.uniform(self.lo, self.hi))


@dataclass(frozen=True)
class ShockSpec:
    kind: str
    onset_s: Range
    duration_s: Range
    side: int = -1
    size_btc: Range = Range(0.0, 0.0)  # metaorder: total; jumps: mean size of one jump
    base_per_min: float = 0.5  # jumps: baseline rate inside the window
    excitation: float = 0.6  # jumps: mean number of jumps each jump triggers (< 1)
    decay_s: float = 60.0  # jumps: memory of the excitation
    long_bias: Range = Range(0.0, 0.0)  # sentiment
    permanent: float | None = None  # permanent part of its impact (None: the book's; news is information)
    after: int | None = None  # onset counted from the onset of this earlier shock (same news, two flows)


@dataclass
class Shock:
    """One drawn shock: when, how long, how big; steps itself with its own randomness."""

    spec: ShockSpec
    start: int
    end: int
    size_btc: float
    long_bias: float
    excite: float = 0.0
    done_lots: int = 0

    def flow(self, t: int, rng: np.random.Generator) -> int:
        """Signed spot lots this shock trades in second ``t`` (inside its window)."""
        if self.spec.kind == "metaorder":
            return self._child_order(t, rng)
        if self.spec.kind == "jumps":
            return self._jump(rng)
        return 0

    def _child_order(self, t: int, rng: np.random.Generator) -> int:
        """Irregular child orders: each a random multiple (mean 1) of what the schedule has due by now;
        the last second trades whatever is left, so the whole size is done inside the window."""
        target = round(self.size_btc * LOTS_PER_BTC * (t + 1 - self.start) / (self.end - self.start))
        lots = max(int(round((target - self.done_lots) * rng.gamma(2.0, 0.5))), 0)
        if t == self.end - 1:
            lots = max(target - self.done_lots, 0)
        self.done_lots += lots
        return self.spec.side * lots

    def _jump(self, rng: np.random.Generator) -> int:
        """A block trade with probability 1 - exp(-rate); each one raises the rate for the next ones."""
        s = self.spec
        rate = s.base_per_min / 60.0 + self.excite
        self.excite *= math.exp(-1.0 / s.decay_s)
        if rng.random() >= 1.0 - math.exp(-rate):
            return 0
        self.excite += s.excitation / s.decay_s
        side = s.side or (1 if rng.random() < 0.5 else -1)
        return side * int(round(self.size_btc * LOTS_PER_BTC * rng.standard_exponential()))

    def describe(self) -> dict:
        d = {"kind": self.spec.kind, "onset_s": self.start, "duration_s": self.end - self.start}
        if self.spec.kind == "sentiment":
            d["long_bias"] = round(self.long_bias, 4)
        else:
            d["side"] = {v: k for k, v in SIDES.items()}[self.spec.side]
            d["size_btc"] = round(self.size_btc, 3)
        return d


class ShockPlan:
    """All shocks of a game, drawn once from the shock stream; ``step(t)`` gives the second's flow."""

    def __init__(self, specs, rng: np.random.Generator):
        self.rng = rng
        self.shocks = []
        for s in specs:
            start = int(round(s.onset_s.draw(rng))) + (0 if s.after is None else self.shocks[s.after].start)
            length = max(int(round(s.duration_s.draw(rng))), 1)
            self.shocks.append(Shock(s, start, start + length, s.size_btc.draw(rng), s.long_bias.draw(rng)))
        self._first = min((s.start for s in self.shocks), default=math.inf)
        self._last = max((s.end for s in self.shocks), default=-1)

    def step(self, t: int) -> tuple[list[tuple[int, float | None]], float]:
        """([(signed spot lots, permanent share), ...], extra long bias of the crowd) for second ``t``."""
        if t < self._first or t >= self._last:
            return [], 0.0
        flows, bias = [], 0.0
        for s in self.shocks:
            if s.start <= t < s.end:
                lots = s.flow(t, self.rng)
                if lots:
                    flows.append((lots, s.spec.permanent))
                bias += s.long_bias
        return flows, bias

    def describe(self) -> list[dict]:
        return [s.describe() for s in self.shocks]


# ---------------------------------------------------------------------- parsing
def _range(d: dict, key: str, where: str, lo: float, hi: float, default=None) -> Range:
    v = d.get(key, default)
    if v is None:
        raise ShockError(f"{where}.{key}: is missing")
    pair = v if isinstance(v, list) else [v, v]
    if len(pair) != 2 or any(isinstance(x, bool) or not isinstance(x, (int, float)) for x in pair):
        raise ShockError(f"{where}.{key}: must be a number or a [lo, hi] range, got {v!r}")
    a, b = float(pair[0]), float(pair[1])
    if not (lo <= a <= b <= hi):
        raise ShockError(f"{where}.{key}: must satisfy {lo} <= lo <= hi <= {hi}, got {v!r}")
    return Range(a, b)


def _number(d: dict, key: str, where: str, lo: float, hi: float, default: float) -> float:
    try:
        return float(number(d.get(key, default), lo=lo, hi=hi))
    except FieldError as e:
        raise ShockError(f"{where}.{key}: {e}") from None


FIELDS = {
    "metaorder": {"kind", "side", "onset_s", "duration_s", "size_btc", "permanent", "after"},
    "jumps": {"kind", "side", "onset_s", "duration_s", "size_btc", "base_per_min", "excitation", "decay_s", "permanent",
              "after"},
    "sentiment": {"kind", "onset_s", "duration_s", "long_bias", "after"},
}


def shock_from_dict(d, where: str, earlier: int = 0) -> ShockSpec:
    """Validate one shock object (``earlier`` shocks precede it); errors name the field
    (``shocks[2].size_btc: ...``)."""
    if not isinstance(d, dict):
        raise ShockError(f"{where}: must be an object")
    kind = d.get("kind")
    if kind not in KINDS:
        raise ShockError(f"{where}.kind: must be one of {', '.join(KINDS)}, got {kind!r}")
    extra = sorted(set(d) - FIELDS[kind])
    if extra:
        raise ShockError(f"{where}.{extra[0]}: unknown field for a {kind} shock "
                         f"(known: {', '.join(sorted(FIELDS[kind]))})")
    side = d.get("side", "sell")
    sides = ("sell", "buy", "both") if kind == "jumps" else ("sell", "buy")
    if kind != "sentiment" and side not in sides:
        raise ShockError(f"{where}.side: must be {' or '.join(repr(x) for x in sides)}, got {side!r}")
    after = d.get("after")
    if after is not None and (isinstance(after, bool) or not isinstance(after, int) or not 0 <= after < earlier):
        raise ShockError(f"{where}.after: must be the index of an earlier shock (0..{earlier - 1}), got {after!r}")
    common = dict(kind=kind, onset_s=_range(d, "onset_s", where, 0, 10**7),
                  duration_s=_range(d, "duration_s", where, 1, 10**7), after=after)
    if kind == "sentiment":
        return ShockSpec(**common, long_bias=_range(d, "long_bias", where, -0.45, 0.45))
    permanent = None if d.get("permanent") is None else _number(d, "permanent", where, 0, 1, 0.0)
    spec = ShockSpec(**common, side=SIDES[side], size_btc=_range(d, "size_btc", where, 0, 10**7), permanent=permanent)
    if kind == "jumps":
        spec = replace(spec, base_per_min=_number(d, "base_per_min", where, 0, 60, 0.5),
                       excitation=_number(d, "excitation", where, 0, 0.95, 0.6),
                       decay_s=_number(d, "decay_s", where, 1, 86_400, 60.0))
    return spec


def shocks_from_list(items, where: str = "shocks") -> tuple[ShockSpec, ...]:
    if not isinstance(items, list):
        raise ShockError(f"{where}: must be a list")
    return tuple(shock_from_dict(x, f"{where}[{k}]", k) for k, x in enumerate(items))
