"""Players' orders and account actions: validation, resting orders, triggers.

Every action is checked completely before anything moves; a rejected action returns a
reason that names the problem and leaves every balance and position as it was.

Order types: market (now, taker fee); limit (the part the book can fill within the limit
fills at once as a taker, the rest rests until last trades through its price and fills
there as a maker); stop-loss and take-profit (trigger on mark, in the direction of the
order's own side, then close reduce-only at market).  Reduce-only orders can only shrink a
position; one left with nothing to reduce is cancelled at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from . import actions as act
from . import events as ev
from .market import CONTRACT_NAMES
from .money import MoneyError, ceil_div, fee_units, fmt_usd, lots_to_btc, ticks_to_usd, to_lots, to_ticks, \
    to_units
from .risk import MAX_NOTIONAL_UNITS, MAX_POSITION_LOTS
from .venue import Venue

MAX_OPEN_ORDERS = 50
FILL_OUTCOME = {"stop-loss": "stop-loss", "take-profit": "take-profit"}  # how a fill that closes a position ends it



def _refused_unless(convert, value) -> int:
    """An exact money converter whose refusal (a price finer than the tick ...) refuses the order."""
    try:
        return convert(value)
    except MoneyError as e:
        raise Rejected(str(e)) from None

class Rejected(Exception):
    """An action refused with a reason (nothing changed)."""


@dataclass
class Order:
    id: int
    trader: int
    contract: int
    type: str
    side: int  # +1 buy / -1 sell
    lots: int
    price: int | None  # limit or trigger price, ticks
    reduce_only: bool
    leverage: int
    cross: bool
    tick: int
    attached: tuple[int | None, int | None] = (None, None)  # stop-loss, take-profit prices placed on fill

    def describe(self) -> str:
        what = "buy" if self.side > 0 else "sell"
        px = f" @ {ticks_to_usd(self.price):,.1f}" if self.price is not None else ""
        label = self.type.replace("_", "-")
        ro = " reduce-only" if self.reduce_only and self.type in ("market", "limit") else ""
        return f"#{self.id} {label} {what} {lots_to_btc(self.lots):g} BTC{px}{ro} ({CONTRACT_NAMES[self.contract]})"


@dataclass(frozen=True)
class Preview:
    """What an order would do, before it is confirmed (the ticket shows this)."""

    ok: bool
    reason: str
    fill_price: float | None = None
    initial_margin: int = 0
    fee: int = 0
    liquidation_price: float | None = None
    notional: int = 0
    max_leverage: int = 0
    taker_qty: float = 0.0  # BTC filled at once at fill_price (taker fee)
    resting_qty: float = 0.0  # BTC left resting at the limit (maker fee when it fills)
    max_qty: float = 0.0  # the largest size this wallet can open on this side at this leverage
    stop_loss_loss: int | None = None  # units lost if the attached stop-loss fills (fees in and out included)
    take_profit_gain: int | None = None  # units made if the attached take-profit fills, after fees


class OrderDesk:
    """The players' side of the exchange: resting orders and the checks behind every action."""

    def __init__(self, venue: Venue):
        self.v = venue
        self.orders: dict[int, Order] = {}
        self.next_id = 1
        self.leverage: dict[tuple[int, int], int] = {}  # (trader, contract) -> chosen leverage
        self.cross: dict[tuple[int, int], bool] = {}
        self.max_leverage_cap: dict[int, int] = {}  # trader -> venue-imposed cap (account restriction)

    # ------------------------------------------------------------------ settings
    def leverage_of(self, i: int, c: int) -> int:
        return self.leverage.get((i, c), 10)

    def cross_of(self, i: int, c: int) -> bool:
        return self.cross.get((i, c), False)

    # ------------------------------------------------------------------ parsing
    def _contract(self, name: str) -> int:
        return CONTRACT_NAMES.index(name)

    def build(self, i: int, a: act.PlaceOrder) -> Order:
        if a.type not in act.ORDER_TYPES:
            raise Rejected(f"unknown order type {a.type!r}")
        if a.side not in act.SIDES:
            raise Rejected(f"side must be long/buy or short/sell, got {a.side!r}")
        c = self._contract(a.contract)
        lots = self._lots(a.qty)
        price = None
        if a.type != "market":
            if a.price is None:
                raise Rejected(f"a {a.type.replace('_', '-')} order needs a price")
            price = self._price(a.price)
        lev = a.leverage if a.leverage is not None else self.leverage_of(i, c)
        self.check_leverage_range(lev)
        cross = self.cross_of(i, c) if a.margin is None else a.margin == "cross"
        q = int(self.v.books[c].qty[i])
        if q and a.margin is not None and cross != bool(self.v.books[c].cross[i]):
            mode = "cross" if self.v.books[c].cross[i] else "isolated"
            raise Rejected(f"your {a.contract} position uses {mode} margin: a {a.margin} order cannot trade it; "
                           f"close the position first or order with {mode} margin")
        reduce_only = a.reduce_only or a.type in ("stop_loss", "take_profit")
        attached = (None if a.stop_loss is None else self._price(a.stop_loss),
                    None if a.take_profit is None else self._price(a.take_profit))
        if any(x is not None for x in attached) and (a.type not in ("market", "limit") or reduce_only):
            raise Rejected("a stop-loss or take-profit attaches to an order that opens a position")
        return Order(0, i, c, a.type, act.SIDES[a.side], lots, price, reduce_only, int(lev), cross, self.v.tick,
                     attached)

    @staticmethod
    def _lots(qty) -> int:
        if qty is None:
            raise Rejected("size is missing")
        try:
            lots = to_lots(qty)
        except MoneyError as e:
            raise Rejected(str(e).replace("size", "size (BTC)")) from None
        if lots <= 0:
            raise Rejected(f"size must be at least one lot (0.001 BTC), got {qty}")
        if lots > 10_000_000:
            raise Rejected(f"size {qty} BTC is larger than the whole market")
        return lots

    @staticmethod
    def _price(p) -> int:
        t = _refused_unless(to_ticks, p)
        if t <= 0:
            raise Rejected(f"price must be positive, got {p}")
        if t > 10**9:
            raise Rejected(f"price {p} is out of range")
        return t

    # ------------------------------------------------------------------ checks
    def check_leverage_range(self, lev: int) -> None:
        top = self.v.tiers.top_leverage
        if not 1 <= lev <= top:
            raise Rejected(f"leverage must be between 1x and {top}x on this venue, got {lev}x")

    def check_leverage(self, i: int, lev: int, notional: int) -> None:
        self.check_leverage_range(lev)
        cap = self.max_leverage_cap.get(i)
        if cap is not None and lev > cap:
            raise Rejected(f"your account is restricted to {cap}x after repeated liquidations")
        if notional > MAX_NOTIONAL_UNITS:
            raise Rejected(f"a position may be at most {fmt_usd(MAX_NOTIONAL_UNITS)} of notional")
        tier_max = self.v.tiers.max_leverage(notional)
        if lev > tier_max:
            raise Rejected(f"{lev}x is above this position size's tier maximum of {tier_max}x "
                           f"(max notional at {lev}x: {fmt_usd(self.v.tiers.max_notional(lev))})")

    def fill_estimate(self, o: Order) -> int:
        if o.type == "limit":
            return o.price
        return self.v.market.quote(o.contract, o.side, o.lots)

    def plan(self, o: Order, price: int) -> dict:
        """Money and size effects of filling order ``o`` at ``price`` (no side effects)."""
        v, c, i = self.v, o.contract, o.trader
        book = v.books[c]
        q = int(book.qty[i])
        dq = o.side * o.lots
        if o.reduce_only:
            if q == 0 or np.sign(q) == np.sign(dq):
                raise Rejected("reduce-only: there is no opposite position to reduce")
            dq = o.side * min(o.lots, abs(q))
        new = q + dq
        closing = min(abs(q), abs(dq)) if q and np.sign(q) != np.sign(dq) else 0
        opening = abs(dq) - closing
        fresh = opening > 0 and np.sign(q) != np.sign(dq)
        lev = o.leverage if (fresh or q == 0) else int(book.leverage[i])
        cross = o.cross if (fresh or q == 0) else bool(book.cross[i])
        mark = v.market.mark(c)
        fee = int(fee_units(abs(dq) * price, v.fees.maker_ppm if o.type == "limit" else v.fees.taker_ppm))
        unit = 1 if dq > 0 else -1
        slip_close, slip_open = unit * closing * (price - mark), unit * opening * (price - mark)
        margin = int(v.ledger.margin[c, i])
        rel = 0
        if closing and not book.cross[i]:
            rel = margin if closing == abs(q) else margin * closing // abs(q)
        im = int(ceil_div(opening * price, lev))
        iso_open = 0 if cross else im - slip_open
        cash_cost = fee + slip_close + (slip_open if cross else 0)
        return dict(dq=dq, new=new, opening=opening, closing=closing, lev=lev, cross=cross, fee=fee, im=im,
                    rel=rel, cash_cost=cash_cost, margin_after=(margin - rel + iso_open) if new else 0)

    def available(self, i: int) -> int:
        """Wallet money free for new margin: cash minus cross initial margin and resting orders."""
        return int(self.v.ledger.cash[i]) - self.v.cross_initial_margin(i) - self.reserved(i)

    def reserved(self, i: int, skip: int | None = None) -> int:
        total = 0
        for o in self.orders.values():
            if o.trader == i and o.id != skip and o.type == "limit" and not o.reduce_only:
                total += int(ceil_div(o.lots * o.price, o.leverage)) + int(fee_units(o.lots * o.price,
                                                                                    self.v.fees.maker_ppm))
        return total

    def check_fill(self, o: Order, price: int, reserve_only: bool = False) -> dict:
        """Everything that must hold for ``o`` to fill at ``price``; raises Rejected."""
        p = self.plan(o, price)
        i = o.trader
        if p["opening"]:
            if abs(p["new"]) > MAX_POSITION_LOTS:
                raise Rejected(f"a position may be at most {lots_to_btc(MAX_POSITION_LOTS):,.0f} BTC")
            self.check_leverage(i, p["lev"], abs(p["new"]) * price)
            need = p["im"] + max(p["cash_cost"], 0)
            free = self.available(i) + (p["rel"] if not reserve_only else 0)
            if o.type == "limit" and not reserve_only:
                free += self.reserved(i) - self.reserved(i, skip=o.id)
            if need > free:
                raise Rejected(f"insufficient margin: this order needs {fmt_usd(need)} "
                               f"(initial margin {fmt_usd(p['im'])} + fee {fmt_usd(p['fee'])}), "
                               f"available {fmt_usd(max(free, 0))}")
            lp = self.liquidation_price_after(o, p)
            mark = ticks_to_usd(self.v.market.mark(o.contract))
            if lp is not None and (mark <= lp if p["new"] > 0 else mark >= lp):
                raise Rejected(f"this order would be liquidated at once: its liquidation price {lp:,.1f} "
                               f"is already reached by the mark {mark:,.1f}")
        return p

    # ------------------------------------------------------------------ actions
    def preview(self, i: int, a: act.PlaceOrder) -> Preview:
        """The ticket's preview: fill estimate, initial margin, fee and the liquidation price.

        A limit order priced through the book shows what it will really do: the marketable
        part at its taker fill price and fee, the rest resting at the limit.
        """
        try:
            o = self.build(i, a)
            taker, rest = self.split(o)
            if rest is not None:
                self.check_resting(rest)
            price = self.fill_estimate(taker) if taker is not None else o.price
            p = self.check_fill(replace(o, type="market") if taker is not None else o, price)
        except Rejected as e:
            return Preview(False, str(e))
        fee = p["fee"]
        if taker is not None and rest is not None:  # the marketable part as a taker, the rest as a maker
            fee = int(fee_units(taker.lots * price, self.v.fees.taker_ppm)
                      + fee_units(rest.lots * rest.price, self.v.fees.maker_ppm))
        lp = self.liquidation_price_after(o, p)
        try:
            self.check_attached(o, price, lp)
        except Rejected as e:
            return Preview(False, str(e))
        sl_loss, tp_gain = self.attached_outcomes(o, price, fee)
        return Preview(True, "", ticks_to_usd(price), p["im"], fee, lp, abs(p["new"]) * price,
                       self.v.tiers.max_leverage(abs(p["new"]) * price),
                       lots_to_btc(taker.lots) if taker is not None else 0.0,
                       lots_to_btc(rest.lots) if rest is not None and rest.type == "limit" else 0.0,
                       lots_to_btc(self.max_lots(o, price)), sl_loss, tp_gain)

    def check_attached(self, o: Order, price: int, liq: float | None) -> None:
        """An attached stop sits between the entry and the liquidation price; a take-profit beyond the entry."""
        sl, tp = o.attached
        long_ = o.side > 0
        if sl is not None:
            if (sl >= price) if long_ else (sl <= price):
                raise Rejected(f"the stop-loss must be {'below' if long_ else 'above'} the entry "
                               f"{ticks_to_usd(price):,.1f}")
            if liq and ((sl <= liq * 10) if long_ else (sl >= liq * 10)):
                raise Rejected(f"the stop-loss {ticks_to_usd(sl):,.1f} is beyond the liquidation price "
                               f"{liq:,.1f}: you would be liquidated before it fills")
        if tp is not None and ((tp <= price) if long_ else (tp >= price)):
            raise Rejected(f"the take-profit must be {'above' if long_ else 'below'} the entry "
                           f"{ticks_to_usd(price):,.1f}")

    def attached_outcomes(self, o: Order, price: int, entry_fee: int) -> tuple[int | None, int | None]:
        """(loss if the stop fills, gain if the take-profit fills), fees in and out included."""
        sl, tp = o.attached

        def exit_fee(px: int) -> int:
            return int(fee_units(o.lots * px, self.v.fees.taker_ppm))

        loss = None if sl is None else o.lots * abs(price - sl) + entry_fee + exit_fee(sl)
        gain = None if tp is None else o.lots * abs(tp - price) - entry_fee - exit_fee(tp)
        return loss, gain

    def place_attached(self, o: Order, lots: int) -> list[ev.Event]:
        """After ``lots`` of ``o`` filled: its stop-loss and take-profit, reduce-only, for that size."""
        out = []
        for kind, px in zip(("stop_loss", "take_profit"), o.attached):
            if px is None:
                continue
            child = Order(0, o.trader, o.contract, kind, -o.side, lots, px, True, o.leverage, o.cross, self.v.tick)
            try:
                self.check_resting(child)
            except Rejected as e:
                out.append(ev.Notice(self.v.tick, o.trader, f"{kind.replace('_', '-')} not placed: {e}"))
                continue
            child.id = self.next_id
            self.next_id += 1
            self.orders[child.id] = child
            out.append(ev.OrderPlaced(self.v.tick, o.trader, child.id, child.describe()))
        return out

    def max_lots(self, o: Order, price: int) -> int:
        """The largest size (lots) the trader could open on ``o``'s side at its leverage and this price.

        Bounded by the free balance (initial margin plus the taker fee per lot; the part that
        closes an opposite position frees its margin) and by the tier table's notional cap.
        """
        book = self.v.books[o.contract]
        q = int(book.qty[o.trader])
        same = q == 0 or (q > 0) == (o.side > 0)
        closing = 0 if same else abs(q)
        free = self.available(o.trader) + (self.plan_release(o.trader, o.contract) if closing else 0)
        per_lot = price / o.leverage + price * self.v.fees.taker_ppm / 1_000_000
        by_money = int(max(free, 0) // per_lot) if per_lot > 0 else 0
        by_tier = self.v.tiers.max_notional(o.leverage) // max(price, 1) - (abs(q) if same else 0)
        return max(min(by_money, by_tier), 0) + closing

    def plan_release(self, i: int, c: int) -> int:
        """The isolated margin a full close of trader i's position in c would free."""
        return 0 if self.v.books[c].cross[i] else int(self.v.ledger.margin[c, i])

    def split(self, o: Order) -> tuple[Order | None, Order | None]:
        """(the part that trades at once as a taker, the part that rests) of an order."""
        if o.type == "market":
            return o, None
        if o.type != "limit":
            return None, o
        x = self.v.market.marketable_lots(o.contract, o.side, o.lots, o.price)
        taker = replace(o, type="market", lots=x) if x else None
        rest = replace(o, lots=o.lots - x) if x < o.lots else None
        return taker, rest

    def liquidation_price_after(self, o: Order, p: dict) -> float | None:
        v, c, i = self.v, o.contract, o.trader
        if p["new"] == 0:
            return None
        mark = v.market.mark(c)
        if p["cross"]:
            cash_after = int(v.ledger.cash[i]) - p["cash_cost"] + p["rel"]
            m = cash_after - v.cross_maintenance(i, skip=c)
        else:
            m = p["margin_after"]
        lp = int(v.tiers.liquidation_ticks(np.array([p["new"]]), np.array([m]), mark)[0])
        return ticks_to_usd(lp) if lp > 0 else 0.0

    def check_resting(self, o: Order) -> None:
        """What a resting order must satisfy when placed (shared by place() and the ticket's preview)."""
        if sum(1 for x in self.orders.values() if x.trader == o.trader) >= MAX_OPEN_ORDERS:
            raise Rejected(f"at most {MAX_OPEN_ORDERS} open orders")
        if o.type == "limit":
            self.check_fill(o, o.price, reserve_only=True)
            return
        q = int(self.v.books[o.contract].qty[o.trader])
        if q == 0 or np.sign(q) == o.side:
            raise Rejected(f"a {o.type.replace('_', '-')} order needs an open position on the other side")
        mark = self.v.market.mark(o.contract)
        long_pos = q > 0
        wrong = (o.type == "stop_loss" and ((long_pos and o.price >= mark) or (not long_pos and o.price <= mark))) \
            or (o.type == "take_profit" and ((long_pos and o.price <= mark) or (not long_pos and o.price >= mark)))
        if wrong:
            where = "below" if (o.type == "stop_loss") == long_pos else "above"
            raise Rejected(f"a {o.type.replace('_', '-')} for this {'long' if long_pos else 'short'} must be "
                           f"{where} the mark price {ticks_to_usd(mark):,.1f}")

    def place(self, i: int, a: act.PlaceOrder) -> list[ev.Event]:
        o = self.build(i, a)
        taker, rest = self.split(o)
        if rest is not None:
            self.check_resting(rest)  # checked before the taker part trades: all or nothing
        if any(x is not None for x in o.attached):
            price = self.fill_estimate(taker) if taker is not None else o.price
            self.check_attached(o, price, self.liquidation_price_after(o, self.plan(o, price)))
        out = []
        if taker is not None:
            reason = "order" if o.type == "market" else "limit (marketable part, taker)"
            out += self.fill(taker, self.fill_estimate(taker), maker=False, reason=reason)
            out += self.place_attached(o, taker.lots)
        if rest is not None:
            rest.id = self.next_id
            self.next_id += 1
            self.orders[rest.id] = rest
            out.append(ev.OrderPlaced(self.v.tick, i, rest.id, rest.describe()))
        return out

    def fill(self, o: Order, price: int, maker: bool, reason: str) -> list[ev.Event]:
        p = self.check_fill(o, price)
        v = self.v
        q, entry = int(v.books[o.contract].qty[o.trader]), float(v.books[o.contract].entry[o.trader])
        realised = round(p["closing"] * (price - entry) * (1 if q > 0 else -1)) if p["closing"] else None
        with v.because(FILL_OUTCOME.get(reason, "closed")):
            fees = v.execute_fills(o.contract, [o.trader], [p["dq"]], price,
                                   fee_ppm=v.fees.maker_ppm if maker else v.fees.taker_ppm,
                                   leverage=[p["lev"]], cross=[p["cross"]])
        if not maker:
            v.market.trade(o.contract, o.side, abs(p["dq"]))  # a market order moves the price
            v.settle(o.contract)
        return [ev.Fill(v.tick, o.trader, CONTRACT_NAMES[o.contract], "buy" if p["dq"] > 0 else "sell",
                        lots_to_btc(abs(p["dq"])), ticks_to_usd(price), ticks_to_usd(v.market.mark(o.contract)),
                        int(fees[0]), maker, reason, realised)]

    def cancel(self, i: int, order_id: int, reason: str = "cancelled by you") -> list[ev.Event]:
        o = self.orders.get(order_id)
        if o is None or o.trader != i:
            raise Rejected(f"unknown order id {order_id}")
        del self.orders[order_id]
        return [ev.OrderCancelled(self.v.tick, i, order_id, reason)]

    def cancel_all(self, i: int, reason: str) -> list[ev.Event]:
        """Cancel every open order of trader i (liquidation, deleveraging)."""
        out = []
        for oid in sorted(o.id for o in self.orders.values() if o.trader == i):
            out += self.cancel(i, oid, reason)
        return out

    def drop_orphans(self) -> list[ev.Event]:
        """Cancel reduce-only orders that have no position left to reduce (never carried to the next one)."""
        out = []
        for o in sorted(self.orders.values(), key=lambda o: o.id):
            if o.reduce_only and not self._reduces(o):
                out += self.cancel(o.trader, o.id, f"nothing left to reduce: your {CONTRACT_NAMES[o.contract]} "
                                                   f"position is closed or on the order's side")
        return out

    def _reduces(self, o: Order) -> bool:
        q = int(self.v.books[o.contract].qty[o.trader])
        return q != 0 and (q > 0) != (o.side > 0)

    def close(self, i: int, a: act.ClosePosition) -> list[ev.Event]:
        c = self._contract(a.contract)
        q = int(self.v.books[c].qty[i])
        if q == 0:
            raise Rejected(f"there is no open {a.contract} position to close")
        lots = abs(q) if a.qty is None else min(self._lots(a.qty), abs(q))
        o = Order(0, i, c, "market", -int(np.sign(q)), lots, None, True, 1, False, self.v.tick)
        return self.fill(o, self.fill_estimate(o), maker=False, reason="close")

    def move_margin(self, i: int, c_name: str, amount, add: bool) -> list[ev.Event]:
        c = self._contract(c_name)
        v = self.v
        book = v.books[c]
        if book.qty[i] == 0:
            raise Rejected(f"there is no open {c_name} position")
        if book.cross[i]:
            raise Rejected("margin can only be added to or removed from an isolated position")
        units = _refused_unless(to_units, amount)
        if units <= 0:
            raise Rejected(f"amount must be positive, got {amount}")
        if add:
            if units > self.available(i):
                raise Rejected(f"insufficient balance: available {fmt_usd(max(self.available(i), 0))}")
        else:
            mark = v.market.mark(c)
            im = int(ceil_div(abs(int(book.qty[i])) * mark, int(book.leverage[i])))
            free = int(v.ledger.margin[c, i]) - im
            if units > free:
                raise Rejected(f"can remove at most {fmt_usd(max(free, 0))}: the position must keep its "
                               f"initial margin {fmt_usd(im)}")
        v.reallocate(c, [i], [units if add else -units])
        v.refresh_triggers(c, [i])
        verb = "added to" if add else "removed from"
        return [ev.Notice(v.tick, i, f"{fmt_usd(units)} {verb} the {c_name} position's margin")]

    def set_leverage(self, i: int, c_name: str, lev: int) -> list[ev.Event]:
        c = self._contract(c_name)
        v = self.v
        book = v.books[c]
        q = abs(int(book.qty[i]))
        mark = v.market.mark(c)
        self.check_leverage(i, lev, q * mark)
        if q and not book.cross[i]:
            target = int(ceil_div(q * mark, lev))
            have = int(v.ledger.margin[c, i])
            delta = target - have
            if delta > 0 and delta > self.available(i):
                raise Rejected(f"{lev}x needs {fmt_usd(delta)} more margin; available "
                               f"{fmt_usd(max(self.available(i), 0))}")
            if delta < 0:
                mm = int(v.tiers.maintenance(q * mark))
                if target <= mm:
                    raise Rejected(f"{lev}x would put the position under maintenance margin")
            v.reallocate(c, [i], [delta])
        elif q and book.cross[i]:
            old = int(book.leverage[i])
            book.leverage[i] = lev
            if self.available(i) < 0:
                book.leverage[i] = old
                raise Rejected(f"{lev}x needs more initial margin than the wallet has free")
        if q:
            book.leverage[i] = lev
            v.refresh_triggers(c, [i])
        self.leverage[(i, c)] = lev
        return [ev.Notice(v.tick, i, f"{c_name} leverage set to {lev}x")]

    def set_margin_mode(self, i: int, c_name: str, mode: str) -> list[ev.Event]:
        c = self._contract(c_name)
        if self.v.books[c].qty[i] != 0:
            raise Rejected("close the position before changing its margin mode")
        self.cross[(i, c)] = mode == "cross"
        return [ev.Notice(self.v.tick, i, f"{c_name} margin mode set to {mode}")]

    # ------------------------------------------------------------------ each tick
    def trigger(self) -> list[ev.Event]:
        """Fill limit orders the last price traded through; fire stops and take-profits on mark."""
        out: list[ev.Event] = []
        v = self.v
        for o in sorted(self.orders.values(), key=lambda o: o.id):
            if o.id not in self.orders:
                continue
            last, mark = v.market.last(o.contract), v.market.mark(o.contract)
            q = int(v.books[o.contract].qty[o.trader])
            if o.type == "limit":
                hit = last <= o.price if o.side > 0 else last >= o.price
                if hit:
                    del self.orders[o.id]
                    filled = self._try(o, o.price, True, "limit")
                    out += filled
                    if any(isinstance(e, ev.Fill) for e in filled):
                        out += self.place_attached(o, o.lots)
            elif self._reduces(o):
                # a sell stop (protecting a long) fires when the mark falls to it, a buy stop when it
                # rises to it; take-profits the other way round
                falls = (o.side < 0) == (o.type == "stop_loss")
                if mark <= o.price if falls else mark >= o.price:
                    del self.orders[o.id]
                    o.lots = min(o.lots, abs(q))
                    out += self._try(o, self.fill_estimate(o), False, o.type.replace("_", "-"))
        return out

    def _try(self, o: Order, price: int, maker: bool, reason: str) -> list[ev.Event]:
        try:
            return self.fill(o, price, maker, reason)
        except Rejected as e:
            return [ev.OrderCancelled(self.v.tick, o.trader, o.id, f"not filled: {e}")]
