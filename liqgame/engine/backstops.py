"""Where a liquidated position goes: the three backstops and what happens to a deficit.

* insurance fund (Binance): the position is taken over at its bankruptcy price; a fee on
  the part closed in the market and the rest of the margin go to the fund, which closes
  that part in the market; the part the fund cannot pay for is auto-deleveraged.
* liquidity pool (Hyperliquid): below 2/3 of maintenance the pool takes over position and
  all its margin; above, the position is closed in the market and the trader keeps the
  rest; ADL only if the pool is exhausted.
* the market (Drift, no backstop): closed in the market for the trader's own account; a
  deficit is socialised (fund, fee pool, every open position per unit of size) or owed.

Auto-deleveraging matches each bankrupt position with opposite positions in ADL order and
closes both at the rulebook's ADL price: money moves directly between the two, so a
deleveraged winner's statement names the traders whose deficit it covered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import events as ev
from .adl import adl_allocation, adl_rank, match
from .ledger import CASH, FEES, FUND, POOL, Cause
from .market import CONTRACT_NAMES
from .money import INT, fee_units, lots_to_btc, split_pro_rata, ticks_to_usd, units_to_usd
from .rulebooks import AdlPrice, FeeTo, Shortfall


@dataclass
class Result:
    """What a full liquidation did, per position of the batch."""

    price: int | None  # average fill of the part closed in the market (None: nothing was)
    fee: np.ndarray
    adl_lots: np.ndarray
    taken_over: np.ndarray
    events: list = field(default_factory=list)


class Backstops:
    def __init__(self, venue, stats: dict):
        self.v = venue
        self.stats = stats

    # ------------------------------------------------------------------ shared steps
    def pay_fee(self, b, fee: np.ndarray) -> None:
        to = FUND if self.v.rulebook.fee_to is FeeTo.INSURANCE_FUND else FEES
        self.v.ledger.bulk(self.v.tick, Cause.LIQUIDATION_FEE, b.idx, -fee, b.pockets, to, contract=b.c)

    def _fee(self, b, lots: np.ndarray, left: np.ndarray) -> np.ndarray:
        """The liquidation fee on ``lots`` at the mark, capped at what is left of the margin."""
        return np.minimum(fee_units(lots * b.mark, self.v.rulebook.liquidation_fee_ppm), np.maximum(left, 0))

    def _close(self, b, outcome: str = "liquidated") -> None:
        book = self.v.books[b.c]
        with self.v.because(outcome):
            book.apply_fill(b.idx, -b.qty, b.mark)
            book.clear(b.idx)

    def _adl_price(self, b) -> np.ndarray:
        if self.v.rulebook.adl_price is AdlPrice.MARK:
            return np.full(len(b.idx), b.mark, dtype=INT)
        return b.bankrupt

    # ------------------------------------------------------------------ insurance fund
    def insurance(self, b) -> Result:
        """Take over at bankruptcy; the fund closes what it can pay for, ADL the rest."""
        v, c, s = self.v, b.c, b.side
        x = self._affordable(b)
        adl = split_pro_rata(b.lots - x, b.size) if x < b.lots else np.zeros(len(b.idx), dtype=INT)
        res = Result(None, np.zeros(len(b.idx), dtype=INT), adl, np.ones(len(b.idx), bool))
        paid = self._deleverage(b, adl, self._adl_price(b), res.events)
        left = b.backing - paid
        res.fee = self._fee(b, b.size - adl, left)
        self.pay_fee(b, res.fee)
        left = left - res.fee
        pos = left > 0
        v.ledger.bulk(v.tick, Cause.LIQUIDATION_TAKEOVER, b.idx[pos], -left[pos], b.pockets[pos], FUND, contract=c)
        v.ledger.bulk(v.tick, Cause.INSURANCE_PAYOUT, b.idx[~pos], -left[~pos], b.pockets[~pos], FUND, contract=c)
        self._close(b)
        if x:
            res.price = v.market.trade(c, -s, x, moves_price=v.market.impact_on)
            v.ledger.transfer(v.tick, Cause.SLIPPAGE, FUND, POOL, s * x * (b.mark - res.price))
            v.books[c].apply_fill([POOL], [s * x], res.price)
        return res

    def _affordable(self, b) -> int:
        """Largest market close the fund can pay for without going below zero (bisection)."""
        v, s = self.v, b.side
        fund0 = v.ledger.insurance_fund
        price_adl = self._adl_price(b)
        to_exchange = v.rulebook.fee_to is FeeTo.EXCHANGE

        def fund_after(x: int) -> int:
            adl = split_pro_rata(b.lots - x, b.size) if x < b.lots else np.zeros(len(b.idx), dtype=INT)
            left = b.backing - s * adl * (b.mark - price_adl)
            into = int(left.sum()) - (int(self._fee(b, b.size - adl, left).sum()) if to_exchange else 0)
            slip = s * x * (b.mark - v.market.quote(b.c, -s, x)) if x else 0
            return fund0 + into - slip

        if fund_after(b.lots) >= 0:
            return b.lots
        lo, hi = 0, b.lots
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if fund_after(mid) >= 0 else (lo, mid)
        return lo

    # ------------------------------------------------------------------ liquidity pool
    def pool(self, b) -> Result:
        """Below the threshold the pool takes position and margin; above, a market close."""
        v, c = self.v, b.c
        num, den = v.rulebook.takeover_ratio
        mm_bp = v.tiers.maintenance_bp(b.size * b.mark)
        takeover = b.backing * 10_000 * den < mm_bp * num
        res = Result(None, np.zeros(len(b.idx), dtype=INT), np.zeros(len(b.idx), dtype=INT), takeover)
        if takeover.any():
            t = b.subset(takeover)
            if int(v.ledger.cash[POOL]) + int(t.backing.sum()) >= 0:
                v.ledger.bulk(v.tick, Cause.POOL_TAKEOVER, t.idx, -t.backing, t.pockets, POOL, contract=c)
                self._close(t, "taken over by the liquidity pool")
                v.books[c].apply_fill([POOL], [int(t.qty.sum())], b.mark)
            else:  # the pool is exhausted: the opposite side is deleveraged at the ADL price
                paid = self._deleverage(t, t.size, self._adl_price(t), res.events)
                v.ledger.bulk(v.tick, Cause.POOL_TAKEOVER, t.idx, -(t.backing - paid), t.pockets, POOL, contract=c)
                self._close(t)
                res.adl_lots[takeover] = t.size
        if (~takeover).any():
            m = b.subset(~takeover)
            res.price, res.fee[~takeover], _ = self._market_close(m, cover=True)
        return res

    # ------------------------------------------------------------------ the market
    def market(self, b) -> Result:
        """Closed in the market for the trader's account; a deficit is socialised or owed."""
        res = Result(None, np.zeros(len(b.idx), dtype=INT), np.zeros(len(b.idx), dtype=INT),
                     np.zeros(len(b.idx), bool))
        res.price, res.fee, rest = self._market_close(b, cover=False)
        if self.v.rulebook.shortfall is Shortfall.SOCIALISE:
            # an isolated position's deficit is what its margin could not pay; a cross one's, what the wallet could not
            deficit = np.where(b.pockets == CASH, -self.v.ledger.cash[b.idx], -rest)
            self._cover_deficit(b, np.maximum(deficit, 0).astype(INT), res.events)
        return res

    def _market_close(self, b, cover: bool) -> tuple[int, np.ndarray, np.ndarray]:
        v, c, s = self.v, b.c, b.side
        fee = self._fee(b, b.size, b.backing)
        self.pay_fee(b, fee)
        price = v.market.trade(c, -s, b.lots, moves_price=v.market.impact_on)
        slip = s * b.size * (b.mark - price)
        v.ledger.bulk(v.tick, Cause.SLIPPAGE, b.idx, -slip, b.pockets, POOL, contract=c)
        rest = b.backing - fee - slip
        if cover:  # the pool does not let a liquidated trader go below zero
            neg = rest < 0
            v.ledger.bulk(v.tick, Cause.POOL_TAKEOVER, b.idx[neg], -rest[neg], b.pockets[neg], POOL, contract=c)
            rest = np.maximum(rest, 0)
        self._close(b)
        v.books[c].apply_fill([POOL], [int(b.qty.sum())], price)
        iso = b.pockets != CASH
        v.reallocate(c, b.idx[iso], -v.ledger.margin[c, b.idx[iso]])  # what is left (or owed) goes to the wallet
        return price, fee, rest

    # ------------------------------------------------------------------ shortfall
    def _cover_deficit(self, b, deficit: np.ndarray, out: list) -> None:
        """Drift: fund, then fee pool, then every open position; what is left stays owed."""
        v = self.v
        total = int(deficit.sum())
        if total == 0:
            return
        cash = np.full(len(b.idx), CASH)
        for payer, cause in ((FUND, Cause.INSURANCE_PAYOUT), (FEES, Cause.FEE_POOL)):
            pay = min(total, max(v.ledger.balance(payer), 0))
            if pay:
                share = split_pro_rata(pay, deficit)
                v.ledger.bulk(v.tick, cause, b.idx, share, cash, payer, contract=b.c)
                deficit, total = deficit - share, total - pay
                if payer == FEES:
                    self.stats["fee_pool"] += pay
        if total == 0:
            return
        charged, per_btc = self._socialise(b.c, total)
        if charged:
            v.ledger.bulk(v.tick, Cause.SOCIALISED_LOSS, b.idx, split_pro_rata(charged, deficit), cash, FUND,
                          contract=b.c)
        self.stats["unpaid"] += total - charged
        out.append(ev.SocialisedLoss(v.tick, CONTRACT_NAMES[b.c], charged, per_btc, total - charged))

    def _socialise(self, c: int, deficit: int) -> tuple[int, float | None]:
        """Charge up to ``deficit`` to every open position (both sides) per unit of size.

        No position pays more than its own equity: a holder whose share would exceed it pays
        what it has and the rest is spread over the others (water-filling), so nobody who was
        not bankrupt is left negative.  Returns (charged, USD per BTC of the positions charged).
        """
        v = self.v
        book = v.books[c]
        holders = np.flatnonzero(book.qty)
        size = np.abs(book.qty[holders])
        room = np.maximum(v.position_margin(c, holders), 0).astype(INT)
        charge = np.zeros(len(holders), dtype=INT)
        left = deficit
        while left > 0:
            open_ = charge < room
            if not open_.any():
                break
            share = np.minimum(split_pro_rata(left, np.where(open_, size, 0)), room - charge)
            if not share.any():
                break
            charge += share
            left -= int(share.sum())
        charged = deficit - left
        if charged == 0:
            return 0, None
        pockets = np.where(book.cross[holders], CASH, c)
        v.ledger.bulk(v.tick, Cause.SOCIALISED_LOSS, holders, -charge, pockets, FUND, contract=c)
        v.refresh_triggers(c, holders)
        self.stats["socialised"] += charged
        return charged, units_to_usd(charged) / lots_to_btc(size[charge > 0].sum())

    # ------------------------------------------------------------------ auto-deleveraging
    def _deleverage(self, b, adl: np.ndarray, price: np.ndarray, out: list) -> np.ndarray:
        """Close ``adl[k]`` lots of bankrupt position k against the ADL queue at ``price[k]``.

        Returns what each bankrupt position paid (negative: received) to its counterparties.
        """
        v, c, s, mark = self.v, b.c, b.side, b.mark
        needed = int(adl.sum())
        paid = np.zeros(len(b.idx), dtype=INT)
        if needed == 0:
            return paid
        book = v.books[c]
        opp = np.flatnonzero(np.sign(book.qty) == -s)
        opp = opp[opp != POOL]
        rank = adl_rank(book.qty[opp], book.entry[opp], v.position_margin(c, opp), mark)
        order = np.argsort(-rank, kind="stable")
        who, size = opp[order], np.abs(book.qty[opp[order]])
        take = adl_allocation(np.zeros(len(who)), size, needed)  # already in queue order
        who, take = who[take > 0], take[take > 0]
        if take.sum() < needed:  # nobody left on the other side: the pool takes the rest
            who, take = np.r_[who, POOL].astype(INT), np.r_[take, needed - take.sum()].astype(INT)
        bi, ci, lots = match(adl, take)
        src, dst, px = b.idx[bi], who[ci], price[bi]
        amount = s * lots * (mark - px)  # the bankrupt side pays the difference to the mark
        dst_pockets = np.where(book.cross[dst], CASH, c)
        v.ledger.pairs(v.tick, Cause.ADL, src, dst, amount, b.pockets[bi], dst_pockets, contract=c)
        np.add.at(paid, bi, amount)
        marg = np.where(book.cross[who], 0, v.ledger.margin[c, who])
        q_before = np.abs(book.qty[who])
        rel = np.where(take == q_before, marg, marg * take // np.maximum(q_before, 1))
        v.reallocate(c, who, -rel)
        with v.because("auto-deleveraged"):
            book.apply_fill(who, s * take, mark)
        closed = book.qty[who] == 0
        book.clear(who[closed])
        v.refresh_triggers(c, who[~closed])
        self.stats["adl_events"] += len(who)
        self.stats["adl_lots"] += needed
        out += self._adl_events(c, s, src, dst, lots, px, amount)
        return paid

    def _adl_events(self, c, s, src, dst, lots, px, amount) -> list:
        v = self.v
        side_name = "short" if s > 0 else "long"  # the deleveraged side
        out = []
        human = np.isin(dst, v.humans)
        for k in np.flatnonzero(human):
            out.append(ev.ADLEvent(v.tick, int(dst[k]), CONTRACT_NAMES[c], side_name, lots_to_btc(lots[k]),
                                   ticks_to_usd(px[k]), 1, int(amount[k]), int(src[k])))
        crowd = ~human & (dst != POOL)
        if crowd.any():
            q = int(lots[crowd].sum())
            vwap = float((lots[crowd] * px[crowd]).sum()) / q
            out.append(ev.ADLEvent(v.tick, None, CONTRACT_NAMES[c], side_name, lots_to_btc(q), round(vwap) / 10,
                                   len(np.unique(dst[crowd])), int(amount[crowd].sum())))
        return out
