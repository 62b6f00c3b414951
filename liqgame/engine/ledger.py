"""Accounts and the journal: every unit of money is somewhere, and every move has a cause.

Where money lives:

* ``cash[i]``      trader i's wallet outside isolated positions (cross positions use it),
* ``margin[c, i]`` the isolated margin of trader i's position in contract c,
* ``system[a]``    the insurance fund, the exchange's fee account and the rounding-dust account.

Trader 0 is the liquidity pool (the market maker every order trades against); it is an
ordinary trader with a big deposit, so its profit and loss is money like everyone's.

The only way to change a balance is a transfer with a :class:`Cause`.  The invariant,
checked by tests after every tick and action, is ``total() == deposits``.

The journal does not grow with positions x ticks: per (group, cause) net amounts are
kept as one small matrix, and human players get a per-(cause, counterparty group)
breakdown of everything they paid or received (what "where did my margin go" reads),
plus a short list of their discrete transfers for the timeline.  Each human position also
has a :class:`PositionLife`: the same breakdown restricted to that position, from the fill
that opened it to the one that closed it (what a per-position post-mortem reads).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

from .money import INT, split_pro_rata

CASH = -1  # pocket id for a trader's wallet; 0..C-1 = isolated margin of that contract


class Cause(IntEnum):
    DEPOSIT = 0
    VARIATION_MARGIN = 1
    SLIPPAGE = 2  # fill price vs mark: paid to the counterparty of the trade
    TRADING_FEE = 3
    FUNDING = 4
    LIQUIDATION_FEE = 5
    LIQUIDATION_TAKEOVER = 6
    INSURANCE_PAYOUT = 7
    POOL_TAKEOVER = 8
    ADL = 9
    SOCIALISED_LOSS = 10
    MARGIN_ALLOCATION = 11  # between a trader's own wallet and isolated margin
    SETTLEMENT = 12  # quarterly expiry: final settlement at index
    FEE_POOL = 13  # the exchange's fee account pays a bankrupt deficit (Drift's fee pool)


CAUSE_LABEL = {
    Cause.DEPOSIT: "deposit",
    Cause.VARIATION_MARGIN: "trading profit and loss",
    Cause.SLIPPAGE: "spread and slippage",
    Cause.TRADING_FEE: "trading fees",
    Cause.FUNDING: "funding",
    Cause.LIQUIDATION_FEE: "liquidation fee",
    Cause.LIQUIDATION_TAKEOVER: "margin taken over at bankruptcy",
    Cause.INSURANCE_PAYOUT: "insurance payout",
    Cause.POOL_TAKEOVER: "pool take-over",
    Cause.ADL: "auto-deleveraging",
    Cause.SOCIALISED_LOSS: "socialised loss",
    Cause.MARGIN_ALLOCATION: "margin allocation",
    Cause.SETTLEMENT: "expiry settlement",
    Cause.FEE_POOL: "fee pool",
}


class System(IntEnum):
    """System accounts; as journal parties they are the negative ids below."""

    INSURANCE_FUND = 0
    EXCHANGE_FEES = 1
    DUST = 2


FUND, FEES, DUST = -1, -2, -3  # party ids of the system accounts
SYSTEM_PARTY = {FUND: System.INSURANCE_FUND, FEES: System.EXCHANGE_FEES, DUST: System.DUST}
POOL = 0  # trader id of the liquidity pool
# group ids 0..2 are the system accounts, 3 the liquidity pool; players and personas follow
G_FUND, G_FEES, G_DUST, G_POOL = 0, 1, 2, 3
SYSTEM_GROUPS = ("insurance fund", "exchange fees", "rounding dust", "liquidity pool")


@dataclass
class PositionLife:
    """One human position from open to close, and every unit it paid or received.

    ``flows[(cause, group)]`` is what the position paid to that group (negative: received);
    ``sum(flows.values())`` is the position's loss (negative: its profit), fees and funding
    included, exactly.
    """

    id: int
    trader: int
    contract: int
    side: int  # +1 long / -1 short
    opened: int  # tick
    closed: int | None = None
    outcome: str = "open"  # closed | liquidated | auto-deleveraged | stop-loss | take-profit | settled ...
    flows: dict = field(default_factory=dict)

    @property
    def loss(self) -> int:
        return sum(self.flows.values())


@dataclass(frozen=True)
class Transfer:
    """One discrete transfer that involves a human player (kept for the timeline)."""

    tick: int
    cause: Cause
    src: int
    dst: int
    amount: int


class Ledger:
    """Balances in bulk numpy arrays plus a compact journal."""

    def __init__(self, n_traders: int, n_contracts: int, trader_group: np.ndarray, group_names: list[str],
                 humans: list[int]):
        self.cash = np.zeros(n_traders, dtype=INT)
        self.margin = np.zeros((n_contracts, n_traders), dtype=INT)
        self.system = np.zeros(len(System), dtype=INT)
        self.deposits = 0
        self.trader_group = np.asarray(trader_group, dtype=INT)
        self.group_names = list(group_names)
        self.humans = list(humans)
        self._is_human = np.zeros(n_traders, dtype=bool)
        self._is_human[self.humans] = True
        # contiguous group blocks let np.add.reduceat sum whole-array deltas per group
        g = self.trader_group
        assert np.all(np.diff(g) >= 0), "traders must be ordered by group"
        self._block_starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        self._block_groups = g[self._block_starts]
        assert len(set(self._block_groups.tolist())) == len(self._block_groups), "one block per group"
        self.net = np.zeros((len(group_names), len(Cause)), dtype=INT)
        self.human_flows: dict[int, dict[tuple[Cause, int], int]] = {h: {} for h in self.humans}
        self.human_deposits: dict[int, int] = {h: 0 for h in self.humans}
        self.detail: list[Transfer] = []
        self.lives: list[PositionLife] = []  # every human position, in the order opened
        self.open_lives: dict[tuple[int, int], PositionLife] = {}  # (trader, contract) -> life

    # ----------------------------------------------------------------- position lives
    def open_life(self, tick: int, trader: int, contract: int, side: int) -> PositionLife:
        life = PositionLife(len(self.lives) + 1, trader, contract, side, tick)
        self.lives.append(life)
        self.open_lives[(trader, contract)] = life
        return life

    def close_life(self, tick: int, trader: int, contract: int, outcome: str) -> PositionLife | None:
        life = self.open_lives.pop((trader, contract), None)
        if life is not None:
            life.closed, life.outcome = tick, outcome
        return life

    # ----------------------------------------------------------------- queries
    def total(self) -> int:
        return int(self.cash.sum()) + int(self.margin.sum()) + int(self.system.sum())

    def balance(self, party: int) -> int:
        """Everything a party owns: wallet plus isolated margins (or the system balance)."""
        if party < 0:
            return int(self.system[SYSTEM_PARTY[party]])
        return int(self.cash[party]) + sum(self.margin[:, party].tolist())  # two contracts: no reduction call

    def group_of(self, party: int) -> int:
        return -party - 1 if party < 0 else int(self.trader_group[party])

    @property
    def insurance_fund(self) -> int:
        return int(self.system[System.INSURANCE_FUND])

    # ----------------------------------------------------------------- pockets
    def _add(self, party: int, pocket: int, amount: int) -> None:
        if party < 0:
            self.system[SYSTEM_PARTY[party]] += amount
        elif pocket == CASH:
            self.cash[party] += amount
        else:
            self.margin[pocket, party] += amount

    def _add_to_pockets(self, idx: np.ndarray, amounts: np.ndarray, pockets) -> None:
        """``amounts[k]`` into trader ``idx[k]``'s pocket ``pockets[k]`` (CASH or a contract's margin)."""
        pockets = np.asarray(pockets, dtype=INT)
        if pockets.ndim == 0 or not np.count_nonzero(pockets != pockets[0]):  # one pocket for all: no sorting out
            pocket = int(pockets) if pockets.ndim == 0 else int(pockets[0])
            np.add.at(self.cash if pocket == CASH else self.margin[pocket], idx, amounts)
            return
        in_cash = pockets == CASH
        np.add.at(self.cash, idx[in_cash], amounts[in_cash])
        for c in np.unique(pockets[~in_cash]):
            sel = pockets == c
            np.add.at(self.margin[c], idx[sel], amounts[sel])

    # ----------------------------------------------------------------- moves
    def deposit(self, tick: int, party: int, amount: int) -> None:
        """Money entering the venue from outside (the only way the total grows)."""
        if amount < 0:
            raise ValueError("deposit must be non-negative")
        self._add(party, CASH, amount)
        self.deposits += amount
        self.net[self.group_of(party), Cause.DEPOSIT] += amount
        if party in self.human_deposits:
            self.human_deposits[party] += amount

    def deposit_many(self, tick: int, idx: np.ndarray, amounts: np.ndarray) -> None:
        """Deposits of many crowd traders at once (re-entry after a liquidation)."""
        amounts = np.asarray(amounts, dtype=INT)
        if len(idx) == 0:
            return
        if (amounts < 0).any():
            raise ValueError("deposit must be non-negative")
        np.add.at(self.cash, idx, amounts)
        self.deposits += int(amounts.sum())
        np.add.at(self.net[:, Cause.DEPOSIT], self.trader_group[idx], amounts)
        for k in np.flatnonzero(self._is_human[idx]):
            self.human_deposits[int(idx[k])] += int(amounts[k])

    def transfer(self, tick: int, cause: Cause, src: int, dst: int, amount: int,
                 src_pocket: int = CASH, dst_pocket: int = CASH, contract: int | None = None) -> None:
        """Move ``amount`` units from src to dst (a negative amount moves the other way)."""
        amount = int(amount)
        if amount == 0:
            return
        self._add(src, src_pocket, -amount)
        self._add(dst, dst_pocket, amount)
        if cause == Cause.MARGIN_ALLOCATION:
            return
        gs, gd = self.group_of(src), self.group_of(dst)
        self.net[gs, cause] -= amount
        self.net[gd, cause] += amount
        for h, other, out in ((src, gd, amount), (dst, gs, -amount)):
            if h >= 0 and self._is_human[h]:
                self._flow(h, cause, other, out, contract)
        if (src >= 0 and self._is_human[src]) or (dst >= 0 and self._is_human[dst]):
            self.detail.append(Transfer(tick, cause, src, dst, amount))

    def bulk(self, tick: int, cause: Cause, idx: np.ndarray, amounts: np.ndarray, pockets: np.ndarray,
             counterparty: int, counter_pocket: int = CASH, contract: int | None = None) -> None:
        """Many traders pay (negative amount) or receive (positive) against one counterparty.

        ``pockets[k]`` is CASH or the contract whose isolated margin trader ``idx[k]`` uses (one
        pocket for all may be given once); ``contract`` names the positions the money belongs to
        (for the players' position lives).
        """
        idx = np.asarray(idx, dtype=INT)
        amounts = np.asarray(amounts, dtype=INT)
        if len(idx) == 0:
            return
        self._add_to_pockets(idx, amounts, pockets)
        total = int(amounts.sum())
        self._add(counterparty, counter_pocket, -total)
        gc = self.group_of(counterparty)
        np.add.at(self.net[:, cause], self.trader_group[idx], amounts)
        self.net[gc, cause] -= total
        for k in self._is_human[idx].nonzero()[0]:
            h, a = int(idx[k]), int(amounts[k])
            if a:
                self._flow(h, cause, gc, -a, contract)
                self.detail.append(Transfer(tick, cause, counterparty, h, a))
        if counterparty >= 0 and self._is_human[counterparty]:
            by_group = self._group_sums(idx, amounts)
            self._attribute(counterparty, cause, total, by_group, contract)

    def pairs(self, tick: int, cause: Cause, src: np.ndarray, dst: np.ndarray, amounts: np.ndarray,
              src_pockets: np.ndarray, dst_pockets: np.ndarray, contract: int | None = None) -> None:
        """Trader ``src[k]`` pays ``amounts[k]`` to trader ``dst[k]`` (negative: the other way).

        Many-to-many, for moves that match two sides one to one (auto-deleveraging).
        """
        src, dst = np.asarray(src, dtype=INT), np.asarray(dst, dtype=INT)
        amounts = np.asarray(amounts, dtype=INT)
        if len(src) == 0:
            return
        for who, pockets, sign in ((src, src_pockets, -1), (dst, dst_pockets, 1)):
            self._add_to_pockets(who, sign * amounts, pockets)
            np.add.at(self.net[:, cause], self.trader_group[who], sign * amounts)
        for k in np.flatnonzero(self._is_human[src] | self._is_human[dst]):
            s, d, a = int(src[k]), int(dst[k]), int(amounts[k])
            if not a:
                continue
            if self._is_human[s]:
                self._flow(s, cause, self.group_of(d), a, contract)
            if self._is_human[d]:
                self._flow(d, cause, self.group_of(s), -a, contract)
            self.detail.append(Transfer(tick, cause, s, d, a))

    def zero_sum(self, tick: int, cause: Cause, deltas: np.ndarray, pockets_cash,
                 contract: int, dust: int = 0, by_group: np.ndarray | None = None) -> None:
        """Apply whole-array deltas that sum to zero (variation margin, funding).

        ``deltas`` has one entry per trader; ``pockets_cash`` lists the (few) traders whose
        position in ``contract`` is cross margin (their money is in the wallet).  Rounding
        left over by a pro-rata payment (``dust``, >= 0) goes to the dust account.
        ``by_group`` (the per-group sums of ``deltas``) may be passed when the caller knows
        them cheaply, as variation margin does (group net size x price change).
        """
        if by_group is None:
            by_group = np.zeros(len(self.group_names), dtype=INT)
            by_group[self._block_groups] = np.add.reduceat(deltas, self._block_starts)  # one block per group
        total = sum(by_group.tolist())  # a dozen groups: cheaper than a reduction call
        if total + dust != 0 or dust < 0:
            raise AssertionError(f"{cause.name} deltas do not sum to zero ({total} + dust {dust})")
        if dust:
            self.system[System.DUST] += dust
            self.net[G_DUST, cause] += dust
        self.net[:, cause] += by_group
        for h in self.humans:
            d = int(deltas[h])
            if d:
                self._attribute(h, cause, d, by_group, contract)
        self.margin[contract] += deltas
        for i in pockets_cash:  # a handful (the pool, players): scalar moves beat fancy indexing
            d = deltas[i]
            self.cash[i] += d
            self.margin[contract, i] -= d

    # ----------------------------------------------------------------- journal helpers
    def _flow(self, h: int, cause: Cause, other_group: int, out: int, contract: int | None = None) -> None:
        """Record that human h paid ``out`` (received if negative) to other_group."""
        if out:
            key = (cause, other_group)
            flows = self.human_flows[h]
            flows[key] = flows.get(key, 0) + out
            life = self.open_lives.get((h, contract)) if contract is not None else None
            if life is not None:
                life.flows[key] = life.flows.get(key, 0) + out

    def _group_sums(self, idx: np.ndarray, amounts: np.ndarray) -> np.ndarray:
        by_group = np.zeros(len(self.group_names), dtype=INT)
        np.add.at(by_group, self.trader_group[idx], amounts)
        return by_group

    def _attribute(self, h: int, cause: Cause, delta: int, by_group: np.ndarray,
                   contract: int | None = None) -> None:
        """Split human h's gain or loss over the groups on the other side, pro rata."""
        side = by_group.tolist()  # a dozen groups, every second a player holds a position: Python ints
        side[self.trader_group[h]] = 0
        # h lost (delta < 0): the money went to groups that gained; h gained: it came from losers
        weights = [x if x > 0 else 0 for x in side] if delta < 0 else [-x if x < 0 else 0 for x in side]
        if sum(weights) == 0:
            return
        for g, share in enumerate(split_pro_rata(-delta, weights).tolist()):
            if share:
                self._flow(h, cause, g, share, contract)
