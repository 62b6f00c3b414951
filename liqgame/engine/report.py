"""What a finished (or running) game adds up to, for reports: counts, the fund, and the money by group.

Read-only views over the ledger and the liquidation engine, so that reports (``simulate``,
studies, the session-end screen, lesson debriefs) never reach into the engine's internals.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .ledger import CAUSE_LABEL, SYSTEM_GROUPS, Cause


@dataclass
class CrowdTally:
    """The crowd's liquidations so far, by side (from the CrowdLiquidations events, tallied once, by the game)."""

    long_count: int = 0
    short_count: int = 0
    long_btc: float = 0.0
    short_btc: float = 0.0
    notional_usd: float = 0.0  # at the mark of each batch

    @property
    def count(self) -> int:
        return self.long_count + self.short_count

    @property
    def btc(self) -> float:
        return self.long_btc + self.short_btc

    def add(self, e) -> None:
        self.long_count += e.long_count
        self.short_count += e.short_count
        self.long_btc += e.long_qty
        self.short_btc += e.short_qty
        self.notional_usd += (e.long_qty + e.short_qty) * e.price


@dataclass(frozen=True)
class RunStats:
    """Counts and amounts (units) of a run so far."""

    crowd_size: int
    liquidations: int  # positions liquidated whole
    partial_liquidations: int
    adl_positions: int  # positions closed by auto-deleveraging
    adl_lots: int
    socialised: int  # charged to open positions
    fee_pool: int  # paid by the exchange's fee pool
    unpaid: int  # deficits nobody could pay (owed by the bankrupt)
    insurance_fund: int
    fund_min: int
    funding_interval_s: int
    depth_normal_btc: float  # the book's depth when liquidity is at its normal level
    crowd_liquidated: CrowdTally  # a copy: the crowd's liquidations so far


def run_stats(game) -> RunStats:
    s, led = game.liq.stats, game.venue.ledger
    m = game.venue.market
    return RunStats(game.crowd.n, s["liquidations"], s["partial"], s["adl_events"], s["adl_lots"], s["socialised"],
                    s["fee_pool"], s["unpaid"], led.insurance_fund, min(game.liq.fund_min, led.insurance_fund),
                    m.p.funding_interval_s, m.p.book.depth_btc, dataclasses.replace(game.crowd_liquidated))


def flows_by_group(game) -> dict[str, dict[str, int]]:
    """Every group's net flow by cause (units, + received / - paid), deposits left out."""
    led = game.venue.ledger
    out = {}
    for g, name in enumerate(led.group_names):
        row = {CAUSE_LABEL[Cause(c)]: int(led.net[g, c]) for c in range(len(Cause))
               if c != Cause.DEPOSIT and led.net[g, c]}
        if row:
            out[name] = row
    return out


def crowd_result(game) -> int:
    """The crowd's net result (units, all causes but deposits): groups after the system accounts and players."""
    net = game.venue.ledger.net[len(SYSTEM_GROUPS) + len(game.players):]
    return int(net.sum() - net[:, int(Cause.DEPOSIT)].sum())


def player_flows_by_group(game, player: int = 0) -> dict[str, int]:
    """What a player paid to (+) or received from (-) each group, all causes together (units)."""
    led = game.venue.ledger
    out: dict[str, int] = {}
    for (_, group), amount in led.human_flows[game.players[player].trader].items():
        name = led.group_names[group]
        out[name] = out.get(name, 0) + amount
    return out
