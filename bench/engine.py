"""Engine tick cost over 10k, 100k and 1M positions, against the memory-bandwidth floor.

For each size: the median wall time of ``Game.step()`` (crowd active, every position marked
to market, margin-checked, liquidations run) next to the median time of one numpy pass over
the arrays a mark-to-market must touch (``margin += qty``: read the sizes, read and write the
margins — the memory-bandwidth floor), and their ratio.  Also the process's peak RSS after building and running the 1M game.

Targets (issue): 100k positions <= 2 ms per tick; 1M <= 3x the floor; 1M <= 300 MB RSS.
Both are timed twice: with warm caches (1M positions' size and margin arrays, 16 MB, fit in this
machine's 32 MB L3, so the "floor" is then an L3 pass) and with the caches evicted before each
call (the floor is then the memory-bandwidth floor the target speaks of).
Run: ``python bench/engine.py [--sizes 10000,100000,1000000] [--ticks 200]``
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

import numpy as np

from liqgame.engine import GameConfig
from liqgame.session import make_game


_SCRATCH: list[np.ndarray] = []  # 96 MB, three times the L3 cache of the 2-core machine (made on first use)


def evict() -> None:
    """Push the position arrays out of the CPU caches, so a timing measures memory, not L3."""
    if not _SCRATCH:
        _SCRATCH.append(np.zeros(96 * 2**20 // 8))
    np.add(_SCRATCH[0], 1.0, out=_SCRATCH[0])


def median_time(fn, n: int, cold: bool = False) -> float:
    times = []
    for _ in range(n):
        if cold:
            evict()
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
    qty, margin = g.venue.books[0].qty, g.venue.ledger.margin[0].copy()
    out = {"positions": n_bots, "build_s": build}
    for label, cold in (("hot", False), ("cold", True)):
        tick = median_time(g.step, ticks, cold)
        floor = median_time(lambda: np.add(margin, qty, out=margin), max(ticks, 50), cold)
        out[label] = (tick * 1e3, floor * 1e3, tick / floor)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--ticks", type=int, default=200)
    ap.add_argument("--rss-only", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rss_only:  # a separate process, so the benchmark's own buffers do not count
        g = make_game(GameConfig(seed=1, scenario="calm", bots=args.rss_only))
        g.run(300)
        # VmHWM, not ru_maxrss: the latter counts the forking parent's pages before exec
        with open("/proc/self/status") as status:
            hwm = next(line for line in status if line.startswith("VmHWM"))
        print(int(hwm.split()[1]) / 1024)
        return
    print("hot: arrays left in the CPU caches between ticks (L3 is 32 MB here); cold: caches evicted before "
          "each timed call, so the floor is a real memory pass")
    print(f"{'positions':>10} {'build s':>8} | {'hot tick':>9} {'floor':>7} {'ratio':>6} | "
          f"{'cold tick':>9} {'floor':>7} {'ratio':>6}   (ms)")
    for n in (int(s) for s in args.sizes.split(",")):
        r = bench(n, args.ticks)
        (ht, hf, hr), (ct, cf, cr) = r["hot"], r["cold"]
        print(f"{r['positions']:>10,} {r['build_s']:>8.2f} | {ht:>9.3f} {hf:>7.3f} {hr:>6.1f} | "
              f"{ct:>9.3f} {cf:>7.3f} {cr:>6.1f}")
    rss = float(subprocess.run([sys.executable, __file__, "--rss-only", "1000000"], capture_output=True,
                               text=True, check=True).stdout)
    print(f"peak RSS of a 1M-trader game after 300 ticks: {rss:.0f} MB")
    print("targets: 100k <= 2 ms/tick; 1M <= 3x the memory-bandwidth floor (cold); 1M <= 300 MB RSS")


if __name__ == "__main__":
    main()
