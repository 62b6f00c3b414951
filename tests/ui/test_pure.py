"""The UI's pure parts (no Textual): chart drawing at any size, the ticket's parsing, the runner."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liqgame.engine import GameConfig
from liqgame.engine import actions as A
from liqgame.engine import events as ev
from liqgame.session import make_game
from liqgame.ui.runner import GameRunner
from liqgame.ui.views.chartdata import (
    DEFAULT_PALETTE,
    ChartData,
    Marker,
    build_price_chart,
    per_point,
    render_chart,
    series_chart,
)
from liqgame.ui.views.draft import Draft, final_order, leverage_of, preview_order, size_text


def test_textual_free_modules():
    """The runner, chart maths and ticket parsing run on worker threads and in benches: no Textual."""
    code = ("import sys, liqgame.ui.runner, liqgame.ui.views.chartdata, liqgame.ui.views.draft, liqgame.ui.views.fmt; "
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


prices = st.lists(st.floats(1_000, 200_000, allow_nan=False), min_size=0, max_size=400)


@settings(max_examples=150, deadline=None)
@given(values=prices, width=st.integers(0, 260), height=st.integers(0, 90), heat=st.booleans(),
       marker=st.floats(1, 400_000, allow_nan=False))
def test_render_chart_fits_any_size(values, width, height, heat, marker):
    data = series_chart(values, [Marker("LIQ", marker, "liq"), Marker("ENTRY", marker * 1.01, "entry")])
    if heat:
        rows = max(height, 1)
        data = ChartData(data.values, data.lo, data.hi, data.last, data.markers, np.ones(rows), np.zeros(rows))
    lines = render_chart(data, width, height, DEFAULT_PALETTE)
    assert len(lines) == max(height, 1)
    if width >= 20 and height >= 3:
        assert all(line.cell_len <= width for line in lines)


def test_price_chart_lines_up_with_the_heatmap():
    game = make_game(GameConfig(seed=3, scenario="long-squeeze", bots=300))
    game.run(300)
    mark = game.snapshot().market.mark
    calls = []

    def heat(span, buckets):
        calls.append((span, buckets))
        return game.heatmap(0, buckets, span)

    chart = build_price_chart(game.price_history, game.tick, 100, 20, mark, [Marker("LIQ", mark * 0.98, "liq")], heat)
    (span, buckets), = calls
    assert buckets == 20 and abs((chart.hi - chart.lo) / 2 / mark - span) < 1e-9
    assert chart.lo <= mark * 0.98 and len(chart.heat_longs) == 20 and chart.values[-1] == chart.last


def test_per_point_reduces_the_seconds_behind_each_sampled_point():
    per_second = np.arange(10, dtype=np.float64)  # seconds 0..9; points every 3 s end at 9, 6, 3
    assert per_point(per_second, 3, 3, np.add).tolist() == [1 + 2 + 3, 4 + 5 + 6, 7 + 8 + 9]
    assert per_point(per_second, 3, 4, np.minimum).tolist() == [0, 1, 4, 7]  # the first point has no past


def _crash_chart(rows: int):
    """The price chart of a flash crash, taken just after the cascade."""
    game = make_game(GameConfig(seed=3, scenario="flash-crash", bots=1500))
    game.run(game.shocks.describe()[1]["onset_s"] + 600)
    mark = game.snapshot().market.mark
    chart = build_price_chart(game.price_history, game.tick, 120, rows, mark, heatmap=lambda s, b: game.heatmap(0, b, s),
                              tape=game.tape, depth_normal=game.venue.market.p.book.depth_btc)
    return game, chart


def test_chart_strips_show_the_liquidation_burst_and_the_book_emptying():
    game, chart = _crash_chart(24)
    spd = chart.seconds_per_point
    covered = slice(len(game.tape.liq_long) - spd * len(chart.values), None)
    assert len(chart.liq_longs) == len(chart.depth) == len(chart.values)
    assert chart.liq_longs.sum() == pytest.approx(sum(game.tape.liq_long[max(covered.start, 0):]))
    assert chart.liq_longs.max() > 10 * max(chart.liq_shorts.max(), 1.0)  # a burst of longs
    assert chart.depth.min() < 0.5 * chart.depth_normal < chart.depth[0]  # the book emptied, from full
    assert len(chart.heat_longs) == 24 - 2  # the heatmap keeps one bucket per price row
    lines = [line.plain for line in render_chart(chart, 100, 24, DEFAULT_PALETTE)]
    assert len(lines) == 24 and "liq" in lines[-2] and "depth" in lines[-1]
    assert "█" in lines[-2][:60]  # the burst's bar
    depth_bars = [c for c in lines[-1][:60] if c in "▁▂▃▄▅▆▇█"]
    assert depth_bars[0] in "▇█" and min(depth_bars) <= "▄"  # a full book, then an empty one


def test_a_short_chart_keeps_every_row_for_the_price():
    _, chart = _crash_chart(8)
    assert not chart.strips and len(chart.heat_longs) == 8
    assert "depth" not in render_chart(chart, 100, 8, DEFAULT_PALETTE)[-1].plain


def test_ticket_parsing():
    assert leverage_of(Draft(leverage="50x")) == (50, "")
    assert leverage_of(Draft(leverage=""))[0] is None
    assert "whole number" in leverage_of(Draft(leverage="2.5"))[1]
    assert "1 or more" in leverage_of(Draft(leverage="0"))[1]
    assert size_text(Draft(size="1000", unit="USD"), 43_000.0) == "0.023"
    assert size_text(Draft(size="10", unit="USD"), 43_000.0) == "0.000"  # the engine refuses: less than a lot
    assert size_text(Draft(size="abc", unit="USD"), 43_000.0) == "abc"
    order, why = preview_order(Draft(type="limit", size="0.5", price=" 42000.5 "), "long", 43_000.0)
    assert why == "" and order.price == "42000.5" and order.qty == "0.5"
    final = final_order(order)
    assert (final.qty, final.price) == (0.5, 42000.5)
    assert A.parse_action({"tick": 0, **final.to_dict()})[1] == final  # the log stays replayable


def test_runner_steps_halts_and_queues_events():
    game = make_game(GameConfig(seed=5, scenario="long-squeeze", bots=200))
    halts = []
    runner = GameRunner(game, on_halt=halts.append)
    assert runner.apply(A.PlaceOrder(side="long", qty=0.5, leverage=50)).ok
    assert any(isinstance(e, ev.Fill) for e in runner.drain_events()) and not runner.drain_events()
    stepped = runner.advance(10_000)
    assert halts and halts[0].reason == "liquidation" and runner.halted is halts[0]
    assert stepped == game.tick - 0 and runner.advance(5) == 0  # halted: no more ticks
    kinds = [type(e) for e in runner.player_events]
    assert kinds[0] is ev.Fill and ev.Liquidation in kinds and kinds[-1] is ev.PositionClosed
    assert runner.resume_after_halt() and runner.advance(3) == 3


def test_clock_accrues_ticks_at_speed_and_caps_the_backlog():
    runner = GameRunner(make_game(GameConfig(seed=1, bots=50)))
    runner.set_speed(20)
    runner.set_paused(False)
    t = runner._last_clock  # set_paused starts the clock now
    runner.clock(t)
    runner.clock(t + 0.25)
    assert runner._due == 5  # 20 ticks/s for a quarter of a second
    runner.clock(t + 10)  # ten seconds late: the backlog is capped, the game slows down instead
    assert runner._due <= 20 * 0.5 + 1
    runner.set_paused(True)
    assert runner._due == 0


def test_copy_reads_as_english():
    from types import SimpleNamespace

    from liqgame.engine import events as ev
    from liqgame.engine.explain import narrative
    from liqgame.ui.palette import palette
    from liqgame.ui.widgets.feed import feed_lines

    DEFAULT_PALETTE = palette(SimpleNamespace(theme_variables={"none": ""}))  # the fallback colours

    one = ev.CrowdLiquidations(3, 1, 0.5, 0, 0.0, 60_000.0, 0)
    line = feed_lines([one], trader=1, pal=DEFAULT_PALETTE)[0].plain
    assert "1 long," in line and "1 longs" not in line
    assert narrative("you", 0, (), "") == "You ended exactly where you started: nothing was lost."
    cancelled = feed_lines([ev.OrderCancelled(1, 1, 1, "cancelled by you")], 1, DEFAULT_PALETTE)[0].plain
    assert "#1: cancelled by you" in cancelled


def test_one_wording_for_the_feed_and_the_post_mortem():
    """An event is worded once: the feed and the post-mortem's timeline say the same sentence."""
    from types import SimpleNamespace

    from liqgame.engine import events as ev
    from liqgame.ui.palette import palette
    from liqgame.ui.views.story import timeline
    from liqgame.ui.widgets.feed import feed_lines

    pal = palette(SimpleNamespace(theme_variables={"none": ""}))
    call = ev.MarginCall(61, 0, "perp", 0.85, 41_000.0, 40_800.0)
    adl = ev.ADLEvent(62, 0, "perp", "short", 0.2, 41_500.0, pnl=-12_3400)
    fed = [t.plain for t in feed_lines([call, adl], 0, pal)]
    told = [line.text for line in timeline([call, adl], None, trader=0)]
    assert fed[0] == "0:01:01 MARGIN CALL " + told[0] and "liquidation at 40,800.0" in told[0]
    assert fed[1] == "0:01:02 AUTO-DELEVERAGED " + told[1] and "-$12.34 against the mark" in told[1]
    assert feed_lines([ev.MarginCall(61, 1, "perp", 0.85, 41_000.0, 40_800.0)], 0, pal) == []  # not mine


def test_what_if_offers_only_leverages_the_wallet_could_afford():
    """0.5 BTC at 43k (21.5k notional) from a 10k wallet: 2x would need 10.75k of margin, so it is not offered."""
    from types import SimpleNamespace

    from liqgame.engine import GameConfig
    from liqgame.ui.views.story import what_if_choices

    data = SimpleNamespace(log=({"action": "open", "leverage": 50, "qty": 0.5},), rulebook="insurance-first",
                           stories=(SimpleNamespace(entry_notional=21_500.0),), config=GameConfig())
    levs = [c.leverage for _, _, c in what_if_choices(data) if c.leverage is not None]
    assert levs == [5, 10]
