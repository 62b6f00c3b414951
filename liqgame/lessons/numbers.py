"""Numbers every lesson's debrief may use, read from the engine after the run.

Money is read in exact units and shown in USD; nothing here parses UI text.  Checks add
their own numbers (see :mod:`liqgame.lessons.checks`); a debrief template names any of
them, e.g. ``{equity_usd:,.2f}`` or ``{where_it_went}``.
"""

from __future__ import annotations

from ..engine import events as ev
from ..engine import fmt_usd, player_flows_by_group, units_to_usd

BASE_NUMBERS = (
    "start_usd", "equity_usd", "pnl_usd", "pnl_pct", "net_loss_usd", "liquidations", "max_drawdown_pct",
    "fund_start_usd", "fund_end_usd", "fund_min_usd", "fund_change_usd",
    "price_start", "price_end", "price_min", "price_max", "price_drop_pct", "price_rise_pct",
    "rulebook", "rulebook_title", "where_it_went", "flows", "categories",
    "top_loss_category", "top_loss_usd", "top_profit_category", "top_profit_usd",
    "top_loss_group", "top_profit_group", "crowd_liquidations", "crowd_liquidated_btc",
    "funding_paid_usd", "funding_payments", "score", "duration_s",
)


def base_numbers(run) -> dict:
    g = run.game
    ps = g.players[0]
    ex = g.explain(0)
    start, equity = ps.start, g.equity(0)
    marks = [s.mark for s in run.samples]
    funds = [s.fund for s in run.samples]
    n = {
        "start_usd": units_to_usd(start),
        "equity_usd": units_to_usd(equity),
        "pnl_usd": units_to_usd(equity - start),
        "pnl_pct": 100.0 * (equity - start) / start,
        "net_loss_usd": units_to_usd(ex.net_loss),
        "liquidations": ps.liquidations,
        "max_drawdown_pct": 100.0 * ps.max_drawdown,
        "fund_start_usd": units_to_usd(funds[0]),
        "fund_end_usd": units_to_usd(g.insurance_fund),
        "fund_min_usd": units_to_usd(min(funds)),
        "fund_change_usd": units_to_usd(g.insurance_fund - funds[0]),
        "price_start": marks[0],
        "price_end": marks[-1],
        "price_min": min(marks),
        "price_max": max(marks),
        "price_drop_pct": 100.0 * (marks[0] - min(marks)) / marks[0],
        "price_rise_pct": 100.0 * (max(marks) - marks[0]) / marks[0],
        "rulebook": g.rulebook.name,
        "rulebook_title": g.rulebook.title,
        "where_it_went": ex.narrative,
        "flows": flows_table(ex),
        "categories": "\n".join(f"  {fmt_usd(v, signed=True):>14}  {k}" for k, v in ex.by_category) or "  (nothing)",
        "duration_s": run.lesson.duration_s,
    }
    losses = [(k, v) for k, v in ex.by_category if v > 0]
    gains = [(k, v) for k, v in ex.by_category if v < 0]
    n["top_loss_category"], top_loss = max(losses, key=lambda kv: kv[1]) if losses else ("nothing", 0)
    n["top_profit_category"], top_gain = min(gains, key=lambda kv: kv[1]) if gains else ("nothing", 0)
    n["top_loss_usd"], n["top_profit_usd"] = units_to_usd(top_loss), units_to_usd(-top_gain)
    by_group = player_flows_by_group(g, 0)
    n["top_loss_group"] = max(by_group, key=by_group.get) if any(v > 0 for v in by_group.values()) else "nobody"
    n["top_profit_group"] = min(by_group, key=by_group.get) if any(v < 0 for v in by_group.values()) else "nobody"
    crowd = g.stats().crowd_liquidated
    n["crowd_liquidations"], n["crowd_liquidated_btc"] = crowd.count, crowd.btc
    paid = [e.player_payments.get(ps.trader, 0) for e in run.of_kind(ev.FundingPaid)]
    n["funding_paid_usd"] = units_to_usd(sum(paid))
    n["funding_payments"] = sum(1 for p in paid if p)
    n["score"] = g.score(0)
    return n


def flows_table(ex) -> str:
    """Where the money went, one line per destination (positive: paid there; negative: came from there)."""
    if not ex.flows:
        return "  (no money moved)"
    lines = [f"  {fmt_usd(f.amount, signed=True):>14}  {f.destination} ({f.cause})" for f in ex.flows]
    lines.append(f"  {fmt_usd(ex.net_loss, signed=True):>14}  = net loss" if ex.net_loss >= 0
                 else f"  {fmt_usd(ex.net_loss, signed=True):>14}  = net (a negative loss is a profit)")
    return "\n".join(lines)
