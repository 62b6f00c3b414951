"""Regenerate the README's screenshots (assets/screenshots/*.svg) from seeded games, with Textual's pilot.

    .venv/bin/python tools/screenshots.py

Every picture is a real screen of a real game (seed 5, the long squeeze, 200 traders): the ticket with a
stop-loss attached and its preview, the danger state at a margin call, the post-mortem of the liquidation
with its timeline, and the what-if that plays the same session at lower leverage.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from liqgame.engine import events as ev  # noqa: E402
from liqgame.ui.screens.postmortem import PostMortemScreen  # noqa: E402
from tests.ui.conftest import fill_ticket, make_app, order, run_until, run_until_event, wait_group  # noqa: E402

OUT = ROOT / "assets" / "screenshots"
SIZE = (120, 40)


def save(app, name: str) -> None:
    (OUT / f"{name}.svg").write_text(app.export_screenshot(title=f"liqgame — {name}"), encoding="utf-8")
    print(f"wrote {OUT / name}.svg")


async def ticket_and_danger() -> None:
    app = make_app(Path(tempfile.mkdtemp()))
    async with app.run_test(size=SIZE) as pilot:
        play = app.screen
        play.runner.advance(900)
        await fill_ticket(pilot, "0.5", "20")
        play.query_one("#t-sl").value = "2%"
        play.query_one("#t-tp").value = "4%"
        await pilot.pause()
        await pilot.pause()
        save(app, "play")  # the ticket: size, leverage, the stop attached, what each side would cost
        play.query_one("#t-sl").value = play.query_one("#t-tp").value = ""
        await fill_ticket(pilot, "0.5", "50")
        await order(pilot, "b")
        await run_until_event(pilot, ev.MarginCall)
        await pilot.pause()
        save(app, "danger")


async def postmortem_and_whatif() -> None:
    app = make_app(Path(tempfile.mkdtemp()))
    async with app.run_test(size=SIZE) as pilot:
        await fill_ticket(pilot, "0.5", "50")
        await order(pilot, "b")
        await run_until(pilot, lambda a: isinstance(a.screen, PostMortemScreen), chunk=300)
        await pilot.pause()
        save(app, "postmortem")
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("down", "enter")  # the first choice: the same session at 5x instead of 50x
        await wait_group(app, "what-if")
        await pilot.pause()
        await pilot.pause()
        save(app, "whatif")


if __name__ == "__main__":
    asyncio.run(ticket_and_danger())
    asyncio.run(postmortem_and_whatif())
