"""Where did my margin go? A player's net loss, split by destination, to the unit.

The ledger keeps, for every human player, what they paid to (or received from) each
counterparty group for each cause: variation margin attributed pro rata to the groups on
the winning side each second, fees to the exchange, liquidation fee and remaining margin
to the insurance fund, take-overs by the liquidity pool, funding, ADL, socialised loss.
Those amounts sum to ``deposits - balance`` exactly, so the table below always adds up.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ledger import CAUSE_LABEL, G_DUST, G_FEES, G_FUND, G_POOL, Cause, Ledger
from .money import fmt_usd, units_to_usd


@dataclass(frozen=True)
class Flow:
    destination: str  # who got it (a group: "crowd: degen", "liquidity pool", "insurance fund", ...)
    category: str  # the chart's bar: counterparties, liquidity pool, insurance fund, exchange fees, funding, ...
    cause: str
    amount: int  # units; positive = went there, negative = came from there


@dataclass(frozen=True)
class Explanation:
    player: str
    deposits: int
    balance: int
    net_loss: int  # deposits - balance (negative = net profit)
    flows: tuple[Flow, ...]
    by_category: tuple[tuple[str, int], ...]
    narrative: str

    def to_dict(self) -> dict:
        return {
            "player": self.player,
            "deposits_usd": units_to_usd(self.deposits),
            "balance_usd": units_to_usd(self.balance),
            "net_loss_usd": units_to_usd(self.net_loss),
            "net_loss_units": self.net_loss,
            "destinations": [
                {"destination": f.destination, "category": f.category, "cause": f.cause,
                 "usd": units_to_usd(f.amount), "units": f.amount} for f in self.flows
            ],
            "by_category": [{"category": k, "usd": units_to_usd(v), "units": v} for k, v in self.by_category],
            "narrative": self.narrative,
        }


def _category(cause: Cause, group: int, group_name: str, amount: int) -> tuple[str, str]:
    """(destination, category) for a net ``amount`` that moved to ``group`` for ``cause``.

    Crowd groups are named by the side they were on: money went *to* winning traders and
    came *from* losing ones (a negative amount).
    """
    if cause == Cause.FUNDING:
        return (f"funding: {_dest_name(group, group_name)}", "funding")
    if cause == Cause.SOCIALISED_LOSS:
        return ("socialised loss (to the insurance fund)", "socialised loss")
    if cause == Cause.ADL:
        return (f"auto-deleveraging: {_dest_name(group, group_name)}", "auto-deleveraging")
    if group == G_FUND:
        return ("insurance fund", "insurance fund")
    if group == G_FEES:
        return ("exchange fees", "exchange fees")
    if group == G_DUST:
        return ("rounding dust", "rounding")
    if group == G_POOL:
        if cause == Cause.POOL_TAKEOVER:
            return ("liquidity pool take-over", "liquidity pool")
        return ("liquidity pool as counterparty", "liquidity pool")
    if group_name.startswith("player "):
        return (group_name, "other players")
    if amount >= 0:
        return (f"winning traders: {group_name}", "winning traders")
    return (f"losing traders: {group_name}", "losing traders")


def _dest_name(group: int, name: str) -> str:
    if group == G_POOL:
        return "liquidity pool"
    if group in (G_FUND, G_FEES, G_DUST) or name.startswith("player "):
        return name
    return f"{name} traders"


def _flows(net: dict, group_names: list[str]) -> tuple[tuple[Flow, ...], tuple[tuple[str, int], ...]]:
    """Per-(cause, group) amounts -> named flows (largest first) and totals by category."""
    rows: dict[tuple[str, str, str], int] = {}
    for (cause, group), amount in net.items():
        dest, cat = _category(cause, group, group_names[group], amount)
        key = (dest, cat, CAUSE_LABEL[cause])
        rows[key] = rows.get(key, 0) + amount
    flows = tuple(sorted((Flow(d, c, k, a) for (d, c, k), a in rows.items() if a),
                         key=lambda f: (-f.amount, f.destination, f.cause)))
    cats: dict[str, int] = {}
    for f in flows:
        cats[f.category] = cats.get(f.category, 0) + f.amount
    return flows, tuple(sorted(((k, v) for k, v in cats.items() if v), key=lambda kv: -kv[1]))


def explain(ledger: Ledger, trader: int, player_name: str, rulebook: str = "") -> Explanation:
    deposits = ledger.human_deposits[trader]
    balance = ledger.balance(trader)
    flows, by_category = _flows(ledger.human_flows[trader], ledger.group_names)
    net = deposits - balance
    assert sum(f.amount for f in flows) == net, "explain: flows must sum to the net loss"
    took_back = {_dest_name(g, ledger.group_names[g]): a for (c, g), a in ledger.human_flows[trader].items()
                 if c == Cause.ADL and a > 0}
    return Explanation(player_name, deposits, balance, net, flows, by_category,
                       narrative(player_name, net, by_category, rulebook) + adl_sentence(took_back))


@dataclass(frozen=True)
class PositionReport:
    """One position from the fill that opened it to the one that closed it, and its money.

    ``loss`` is what the position cost (negative: what it made), fees and funding included;
    its ``flows`` sum to it exactly.  ``paid`` and ``received`` are the same flows as
    positive amounts, for a statement that never shows a negative total or share.
    """

    id: int
    contract: str
    side: str
    opened: int
    closed: int | None
    outcome: str
    loss: int
    flows: tuple[Flow, ...]
    by_category: tuple[tuple[str, int], ...]
    narrative: str

    @property
    def paid(self) -> tuple[Flow, ...]:
        return tuple(f for f in self.flows if f.amount > 0)

    @property
    def received(self) -> tuple[Flow, ...]:
        return tuple(Flow(f.destination, f.category, f.cause, -f.amount) for f in self.flows if f.amount < 0)

    def to_dict(self) -> dict:
        return {"id": self.id, "contract": self.contract, "side": self.side, "opened": self.opened,
                "closed": self.closed, "outcome": self.outcome, "loss_units": self.loss,
                "loss_usd": units_to_usd(self.loss),
                "where_it_went": [{"destination": f.destination, "category": f.category, "cause": f.cause,
                                   "usd": units_to_usd(f.amount), "units": f.amount} for f in self.flows],
                "narrative": self.narrative}


def explain_position(ledger: Ledger, life, contract_name: str) -> PositionReport:
    flows, by_category = _flows(life.flows, ledger.group_names)
    side = "long" if life.side > 0 else "short"
    return PositionReport(life.id, contract_name, side, life.opened, life.closed, life.outcome, life.loss, flows,
                          by_category, position_narrative(side, life.outcome, life.loss, by_category))


def position_narrative(side: str, outcome: str, loss: int, by_category) -> str:
    """A position's story: a loss says where it went, a profit where it came from; no negative numbers."""
    ending = "still open" if outcome == "open" else outcome
    if loss == 0:
        return f"This {side} ({ending}) ended even."
    to = [f"{fmt_usd(v)} to {k}" for k, v in by_category if v > 0]
    came = [f"{fmt_usd(-v)} from {k}" for k, v in by_category if v < 0]
    if loss > 0:
        text = f"This {side} ({ending}) lost {fmt_usd(loss)}. Where it went: " + "; ".join(to) + "."
        return text + (" Partly offset by " + "; ".join(came) + "." if came else "")
    text = f"This {side} ({ending}) made {fmt_usd(-loss)}. Where your profit came from: " + "; ".join(came) + "."
    return text + (" Less " + "; ".join(to) + "." if to else "")


