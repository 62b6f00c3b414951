"""The liquidation engine: who is liquidated at this mark, and where their margin goes.

One tick's sequence (repeated while new positions become liquidatable, bounded):

1. find isolated positions whose trigger the mark reached (O(1) when none) and players
   whose cross equity fell to maintenance;
2. insurance-first: a position above the first tier is first cut down to the tier below
   (partial liquidation in the market), and re-checked;
3. the rest is liquidated whole by the rulebook: taken over at the bankruptcy price and
   closed in the market by the insurance fund (fill vs bankruptcy = the fund's gain or
   loss), or handed to the liquidity pool, or closed for the trader's own account;
4. what the backstop cannot pay is deleveraged (ADL), socialised, or owed.

Liquidation orders are market orders: they move the price, which is how cascades start.
All money moves through the ledger; all positions of one side in one tick form one
aggregate order, so a cascade of thousands costs a handful of array operations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import events as ev
from .adl import adl_allocation, adl_rank
from .ledger import CASH, FEES, FUND, POOL, Cause
from .market import CONTRACT_NAMES
from .money import INT, fee_units, lots_to_btc, split_pro_rata, ticks_to_usd, units_to_usd
from .venue import Venue

MAX_ROUNDS = 64  # a cascade is followed until nobody is left beyond their liquidation price


@dataclass
class Batch:
    """Positions of one side of one contract being liquidated together."""

    c: int
    side: int
    idx: np.ndarray
    qty: np.ndarray  # signed lots
    margin: np.ndarray  # equity backing each position at the mark
    pockets: np.ndarray  # CASH (cross) or c (isolated)
    trigger: np.ndarray  # liquidation price in ticks (for the report)
    fee: np.ndarray = field(default=None)

    @property
    def lots(self) -> int:
        return int(np.abs(self.qty).sum())


class LiquidationEngine:
    def __init__(self, venue: Venue):
        self.v = venue
        self.stats = {"liquidations": 0, "partial": 0, "adl_events": 0, "adl_lots": 0, "socialised": 0}
        self.fund_min = venue.ledger.insurance_fund

    # ------------------------------------------------------------------ detection
    def run(self, c: int) -> list[ev.Event]:
        """Liquidate until the mark is safe for everyone left (bounded rounds)."""
        out: list[ev.Event] = []
        if not self.v.books[c].ever_open:
            self.v.settle(c)
            return out
        for _ in range(MAX_ROUNDS):
            self.v.settle(c)
            batch_idx, cross_mask = self._due(c)
            if len(batch_idx) == 0:
                break
            if self.v.rulebook.partial_by_tier:
                batch_idx, cross_mask = self._partial(c, batch_idx, cross_mask, out)
            for side in (1, -1):
                sel = np.sign(self.v.books[c].qty[batch_idx]) == side
                if sel.any():
                    self._liquidate(self._batch(c, side, batch_idx[sel], cross_mask[sel]), out)
        self.v.settle(c)
        self.fund_min = min(self.fund_min, self.v.ledger.insurance_fund)
        return out

    def _due(self, c: int) -> tuple[np.ndarray, np.ndarray]:
        v = self.v
        mark = v.market.mark(c)
        iso = v.books[c].triggered(mark)
        if len(iso):
            iso = iso[iso != POOL]
        cross = [i for i in v.cross_positions(c) if i != POOL and self.cross_due(int(i))]
        if not cross:
            return iso, np.zeros(len(iso), bool)
        idx = np.concatenate([iso, np.array(cross, dtype=INT)])
        return idx, np.r_[np.zeros(len(iso), bool), np.ones(len(cross), bool)]

    def cross_due(self, i: int) -> bool:
        """A cross-margin trader is liquidated when wallet equity <= maintenance of all cross positions."""
        return int(self.v.ledger.cash[i]) <= self.v.cross_maintenance(i)

    def _batch(self, c: int, side: int, idx: np.ndarray, cross: np.ndarray) -> Batch:
        v = self.v
        book = v.books[c]
        q = book.qty[idx].copy()
        margin = v.ledger.margin[c, idx].copy()
        for k in np.flatnonzero(cross):
            i = int(idx[k])
            # the whole wallet backs cross positions: this contract's share of it is what is left
            # after the maintenance of the trader's other cross positions
            margin[k] = int(v.ledger.cash[i]) - v.cross_maintenance(i, skip=c)
        trig = np.where(side > 0, book.liq_lo[idx], book.liq_hi[idx])
        pockets = np.where(cross, CASH, c)
        return Batch(c, side, idx, q, margin, pockets, trig)

    # ------------------------------------------------------------------ partial
    def _partial(self, c, idx, cross, out):
        """Cut positions above the first tier down to the tier below, in the market."""
        v = self.v
        book, tiers, mark = v.books[c], v.tiers, v.market.mark(c)
        q = book.qty[idx]
        tier = tiers.tier_of(np.abs(q) * mark)
        # largest size inside the tier below; a partial cut only makes sense if what is left
        # is then safe again (a position already beyond bankruptcy is liquidated whole)
        keep_lots = (tiers.floors[tier] - 1) // mark
        margin = np.array([int(x) for x in self._batch(c, 1, idx, cross).margin], dtype=INT)
        fee = fee_units((np.abs(q) - keep_lots) * mark, v.rulebook.liquidation_fee_ppm)
        big = (tier > 0) & (keep_lots > 0) & (margin - fee > tiers.maintenance(keep_lots * mark))
        if not big.any():
            return idx, cross
        for side in (1, -1):
            sel = big & (np.sign(q) == side)
            if not sel.any():
                continue
            b = self._batch(c, side, idx[sel], cross[sel])
            cut = np.abs(b.qty) - keep_lots[sel]
            notional = cut * mark
            b.fee = np.minimum(fee_units(notional, v.rulebook.liquidation_fee_ppm), np.maximum(b.margin, 0))
            v.ledger.bulk(v.tick, Cause.LIQUIDATION_FEE, b.idx, -b.fee, b.pockets, FUND)
            price = v.market.trade(c, -side, int(cut.sum()), moves_price=True)
            slip = side * cut * (mark - price)
            v.ledger.bulk(v.tick, Cause.SLIPPAGE, b.idx, -slip, b.pockets, POOL)
            dq = -side * cut
            book.apply_fill(b.idx, dq, price)
            book.apply_fill([POOL], [-int(dq.sum())], price)
            v.refresh_triggers(c, b.idx)
            self.stats["partial"] += len(b.idx)
            for k in np.flatnonzero(np.isin(b.idx, v.humans)):
                out.append(self._report(b, k, price, partial=True, lots=int(cut[k]),
                                        lost=int(b.fee[k] + slip[k])))
        still = np.array([i for i in idx if book.qty[i] != 0], dtype=INT)
        keep = np.isin(idx, still)
        idx, cross = idx[keep], cross[keep]
        # only positions still at or beyond their trigger go on to a full liquidation
        due_iso = (book.liq_lo[idx] >= mark) | (book.liq_hi[idx] <= mark)
        due = np.where(cross, [self.cross_due(int(i)) for i in idx] if len(idx) else [], due_iso)
        return idx[due.astype(bool)], cross[due.astype(bool)]

    # ------------------------------------------------------------------ full
    def _liquidate(self, b: Batch, out: list) -> None:
        rb = self.v.rulebook
        self.stats["liquidations"] += len(b.idx)
        fund_before = self.v.ledger.insurance_fund
        if rb.backstop == "pool":
            fill = self._pool_backstop(b, out)
        elif rb.backstop == "none":
            fill = self._own_account(b)
        else:
            fill = self._insurance(b, out)
        self._events(b, fill, fund_before, out)

    def _fees(self, b: Batch, to: int) -> None:
        v = self.v
        notional = np.abs(b.qty) * v.market.mark(b.c)
        b.fee = np.minimum(fee_units(notional, v.rulebook.liquidation_fee_ppm), np.maximum(b.margin, 0))
        v.ledger.bulk(v.tick, Cause.LIQUIDATION_FEE, b.idx, -b.fee, b.pockets, to)
        b.margin = b.margin - b.fee

    def _take_over(self, b: Batch, to: int, cause: Cause, payout: Cause) -> None:
        """All remaining margin moves to the backstop (which pays a negative remainder)."""
        v = self.v
        pos = b.margin > 0
        v.ledger.bulk(v.tick, cause, b.idx[pos], -b.margin[pos], b.pockets[pos], to)
        v.ledger.bulk(v.tick, payout, b.idx[~pos], -b.margin[~pos], b.pockets[~pos], to)
        self._close_positions(b)

    def _close_positions(self, b: Batch) -> None:
        book = self.v.books[b.c]
        book.apply_fill(b.idx, -b.qty, 0)
        book.clear(b.idx)

    def _insurance(self, b: Batch, out) -> int | None:
        """Take over at bankruptcy, close in the market; shortfall by ADL or socialisation."""
        v, c, s = self.v, b.c, b.side
        self._fees(b, FUND)
        total_margin = int(b.margin.sum())
        self._take_over(b, FUND, Cause.LIQUIDATION_TAKEOVER, Cause.INSURANCE_PAYOUT)
        lots = b.lots
        mark = v.market.mark(c)
        fund_before_takeover = v.ledger.insurance_fund - total_margin
        x = lots
        if v.rulebook.shortfall == "adl":
            x = self._affordable(c, s, lots, total_margin, fund_before_takeover)
        price = None
        market_share = total_margin * x // lots if lots else 0
        if x > 0:
            price = v.market.trade(c, -s, x, moves_price=v.market.impact_on)
            v.ledger.transfer(v.tick, Cause.SLIPPAGE, FUND, POOL, s * x * (mark - price))
            v.books[c].apply_fill([POOL], [s * x], price)
        if x < lots:
            self._deleverage(c, s, lots - x, total_margin - market_share, FUND, b, out)
        if v.ledger.insurance_fund < 0 and v.rulebook.shortfall == "socialise":
            self._socialise(c, -v.ledger.insurance_fund, out)
        return price

    def _affordable(self, c, s, lots, margin, fund0) -> int:
        """Largest market close the fund can pay for; the rest goes to ADL (bisection: g is concave)."""
        v = self.v
        mark = v.market.mark(c)

        def ok(x: int) -> bool:
            price = v.market.quote(c, -s, x)
            return fund0 + margin * x // lots - s * x * (mark - price) >= 0

        if ok(lots):
            return lots
        lo, hi = 0, lots
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if ok(mid) else (lo, mid)
        return lo

    def _pool_backstop(self, b: Batch, out) -> int | None:
        """Market first; below 2/3 of maintenance the liquidity pool takes over everything."""
        v, c, s = self.v, b.c, b.side
        mark = v.market.mark(c)
        mm = v.tiers.maintenance(np.abs(b.qty) * mark)
        num, den = v.rulebook.pool_takeover_ratio
        takeover = b.margin * den < mm * num
        price = None
        if takeover.any():
            t = self._subset(b, takeover)
            if v.ledger.cash[POOL] + int(t.margin.sum()) < 0:  # pool exhausted: deleverage instead
                self._take_over(t, POOL, Cause.POOL_TAKEOVER, Cause.POOL_TAKEOVER)
                self._deleverage(c, s, t.lots, int(t.margin.sum()), POOL, t, out)
            else:
                self._take_over(t, POOL, Cause.POOL_TAKEOVER, Cause.POOL_TAKEOVER)
                v.books[c].apply_fill([POOL], [int(t.qty.sum())], mark)
        if (~takeover).any():
            price = self._market_close(self._subset(b, ~takeover), keep_rest=True, cover=POOL)
        return price

    def _own_account(self, b: Batch) -> int | None:
        """No backstop: fee to the exchange, market close, the trader keeps or owes the rest."""
        self._fees(b, FEES)
        return self._market_close(b, keep_rest=True, cover=None)

    def _market_close(self, b: Batch, keep_rest: bool, cover: int | None) -> int:
        v, c, s = self.v, b.c, b.side
        mark = v.market.mark(c)
        lots = b.lots
        price = v.market.trade(c, -s, lots, moves_price=v.market.impact_on)
        slip = s * np.abs(b.qty) * (mark - price)
        v.ledger.bulk(v.tick, Cause.SLIPPAGE, b.idx, -slip, b.pockets, POOL)
        rest = b.margin - slip
        if cover is not None:  # the pool does not let a liquidated trader go below zero
            neg = rest < 0
            v.ledger.bulk(v.tick, Cause.POOL_TAKEOVER, b.idx[neg], -rest[neg], b.pockets[neg], cover)
            rest = np.maximum(rest, 0)
        iso = b.pockets != CASH
        v.reallocate(c, b.idx[iso], -rest[iso])  # what is left goes back to the wallet (or is owed)
        v.books[c].apply_fill([POOL], [int(b.qty.sum())], price)
        self._close_positions(b)
        return price

    def _subset(self, b: Batch, sel) -> Batch:
        return Batch(b.c, b.side, b.idx[sel], b.qty[sel], b.margin[sel], b.pockets[sel], b.trigger[sel],
                     None if b.fee is None else b.fee[sel])

    # ------------------------------------------------------------------ shortfall
    def _deleverage(self, c: int, s: int, lots: int, money: int, payer: int, b: Batch, out) -> None:
        """Close ``lots`` of opposite positions at the bankrupt side's bankruptcy price.

        ``money`` is the bankrupt margin belonging to this part (negative when the mark is
        already beyond bankruptcy): the deleveraged traders get it, pro rata to size.
        """
        v = self.v
        book = v.books[c]
        mark = v.market.mark(c)
        opp = np.flatnonzero(np.sign(book.qty) == -s)
        opp = opp[opp != POOL]
        equity = v.position_margin(c, opp)
        rank = adl_rank(book.qty[opp], book.entry[opp], equity, mark)
        take = adl_allocation(rank, np.abs(book.qty[opp]), lots)
        hit = take > 0
        who, take = opp[hit], take[hit]
        covered = int(take.sum())
        if covered < lots:  # nobody left on the other side: the pool absorbs the rest at bankruptcy
            who = np.r_[who, POOL].astype(INT)
            take = np.r_[take, lots - covered].astype(INT)
        shares = split_pro_rata(money, take)
        pockets = np.where(book.cross[who], CASH, c)
        v.ledger.bulk(v.tick, Cause.ADL, who, shares, pockets, payer)
        q_before = book.qty[who].copy()
        marg = np.where(book.cross[who], 0, v.ledger.margin[c, who])
        rel = np.where(take == np.abs(q_before), marg, marg * take // np.maximum(np.abs(q_before), 1))
        v.reallocate(c, who, -rel)
        book.apply_fill(who, s * take, mark)
        closed = book.qty[who] == 0
        book.clear(who[closed])
        v.refresh_triggers(c, who[~closed])
        self.stats["adl_events"] += len(who)
        self.stats["adl_lots"] += lots
        bp = mark - s * money / lots if lots else mark
        side_name = "short" if s > 0 else "long"
        humans = np.isin(who, v.humans)
        for k in np.flatnonzero(humans):
            out.append(ev.ADLEvent(v.tick, int(who[k]), CONTRACT_NAMES[c], side_name, lots_to_btc(take[k]),
                                   ticks_to_usd(bp), 1, int(shares[k])))
        crowd = ~humans & (who != POOL)
        if crowd.any():
            out.append(ev.ADLEvent(v.tick, None, CONTRACT_NAMES[c], side_name, lots_to_btc(take[crowd].sum()),
                                   ticks_to_usd(bp), int(crowd.sum()), int(shares[crowd].sum())))

    def _socialise(self, c: int, deficit: int, out) -> None:
        """Charge a deficit to every open position (both sides), per unit of size."""
        v = self.v
        book = v.books[c]
        holders = np.flatnonzero(book.qty)
        sizes = np.abs(book.qty[holders])
        charge = split_pro_rata(deficit, sizes)
        pockets = np.where(book.cross[holders], CASH, c)
        v.ledger.bulk(v.tick, Cause.SOCIALISED_LOSS, holders, -charge, pockets, FUND)
        v.refresh_triggers(c, holders)
        self.stats["socialised"] += deficit
        out.append(ev.SocialisedLoss(v.tick, CONTRACT_NAMES[c], deficit,
                                     units_to_usd(deficit) / max(lots_to_btc(sizes.sum()), 1e-9)))

    # ------------------------------------------------------------------ reports
    def _events(self, b: Batch, price, fund_before: int, out) -> None:
        v = self.v
        humans = np.isin(b.idx, v.humans)
        for k in np.flatnonzero(humans):
            out.append(self._report(b, k, price, partial=False, lots=int(abs(b.qty[k])),
                                    lost=int(b.margin[k] + (b.fee[k] if b.fee is not None else 0))))
        crowd = ~humans
        if crowd.any():
            lots = np.abs(b.qty[crowd])
            n, q = int(crowd.sum()), lots_to_btc(lots.sum())
            longs = b.side > 0
            out.append(ev.CrowdLiquidations(
                v.tick, n if longs else 0, q if longs else 0.0, 0 if longs else n, 0.0 if longs else q,
                ticks_to_usd(price if price is not None else v.market.mark(b.c)),
                v.ledger.insurance_fund - fund_before))

    def _report(self, b: Batch, k: int, price, partial: bool, lots: int, lost: int) -> ev.Liquidation:
        v = self.v
        mark = v.market.mark(b.c)
        q = int(b.qty[k])
        bp = mark - np.sign(q) * float(b.margin[k] + (b.fee[k] if b.fee is not None else 0)) / abs(q)
        rb = v.rulebook
        fee = int(b.fee[k]) if b.fee is not None else 0
        if partial:
            text = (f"Partial liquidation: {lots_to_btc(lots)} BTC sold in the market to bring the position "
                    f"under the next tier's maintenance; fee {units_to_usd(fee):,.2f} USD to the insurance fund.")
        elif rb.backstop == "fund" and price is None:
            text = (f"Mark {ticks_to_usd(mark):,.1f} reached your liquidation price "
                    f"{ticks_to_usd(b.trigger[k]):,.1f}. The position was taken over at its bankruptcy price "
                    f"{ticks_to_usd(bp):,.1f}; the insurance fund could not pay for a market close, so it was "
                    f"handed to the most profitable, most leveraged opposite traders (auto-deleveraging) at "
                    f"that price.")
        elif rb.backstop == "fund":
            text = (f"Mark {ticks_to_usd(mark):,.1f} reached your liquidation price "
                    f"{ticks_to_usd(b.trigger[k]):,.1f}. The position was taken over at its bankruptcy price "
                    f"{ticks_to_usd(bp):,.1f}: the liquidation fee {units_to_usd(fee):,.2f} USD and the rest of "
                    f"your margin went to the insurance fund, which closed the position in the market.")
        elif rb.backstop == "pool":
            text = (f"Mark {ticks_to_usd(mark):,.1f} reached your liquidation price. The position was closed "
                    f"in the market (or taken over by the liquidity pool with all its margin, below 2/3 of "
                    f"maintenance).")
        else:
            text = (f"Mark {ticks_to_usd(mark):,.1f} reached your liquidation price. No backstop: the position "
                    f"was closed in the market for your own account; a deficit is a debt on your wallet.")
        return ev.Liquidation(v.tick, int(b.idx[k]), CONTRACT_NAMES[b.c], "long" if q > 0 else "short",
                              lots_to_btc(lots), ticks_to_usd(mark), ticks_to_usd(b.trigger[k]),
                              ticks_to_usd(bp), None if price is None else ticks_to_usd(price), lost, fee,
                              partial, rb.name, text, bool(b.pockets[k] == CASH))
