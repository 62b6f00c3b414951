"""A headless run and its report: the flows of money, every position, the timeline.

The run goes through the one script path (:class:`~liqgame.engine.script.Session`).  The
report is a dict (``liqgame simulate --json`` prints it; see the README) or, formatted, a
readable summary.
"""

from __future__ import annotations

import sys

from .engine import ActionScript, Session, flows_by_group, units_to_usd
from .timeline import timeline


def _progress(done: int, total: int) -> None:
    width = 40
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} s")
    sys.stderr.flush()


def simulate(game, actions: list[dict], ticks: int, progress: bool = False, check_every_tick: bool = True) -> dict:
    """Run ``ticks`` seconds applying ``actions`` at their ticks; return the report dict.

    ``check_every_tick``: prove conservation after every second (a pass over every account), or
    only at the end (a study's many runs; the engine's tests check every second anyway)."""
    initial_total = game.total_money()
    fund_start = game.insurance_fund
    marks = [game.mark]
    adl = 0
    exact_every_tick = True

    def watch(events) -> None:
        nonlocal adl
        adl += sum(1 for e in events if e.kind == "ADLEvent")

    session = Session(game, ActionScript.from_log(actions), on_events=watch)
    while game.tick < ticks:
        session.step()
        marks.append(game.mark)
        exact_every_tick = exact_every_tick and (not check_every_tick or game.total_money() == initial_total)
        if progress and (game.tick % 500 == 0 or game.tick == ticks):
            _progress(game.tick, ticks)
    session.play_due()  # actions logged at the last tick too
    rejected = [{"tick": r.tick, "action": r.action, "reason": r.reason} for r in session.refusals]
    if progress:
        sys.stderr.write("\n")
    final_total = game.total_money()
    stats = game.stats()
    flows = {name: {cause: units_to_usd(v) for cause, v in row.items()} for name, row in flows_by_group(game).items()}
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
            "exposure": round(game.exposure(k), 6),
            "where_it_went": ex.to_dict(),
            "positions": [p.to_dict() for p in game.positions(k)],
        })
    return {
        "seed": game.seed,
        "scenario": game.scenario.name,
        "rulebook": game.rulebook.name,
        "ticks": ticks,
        "bots": stats.crowd_size,
        "conservation": {"initial_total": initial_total, "final_total": final_total,
                         "exact": final_total == initial_total and exact_every_tick,
                         "units": "1 unit = 0.0001 USD"},
        "liquidations": stats.liquidations,
        "partial_liquidations": stats.partial_liquidations,
        "adl_events": adl,
        "adl_positions": stats.adl_positions,
        "socialised_loss": units_to_usd(stats.socialised),
        "fee_pool": units_to_usd(stats.fee_pool),
        "unpaid_deficit": units_to_usd(stats.unpaid),
        "insurance_fund": {"start": units_to_usd(fund_start), "end": units_to_usd(stats.insurance_fund),
                           "min": units_to_usd(stats.fund_min)},
        "flows": flows,
        "price": {"start": marks[0], "end": marks[-1], "min": min(marks), "max": max(marks)},
        "rejected_actions": rejected,
        "players": players,
        "shocks": game.drawn_shocks(),
        "funding_interval_s": stats.funding_interval_s,
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
            lines.append(f"    {d['usd']:>+12,.2f}  {d['destination']} — {d['cause']}")
        for pos in p["positions"]:
            lines.append(f"  position {pos['id']}: {pos['narrative']}")
    for rj in r["rejected_actions"]:
        lines.append(f"rejected at tick {rj['tick']}: {rj['reason']}")
    for ig in r.get("ignored_actions", ()):
        lines.append(f"ignored line {ig['line']} ({ig['action']}): {ig['reason']}")
    return "\n".join(lines)
