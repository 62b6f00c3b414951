"""What a finished (or running) game adds up to, for reports: counts, the fund, and the money by group.

Read-only views over the ledger and the liquidation engine, so that reports (``simulate``,
studies, the session-end screen, lesson debriefs) never reach into the engine's internals.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .ledger import CAUSE_LABEL, SYSTEM_GROUPS, Cause
from .rulebooks import FeeTo


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


# ---------------------------------------------------------------------- where the crowd's margin went
# The cause of each journal entry names where the crowd's money went when it left the crowd; money
# that moved between crowd traders (trading P&L, ADL, socialised charges) stays inside the crowd and
# is counted as "to winning traders" from the traders' own balances.
_TO_POOL = (Cause.VARIATION_MARGIN, Cause.FUNDING, Cause.SLIPPAGE, Cause.POOL_TAKEOVER, Cause.SETTLEMENT)
_TO_FUND = (Cause.LIQUIDATION_TAKEOVER, Cause.INSURANCE_PAYOUT)
_TO_FEES = (Cause.TRADING_FEE, Cause.FEE_POOL)
_TRADING = (Cause.VARIATION_MARGIN, Cause.FUNDING, Cause.SETTLEMENT)  # causes by which players win from the crowd


@dataclass(frozen=True)
class CrowdLosses:
    """Where the margin of the crowd traders who lost went, to the unit.

    ``lost`` is what crowd traders who ended below their opening balance lost (debts included);
    the destinations sum to it exactly: ``to_winning_traders`` (crowd traders who ended above
    theirs, and players' winnings from the crowd), ``to_liquidity_pool`` (the counterparty of every
    order: trading P&L, funding, spread, take-overs), ``to_insurance_fund``, ``to_fees`` (trading
    and liquidation fees to the exchange, less what its fee pool paid), ``via_adl`` and
    ``socialised`` (net of the crowd: charges and payouts between crowd traders cancel).  ``owed``
    is what bankrupt crowd traders still owe at the end (negative balances): part of ``lost`` that
    nobody paid in.  Negative destinations are money the crowd received from there.
    """

    lost: int
    to_winning_traders: int
    to_liquidity_pool: int
    to_insurance_fund: int
    to_fees: int
    via_adl: int
    socialised: int
    owed: int

    def destinations(self) -> dict[str, int]:
        return {"winning traders": self.to_winning_traders, "liquidity pool": self.to_liquidity_pool,
                "insurance fund": self.to_insurance_fund, "fees": self.to_fees, "ADL": self.via_adl,
                "socialised loss": self.socialised}


def crowd_balances(game) -> np.ndarray:
    """Every crowd trader's balance (wallet plus isolated margins, units), in trader order."""
    led, cr = game.venue.ledger, game.crowd
    ids = slice(cr.first, cr.first + cr.n)
    return led.cash[ids] + led.margin[:, ids].sum(axis=0)


def crowd_losses(game, opening: np.ndarray) -> CrowdLosses:
    """Where the crowd's losses since ``opening`` (its :func:`crowd_balances` when the journal
    started, at tick 0) went; see :class:`CrowdLosses`."""
    led = game.venue.ledger
    first_crowd = len(SYSTEM_GROUPS) + len(game.players)
    paid = -led.net[first_crowd:].sum(axis=0)  # by cause: what the crowd as a whole paid out (net)
    from_crowd = _players_gains_from_crowd(game, first_crowd)
    change = crowd_balances(game) - opening
    fee_cause = Cause.LIQUIDATION_FEE
    fund_fee = game.rulebook.fee_to is FeeTo.INSURANCE_FUND

    def out(causes, extra=()) -> int:
        return sum(int(paid[c]) for c in (*causes, *extra)) - sum(from_crowd.get(c, 0) for c in causes)

    losses = CrowdLosses(
        lost=int(-change[change < 0].sum()),
        to_winning_traders=int(change[change > 0].sum()) + sum(from_crowd.values()),
        to_liquidity_pool=out(_TO_POOL),
        to_insurance_fund=out(_TO_FUND, (fee_cause,) if fund_fee else ()),
        to_fees=out(_TO_FEES, () if fund_fee else (fee_cause,)),
        via_adl=out((Cause.ADL,)),
        socialised=out((Cause.SOCIALISED_LOSS,)),
        owed=int(-np.minimum(crowd_balances(game), 0).sum()),
    )
    assert losses.lost == sum(losses.destinations().values()), "crowd losses must add up to the unit"
    return losses


def _players_gains_from_crowd(game, first_crowd: int) -> dict[Cause, int]:
    """What players won from crowd groups, by cause (units; negative: they lost to the crowd)."""
    led = game.venue.ledger
    gains: dict[Cause, int] = {}
    for ps in game.players:
        for (cause, group), amount in led.human_flows[ps.trader].items():
            if group >= first_crowd and cause in (*_TRADING, Cause.ADL):
                gains[cause] = gains.get(cause, 0) - amount
    return gains
