"""A study's summary: every figure's median and 5-95 % range per rulebook, and a chart of where the
crowd's margin went under each rulebook (the mean of each destination over the seeds: means add
up, so each bar is the mean loss split exactly; medians would not add up)."""

from __future__ import annotations

import numpy as np

from .rows import COLUMNS, CROWD, PLAYER, KEY

LABELS = {
    "crowd_lost_usd": "crowd lost (USD)", "to_winning_traders_usd": "  to winning traders",
    "to_liquidity_pool_usd": "  to the liquidity pool", "to_insurance_fund_usd": "  to the insurance fund",
    "to_fees_usd": "  to fees", "via_adl_usd": "  via ADL", "socialised_usd": "  socialised",
    "crowd_owed_usd": "crowd still owes (USD)", "socialised_charged_usd": "socialised charges (USD)",
    "fee_pool_paid_usd": "fee pool paid (USD)", "unpaid_deficit_usd": "unpaid deficit (USD)",
    "insurance_fund_start_usd": "insurance fund start", "insurance_fund_min_usd": "insurance fund min",
    "insurance_fund_end_usd": "insurance fund end", "adl_btc": "ADL (BTC)", "adl_events": "ADL events",
    "adl_positions": "ADL positions", "price_start": "price start", "price_trough": "price trough",
    "price_end": "price end", "player_equity_usd": "player equity (USD)",
    "player_net_loss_usd": "player net loss (USD)",
}
SHORT = {"to_winning_traders_usd": "winning traders", "to_liquidity_pool_usd": "liquidity pool",
         "to_insurance_fund_usd": "insurance fund", "to_fees_usd": "fees", "via_adl_usd": "ADL",
         "socialised_usd": "socialised"}
BAR_CHARS = {"to_winning_traders_usd": "█", "to_liquidity_pool_usd": "▓", "to_insurance_fund_usd": "▒",
             "to_fees_usd": "░", "via_adl_usd": "+", "socialised_usd": "~"}
CELL = 26


def figures(rows: list[dict]) -> list[str]:
    """The numeric columns present in the rows, in column order."""
    cols = [c for c in (*COLUMNS, *PLAYER) if rows and c in rows[0] and c not in KEY]
    return cols


def by_rulebook(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r["rulebook"], []).append(r)
    return out


def spread(values) -> tuple[float, float, float]:
    """(5th percentile, median, 95th percentile)."""
    p5, p50, p95 = np.percentile(np.asarray(values, dtype=float), [5, 50, 95])
    return float(p5), float(p50), float(p95)


def compact(x: float) -> str:
    """12.3M, 45.6k, 812, 0.25: short enough for a table cell, exact enough to compare."""
    a = abs(x)
    if a >= 1e6:
        return f"{x / 1e6:.1f}M"
    if a >= 1e4:
        return f"{x / 1e3:.1f}k"
    if a >= 100 or x == int(x):
        return f"{x:,.0f}"
    return f"{x:.1f}" if a >= 1 else f"{x:.2f}"


def table(rows: list[dict]) -> str:
    """One line per figure, one column per rulebook: ``median (p5 to p95)``."""
    groups = by_rulebook(rows)
    head = f"{'median (5-95 %)':<26}" + "".join(f"{rb:>{CELL}}" for rb in groups)
    lines = [head, "-" * len(head)]
    for col in figures(rows):
        cells = []
        for rb_rows in groups.values():
            p5, p50, p95 = spread([r[col] for r in rb_rows])
            cells.append(f"{compact(p50)} ({compact(p5)} to {compact(p95)})")
        lines.append(f"{LABELS.get(col, col.replace('_', ' ')):<26}" + "".join(f"{c:>{CELL}}" for c in cells))
    return "\n".join(lines)


def chart(rows: list[dict], width: int = 60) -> str:
    """Where the crowd's margin went, per rulebook: mean destinations as one stacked bar each."""
    groups = by_rulebook(rows)
    means = {rb: {c: float(np.mean([r[c] for r in rr])) for c in CROWD} for rb, rr in groups.items()}
    # a bar is the positive destinations; money that came back (a negative destination) is named beside it
    top = max((sum(max(m[c], 0.0) for c in CROWD[1:]) for m in means.values()), default=0.0) or 1.0
    name_w = max((len(rb) for rb in groups), default=0)
    lines = ["where the crowd's margin went (mean per run, USD)"]
    for rb, m in means.items():
        bar = "".join(BAR_CHARS[c] * round(width * max(m[c], 0.0) / top) for c in CROWD[1:])
        back = [f"{compact(-m[c])} back from {SHORT[c]}" for c in CROWD[1:] if m[c] < 0]
        lines.append(f"{rb:<{name_w}} {bar:<{width}} {compact(m['crowd_lost_usd'])} lost"
                     + (f" ({'; '.join(back)})" if back else ""))
    lines.append(" " * name_w + " " + "  ".join(f"{ch} {SHORT[c]}" for c, ch in BAR_CHARS.items()))
    return "\n".join(lines)


def summary(rows: list[dict], title: str) -> str:
    return "\n".join([title, "", table(rows), "", chart(rows)])
