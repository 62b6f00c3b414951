"""Benchmark of the terminal UI: first frame, keypress latency under load, idle CPU.

* **time to first frame** — from launching a fresh ``python`` process to the first paint of
  the title screen, and of the play screen (3,000 and 100,000 traders); target <= 1.0 s;
* **keypress -> updated screen** — with the game clock running at 10 ticks/s over a crowd of
  100,000 traders, the time from a key press (``b`` / ``s``: an order from the ticket) to the
  end of the first screen paint after it; target <= 50 ms;
* **idle CPU** while paused on the play screen (target: near zero), and for comparison the
  CPU used while the clock runs at 10 ticks/s.

The app runs headless (``App.run_test``): everything is rendered by Textual's compositor,
only the final write to a terminal is skipped.  Paints are timed by wrapping the screen's
``_compositor_refresh``.

Usage: ``python bench/ui.py [--bots 100000] [--presses 40] [--idle 5]``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST_FRAME_TARGET_S = 1.0
LATENCY_TARGET_MS = 50.0
TICKS_PER_S = 10


# ---------------------------------------------------------------------- first frame (child process)
def _child_first_frame(target: str, bots: int) -> None:
    """Run in a fresh process: print the wall-clock time of the first paint of ``target``."""
    from textual.screen import Screen

    from liqgame.engine import GameConfig
    from liqgame.ui.app import LiqApp
    from liqgame.ui.base import GameSpec

    wanted = "MenuScreen" if target == "menu" else "PlayScreen"
    original = Screen._compositor_refresh
    painted: list[float] = []

    def hooked(self):
        original(self)
        if type(self).__name__ == wanted and not painted:
            painted.append(time.time())

    Screen._compositor_refresh = hooked
    spec = None if target == "menu" else GameSpec(GameConfig(scenario="long-squeeze", bots=bots))

    async def main():
        with tempfile.TemporaryDirectory() as tmp:
            app = LiqApp(data_dir=tmp, game=spec)
            async with app.run_test(size=(120, 40)) as pilot:
                while not painted:
                    await asyncio.sleep(0.005)
                await pilot.pause()

    asyncio.run(main())
    print(f"PAINT {painted[0]:.6f}")


def first_frame(target: str, bots: int, repeat: int = 3) -> float:
    """Median seconds from spawning ``python`` to the first paint of the target screen."""
    times = []
    for _ in range(repeat):
        start = time.time()
        out = subprocess.run([sys.executable, __file__, "--child-first-frame", target, "--bots", str(bots)],
                             capture_output=True, text=True, check=True).stdout
        paint = float(next(line.split()[1] for line in out.splitlines() if line.startswith("PAINT")))
        times.append(paint - start)
    return statistics.median(times)


# ---------------------------------------------------------------------- latency and CPU (in process)
async def _under_load(bots: int, presses: int, idle_s: float) -> dict:
    from liqgame.engine import GameConfig
    from liqgame.ui.app import LiqApp
    from liqgame.ui.base import GameSpec
    from liqgame.ui.screens.play import PlayScreen

    spec = GameSpec(GameConfig(scenario="calm", bots=bots))
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        app = LiqApp(data_dir=tmp, game=spec, no_blink=True)
        async with app.run_test(size=(120, 40)) as pilot:
            while not isinstance(app.screen, PlayScreen):
                await asyncio.sleep(0.01)
            screen = app.screen
            paints: list[float] = []
            original = screen._compositor_refresh

            def hooked():
                original()
                paints.append(time.perf_counter())

            screen._compositor_refresh = hooked
            screen.query_one("#t-size").value = "0.001"
            screen.query_one("#t-lev").value = "10"
            screen.chart.focus()
            await pilot.pause()

            async def press_and_time(n: int) -> list[float]:
                """Alternate b / s (open, then close a 0.001 BTC position): ms to the next paint."""
                out = []
                for k in range(n):
                    await asyncio.sleep(0.15)
                    seen = len(paints)
                    t0 = time.perf_counter()
                    await pilot.press("b" if k % 2 == 0 else "s")
                    while len(paints) == seen or paints[-1] < t0:
                        await asyncio.sleep(0.0005)
                    out.append((paints[seen] - t0) * 1000)
                return out

            # idle: paused, nothing to do; then the same key presses with the clock stopped
            await asyncio.sleep(0.5)
            cpu0, wall0 = time.process_time(), time.perf_counter()
            await asyncio.sleep(idle_s)
            out["idle_cpu"] = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
            out["paused_latencies"] = await press_and_time(max(presses // 2, 2))

            # running at 10 ticks/s
            screen.speed = TICKS_PER_S
            screen.paused = False
            await asyncio.sleep(1.5)
            runner = screen.runner
            ticks0, cpu0, wall0 = runner.ticks_stepped, time.process_time(), time.perf_counter()
            latencies = await press_and_time(presses)
            wall = time.perf_counter() - wall0
            out["run_cpu"] = (time.process_time() - cpu0) / wall
            out["ticks_per_s"] = (runner.ticks_stepped - ticks0) / wall
            out["latencies"] = latencies
            out["fills"] = sum(1 for e in runner.player_events if type(e).__name__ == "Fill")
            screen.paused = True
            await pilot.pause()
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bots", type=int, default=100_000, help="crowd size for the load test")
    p.add_argument("--presses", type=int, default=40)
    p.add_argument("--idle", type=float, default=5.0, help="seconds of paused idling to measure")
    p.add_argument("--child-first-frame", choices=("menu", "play"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child_first_frame:
        _child_first_frame(args.child_first_frame, args.bots)
        return 0

    print("liqgame UI bench (headless Textual, 120x40)")
    print(f"{'time to first frame':<44}{'median of 3':>14}   target <= {FIRST_FRAME_TARGET_S:.1f} s")
    for label, target, bots in (("  title screen", "menu", 0), ("  play screen, 3,000 traders", "play", 3000),
                                (f"  play screen, {args.bots:,} traders", "play", args.bots)):
        print(f"{label:<44}{first_frame(target, bots):>12.3f} s")
    r = asyncio.run(_under_load(args.bots, args.presses, args.idle))
    lat = sorted(r["latencies"])
    p95 = lat[min(int(len(lat) * 0.95), len(lat) - 1)]
    print(f"keypress -> updated screen, {args.bots:,} traders at {TICKS_PER_S} ticks/s "
          f"({len(lat)} presses, {r['fills']} fills)   target <= {LATENCY_TARGET_MS:.0f} ms")
    print(f"  median {statistics.median(lat):.1f} ms   p95 {p95:.1f} ms   max {lat[-1]:.1f} ms")
    paused = sorted(r["paused_latencies"])
    print(f"  (same presses with the clock paused: median {statistics.median(paused):.1f} ms, max {paused[-1]:.1f} ms)")
    print(f"  clock kept {r['ticks_per_s']:.1f} ticks/s; CPU while running {r['run_cpu'] * 100:.1f} % of one core")
    print(f"idle CPU while paused: {r['idle_cpu'] * 100:.2f} % of one core (over {args.idle:.0f} s)   "
          f"target: near zero")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    raise SystemExit(main())
