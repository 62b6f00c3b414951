"""The game clock: one object owns the Game, its lock, and the thread that advances time.

Why a runner: the engine step must never run on the UI's event loop (100k traders take
tens of milliseconds per frame to snapshot), and player actions must land at a definite
tick so the action log replays bit for bit.  So:

* a Textual timer calls :meth:`GameRunner.clock` ~10 times a second; it only accrues the
  ticks that are due at the current speed and wakes the worker;
* the worker thread (:meth:`run`) steps those ticks one at a time under ``lock`` and then
  publishes one :class:`Frame` (snapshot + chart data).  A fast speed therefore drops
  frames, never ticks; a backlog is capped so a slow machine plays slower, not jerkier;
* player actions (:meth:`apply`) are applied from the UI thread under the same lock,
  between two ticks.  The worker yields the lock to a waiting UI call, so a keypress
  waits for at most one tick;
* the game halts itself on the player's liquidation or deleveraging and at the end of
  the scenario, and tells the UI through ``on_halt``.

The runner imports nothing from Textual: callbacks carry the news to the screen.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable

from ..engine import (ActionResult, ActionScript, BookView, Game, PlayerView, Preview, Session, Snapshot,
                      units_to_usd)
from ..engine import actions as A
from ..engine import events as ev
from .views.chartdata import ChartData, Marker, build_price_chart

SPEEDS = (1, 5, 20, 100)
MAX_BACKLOG_S = 0.5  # at most half a second of wall time may be owed to the clock
FRAME_BUDGET_S = 0.1  # a long batch still publishes a frame every 0.1 s
FUND_POINTS = 240  # the insurance-fund sparkline gets at most this many points per frame
EQUITY_POINTS = 15  # the account panel's equity line: 16 points, the whole session


@dataclass(frozen=True)
class Halt:
    """Why the clock stopped by itself: ``liquidation`` / ``adl`` (with the event) or ``end``."""

    reason: str
    event: ev.Event | None = None


@dataclass(frozen=True)
class Frame:
    """Everything one screen refresh needs, built under the lock, read-only afterwards."""

    snapshot: Snapshot
    chart: ChartData
    fund_history: tuple[float, ...]  # the whole session, thinned to FUND_POINTS
    paused: bool
    speed: int
    duration: int
    halted: Halt | None = None
    equity_history: tuple[float, ...] = ()  # the player's equity (USD), the whole session thinned
    start_equity: float = 0.0
    book: BookView | None = None  # the price ladder and the tape

    @property
    def me(self) -> PlayerView:
        return self.snapshot.players[0]


def _thin(values: list[float], n: int) -> tuple[float, ...]:
    """At most n + 1 evenly spaced values, always ending with the latest."""
    if len(values) <= n:
        return tuple(values)
    step = len(values) / n
    return tuple(values[int(k * step)] for k in range(n)) + (values[-1],)


def markers_for(player: PlayerView) -> list[Marker]:
    """The player's price lines on the perpetual chart: entry, liquidation, stops, limits."""
    out: list[Marker] = []
    for p in player.positions:
        if p.contract == "perp":
            out += [Marker("LIQ", p.liquidation_price, "liq"), Marker("ENTRY", p.entry, "entry")]
    for o in player.orders:
        if o.contract == "perp" and o.price:
            role, label = {"stop_loss": ("stop", "SL"), "take_profit": ("tp", "TP")}.get(o.type, ("limit", "LMT"))
            out.append(Marker(label, o.price, role))
    return out


