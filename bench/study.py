"""Study throughput: runs per second with 1 and 2 local workers, and the time of 1,000 runs.

Target (issue 18): 1,000 long-squeeze runs at the scenario's crowd (3,000 traders, 6 hours of game
time) in <= 5 minutes on this 2-core machine. Two measurements:

* the CPU time of one run (the sample's runs one after another in this process): what 1,000 runs
  cost on 2 idle cores is 1,000 x that / 2, whatever else the machine is doing right now;
* the sample study (``--seeds`` seeds x 4 rulebooks) through ``liqgame study`` itself (process pool,
  rows written, summary) with 1 worker and with 2: runs per second and the scaling, which other
  processes on the machine distort (the load average is printed next to them).

``--full`` also runs the 1,000 (250 seeds x 4 rulebooks, 2 workers; 20 minutes and more).
Run: ``python bench/study.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import tempfile
import time
from pathlib import Path

from liqgame.commands import main as liqgame
from liqgame.study import StudySpec, run_one
from liqgame.study.executors import machine_workers

TARGET_S = 300.0


def timed_study(out: Path, seeds: int, workers: int, scenario: str) -> tuple[int, float]:
    """(runs, seconds) of one study through the command line."""
    args = ["study", "--scenario", scenario, "--seeds", str(seeds), "--out", str(out), "--workers", str(workers)]
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert liqgame(args) == 0
    took = time.perf_counter() - t0
    return sum(1 for _ in open(out / "rows.jsonl")), took


def cpu_per_run(scenario: str, seeds: int) -> float:
    """Mean CPU seconds of one run, the sample's runs one after another in this process."""
    spec = StudySpec(scenario, seeds, ("insurance-first", "pool-backstop", "socialised-loss", "no-backstop"),
                     *_crowd_and_length(scenario))
    t0 = time.process_time()
    for rulebook, seed in spec.tasks():
        run_one(spec, rulebook, seed)
    return (time.process_time() - t0) / len(spec.tasks())


def _crowd_and_length(scenario: str) -> tuple[int, int]:
    from liqgame.session import scenario_for

    s = scenario_for(scenario)
    return s.bots, s.duration_s


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=4, help="seeds in the sample (x 4 rulebooks)")
    ap.add_argument("--scenario", default="long-squeeze")
    ap.add_argument("--full", action="store_true", help="also run 1,000 runs (250 seeds x 4 rulebooks), 2 workers")
    args = ap.parse_args()
    print(f"machine: {machine_workers()} cores; sample: {args.scenario}, {args.seeds} seeds x 4 rulebooks, "
          f"the scenario's crowd and length")
    cpu = cpu_per_run(args.scenario, args.seeds)
    est_cpu = 1000 * cpu / 2
    print(f"CPU time of one run: {cpu:.2f} s  ->  1,000 runs on 2 idle cores: {est_cpu / 60:.1f} min  "
          f"(target <= {TARGET_S / 60:.0f} min)  {'ok' if est_cpu <= TARGET_S else 'MISSED'}")
    print(f"load average before the pool runs: {os.getloadavg()[0]:.2f}")
    rates = {}
    with tempfile.TemporaryDirectory() as tmp:
        for workers in (1, 2):
            runs, took = timed_study(Path(tmp) / f"w{workers}", args.seeds, workers, args.scenario)
            rates[workers] = runs / took
            print(f"  {workers} worker{'s' if workers > 1 else ' '}: {runs} runs in {took:6.1f} s  "
                  f"{rates[workers]:.2f} runs/s  ({took / runs * workers:.2f} s of a worker per run)")
        print(f"scaling from 1 to 2 workers: x{rates[2] / rates[1]:.2f} (ideal x2.00)")
        est = 1000 / rates[2]
        print(f"1,000 runs with 2 workers at the rate just measured: {est / 60:.1f} min  "
              f"(target <= {TARGET_S / 60:.0f} min)  {'ok' if est <= TARGET_S else 'MISSED'}")
        if args.full:
            runs, took = timed_study(Path(tmp) / "full", 250, 2, args.scenario)
            print(f"1,000 runs with 2 workers (measured): {runs} runs in {took / 60:.1f} min  "
                  f"{'ok' if took <= TARGET_S else 'MISSED'}")


if __name__ == "__main__":
    main()
