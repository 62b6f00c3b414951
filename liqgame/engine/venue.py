"""The exchange's state in one place: ledger, position books, market, rules, and fills.

``execute_fills`` is the single path by which any position changes size through trading
(players, the crowd, liquidation orders are separate): it settles the fill price against
the mark with the counterparty (the liquidity pool), charges the fee, releases margin of
the closed part and allocates initial margin to the opened part, all vectorised.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from .ledger import CASH, FEES, POOL, Cause, Ledger
from .market import Market
from .money import INT, ceil_div, fee_units
from .positions import PositionBook
from .risk import BP, TierTable
from .rulebooks import TRADING_FEES, Rulebook


@dataclass(frozen=True)
class FeeSchedule:
    taker_ppm: int = TRADING_FEES["taker_ppm"]  # assets/venues.json
    maker_ppm: int = TRADING_FEES["maker_ppm"]
    pool_rebate_ppm: int = TRADING_FEES["pool_rebate_ppm"]  # of each fill the pool makes, out of the fee account


class Venue:
    def __init__(self, ledger: Ledger, books: list[PositionBook], market: Market, tiers: TierTable,
                 rulebook: Rulebook, fees: FeeSchedule, humans: list[int]):
        self.ledger = ledger
        self.books = books
        self.market = market
        self.tiers = tiers
        self.rulebook = rulebook
        self.fees = fees
        self.humans = humans
        self.cross_candidates = np.array([POOL, *humans], dtype=INT)  # only these may use cross margin
        self._cross_candidates = self.cross_candidates.tolist()
        self.settled = [market.mark(c) for c in range(len(books))]
        self._vm_buffer = np.empty(len(ledger.cash), dtype=INT)
        self.tick = 0
        self.reason = "closed"  # why players' positions change size right now (their lives' outcome)
        watch = np.zeros(len(ledger.cash), dtype=bool)
        watch[humans] = True
        self.is_human = watch  # by trader id
        for c, book in enumerate(books):
            book.watch(watch, lambda idx, old, new, c=c: self._lives(c, idx, old, new))

    @contextmanager
    def because(self, reason: str):
        """Players' positions closed inside this block end with ``reason`` as their outcome."""
        before, self.reason = self.reason, reason
        try:
            yield
        finally:
            self.reason = before

    def _lives(self, c: int, idx, old, new) -> None:
        """Open and close the players' position lives as their sizes change."""
        for i, o, n in zip(idx.tolist(), old.tolist(), new.tolist()):
            flipped = o and n and (o > 0) != (n > 0)
            if o and (not n or flipped):
                self.ledger.close_life(self.tick, i, c, self.reason)
            if n and (not o or flipped):
                self.ledger.open_life(self.tick, i, c, 1 if n > 0 else -1)

    # ------------------------------------------------------------------ views
    def cross_positions(self, c: int) -> np.ndarray:
        return np.array(self.cross_ids(c), dtype=INT)

    def cross_ids(self, c: int) -> list[int]:
        """Traders whose position in c uses cross margin (the pool, players): a handful, read every tick,
        so a Python loop over the candidates beats three array calls."""
        cross, qty = self.books[c].cross, self.books[c].qty
        return [i for i in self._cross_candidates if cross[i] and qty[i]]

    def position_margin(self, c: int, idx) -> np.ndarray:
        """Money backing positions ``idx``: isolated margin, or for cross the trader's wallet."""
        book = self.books[c]
        return np.where(book.cross[idx], self.ledger.cash[idx], self.ledger.margin[c, idx])

    def cross_initial_margin(self, i: int) -> int:
        """Initial margin the wallet must keep for trader i's cross positions, at mark."""
        total = 0
        for c, book in enumerate(self.books):
            if book.cross[i] and book.qty[i]:
                total += ceil_div(abs(int(book.qty[i])) * self.market.mark(c), int(book.leverage[i]))
        return total

    def cross_maintenance(self, i: int, skip: int | None = None) -> int:
        total = 0
        for c, book in enumerate(self.books):
            if c != skip and book.cross[i] and book.qty[i]:
                total += int(self.tiers.maintenance(abs(int(book.qty[i])) * self.market.mark(c)))
        return total

    def cross_due(self, i: int) -> bool:
        """A cross trader is liquidated when the wallet is at or below the maintenance of all cross positions."""
        mm_bp = sum(int(self.tiers.maintenance_bp(abs(int(b.qty[i])) * self.market.mark(c)))
                    for c, b in enumerate(self.books) if b.cross[i] and b.qty[i])
        return int(self.ledger.cash[i]) * BP <= mm_bp

    def backing(self, c: int, i: int) -> int:
        """Money standing behind trader i's position in contract c, at the mark.

        Isolated: its margin.  Cross: the wallet less the maintenance of the trader's other
        cross positions (Binance's cross formula: WB - TMM of the others).
        """
        if self.books[c].cross[i]:
            return int(self.ledger.cash[i]) - self.cross_maintenance(i, skip=c)
        return int(self.ledger.margin[c, i])

    def liquidation_ticks(self, c: int, i: int) -> int:
        """Mark price (ticks) at which trader i's position in c is liquidated; isolated or cross."""
        q = int(self.books[c].qty[i])
        return int(self.tiers.liquidation_ticks(np.array([q]), np.array([self.backing(c, i)]),
                                                self.settled[c])[0])

    def bankruptcy_ticks(self, c: int, i: int) -> int:
        """The one bankruptcy price of trader i's position in c (ticks): panel, event and ADL use it."""
        q = int(self.books[c].qty[i])
        return int(self.tiers.bankruptcy_ticks(np.array([q]), np.array([self.backing(c, i)]), self.settled[c])[0])

    def refresh_triggers(self, c: int, idx) -> None:
        """Triggers from margin settled at ``settled[c]``: the price that margin is valued at."""
        book = self.books[c]
        book.refresh(idx, self.ledger.margin[c], self.settled[c])

    # ------------------------------------------------------------------ settlement
    def settle(self, c: int) -> None:
        """Variation margin: mark every position of contract c to the current mark."""
        m = self.market.mark(c)
        dp = m - self.settled[c]
        book = self.books[c]
        if dp and book.ever_open:
            deltas = np.multiply(book.qty, dp, out=self._vm_buffer)  # no 8 MB allocation per tick at 1M
            self.ledger.zero_sum(self.tick, Cause.VARIATION_MARGIN, deltas, self.cross_ids(c), c,
                                 by_group=book.group_qty * dp)
        self.settled[c] = m

    # ------------------------------------------------------------------ fills
    def execute_fills(self, c: int, idx, dq, price, *, fee_ppm: int, leverage=None, cross=None,
                      counterparty: int = POOL) -> np.ndarray:
        """Traders ``idx`` trade ``dq`` lots (signed) at ``price`` ticks against the pool.

        Returns the fees charged. The caller has checked margin; this only moves money.
        ``leverage``/``cross`` apply to positions opened from flat (or flipped).
        """
        idx = np.atleast_1d(np.asarray(idx, dtype=INT))
        dq = np.atleast_1d(np.asarray(dq, dtype=INT))
        price = np.asarray(price, dtype=INT)  # one price for all, or one each: numpy broadcasts either
        self.settle(c)  # positions must be marked at the mark the fill is settled against
        book, led, m = self.books[c], self.ledger, self.market.mark(c)
        q = book.qty[idx]
        aq, adq = np.abs(q), np.abs(dq)
        unit, side = np.sign(dq), np.sign(q)
        closing = np.where((q != 0) & (side != unit), np.minimum(aq, adq), 0)
        opening = adq - closing
        # 1. the closed part's share of isolated margin goes back to the wallet
        marg = led.margin[c, idx]
        safe = np.where(aq == 0, 1, aq)
        rel = np.where(~book.cross[idx] & (closing > 0), np.where(closing == aq, marg, marg * closing // safe), 0)
        self.reallocate(c, idx, -rel)
        # 2. fill price vs mark is settled with the counterparty: the closed part's difference
        #    is realised in the wallet, the opened part's is the new position's unrealised P&L
        #    (its isolated margin starts at IM + q*(mark - fill), as on a real venue)
        slip_close = unit * closing * (price - m)
        slip_open = unit * opening * (price - m)
        led.bulk(self.tick, Cause.SLIPPAGE, idx, -slip_close, CASH, counterparty, contract=c)
        # 3. the fee goes to the exchange: the closed part's share before the position closes,
        #    the opened part's after, so each position's life carries its own fees
        notional = adq * price
        fees = fee_units(notional, fee_ppm)
        fee_close = np.minimum(fee_units(closing * price, fee_ppm), fees)
        led.bulk(self.tick, Cause.TRADING_FEE, idx, -fee_close, CASH, FEES, contract=c)
        if counterparty == POOL and fee_ppm:  # the market maker earns a rebate on the liquidity it provided
            rebate = min(int(fee_units(notional, self.fees.pool_rebate_ppm).sum()), int(fees.sum()))
            led.transfer(self.tick, Cause.TRADING_FEE, FEES, POOL, rebate)
        # 4. sizes and entries, the counterparty's too (one pass: it is never among the traders)
        total = int(dq.sum())
        if total and counterparty >= 0:
            vwap = int(round(float((dq * price).sum()) / total))
            prices = np.empty(len(dq) + 1, dtype=INT)
            prices[:-1], prices[-1] = price, vwap
            book.apply_fill(np.append(idx, counterparty), np.append(dq, -total), prices)
        else:
            book.apply_fill(idx, dq, price)
        led.bulk(self.tick, Cause.TRADING_FEE, idx, -(fees - fee_close), CASH, FEES, contract=c)
        # 5. positions opened from flat (or flipped) take the requested mode and leverage
        fresh = (opening > 0) & (side != unit)
        if leverage is not None:
            book.leverage[idx[fresh]] = _each(leverage, INT, idx)[fresh]
        if cross is not None:
            book.cross[idx[fresh]] = _each(cross, bool, idx)[fresh]
        # 6. initial margin of the opened part moves into isolated margin, which then pays
        #    the opened part's fill-vs-mark difference
        iso_new = ~book.cross[idx]
        im = np.where(iso_new, ceil_div(opening * price, book.leverage[idx]), 0)
        self.reallocate(c, idx, im)
        pockets = np.where(iso_new, c, CASH)
        led.bulk(self.tick, Cause.SLIPPAGE, idx, -slip_open, pockets, counterparty, contract=c)
        self.refresh_triggers(c, idx)
        return fees

    def reallocate(self, c: int, idx, amounts) -> None:
        """Move a trader's own money between wallet and isolated margin (no journal cause)."""
        amounts = np.asarray(amounts, dtype=INT)
        if not np.count_nonzero(amounts):
            return
        np.add.at(self.ledger.cash, idx, -amounts)
        np.add.at(self.ledger.margin[c], idx, amounts)


def _each(value, dtype, idx: np.ndarray) -> np.ndarray:
    """A per-trader setting given once for all or one per trader, as one array per trader."""
    arr = np.asarray(value, dtype=dtype)
    return arr if arr.shape == idx.shape else np.full(idx.shape, arr, dtype=dtype)  # np.broadcast_to is slow
