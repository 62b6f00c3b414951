"""The liquidation engine: who is liquidated at this mark, and how much of each position.

One contract's sequence, repeated while positions remain liquidatable (bounded):

1. settle variation margin, then find the positions of one side whose equity is at or
   below maintenance margin at this mark: isolated positions by their exact stored
   trigger (O(1) when none) re-checked against the rule, cross traders by their wallet;
2. the rulebook's partial rule closes part of them in the market (Binance: down to the
   bracket below, Hyperliquid: a 20 % slice of large positions, Drift: enough to cover
   the shortage); after that trade the mark is read again and only positions still at or
   below maintenance go on;
3. those are liquidated whole by the rulebook's backstop (see :mod:`backstops`).

Sides are handled one after the other, each at the mark its own check used: the forced
selling of one side moves the price, and the other side is judged at the new price.
Liquidation orders are market orders: they move the price, which is how cascades start.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import events as ev
from .backstops import Backstops
from .ledger import CASH, POOL, Cause
from .market import CONTRACT_NAMES
from .money import INT, fee_units, lots_to_btc, ticks_to_usd, units_to_usd
from .risk import BP
from .rulebooks import Backstop, FeeTo, PartialRule
from .venue import Venue

MAX_ROUNDS = 64  # a cascade is followed until nobody is left at or below maintenance
SHORTAGE_BUFFER = 0.02  # Drift liquidates to 2 % above maintenance (liquidation margin buffer)


@dataclass
class Batch:
    """Positions of one side of one contract being liquidated together, valued at ``mark``."""

    c: int
    side: int
    idx: np.ndarray
    qty: np.ndarray  # signed lots
    backing: np.ndarray  # equity standing behind each position at the mark
    pockets: np.ndarray  # CASH (cross) or c (isolated)
    trigger: np.ndarray  # liquidation price, ticks
    bankrupt: np.ndarray  # bankruptcy price, ticks (before any fee)
    mark: int

    @property
    def lots(self) -> int:
        return int(np.abs(self.qty).sum())

    @property
    def size(self) -> np.ndarray:
        return np.abs(self.qty)

    def subset(self, sel) -> "Batch":
        return Batch(self.c, self.side, self.idx[sel], self.qty[sel], self.backing[sel], self.pockets[sel],
                     self.trigger[sel], self.bankrupt[sel], self.mark)


class LiquidationEngine:
    def __init__(self, venue: Venue):
        self.v = venue
        self.stats = {"liquidations": 0, "partial": 0, "adl_events": 0, "adl_lots": 0, "socialised": 0,
                      "fee_pool": 0, "unpaid": 0}
        self.fund_min = venue.ledger.insurance_fund
        self.backstops = Backstops(venue, self.stats)
        self.slice_until = np.zeros(len(venue.ledger.cash), dtype=INT)  # Hyperliquid cool-down per trader
        self.trace: list | None = None  # set to a list to record every batch liquidated (tests)

    # ------------------------------------------------------------------ detection
    def run(self, c: int) -> list[ev.Event]:
        """Liquidate until nobody in contract c is at or below maintenance (bounded rounds)."""
        out: list[ev.Event] = []
        if not self.v.books[c].ever_open:
            self.v.settle(c)
            return out
        for _ in range(MAX_ROUNDS):
            if not self._anyone_due(c):  # O(1) on a quiet tick: the cached trigger extremes say no
                break
            for side in (1, -1):
                b = self._due(c, side)
                if b is not None:
                    rest = self._partial(b, out)
                    if rest is not None:
                        self._full(rest, out)
        self.v.settle(c)
        self.fund_min = min(self.fund_min, self.v.ledger.insurance_fund)
        return out

    def cross_due(self, i: int) -> bool:
        return self.v.cross_due(i)

    def _anyone_due(self, c: int) -> bool:
        v = self.v
        v.settle(c)
        if len(v.books[c].triggered(v.market.mark(c))):
            return True
        return any(i != POOL and v.cross_due(i) for i in v.cross_ids(c))

    def _due(self, c: int, side: int, among: np.ndarray | None = None) -> Batch | None:
        """Positions of ``side`` at or below maintenance at the current mark (settled first)."""
        v = self.v
        v.settle(c)
        book, mark = v.books[c], v.market.mark(c)
        iso = book.triggered(mark) if among is None else among[~book.cross[among]]
        iso = iso[(iso != POOL) & (np.sign(book.qty[iso]) == side)]
        if len(iso):  # the stored triggers are exact; checking the rule itself keeps a stale one from acting
            ok = v.tiers.liquidatable(v.ledger.margin[c, iso], np.abs(book.qty[iso]) * mark)
            if not ok.all():
                v.refresh_triggers(c, iso[~ok])
                iso = iso[ok]
        cand = v.cross_positions(c) if among is None else among[book.cross[among] & (book.qty[among] != 0)]
        cross = [i for i in cand.tolist() if i != POOL and np.sign(book.qty[i]) == side and v.cross_due(i)]
        idx = np.concatenate([iso, np.array(cross, dtype=INT)])
        if len(idx) == 0:
            return None
        return self._batch(c, side, idx, np.r_[np.zeros(len(iso), bool), np.ones(len(cross), bool)])

    def _batch(self, c: int, side: int, idx: np.ndarray, cross: np.ndarray) -> Batch:
        v = self.v
        book, mark = v.books[c], v.market.mark(c)
        q = book.qty[idx].copy()
        backing = v.ledger.margin[c, idx].copy()
        trig = np.where(side > 0, book.liq_lo[idx], book.liq_hi[idx])
        for k in np.flatnonzero(cross):
            backing[k] = v.backing(c, int(idx[k]))
            trig[k] = v.liquidation_ticks(c, int(idx[k]))
        bankrupt = v.tiers.bankruptcy_ticks(q, backing, mark)
        b = Batch(c, side, idx, q, backing, np.where(cross, CASH, c), trig, bankrupt, mark)
        if self.trace is not None:
            self.trace.append(("due", c, mark, idx.copy(), q.copy(), backing.copy(), cross.copy()))
        return b

    # ------------------------------------------------------------------ partial
    def _partial(self, b: Batch, out) -> Batch | None:
        """Close part of each position by the rulebook's rule; return what is still due."""
        rule = self.v.rulebook.partial
        cut = np.zeros(len(b.idx), dtype=INT) if rule is PartialRule.NONE else self._cut(b, rule)
        if not np.count_nonzero(cut):
            return b
        v, c, s = self.v, b.c, b.side
        sel = cut > 0
        p, cut = b.subset(sel), cut[sel]
        rb = v.rulebook
        fee = np.minimum(fee_units(cut * b.mark, rb.liquidation_fee_ppm), np.maximum(p.backing, 0))
        self.backstops.pay_fee(p, fee)
        price = v.market.trade(c, -s, int(cut.sum()), moves_price=v.market.impact_on)
        slip = s * cut * (b.mark - price)
        v.ledger.bulk(v.tick, Cause.SLIPPAGE, p.idx, -slip, p.pockets, POOL, contract=c)
        with v.because("liquidated"):  # the pool takes the other side in the same pass (it is never in p)
            v.books[c].apply_fill(np.append(p.idx, POOL), np.append(-s * cut, s * int(cut.sum())), price)
        v.refresh_triggers(c, p.idx)
        if rule is PartialRule.SLICE:
            self.slice_until[p.idx] = v.tick + rb.slice_cooldown_s
        self.stats["partial"] += len(p.idx)
        for k in v.is_human[p.idx].nonzero()[0]:
            out.append(self._report(p, k, price, partial=True, lots=int(cut[k]), lost=int(fee[k] + slip[k]),
                                    fee=int(fee[k])))
        # the cut moved the price: only positions still at or below maintenance at the new mark go on
        return self._due(c, s, among=b.idx)

    def _cut(self, b: Batch, rule: PartialRule) -> np.ndarray:
        """Lots to close first for each position (0: liquidate it whole)."""
        v, rb = self.v, self.v.rulebook
        a, mark, tiers = b.size, b.mark, v.tiers
        if rule is PartialRule.BRACKET:
            # Binance: one IOC order down to the bracket below, kept only if the account is then
            # compliant after the fee and the loss of the fill
            tier = tiers.tier_of(a * mark)
            keep = np.where(tier > 0, (tiers.floors[tier] - 1) // mark, 0)
            cut = np.where(keep > 0, a - keep, 0)
            price = v.market.quote(b.c, -b.side, int(cut.sum())) if cut.any() else mark
            after = b.backing - fee_units(cut * mark, rb.liquidation_fee_ppm) - b.side * cut * (mark - price)
            compliant = ~tiers.liquidatable(after, keep * mark)
            return np.where(compliant, cut, 0)
        if rule is PartialRule.SLICE:
            # Hyperliquid: above the threshold 20 % at a time, the whole position during the cool-down;
            # below 2/3 of maintenance the backstop takes over instead
            num, den = rb.takeover_ratio
            big = a * mark > rb.slice_above_usd * 10_000
            ready = self.slice_until[b.idx] <= v.tick
            above_backstop = b.backing * BP * den >= tiers.maintenance_bp(a * mark) * num
            return np.where(big & ready & above_backstop, -(-a * rb.slice_pct // 100), 0)
        # Drift: base to cover the margin shortage, to a small buffer above maintenance
        t = tiers.tier_of(a * mark)
        mmr = tiers.mmr_bp[t] / BP * (1 + SHORTAGE_BUFFER)
        per_lot = mark * (mmr - rb.liquidation_fee_ppm / 1e6)
        target = tiers.maintenance_bp(a * mark) / BP * (1 + SHORTAGE_BUFFER)
        need = np.where(per_lot > 0, np.ceil((target - b.backing) / np.maximum(per_lot, 1e-9)) + 1, a)
        cut = np.clip(need, 0, a).astype(INT)
        return np.where((cut < a) & (b.backing > 0), cut, 0)

    # ------------------------------------------------------------------ full
    def _full(self, b: Batch, out: list) -> None:
        v, rb = self.v, self.v.rulebook
        self.stats["liquidations"] += len(b.idx)
        humans = v.is_human[b.idx].nonzero()[0]
        lives = {int(b.idx[k]): v.ledger.open_lives.get((int(b.idx[k]), b.c)) for k in humans}
        fund_before = v.ledger.insurance_fund
        if rb.backstop is Backstop.INSURANCE_FUND:
            res = self.backstops.insurance(b)
        elif rb.backstop is Backstop.LIQUIDITY_POOL:
            res = self.backstops.pool(b)
        else:
            res = self.backstops.market(b)
        for k in humans:
            life = lives[int(b.idx[k])]
            lost = life.loss if life is not None else int(b.backing[k])
            out.append(self._report(b, k, res.price, partial=False, lots=int(b.size[k]), lost=lost,
                                    fee=int(res.fee[k]), adl_lots=int(res.adl_lots[k]),
                                    taken_over=bool(res.taken_over[k])))
        crowd = np.ones(len(b.idx), bool)
        crowd[humans] = False
        if crowd.any():
            n, q = int(crowd.sum()), lots_to_btc(b.size[crowd].sum())
            longs = b.side > 0
            out.append(ev.CrowdLiquidations(
                v.tick, n if longs else 0, q if longs else 0.0, 0 if longs else n, 0.0 if longs else q,
                ticks_to_usd(res.price if res.price is not None else b.mark),
                v.ledger.insurance_fund - fund_before))
        out += res.events

    # ------------------------------------------------------------------ reports
    def _report(self, b: Batch, k: int, price, partial: bool, lots: int, lost: int, fee: int,
                adl_lots: int = 0, taken_over: bool = False) -> ev.Liquidation:
        v, rb = self.v, self.v.rulebook
        q = int(b.qty[k])
        text = explanation(rb, ticks_to_usd(b.mark), ticks_to_usd(b.trigger[k]), ticks_to_usd(b.bankrupt[k]),
                           None if price is None else ticks_to_usd(price), fee, partial, lots, adl_lots, taken_over)
        return ev.Liquidation(v.tick, int(b.idx[k]), CONTRACT_NAMES[b.c], "long" if q > 0 else "short",
                              lots_to_btc(lots), ticks_to_usd(b.mark), ticks_to_usd(b.trigger[k]),
                              ticks_to_usd(b.bankrupt[k]), None if price is None or lots == adl_lots
                              else ticks_to_usd(price), lost, fee, partial, rb.name, text,
                              bool(b.pockets[k] == CASH), lots_to_btc(adl_lots))


def explanation(rb, mark: float, trigger: float, bankrupt: float, fill: float | None, fee: int, partial: bool,
                lots: int, adl_lots: int, taken_over: bool) -> str:
    """The liquidation, in words, with the numbers behind it."""
    fee_to = "the insurance fund" if rb.fee_to is FeeTo.INSURANCE_FUND else "the exchange"
    head = f"Mark {mark:,.1f} reached your liquidation price {trigger:,.1f}."
    if partial:
        return (f"{head} Partial liquidation ({rb.partial.value}): {lots_to_btc(lots)} BTC sold in the market"
                + (f" at {fill:,.1f}" if fill is not None else "")
                + (f"; fee {units_to_usd(fee):,.2f} USD to {fee_to}." if fee else "; no fee."))
    adl = (f" {lots_to_btc(adl_lots)} BTC of it were auto-deleveraged: opposite traders were closed at "
           f"{bankrupt:,.1f} and took what your margin owed at that price." if adl_lots else "")
    if rb.backstop is Backstop.INSURANCE_FUND:
        market = (f" The fund closed {lots_to_btc(lots - adl_lots)} BTC in the market at {fill:,.1f}."
                  if fill is not None and lots > adl_lots else "")
        return (f"{head} The position was taken over at its bankruptcy price {bankrupt:,.1f}: the liquidation fee "
                f"{units_to_usd(fee):,.2f} USD and the rest of your margin went to the insurance fund.{market}{adl}")
    if rb.backstop is Backstop.LIQUIDITY_POOL:
        if taken_over:
            return (f"{head} Your equity was below 2/3 of maintenance: the liquidity pool took over the "
                    f"position and all its margin at the mark (bankruptcy price {bankrupt:,.1f}).{adl}")
        return (f"{head} The position was closed in the market at {fill:,.1f} with no clearance fee; you keep "
                f"what is left of the margin.")
    owe = ("a deficit is paid by the insurance fund, then the fee pool, then charged to all open positions; "
           "what nobody can pay stays on your wallet" if rb.shortfall.name == "SOCIALISE"
           else "a deficit stays on your wallet as a debt")
    return (f"{head} The position was closed in the market at {fill:,.1f}"
            + (f" after a fee of {units_to_usd(fee):,.2f} USD to {fee_to}" if fee else "")
            + f" (bankruptcy price {bankrupt:,.1f}); you keep any surplus, {owe}.")

