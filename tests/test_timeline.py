"""The per-minute timeline of ``liqgame simulate --json``: it adds up to what happened, second by second."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from liqgame.engine import GameConfig
from liqgame.engine import events as ev
from liqgame.session import make_game
from liqgame.timeline import timeline

FIELDS = {"minute", "open", "high", "low", "close", "liquidated_long_usd", "liquidated_short_usd",
          "open_interest_btc", "depth_bid_btc", "depth_ask_btc", "funding_rate", "insurance_fund_usd"}


@pytest.fixture(scope="module")
def crash():
    """A flash crash played to just after its main move (and a few seconds into a minute)."""
    g = make_game(GameConfig(seed=3, scenario="flash-crash"))
    liquidated = 0.0
    for _ in range(g.shocks.describe()[1]["onset_s"] + 1500 + 17):
        for e in g.step():
            if isinstance(e, ev.CrowdLiquidations):
                liquidated += (e.long_qty + e.short_qty) * e.price
    return g, liquidated


def test_one_row_per_minute_with_a_last_partial_one(crash):
    g, _ = crash
    rows = timeline(g)
    assert len(rows) == g.tick // 60 + 1 and all(set(r) == FIELDS for r in rows)
    assert [r["minute"] for r in rows] == list(range(len(rows)))


def test_ohlc_is_the_marks_of_each_minute(crash):
    g, _ = crash
    marks = np.fromiter((p[2] for p in g.price_history), dtype=np.float64) / 10
    for r in timeline(g)[:-1]:
        bar = marks[60 * r["minute"]: 60 * r["minute"] + 61]
        assert (r["open"], r["close"], r["high"], r["low"]) == (bar[0], bar[-1], bar.max(), bar.min())


def test_liquidations_depth_and_fund_show_the_cascade(crash):
    g, liquidated = crash
    rows = timeline(g)
    total = sum(r["liquidated_long_usd"] + r["liquidated_short_usd"] for r in rows)
    assert total == pytest.approx(liquidated, rel=1e-6)  # the crowd only here: no player traded
    worst = max(rows, key=lambda r: r["liquidated_long_usd"])
    assert worst["liquidated_long_usd"] > 0.1 * total  # a burst, not a drizzle
    normal = g.venue.market.p.book.depth_btc
    thinnest = min(rows, key=lambda r: r["depth_bid_btc"])
    assert rows[0]["depth_bid_btc"] > 0.8 * normal and thinnest["depth_bid_btc"] < 0.5 * normal  # the book emptied
    assert 0 <= thinnest["minute"] - worst["minute"] <= 5  # as the liquidations hit it
    assert rows[-1]["insurance_fund_usd"] < rows[0]["insurance_fund_usd"]  # the thin fund paid
    assert rows[-1]["open_interest_btc"] < rows[0]["open_interest_btc"]


def test_simulate_json_has_the_timeline_and_the_drawn_shocks():
    r = subprocess.run([sys.executable, "-m", "liqgame", "simulate", "--scenario", "flash-crash", "--seed", "2",
                        "--bots", "200", "--ticks", "150", "--json"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert len(rep["timeline"]) == 3 and set(rep["timeline"][0]) == FIELDS
    assert rep["funding_interval_s"] == 3600
    assert [s["kind"] for s in rep["shocks"]] == ["jumps", "metaorder"]