def adl_sentence(took_back: dict[str, int]) -> str:
    """When auto-deleveraging closed a winner below the mark: how much, and to whom."""
    if not took_back:
        return ""
    to = ", ".join(f"{fmt_usd(v)} to liquidated {k}" for k, v in sorted(took_back.items(), key=lambda kv: -kv[1]))
    return (f" Auto-deleveraging took back {fmt_usd(sum(took_back.values()))} of the profit: the position was "
            f"closed at the bankruptcy price of liquidated traders instead of the mark, and the difference "
            f"covered their deficit ({to}).")


def narrative(name: str, net: int, by_category, rulebook: str) -> str:
    """One plain paragraph: what the loss (or gain) was and where it went."""
    name = "You" if name == "you" else name
    if net == 0:
        return f"{name} ended exactly where {'you' if name == 'You' else 'they'} started: nothing was lost."
    if net < 0:
        src = ", ".join(f"{k} {fmt_usd(-v)}" for k, v in by_category if v < 0)
        return (f"{name} made {fmt_usd(-net)} net. Profits come from other traders' losses: "
                f"{src or 'the other side of each trade'}.")
    parts = [f"{fmt_usd(v)} to {k}" for k, v in by_category if v > 0]
    back = [f"{fmt_usd(-v)} from {k}" for k, v in by_category if v < 0]
    text = f"{name} lost {fmt_usd(net)} net. It did not vanish: " + "; ".join(parts) + "."
    if back:
        text += " Partly offset by " + "; ".join(back) + "."
    if rulebook == "no-backstop" and net > 0:
        text += " Under no-backstop a deficit stays on your wallet as a debt."
    return text
