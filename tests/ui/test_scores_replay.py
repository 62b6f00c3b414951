"""The score table: Enter or a click on a row watches that session's replay; the daily table marks
practice attempts, and the session-end screen says before saving that a second daily attempt is practice."""

from __future__ import annotations

import datetime as dt

import pytest

from liqgame.engine import GameConfig
from liqgame.engine import actions as A
from liqgame.playable import crowd_size, daily_config
from liqgame.session import make_game, session_record
from liqgame.store import Store, daily_key
from liqgame.ui.app import LiqApp
from liqgame.ui.base import GameSpec
from liqgame.ui.screens.play import PlayScreen
from liqgame.ui.screens.scores import ScoresScreen
from liqgame.ui.screens.session_end import SessionEndScreen

from .conftest import wait_group

TODAY = daily_key(dt.date.today())


def save_games(data_dir, *players, kind="free"):
    """One short game the menu offers per (name, qty, minutes before now), saved; returns their ids."""
    store = Store(data_dir)
    ids = []
    for name, qty, minutes_ago in players:
        config = (daily_config(TODAY, name) if kind == "daily" else
                  GameConfig(seed=21, scenario="chop", bots=crowd_size("chop", "easy"), players=(name,)))
        g = make_game(config)
        g.run(5)
        g.apply(A.PlaceOrder(side="long", qty=qty, leverage=20))
        g.run(60)
        date = (dt.datetime.now() - dt.timedelta(minutes=minutes_ago)).isoformat(timespec="seconds")
        record = session_record(g, name=name, date=date, kind=kind, daily_date=TODAY if kind == "daily" else None)
        result = store.save_session(record, g.log)
        assert result.ok, result.message
        ids.append(result.session_id)
    return ids


async def open_scores(pilot, *keys):
    await pilot.press("h", *keys)
    await wait_group(pilot.app, "scores")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ScoresScreen)
    return pilot.app.screen


async def watched(pilot):
    await wait_group(pilot.app, "replay")
    await pilot.pause()
    return pilot.app.screen


async def test_enter_on_a_row_watches_that_session_read_only(app_factory, tmp_path):
    ann, bob = save_games(tmp_path / "data", ("ann", 0.5, 30), ("bob", 0.1, 20))
    record, actions = Store(tmp_path / "data").load_session(ann)
    app = app_factory(start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        scores = await open_scores(pilot)
        assert [r["session_id"] for r in scores.rows][0] == ann  # the better score comes first
        assert "Enter: watch the replay" in scores.query_one("#scores-note").render().plain
        footer = [b.binding.description for b in app.active_bindings.values() if b.binding.show]
        assert "Watch the replay" in footer
        await pilot.press("enter")
        play = await watched(pilot)
        assert isinstance(play, PlayScreen) and play.read_only and play.spec.kind == "replay"
        assert play.spec.branched_from == ann and list(play.spec.script) == actions
        assert play.spec.ticks == record["ticks"] and play.game.config.to_dict() == record["config"]
        await pilot.press("q")  # a replay has no score to end: q asks, then goes back to the table
        await pilot.pause()
        assert "replay" in app.screen.question.lower()
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is scores


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_table_fits_its_width_with_the_verification_status_on_screen(app_factory, tmp_path, size):
    save_games(tmp_path / "data", ("ann", 0.5, 30))
    app = app_factory(start=False)
    async with app.run_test(size=size) as pilot:
        scores = await open_scores(pilot)
        table = scores.query_one("#scores-table")
        headings = [str(c.label) for c in table.columns.values()]
        assert "Replay" in headings and "Rulebook" in headings and ("Date" in headings) == (size[0] >= 100)
        assert table.virtual_size.width <= table.scrollable_content_region.width


async def test_enter_on_an_empty_table_does_nothing(app_factory):
    app = app_factory(start=False)
    async with app.run_test(size=(80, 24)) as pilot:
        scores = await open_scores(pilot)
        await pilot.press("enter", "d", "enter")
        await watched(pilot)
        assert app.screen is scores and "No saved sessions yet" in scores.query_one("#scores-note").render().plain


async def test_one_click_on_a_row_watches_that_session(app_factory, tmp_path):
    ann, bob = save_games(tmp_path / "data", ("ann", 0.5, 30), ("bob", 0.1, 20))
    app = app_factory(start=False)
    async with app.run_test(size=(120, 40)) as pilot:
        scores = await open_scores(pilot)
        assert scores.rows[1]["session_id"] == bob
        await pilot.click("#scores-table", offset=(12, 2))  # header on line 0, bob's row on line 2
        play = await watched(pilot)
        assert isinstance(play, PlayScreen) and play.spec.branched_from == bob


async def test_a_session_whose_file_is_gone_is_one_message_and_nothing_else_changes(app_factory, tmp_path):
    ann, bob = save_games(tmp_path / "data", ("ann", 0.5, 30), ("bob", 0.1, 20))
    app = app_factory(start=False)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        scores = await open_scores(pilot)
        rows = list(scores.rows)
        (tmp_path / "data" / "sessions" / f"{bob}.json.gz").unlink()
        await pilot.press("down", "enter")
        await watched(pilot)
        assert app.screen is scores and scores.rows == rows
        assert scores.query_one("#scores-table").cursor_row == 1
        (note,) = app._notifications
        assert bob in note.message and "missing" in note.message and note.severity == "error"
        await pilot.press("up", "enter")  # the others still play
        assert isinstance(await watched(pilot), PlayScreen)


async def test_the_daily_table_marks_later_attempts_as_practice(app_factory, tmp_path):
    first, later, bob = save_games(tmp_path / "data", ("ann", 0.1, 30), (" ANN", 0.5, 20), ("bob", 0.2, 10),
                                   kind="daily")
    app = app_factory(start=False)
    async with app.run_test(size=(120, 40)) as pilot:
        scores = await open_scores(pilot, "d")
        table = scores.query_one("#scores-table")
        shown = {r["session_id"]: table.get_row(r["session_id"])[0].plain for r in scores.rows}
        assert shown[first] in ("1", "2") and shown[bob] in ("1", "2") and shown[later] == "practice"
        assert "practice: a later attempt, not ranked" in scores.query_one("#scores-note").render().plain
        await pilot.press("down", "down", "enter")  # a practice attempt (the last row) can be watched too
        play = await watched(pilot)
        assert isinstance(play, PlayScreen) and play.spec.branched_from == later


async def test_session_end_says_a_second_daily_attempt_is_practice_before_saving(tmp_path):
    save_games(tmp_path / "data", ("ann", 0.1, 30), kind="daily")
    spec = GameSpec(GameConfig(seed=5, scenario="chop", bots=200), kind="daily", daily_date=TODAY, player_name="Ann")
    app = LiqApp(data_dir=tmp_path / "data", game=spec, paused=True, clock=False, no_blink=True, welcome=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.play_screen.runner.advance(30)
        await pilot.press("q", "y")
        await pilot.pause()
        end = app.screen
        assert isinstance(end, SessionEndScreen)
        await wait_group(app, "day")
        await pilot.pause()
        note = end.query_one("#se-practice")
        assert note.display and "Practice" in note.render().plain and "not ranked" in note.render().plain
        assert end.saved is None  # said before anything is saved
        end.query_one("#se-name").value = "carol"  # a player with no attempt today: this one ranks
        await pilot.pause()
        assert not note.display
        end.query_one("#se-name").value = "  ANN "
        await pilot.pause()
        assert note.display
