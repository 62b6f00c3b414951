"""Fixtures for the UI tests: an app factory with a fixed seed, a small crowd, a paused clock
(no timer at all: tests step the game by hand) and a temporary data directory."""

from __future__ import annotations

import pytest

from liqgame.engine import GameConfig
from liqgame.ui.app import LiqApp
from liqgame.ui.base import GameSpec

SEED = 5
SCENARIO = "long-squeeze"


def make_app(tmp_path, *, seed: int = SEED, scenario: str = SCENARIO, bots: int = 200, rulebook="insurance-first",
             clock: bool = False, start: bool = True, welcome: bool = False, **kw) -> LiqApp:
    spec = GameSpec(GameConfig(seed=seed, scenario=scenario, rulebook=rulebook, bots=bots)) if start else None
    return LiqApp(data_dir=tmp_path / "data", game=spec, paused=True, clock=clock, no_blink=True, welcome=welcome,
                  **kw)


@pytest.fixture
def app_factory(tmp_path):
    return lambda **kw: make_app(tmp_path, **kw)


async def fill_ticket(pilot, size: str, leverage: str, typed: bool = False) -> None:
    """Fill the ticket's size and leverage; ``typed`` clicks the fields and types like a player."""
    screen = pilot.app.screen
    if typed:
        await pilot.click("#t-size")
        await pilot.press("home", "ctrl+k", *size)  # clear the field, then type
        await pilot.click("#t-lev")
        await pilot.press("home", "ctrl+k", *leverage, "escape")
    else:
        screen.query_one("#t-size").value = size
        screen.query_one("#t-lev").value = leverage
    await pilot.pause()


async def order(pilot, key: str) -> None:
    """Press b or s; answer yes if the game asks about a risky order (50x and more, most of the wallet)."""
    from liqgame.ui.screens.confirm import ConfirmScreen

    await pilot.press(key)
    await pilot.pause()
    if isinstance(pilot.app.screen, ConfirmScreen):
        await pilot.press("y")
        await pilot.pause()


async def run_until(pilot, predicate, max_ticks: int = 8000, chunk: int = 200) -> int:
    """Step the paused game by hand in chunks until ``predicate(app)`` holds."""
    runner = pilot.app.play_screen.runner
    done = 0
    while done < max_ticks:
        stepped = runner.advance(chunk)
        done += stepped
        await pilot.pause()
        if predicate(pilot.app):
            return done
        if stepped == 0:
            break  # the game halted itself
    raise AssertionError(f"condition not reached after {done} ticks")


async def run_until_event(pilot, kind, max_ticks: int = 8000) -> int:
    """Step one tick at a time (no redraw in between) until the player gets an event of ``kind``."""
    runner = pilot.app.play_screen.runner
    for n in range(1, max_ticks + 1):
        if not runner.advance(1) or any(isinstance(e, kind) for e in runner.player_events):
            await pilot.pause()
            return n
    raise AssertionError(f"no {kind.__name__} in {max_ticks} ticks")


async def wait_group(app, group: str) -> None:
    """Wait for the workers of one group (the game clock's worker never completes on its own)."""
    for worker in [w for w in app.workers if w.group == group]:
        await worker.wait()
