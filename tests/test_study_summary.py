"""A study's summary table, its chart and the progress bar, on rows made by hand."""

import io

from liqgame.study.progress import Progress, bar, eta_text
from liqgame.study.summary import chart, compact, spread, table


def row(rb, seed, lost, winners, pool, fund=0.0, fees=0.0, adl=0.0, soc=0.0, liq=0):
    return {"rulebook": rb, "seed": seed, "crowd_lost_usd": lost, "to_winning_traders_usd": winners,
            "to_liquidity_pool_usd": pool, "to_insurance_fund_usd": fund, "to_fees_usd": fees, "via_adl_usd": adl,
            "socialised_usd": soc, "liquidations": liq}


ROWS = [row("insurance-first", s, 1000.0 * s, 500.0 * s, 300.0 * s, fund=200.0 * s, liq=s) for s in range(1, 21)] + \
       [row("no-backstop", s, 400.0, 500.0, -200.0, fees=100.0, liq=0) for s in range(1, 21)]


def test_spread_is_the_5th_50th_and_95th_percentile():
    assert spread(range(1, 101)) == (5.95, 50.5, 95.05)


def test_table_shows_median_and_range_per_rulebook_and_figure():
    lines = table(ROWS).splitlines()
    assert "insurance-first" in lines[0] and "no-backstop" in lines[0]
    lost = next(line for line in lines if line.startswith("crowd lost"))
    assert "10.5k (1,950 to 19.1k)" in lost and "400 (400 to 400)" in lost
    liq = next(line for line in lines if line.startswith("liquidations"))
    assert "10.5 (2.0 to 19.1)" in liq and "0 (0 to 0)" in liq


def test_chart_bars_are_proportional_and_money_that_came_back_is_named():
    lines = chart(ROWS, width=40).splitlines()
    ins = next(line for line in lines if line.startswith("insurance-first"))
    nob = next(line for line in lines if line.startswith("no-backstop"))
    # insurance-first: mean 10,500 lost = 5,250 winners + 3,150 pool + 2,100 fund: 20 + 12 + 8 cells
    assert ins.count("█") == 20 and ins.count("▓") == 12 and ins.count("▒") == 8
    assert nob.count("█") == 2 and nob.count("░") == 0 and "200 back from liquidity pool" in nob
    assert "10.5k lost" in ins


def test_compact_numbers():
    assert [compact(x) for x in (12_345_678, -45_600, 812.4, 3.0, 0.25, 1.5)] == \
        ["12.3M", "-45.6k", "812", "3", "0.25", "1.5"]


def test_progress_bar_counts_this_sessions_runs_and_estimates_the_rest():
    assert eta_text(42) == "42 s" and eta_text(245) == "4 min 05 s" and eta_text(7620) == "2 h 07 min"
    assert bar(0, 10, 0.0, width=10) == "[..........] 0/10 runs"
    assert bar(5, 10, 10.0, width=10) == "[#####.....] 5/10 runs  0.50 runs/s  ETA 10 s"
    clock = iter([0.0, 1.0, 1.1, 4.0]).__next__
    out = io.StringIO()
    p = Progress(out, total=10, already=4, clock=clock, every_s=0.5)  # a resumed study: 6 runs to go
    p.step()  # t=1.0: drawn
    p.step()  # t=1.1: too soon to redraw
    p.step()  # t=4.0: drawn
    assert out.getvalue() == "\r[#####.........................] 1/6 runs  1.00 runs/s  ETA 5 s" \
                             "\r[###############...............] 3/6 runs  0.75 runs/s  ETA 4 s"
