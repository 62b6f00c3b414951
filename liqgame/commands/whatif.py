"""``liqgame whatif ID --leverage 5``: a saved session played again with one thing changed.

The same seed, crowd and actions, for the whole session, with another leverage, a stop-loss
behind each entry, more margin, or another rulebook; printed side by side with what happened
(``--json`` for scripts).
"""

from __future__ import annotations

import json
import math

from .base import CliError, open_store
from .replay import load_checked


def add_parser(sub) -> None:
    from ..engine import RULEBOOKS

    w = sub.add_parser("whatif", help="play a saved session again with one thing changed, side by side")
    w.add_argument("session_id", help="session id (see `liqgame scores`)")
    w.add_argument("--leverage", type=int, help="open every position at this leverage instead")
    w.add_argument("--stop-pct", type=float, metavar="PCT", help="a stop-loss this many %% behind each entry")
    w.add_argument("--add-margin", type=float, metavar="USD", help="this much more margin on each new position")
    w.add_argument("--rulebook", choices=list(RULEBOOKS), help="the same market under another rulebook")
    w.add_argument("--json", action="store_true", help="print one JSON object")
    w.add_argument("--data-dir", help="where scores and settings are kept")


def run(args) -> int:
    from ..engine import Change, what_if
    from ..session import scenario_for

    for name in ("stop_pct", "add_margin"):
        value = getattr(args, name)
        if value is not None and not math.isfinite(value):
            raise CliError(f"liqgame whatif: --{name.replace('_', '-')} must be a number, got {value}")
    try:
        change = Change(leverage=args.leverage, stop_pct=args.stop_pct, add_margin=args.add_margin,
                        rulebook=args.rulebook)
    except ValueError as e:
        raise CliError(f"liqgame whatif: {e}") from None
    saved = load_checked(open_store(args), args.session_id, "whatif")
    result = what_if(saved.config, scenario_for(saved.config.scenario), saved.actions, saved.ticks, change)
    print(json.dumps(result.to_dict(), indent=2) if args.json else comparison_text(result))
    return 0


def comparison_text(w) -> str:
    from ..engine import units_to_usd

    a, b = w.actual, w.alternative
    rows = [("final equity", f"{units_to_usd(a.equity):,.2f}", f"{units_to_usd(b.equity):,.2f}"),
            ("liquidations", str(a.liquidations), str(b.liquidations)),
            ("auto-deleveraged", str(a.adl_hits), str(b.adl_hits)),
            ("score", str(a.score), str(b.score))]
    mine, other = dict(a.explanation.by_category), dict(b.explanation.by_category)
    for cat in dict.fromkeys(list(mine) + list(other)):
        x, y = mine.get(cat, 0), other.get(cat, 0)
        rows.append((("to " if (x or y) > 0 else "from ") + cat, f"{units_to_usd(abs(x)):,.2f}" if x else "-",
                     f"{units_to_usd(abs(y)):,.2f}" if y else "-"))
    width = max(len(r[0]) for r in rows)
    lines = [f"{'':<{width}}  {'what happened':>14}  {'what if':>14}"]
    lines += [f"{label:<{width}}  {x:>14}  {y:>14}" for label, x, y in rows]
    return "\n".join(lines + ["", w.sentence])