class GameRunner:
    """Owns one :class:`Game`; see the module docstring for the threading contract."""

    def __init__(self, game: Game, *, on_frame: Callable[[], None] | None = None,
                 on_halt: Callable[[Halt], None] | None = None, script=(), duration: int | None = None,
                 driver=None):
        self.game = game
        # ``driver`` stands in for the game when something must see every action and step (a lesson's run)
        self.session = Session(driver if driver is not None else game, ActionScript.from_log(script),
                               on_events=self._absorb)
        self.lock = threading.Lock()
        self.on_frame = on_frame
        self.on_halt = on_halt
        self.trader = game.players[0].trader
        self.duration = int(game.scenario.duration_s if duration is None else duration)
        self.speed = SPEEDS[0]
        self.paused = True
        # at the player's margin call: "off", "slow" (drop to 1x) or "pause"; the worker applies it at
        # once, in the tick that raised the call, so a fast clock cannot step on into the liquidation
        self.margin_call_brake = "off"
        self.halted: Halt | None = None
        self.view = (120, 20)  # chart points (dot columns) and rows, set by the chart widget
        self.chart_mode = "line"  # line | candles | book: what the chart area shows
        self.events: deque[ev.Event] = deque(maxlen=4000)  # drained by the UI on each frame
        self.player_events: list[ev.Event] = []  # the player's own events, whole session (post-mortems read them)
        self.fund_history: list[float] = [units_to_usd(game.insurance_fund)]  # one per tick
        self.frame: Frame | None = None
        self.ticks_stepped = 0
        self._due = 0.0
        self._due_lock = threading.Lock()
        self._last_clock: float | None = None
        self._wake = threading.Event()
        self._ui_waiting = threading.Event()
        self._closed = False
        with self.lock:
            self.session.play_due()
            self._publish_locked(notify=False)

    # ------------------------------------------------------------------ locking
    @contextmanager
    def ui_lock(self):
        """The lock, for callers on the UI thread: the worker steps aside between two ticks."""
        self._ui_waiting.set()
        try:
            with self.lock:
                yield self.game
        finally:
            self._ui_waiting.clear()

    # ------------------------------------------------------------------ clock
    def clock(self, now: float | None = None) -> None:
        """Called by the UI's timer: accrue the ticks due at the current speed, wake the worker."""
        now = time.monotonic() if now is None else now
        last, self._last_clock = self._last_clock, now
        if self.paused or self.halted or last is None:
            return
        with self._due_lock:
            self._due = min(self._due + self.speed * max(now - last, 0.0), self.speed * MAX_BACKLOG_S + 1)
            due = self._due
        if due >= 1:
            self._wake.set()

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self._last_clock = time.monotonic()
        if paused:
            with self._due_lock:
                self._due = 0.0

    def set_speed(self, speed: int) -> None:
        self.speed = int(speed)

    def request(self, ticks: int = 1) -> None:
        """Ask the worker for ``ticks`` more ticks now (single-stepping while paused)."""
        with self._due_lock:
            self._due += ticks
        self._wake.set()

    def resume_after_halt(self) -> bool:
        """Clear a liquidation halt so play can go on; the end of the scenario stays final."""
        if self.halted and self.halted.reason != "end":
            self.halted = None
        return self.halted is None

    def close(self) -> None:
        self._closed = True
        self._wake.set()

    @property
    def busy(self) -> bool:
        return self._due >= 1

    # ------------------------------------------------------------------ the worker
    def run(self, stop: Callable[[], bool] = lambda: False) -> None:
        """Worker-thread body: sleep until woken, then step the due ticks and publish.

        ``stop`` is polled twice a second so a cancelled worker ends even if nobody
        called :meth:`close` (the process would otherwise wait for the thread at exit).
        """
        while not self._closed and not stop():
            if not self._wake.wait(0.5):
                continue
            self._wake.clear()
            if self._closed or stop():
                break
            self._run_due()

    def _run_due(self) -> None:
        started = time.monotonic()
        stepped = False
        while not self._closed and not self.halted:
            with self._due_lock:
                if self._due < 1:
                    break
                self._due -= 1
            self._tick_once()
            stepped = True
            if time.monotonic() - started > FRAME_BUDGET_S:
                self.publish()
                started = time.monotonic()
                stepped = False
        if stepped:
            self.publish()

    def _tick_once(self) -> None:
        while self._ui_waiting.is_set() and not self._closed:
            time.sleep(0.0002)  # a keypress is waiting for the lock: let it in first
        with self.lock:
            if self.game.tick >= self.duration:
                self._halt(Halt("end"))
                return
            self.session.step()
            self.ticks_stepped += 1
            self.session.play_due()  # a replay's actions at the new tick show in this frame
            self.fund_history.append(units_to_usd(self.game.insurance_fund))
            if self.game.tick >= self.duration and not self.halted:
                self._halt(Halt("end"))

    def advance(self, ticks: int) -> int:
        """Step up to ``ticks`` ticks on the calling thread (tests, benches); stops at a halt."""
        n = 0
        while n < ticks and not self.halted:
            self._tick_once()
            n += 1
        self.publish()
        return n

    def seek(self, limit: int = 86_400) -> int:
        """Step to the player's next event (a replay's next action, fill, call, liquidation...); returns ticks."""
        start = len(self.player_events)
        n = 0
        while n < limit and not self.halted and len(self.player_events) == start:
            self._tick_once()
            n += 1
        self.publish()
        return n

    def _brake(self) -> None:
        """Drop to 1x (and pause, if so set) and forget the ticks already due at the old speed."""
        self.speed = SPEEDS[0]
        if self.margin_call_brake == "pause":
            self.paused = True
        with self._due_lock:
            self._due = 0.0

    def _halt(self, halt: Halt) -> None:
        self.halted = halt
        self.paused = True
        with self._due_lock:
            self._due = 0.0
        if self.on_halt is not None:
            self.on_halt(halt)

    # ------------------------------------------------------------------ events
    def _absorb(self, events) -> None:
        """Queue events for the feed, remember the player's own, tally the crowd, spot halts."""
        for e in events:
            self.events.append(e)
            if isinstance(e, ev.CrowdLiquidations):
                continue
            mine = getattr(e, "player", None) == self.trader or (
                isinstance(e, ev.FundingPaid) and self.trader in e.player_payments)
            if not mine:
                continue
            self.player_events.append(e)
            if isinstance(e, ev.MarginCall) and self.margin_call_brake != "off":
                self._brake()
            elif isinstance(e, ev.Liquidation) and not e.partial and not self.halted:
                self._halt(Halt("liquidation", e))
            elif isinstance(e, ev.ADLEvent) and not self.halted:
                self._halt(Halt("adl", e))

    def drain_events(self) -> list[ev.Event]:
        out = []
        while self.events:
            try:
                out.append(self.events.popleft())
            except IndexError:
                break
        return out

    # ------------------------------------------------------------------ frames
    def publish(self) -> None:
        """Build a frame under the lock and tell the UI (called from either thread)."""
        with self.lock:
            self._publish_locked()

    def _publish_locked(self, notify: bool = True) -> None:
        g = self.game
        snap = g.snapshot()
        me = snap.players[0]
        points, rows = self.view
        chart = build_price_chart(g.price_history, g.tick, points, rows, snap.market.mark, markers_for(me),
                                  heatmap=lambda span, buckets: g.heatmap(0, buckets, span), tape=g.tape,
                                  depth_normal=g.stats().depth_normal_btc, candles=self.chart_mode == "candles")
        ps = g.players[0]
        equity = tuple(units_to_usd(u) for u in _thin(ps.curve, EQUITY_POINTS))
        self.frame = Frame(snap, chart, _thin(self.fund_history, FUND_POINTS), self.paused, self.speed,
                           self.duration, self.halted, equity, units_to_usd(ps.start),
                           g.book_view(levels=12, trades=40) if self.chart_mode == "book" else None)
        if notify and self.on_frame is not None:
            self.on_frame()

    def set_view(self, points: int, rows: int) -> None:
        if (points, rows) != self.view:
            self.view = (max(points, 2), max(rows, 2))

    # ------------------------------------------------------------------ player actions
    def apply(self, action: A.Action) -> ActionResult:
        """Apply a player action at the current tick, then publish a fresh frame."""
        with self.ui_lock():
            result = self.session.apply(action)
            self._publish_locked()
        return result

    def preview(self, order: A.PlaceOrder) -> Preview:
        """The engine's preview of an order (never raises: odd input becomes a reason)."""
        try:
            with self.ui_lock() as game:
                return game.preview(order)
        except Exception as e:  # the ticket passes raw text through; never crash on it
            return Preview(False, f"invalid order: {e}")
