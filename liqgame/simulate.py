"""``liqgame simulate``: run a market headless and report the flows of money.

Output is a readable summary, or with ``--json`` one JSON object (see README).
"""

from __future__ import annotations

import json
import math
import sys

from .cli import CliError
from .engine.actions import parse_action
from .engine.game import GameConfig
from .engine.ledger import CAUSE_LABEL, Cause
from .engine.money import units_to_usd
from .limits import MAX_BALANCE_USD
from .script_file import PlayerFileError, ScriptEntry, read_script
from .session import make_game
from .timeline import timeline


def _progress(done: int, total: int) -> None:
    width = 40
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} s")
    sys.stderr.flush()


def run_simulation(args) -> int:
    if not math.isfinite(args.balance) or not 0 < args.balance <= MAX_BALANCE_USD:
        raise CliError(f"--balance must be a positive number of USD up to {MAX_BALANCE_USD:,}, got {args.balance:g}")
    try:
        script = read_script(args.player) if args.player else []
    except PlayerFileError as e:
        raise CliError(str(e)) from None
    try:
        config = GameConfig(seed=args.seed, scenario=args.scenario, rulebook=args.rulebook, bots=args.bots,
                            starting_balance=round(args.balance, 4),
                            liquidation_impact=not args.no_liquidation_impact)
        game = make_game(config)
    except ValueError as e:
        raise CliError(str(e)) from None
    ticks = game.scenario.duration_s if args.ticks is None else args.ticks
    actions = [entry.data for entry in script if entry.tick <= ticks]
    report = simulate(game, actions, ticks, progress=(not args.json and sys.stderr.isatty()))
    report["ignored_actions"] = beyond_the_end(script, ticks)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(format_report(report))
    return 0


def beyond_the_end(script: list[ScriptEntry], ticks: int) -> list[dict]:
    """Player-file lines whose tick comes after the run ends: reported, never silently dropped."""
    return [{"line": e.line, "tick": e.tick, "action": e.data.get("action"),
             "reason": f"tick {e.tick} is after the end of the run (tick {ticks}); not applied"}
            for e in script if e.tick > ticks]


def simulate(game, actions: list[dict], ticks: int, progress: bool = False) -> dict:
    """Run ``ticks`` seconds applying ``actions`` at their ticks; return the report dict."""
    initial_total = game.total_money()
    fund_start = game.venue.ledger.insurance_fund
    marks = [game.venue.market.mark()]
    by_tick: dict[int, list] = {}
    for d in actions:
        by_tick.setdefault(d["tick"], []).append(parse_action(d)[1])
    rejected = []
    adl = 0
    exact_every_tick = True
    for t in range(ticks + 1):
        for a in by_tick.get(t, ()):
            r = game.apply(a)
            if not r.ok:
                rejected.append({"tick": t, "action": a.to_dict(), "reason": r.reason})
        if t == ticks:
            break
        events = game.step()
        adl += sum(1 for e in events if e.kind == "ADLEvent")
        marks.append(game.venue.market.mark())
        if game.total_money() != initial_total:
            exact_every_tick = False
        if progress and (t % 500 == 0 or t == ticks - 1):
            _progress(t + 1, ticks)
    if progress:
        sys.stderr.write("\n")
    final_total = game.total_money()
    led = game.venue.ledger
    flows = {}
    for g, name in enumerate(led.group_names):
        row = {CAUSE_LABEL[Cause(c)]: units_to_usd(int(led.net[g, c])) for c in range(len(Cause))
               if c != Cause.DEPOSIT and led.net[g, c]}
        if row:
            flows[name] = row
    players = []
    for k, ps in enumerate(game.players):
        ex = game.explain(k)
        players.append({
            "name": ps.name,
            "equity": units_to_usd(game.equity(k)),
            "liquidated": ps.liquidations > 0,
            "liquidations": ps.liquidations,
            "max_drawdown": round(ps.max_drawdown, 6),
            "score": game.score(k),
            "where_it_went": ex.to_dict(),
        })
    return {
        "seed": game.seed,
        "scenario": game.scenario.name,
        "rulebook": game.rulebook.name,
        "ticks": ticks,
        "bots": game.crowd.n,
        "conservation": {"initial_total": initial_total, "final_total": final_total,
                         "exact": final_total == initial_total and exact_every_tick,
                         "units": "1 unit = 0.0001 USD"},
        "liquidations": game.liq.stats["liquidations"],
        "partial_liquidations": game.liq.stats["partial"],
        "adl_events": adl,
        "adl_positions": game.liq.stats["adl_events"],
        "socialised_loss": units_to_usd(game.liq.stats["socialised"]),
        "insurance_fund": {"start": units_to_usd(fund_start), "end": units_to_usd(led.insurance_fund),
                           "min": units_to_usd(game.liq.fund_min)},
        "flows": flows,
        "price": {"start": marks[0] / 10, "end": marks[-1] / 10, "min": min(marks) / 10, "max": max(marks) / 10},
        "rejected_actions": rejected,
        "players": players,
        "shocks": game.shocks.describe(),
        "funding_interval_s": game.venue.market.p.funding_interval_s,
        "timeline": timeline(game),
        "state_hash": game.state_hash(),
    }


def format_report(r: dict) -> str:
    lines = [
        f"liqgame simulate: {r['scenario']} / {r['rulebook']}, seed {r['seed']}, {r['bots']} bots, {r['ticks']} s",
        f"price (mark)     start {r['price']['start']:,.1f}  end {r['price']['end']:,.1f}  "
        f"min {r['price']['min']:,.1f}  max {r['price']['max']:,.1f}",
        f"liquidations     {r['liquidations']} (+{r['partial_liquidations']} partial), ADL events "
        f"{r['adl_events']}, socialised {r['socialised_loss']:,.2f} USD",
        f"insurance fund   start {r['insurance_fund']['start']:,.2f}  end {r['insurance_fund']['end']:,.2f}  "
        f"min {r['insurance_fund']['min']:,.2f} USD",
        f"conservation     {'exact' if r['conservation']['exact'] else 'BROKEN'} "
        f"(total {r['conservation']['final_total']} units)",
        "",
        "flows by group (USD, + received / - paid):",
    ]
    for group, row in r["flows"].items():
        lines.append(f"  {group:<18} " + ", ".join(f"{k} {v:+,.2f}" for k, v in row.items()))
    for p in r["players"]:
        w = p["where_it_went"]
        lines += ["", f"player {p['name']}: equity {p['equity']:,.2f} USD, liquidations {p['liquidations']}, "
                      f"score {p['score']}", f"  {w['narrative']}"]
        for d in w["destinations"]:
            lines.append(f"    {d['usd']:>+12,.2f}  {d['destination']} ({d['cause']})")
    for rj in r["rejected_actions"]:
        lines.append(f"rejected at tick {rj['tick']}: {rj['reason']}")
    for ig in r.get("ignored_actions", ()):
        lines.append(f"ignored line {ig['line']} ({ig['action']}): {ig['reason']}")
    return "\n".join(lines)
