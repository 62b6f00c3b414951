"""Snapshot tests (pytest-textual-snapshot) of the play screen, the post-mortem and help.

Deterministic by construction: fixed seed, 200 traders, no clock timer (the game is stepped
by hand), no cursor blink, a fixed terminal size, and toasts cleared before the shot.
Regenerate with ``pytest tests/ui/test_snapshots.py --snapshot-update`` after a deliberate
change, and look at the report before committing the new SVGs.
"""

from __future__ import annotations

import pytest

from liqgame.ui.screens.postmortem import PostMortemScreen

pytest.importorskip("pytest_textual_snapshot", reason="snapshot tests need pytest-textual-snapshot 1.1.0")

from .conftest import fill_ticket, make_app, order, run_until


def _app(tmp_path):
    return make_app(tmp_path)


async def _open_long(pilot, ticks: int) -> None:
    await fill_ticket(pilot, "0.5", "50")
    await order(pilot, "b")
    pilot.app.play_screen.runner.advance(ticks)
    await pilot.pause()
    pilot.app.clear_notifications()
    await pilot.pause()


def test_play_screen(snap_compare, tmp_path):
    async def run_before(pilot):
        await _open_long(pilot, 900)

    assert snap_compare(_app(tmp_path), terminal_size=(120, 40), run_before=run_before)


def test_play_screen_80x24(snap_compare, tmp_path):
    async def run_before(pilot):
        await _open_long(pilot, 300)

    assert snap_compare(_app(tmp_path), terminal_size=(80, 24), run_before=run_before)


def test_post_mortem(snap_compare, tmp_path):
    async def run_before(pilot):
        await _open_long(pilot, 0)
        await run_until(pilot, lambda a: isinstance(a.screen, PostMortemScreen), chunk=500)
        pilot.app.clear_notifications()
        await pilot.pause()

    assert snap_compare(_app(tmp_path), terminal_size=(120, 40), run_before=run_before)


def test_help(snap_compare, tmp_path):
    assert snap_compare(_app(tmp_path), terminal_size=(100, 30), press=["question_mark"])
