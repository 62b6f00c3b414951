"""The one script path: a game, its action log, and the rule that makes a run replayable.

A run is (config, action log).  Actions logged at tick T are applied before stepping from
T, and every client - the headless simulator, the play screen, lessons, replays, what-if
runs, the store's verifier - goes through :class:`Session`, so they cannot disagree about
it (python-chess: every replay is ``push`` in a loop over one move stack).

    >>> script = ActionScript.from_log([{"tick": 2, "action": "open", "side": "long", "qty": 0.1}])
    >>> [(a.name, a.side, a.qty) for a in script.due(2)], script.due(3), script.last_tick
    ([('order', 'long', 0.1)], [], 2)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from . import actions as act
from . import events as ev


@dataclass(frozen=True)
class Refusal:
    """A scripted action the venue refused (it changed nothing)."""

    tick: int
    action: dict
    reason: str


class ActionScript:
    """Actions by tick, parsed once.  Entries whose ``action`` is in ``keep`` (a lesson's
    answers, say) are not engine actions: they stay dicts for the session's ``on_entry``."""

    def __init__(self, entries: Iterable[tuple[int, object]] = ()):
        self._by_tick: dict[int, list] = {}
        self._n = 0
        for tick, item in entries:
            self.add(tick, item)

    @classmethod
    def from_log(cls, log: Iterable[dict], keep: tuple[str, ...] = ()) -> "ActionScript":
        """Parse a log of dicts (each with a ``tick``); raises ActionError naming the entry."""
        script = cls()
        for k, d in enumerate(log):
            if isinstance(d, dict) and d.get("action") in keep:
                script.add(_tick(d, k), dict(d))
                continue
            try:
                tick, action = act.parse_action(d)
            except act.ActionError as e:
                raise act.ActionError(f"entry {k + 1}: {e}") from None
            script.add(tick or 0, action)
        return script

    def add(self, tick: int, item) -> None:
        self._by_tick.setdefault(int(tick), []).append(item)
        self._n += 1

    def due(self, tick: int) -> list:
        """What is to be applied at ``tick``, before the step from it."""
        return list(self._by_tick.get(tick, ()))

    @property
    def last_tick(self) -> int:
        return max(self._by_tick, default=0)

    def __len__(self) -> int:
        return self._n


def _tick(d: dict, k: int) -> int:
    t = d.get("tick", 0)
    if isinstance(t, bool) or not isinstance(t, int) or t < 0:
        raise act.ActionError(f"entry {k + 1}: 'tick' must be a whole number >= 0, got {t!r}")
    return t


@dataclass
class Session:
    """A game driven by a script and by live actions, with observers for what happens.

    ``on_events(events)`` sees every event (applied actions' and steps'); ``on_entry(d)``
    receives the script's non-engine entries (a lesson's answers); ``follow(events)`` may
    answer what just happened with more actions, applied at once and logged like the
    player's own (a what-if's stop-loss after each entry).
    """

    game: object  # Game
    script: ActionScript = field(default_factory=ActionScript)
    on_events: Callable[[list], None] | None = None
    on_entry: Callable[[dict], None] | None = None
    follow: Callable[[list], list] | None = None
    refusals: list[Refusal] = field(default_factory=list)
    _played: int = -1  # the last tick whose scripted actions were applied

    def apply(self, action: act.Action):
        """A live action, now (the game logs it if accepted)."""
        result = self.game.apply(action)
        self._emit(result.events)
        return result

    def play_due(self) -> None:
        """Apply the script's actions for the current tick, once: THE place that does."""
        t = self.game.tick
        if self._played == t:
            return
        self._played = t
        for item in self.script.due(t):
            if isinstance(item, dict):
                if self.on_entry is not None:
                    self.on_entry(item)
                continue
            result = self.apply(item)
            if not result.ok:
                self.refusals.append(Refusal(t, item.to_dict(), result.reason))

    def step(self) -> list[ev.Event]:
        """Apply what is due now, then advance one second."""
        self.play_due()
        events = self.game.step()
        self._emit(events)
        return events

    def run_to(self, tick: int) -> None:
        """Step until ``tick``; the actions logged at ``tick`` itself are applied too."""
        while self.game.tick < tick:
            self.step()
        self.play_due()

    def _emit(self, events) -> None:
        if events and self.on_events is not None:
            self.on_events(list(events))
        if events and self.follow is not None:
            for action in self.follow(list(events)):
                result = self.game.apply(action)
                if not result.ok:
                    self.refusals.append(Refusal(self.game.tick, action.to_dict(), result.reason))
                self._emit(result.events)
