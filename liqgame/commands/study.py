"""``liqgame study``: one market over many seeds and every rulebook, locally or on a Dask cluster.

    liqgame study --scenario long-squeeze --seeds 1000 --rulebooks all --out results/
    liqgame study ... --executor dask --scheduler tcp://10.0.0.5:8786

Writes a row per (rulebook, seed) run into ``--out`` as runs finish (see :mod:`liqgame.study`),
then prints the summary per rulebook and the chart of where the crowd's margin went. Running the
same command again resumes an interrupted study; another study's directory is refused.
"""

from __future__ import annotations

import json
import math
import sys
import time

from .base import CliError, at_most, positive_int


def add_parser(sub) -> None:
    from ..limits import MAX_BALANCE_USD, MAX_BOTS, MAX_TICKS

    st = sub.add_parser("study", help="many seeds x every rulebook: where a crowd's margin goes (CSV, JSON lines)")
    st.add_argument("--scenario", default="long-squeeze")
    st.add_argument("--seeds", type=positive_int, required=True, help="number of seeds (runs use seeds 1..N)")
    st.add_argument("--rulebooks", default="all", help="'all' or a comma-separated list")
    st.add_argument("--bots", type=at_most(MAX_BOTS), default=None, help="crowd size (default: the scenario's)")
    st.add_argument("--ticks", type=at_most(MAX_TICKS), default=None,
                    help="seconds of game time (default: the scenario's duration)")
    st.add_argument("--player", help="JSON-lines file of player actions, played in every run (see README)")
    st.add_argument("--balance", type=float, default=10_000.0,
                    help=f"player's starting balance, USD (more than 0, up to {MAX_BALANCE_USD:,})")
    st.add_argument("--out", required=True, help="output directory (created; an interrupted study resumes there)")
    st.add_argument("--executor", choices=("local", "dask"), default="local")
    st.add_argument("--workers", type=positive_int, default=None,
                    help="local processes (default: one per core)")
    st.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --executor dask)")


def run(args) -> int:
    from ..study import DaskExecutor, ExecutorError, LocalExecutor, OutputDir, OutputDirError
    from ..study.progress import Progress
    from ..study.summary import summary

    spec = build_spec(args)
    if args.executor == "dask" and not args.scheduler:
        raise CliError("liqgame study: --executor dask needs --scheduler ADDRESS")
    if args.workers == 0:
        raise CliError("liqgame study: --workers must be at least 1")
    executor = DaskExecutor(args.scheduler) if args.executor == "dask" else LocalExecutor(args.workers)
    try:
        with OutputDir(args.out, spec) as out, executor:
            todo = [t for t in spec.tasks() if t not in out.done]
            progress = Progress(sys.stderr, len(spec.tasks()), already=len(spec.tasks()) - len(todo))
            start = time.monotonic()
            try:
                for row in executor.run(spec, todo):
                    out.add(row)
                    if sys.stderr.isatty():
                        progress.step()
            except KeyboardInterrupt:
                print(f"\ninterrupted: {len(out.done)} of {len(spec.tasks())} runs are in {args.out}; "
                      f"the same command resumes the study", file=sys.stderr)
                return 130
            if todo and sys.stderr.isatty():
                progress.end()
            if todo:
                took = time.monotonic() - start
                print(f"{len(todo)} runs in {took:.1f} s ({len(todo) / took:.2f} runs/s, {executor.name} executor)",
                      file=sys.stderr)
            text = summary(out.ordered(), f"liqgame study: {spec.scenario}, seeds 1-{spec.seeds}, {spec.bots} "
                                          f"traders, {spec.ticks} s  ({args.out})")
            out.finish(text)
    except (OutputDirError, ExecutorError) as e:
        raise CliError(f"liqgame study: {e}") from None
    print(text)
    return 0


def build_spec(args):
    """The study the arguments describe, every argument checked (one line and exit 2 if not)."""
    from ..engine import RULEBOOKS
    from ..limits import MAX_BALANCE_USD
    from ..script_file import PlayerFileError, read_script
    from ..session import scenario_for
    from ..study import StudySpec
    from .simulate import beyond_the_end

    if args.seeds < 1:
        raise CliError("liqgame study: --seeds must be at least 1")
    names = list(RULEBOOKS) if args.rulebooks == "all" else [r.strip() for r in args.rulebooks.split(",")]
    unknown = [r for r in names if r not in RULEBOOKS]
    if unknown or not names:
        raise CliError(f"liqgame study: unknown rulebook {', '.join(unknown) or repr(args.rulebooks)} "
                       f"(known: all, {', '.join(RULEBOOKS)})")
    if not math.isfinite(args.balance) or not 0 < args.balance <= MAX_BALANCE_USD:
        raise CliError(f"liqgame study: --balance must be a positive number of USD up to {MAX_BALANCE_USD:,}")
    try:
        scenario = scenario_for(args.scenario)
    except (KeyError, ValueError) as e:
        raise CliError(f"liqgame study: {e.args[0] if e.args else e}") from None
    ticks = scenario.duration_s if args.ticks is None else args.ticks
    try:
        script = read_script(args.player) if args.player else []
    except PlayerFileError as e:
        raise CliError(str(e)) from None
    for ig in beyond_the_end(script, ticks):
        print(f"note: {args.player} line {ig['line']}: {ig['reason']}", file=sys.stderr)
    actions = tuple(json.dumps(e.data) for e in script if e.tick <= ticks)
    return StudySpec(args.scenario, args.seeds, tuple(dict.fromkeys(names)),
                     scenario.bots if args.bots is None else args.bots, ticks, round(args.balance, 4), actions)
