"""Shocks are order flow with seeded ranges: what hits the market, when and how big is the seed's draw."""

from __future__ import annotations

import numpy as np
import pytest

from liqgame.assets_io import scenarios
from liqgame.engine import GameConfig
from liqgame.engine.scenarios import ScenarioError, scenario_from_dict
from liqgame.engine.shocks import ShockError, ShockPlan, shocks_from_list
from liqgame.session import make_game

META = {"kind": "metaorder", "side": "sell", "onset_s": [600, 7200], "duration_s": [600, 1200], "size_btc": [100, 200]}


def plan(specs, seed=0) -> ShockPlan:
    return ShockPlan(shocks_from_list(specs), np.random.default_rng(seed))


def flows(p: ShockPlan, ticks: int) -> np.ndarray:
    out = np.zeros(ticks, dtype=np.int64)
    for t in range(ticks):
        out[t] = sum(lots for lots, _ in p.step(t)[0])
    return out


def test_onset_size_and_duration_are_drawn_from_the_seed():
    drawn = [plan([META], seed).shocks[0] for seed in range(40)]
    onsets = np.array([s.start for s in drawn])
    assert onsets.min() >= 600 and onsets.max() <= 7200
    assert onsets.std() / 60 >= 10  # the crash is not at the same minute in every game
    assert all(600 <= s.end - s.start <= 1200 and 100 <= s.size_btc <= 200 for s in drawn)
    assert [s.start for s in drawn[:5]] == [plan([META], seed).shocks[0].start for seed in range(5)]


def test_a_metaorder_trades_exactly_its_size_inside_its_window():
    p = plan([META], 3)
    s = p.shocks[0]
    f = flows(p, s.end + 100)
    assert (f[:s.start] == 0).all() and (f[s.end:] == 0).all() and (f <= 0).all()
    assert -f.sum() == round(s.size_btc * 1000)
    busy = f[s.start:s.end]
    assert (busy < 0).mean() > 0.5 and busy.std() > 0  # child orders most seconds, of irregular size


def test_jumps_excite_each_other():
    """A Hawkes burst: with excitation, jumps come in clusters (more of them, and bunched)."""
    base = {"kind": "jumps", "side": "both", "onset_s": 0, "duration_s": 20_000, "size_btc": 1, "base_per_min": 0.2,
            "decay_s": 60}
    counts = {}
    for excitation in (0.0, 0.8):
        f = flows(plan([{**base, "excitation": excitation}], 1), 20_000)
        per_min = np.add.reduceat((f != 0).astype(int), np.arange(0, 20_000, 60))
        counts[excitation] = (per_min.sum(), per_min.var() / per_min.mean())
    (n0, disp0), (n1, disp1) = counts[0.0], counts[0.8]
    assert n1 > 2.5 * n0  # 1 / (1 - 0.8) = 5x on average
    assert disp0 < 1.5 < disp1  # Poisson has dispersion 1; self-excitation bunches them


def test_sentiment_leans_the_crowd_and_after_chains_onsets():
    specs = [META, {"kind": "sentiment", "after": 0, "onset_s": 60, "duration_s": 100, "long_bias": 0.2}]
    p = plan(specs, 5)
    first, second = p.shocks
    assert second.start == first.start + 60
    assert p.step(second.start)[1] == pytest.approx(0.2) and p.step(second.end)[1] == 0.0


def test_the_same_seed_gives_the_same_shock_with_and_without_liquidation_impact():
    a = make_game(GameConfig(seed=9, scenario="long-squeeze", bots=300))
    b = make_game(GameConfig(seed=9, scenario="long-squeeze", bots=300, liquidation_impact=False))
    assert a.shocks.describe() == b.shocks.describe()
    for t in range(1, 4000):
        assert a.shocks.step(t) == b.shocks.step(t)


@pytest.mark.parametrize("bad,field", [
    ({**META, "kind": "meteor"}, "shocks[0].kind"),
    ({**META, "size_btc": [5, 1]}, "shocks[0].size_btc"),
    ({**META, "onset_s": "soon"}, "shocks[0].onset_s"),
    ({**META, "side": "both"}, "shocks[0].side"),  # a metaorder has one side
    ({**META, "after": 0}, "shocks[0].after"),  # only an earlier shock
    ({**META, "speed": 3}, "shocks[0].speed"),
    ({"kind": "jumps", "onset_s": 0, "duration_s": 10, "size_btc": 1, "excitation": 1.5}, "shocks[0].excitation"),
])
def test_malformed_shocks_name_the_field(bad, field):
    with pytest.raises(ShockError) as e:
        shocks_from_list([bad])
    assert str(e.value).startswith(f"{field}: "), str(e.value)


def test_scenarios_describe_flow_never_a_drawn_path():
    base = {"name": "x", "title": "x", "description": "x"}
    for retired in ("segments", "premium"):
        with pytest.raises(ScenarioError, match=f"'{retired}'.*(shocks|crowd)"):
            scenario_from_dict({**base, retired: []})
    with pytest.raises(ScenarioError, match=r"shocks\[0\]\.size_btc"):
        scenario_from_dict({**base, "shocks": [{**META, "size_btc": -1}]})
    with pytest.raises(ScenarioError, match="'liquidity.depth' is not a liquidity setting"):
        scenario_from_dict({**base, "liquidity": {"depth": 3}})
    crashes = [s for s in scenarios().values() if s.name not in ("calm",)]
    assert all(s.shocks for s in crashes) and "flash-crash" in scenarios()
    for s in crashes:  # every main move has a seeded onset range, not a fixed minute
        assert any(x.onset_s.hi > x.onset_s.lo for x in s.shocks), s.name
