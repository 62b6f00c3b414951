"""Engine tick cost over 10k, 100k and 1M positions, against the memory-bandwidth floor.

For each size: the median wall time of ``Game.step()`` (crowd active, every position marked
to market, margin-checked, liquidations run) next to the median time of one numpy pass over
the position array (``qty * dP`` into a buffer: the least any mark-to-market can cost), and
their ratio.  Also the process's peak RSS after building and running the 1M game.

Targets (issue): 100k positions <= 2 ms per tick; 1M <= 3x the floor; 1M <= 300 MB RSS.
Run: ``python bench/engine.py [--sizes 10000,100000,1000000] [--ticks 200]``
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

import numpy as np

from liqgame.engine import GameConfig
from liqgame.session import make_game


def median_time(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench(n_bots: int, ticks: int) -> dict:
    t0 = time.perf_counter()
    g = make_game(GameConfig(seed=1, scenario="calm", bots=n_bots))
    build = time.perf_counter() - t0
    for _ in range(20):  # warm up
        g.step()
    tick = median_time(g.step, ticks)
    qty = g.venue.books[0].qty
    buf = np.empty_like(qty)
    floor = median_time(lambda: np.multiply(qty, 7, out=buf), max(ticks, 50))
    return {"positions": n_bots, "build_s": build, "tick_ms": tick * 1e3, "floor_ms": floor * 1e3,
            "ratio": tick / floor}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--ticks", type=int, default=200)
    args = ap.parse_args()
    print(f"{'positions':>10} {'build s':>8} {'tick ms':>9} {'floor ms':>9} {'ratio':>7}")
    for n in (int(s) for s in args.sizes.split(",")):
        r = bench(n, args.ticks)
        print(f"{r['positions']:>10,} {r['build_s']:>8.2f} {r['tick_ms']:>9.3f} {r['floor_ms']:>9.3f} "
              f"{r['ratio']:>7.1f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {rss:.0f} MB (targets: 100k <= 2 ms/tick; 1M <= 3x floor; 1M <= 300 MB)")


if __name__ == "__main__":
    main()
