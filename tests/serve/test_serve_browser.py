"""End to end in headless Chromium: the served page shows the title screen, keys start a game, two tabs
play and save at once, and stopping the server leaves no game running.  Skipped without Chromium.

Keys used (liqgame/ui): title screen ``d`` = daily challenge (starts at once), ``p`` = new-game form,
``ctrl+s`` there = start; play screen ``n`` = step one second, ``q`` = end session, confirm ``y``;
session-end screen ``ctrl+s`` = save score ("Score saved ...").
"""

from __future__ import annotations

import contextlib
import signal

from liqgame.store import Store

from .cdp import Browser
from .test_serve_processes import assert_all_gone

TITLE = ("Daily challenge", "Leveraged bitcoin futures")  # the title screen's menu and tagline
PLAY = ("BTC-PERP", "Order ticket")  # the play screen's chart and ticket panel titles
PAGE = "/?fontsize=14"


@contextlib.asynccontextmanager
async def screenshots_on_failure(browser: Browser, tmp_path):
    """On failure, save every tab's screen to tmp_path so the report shows what the browser had."""
    try:
        yield
    except BaseException as exc:
        saved = []
        for i, tab in enumerate(browser.tabs):
            with contextlib.suppress(Exception):
                await tab.screenshot(tmp_path / f"tab{i}.png")
                saved.append(str(tmp_path / f"tab{i}.png"))
        if saved and isinstance(exc, AssertionError):
            raise AssertionError(f"{exc}\n(screenshots: {', '.join(saved)})") from exc
        raise


async def play_to_saved_score(tab) -> None:
    await tab.press("n", "q")
    await tab.wait_text("End the session now?")
    await tab.press("y")
    await tab.wait_text("Session over")
    await tab.press("ctrl+s")
    await tab.wait_text("Score saved")


async def test_title_screen_then_play_screen(serve, chromium, tmp_path):
    served = serve()
    async with Browser(chromium) as browser, screenshots_on_failure(browser, tmp_path):
        tab = await browser.new_tab(served.url + PAGE)
        await tab.wait_text(*TITLE, timeout=30)
        await tab.press("d")
        screen = await tab.wait_text(*PLAY, timeout=30)
        assert "Daily challenge" not in screen
        games = served.wait_games(1)
        server = served.server_pid()
        assert served.stop(signal.SIGTERM) == 0, served.output()
        assert_all_gone([server, *games])


async def test_two_tabs_play_at_once_and_both_sessions_are_saved(serve, chromium, tmp_path):
    served = serve()
    async with Browser(chromium) as browser, screenshots_on_failure(browser, tmp_path):
        daily = await browser.new_tab(served.url + PAGE)
        free = await browser.new_tab(served.url + PAGE)
        await daily.wait_text(*TITLE, timeout=30)
        await free.wait_text(*TITLE, timeout=30)
        games = served.wait_games(2)
        assert len(set(games)) == 2  # one game process per tab

        await daily.press("d")  # today's seed
        await free.press("p")  # a free game from the new-game form
        await free.wait_text("New game", "Start (Ctrl+S)")
        await free.press("ctrl+s")
        await daily.wait_text(*PLAY, timeout=30)
        await free.wait_text(*PLAY, timeout=30)

        await play_to_saved_score(daily)
        await play_to_saved_score(free)
        assert "Session over" in await daily.screen_text()  # neither tab disturbed the other

        rows = Store(served.data_dir).sessions()
        assert len(rows) == 2, rows
        assert sorted(r["kind"] for r in rows) == ["daily", "free"]
        assert len({r["id"] for r in rows}) == 2

        games = served.wait_games(2)
        server = served.server_pid()
        assert served.stop(signal.SIGINT) == 0, served.output()  # what Ctrl+C sends
        assert_all_gone([server, *games])
