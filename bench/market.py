"""Market figures: tick time with the crowd at 10k/100k/1M, a simulated game day, the heatmap query.

Targets: ``liqgame simulate`` over 86,400 ticks (a game day at 1 s) with 10k traders <= 10 s on this
2-core machine (issue 11), <= 3 s of CPU (issue 18: what 1,000 study runs in 5 minutes need); the
heatmap over 100k positions <= 2 ms. The game day is timed as CPU time of the child process (other
processes on a shared machine stretch the wall time, not that) and as wall time.
Run: ``python bench/market.py`` (add ``--quick`` to skip the 1M build).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from liqgame.engine import GameConfig
from liqgame.session import make_game


def median_ms(fn, n: int) -> float:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out) * 1e3


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    sizes = (10_000, 100_000) if args.quick else (10_000, 100_000, 1_000_000)
    print("median tick with the crowd active (long-squeeze, after 10 min of play)")
    for n in sizes:
        g = make_game(GameConfig(seed=1, scenario="long-squeeze", bots=n))
        g.run(600)
        print(f"  {n:>9,} traders: {median_ms(g.step, 300):7.3f} ms  (mean over 300: "
              f"{(lambda t0: (g.run(300), (time.perf_counter() - t0) / 300 * 1e3)[1])(time.perf_counter()):.3f} ms)")
    g = make_game(GameConfig(seed=1, scenario="long-squeeze", bots=100_000))
    g.run(60)
    print(f"heatmap, 100k positions, 48 buckets: {median_ms(g.heatmap, 200):.3f} ms (target <= 2 ms)")
    t0, c0 = time.perf_counter(), os.times()
    subprocess.run([sys.executable, "-m", "liqgame", "simulate", "--scenario", "calm", "--bots", "10000",
                    "--ticks", "86400", "--json"], check=True, stdout=subprocess.DEVNULL)
    wall, c1 = time.perf_counter() - t0, os.times()
    cpu = (c1.children_user - c0.children_user) + (c1.children_system - c0.children_system)
    print(f"liqgame simulate, calm, 10k traders, 86,400 ticks: {cpu:.1f} s CPU (target <= 3 s), "
          f"{wall:.1f} s wall (target <= 10 s)")


if __name__ == "__main__":
    main()
