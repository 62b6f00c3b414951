"""Pilot tests of the other screens: menu, new game, daily challenge, help, session end and
high scores (names shown literally), saved-data warnings, theme, command palette."""

from __future__ import annotations

import html

import datetime as dt

from liqgame.playable import crowd_size
from liqgame.store import Store, daily_key, daily_seed
from liqgame.ui.screens.help import HelpScreen
from liqgame.ui.screens.menu import MenuScreen, NewGameScreen
from liqgame.ui.screens.play import PlayScreen
from liqgame.ui.screens.scores import ScoresScreen
from liqgame.ui.screens.session_end import SessionEndScreen
from liqgame.ui.views.glossary import glossary

from .conftest import SCENARIO, fill_ticket, wait_group

EVIL = "[b red]x[/] $y [link=z]"  # markup-like, within the 24-character name limit


async def test_menu_new_game_remembers_choices(app_factory, tmp_path):
    app = app_factory(start=False)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, MenuScreen)
        await pilot.press("p")
        assert isinstance(app.screen, NewGameScreen)
        app.screen.query_one("#ng-scenario").value = "short-squeeze"
        app.screen.query_one("#ng-rulebook").value = "no-backstop"
        app.screen.query_one("#ng-difficulty").value = "easy"
        await pilot.pause()
        assert app.screen.query_one("#ng-balance").value == "25000"
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        c = screen.game.config
        assert (c.scenario, c.rulebook, c.starting_balance, c.bots) == ("short-squeeze", "no-backstop", 25000.0, 1500)
    assert Store(tmp_path / "data").settings()["scenario"] == "short-squeeze"


async def test_new_game_refuses_a_bad_balance(app_factory):
    app = app_factory(start=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("p")
        app.screen.query_one("#ng-balance").value = "-5"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, NewGameScreen)
        assert "Starting balance" in str(app.screen.query_one("#ng-error").render())


async def test_daily_challenge_uses_todays_seed(app_factory):
    app = app_factory(start=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        assert screen.spec.kind == "daily" and screen.spec.daily_date == daily_key(dt.date.today())
        assert screen.game.seed == daily_seed(dt.date.today())
        assert f"DAILY {daily_key(dt.date.today())}" in screen.query_one("#status").render().plain  # labelled


async def test_lessons_entry_never_crashes(app_factory):
    app = app_factory(start=False)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("l")
        await pilot.pause()
        pushed = type(app.screen).__name__ == "LessonsScreen"
        assert pushed or any("coming" in n.message for n in app._notifications)


async def test_help_has_every_glossary_term_and_filters(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        terms = glossary()
        assert len(terms) >= 40 and all(t.lines[0] and t.lines[1] for t in terms)
        for needed in ("Mark price", "Maintenance margin", "Bankruptcy price", "Auto-deleveraging (ADL)",
                       "Insurance fund", "Funding rate", "Liquidation heatmap", "ADL lights"):
            assert needed in [t.term for t in terms]
        await pilot.press("slash", *"bankrupt")
        await pilot.pause()
        shown = app.screen.shown_terms
        assert "Bankruptcy price" in shown and "Funding rate" not in shown
        await pilot.press("escape")  # leaves the filter field ...
        await pilot.press("escape")  # ... and the help screen
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)


async def test_session_end_saves_verified_and_names_stay_literal(app_factory, tmp_path):
    app = app_factory(bots=crowd_size(SCENARIO, "easy"))  # a game the menu offers, so it can verify
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_ticket(pilot, "0.1", "10")
        await pilot.press("b")
        app.play_screen.runner.advance(120)
        await pilot.pause()
        await pilot.press("q")
        await pilot.press("y")
        await pilot.pause()
        end = app.screen
        assert isinstance(end, SessionEndScreen)
        assert end.data.record["ticks"] == 120 and end.data.curve is not None
        # who else won and lost: the crowd and its counterparty, the pool, side by side
        shown = html.unescape(app.export_screenshot()).replace("\xa0", " ")
        assert "Crowd's net result" in shown and "Liquidity pool's result" in shown
        assert end.data.pool_pnl != 0
        end.query_one("#se-name").value = EVIL
        await pilot.click("#se-save")
        await wait_group(app, "save")
        await pilot.pause()
        assert end.saved is not None and end.saved.ok and end.saved.message.endswith("replay verified"), end.saved
        await pilot.press("h")
        await wait_group(app, "scores")
        await pilot.pause()
        scores = app.screen
        assert isinstance(scores, ScoresScreen)
        assert scores.rows[0]["name"] == EVIL
        table = scores.query_one("#scores-table")
        assert table.get_row_at(0)[1].plain == EVIL
        await pilot.press("escape")
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MenuScreen)
    rows = Store(tmp_path / "data").top_scores(kind="free")
    assert rows[0]["name"] == EVIL and rows[0]["scenario"] == "long-squeeze"
    assert rows[0]["status"] == "verified"  # checked when saved: a new score never ranks as unchecked


async def test_store_warnings_are_shown_once(app_factory, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "liqgame.json").write_text("{ not json")
    app = app_factory()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        assert [n for n in app._notifications if n.title == "Saved data"]


async def test_theme_choice_is_saved(app_factory, tmp_path):
    app = app_factory(start=False)
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = "nord"
        await pilot.pause()
    assert Store(tmp_path / "data").settings()["theme"] == "nord"


async def test_command_palette_offers_the_play_actions(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("Play / pause", "Speed 100x", "Close position", "Add or remove margin", "Where did my margin go?",
                       "End session", "Help and glossary", "Theme"):
            assert wanted in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"


async def test_theme_switch_redraws_panels(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_ticket(pilot, "0.1", "10")
        await pilot.press("b")
        await pilot.pause()
        before = app.screen.position.render().spans
        app.theme = "gruvbox"
        await pilot.pause()
        after = app.screen.position.render().spans
        assert [s.style for s in before] != [s.style for s in after]


HOSTILE = {"scenario": "calm\x1b[2J\x1b[H", "rulebook": "x\x1b]0;pwned\x07", "date": "2026-01-01\x1b[31mT00:00"}


async def test_score_table_shows_no_escape_sequences_from_a_hand_edited_file(app_factory, tmp_path):
    import json

    from liqgame.engine import GameConfig
    from liqgame.session import make_game, session_record

    game = make_game(GameConfig(seed=3, scenario="calm", bots=0))
    store = Store(tmp_path / "data")
    assert store.save_session(session_record(game, name="ann", date="2026-01-01T00:00:00"), []).ok
    index = tmp_path / "data" / "liqgame.json"
    data = json.loads(index.read_text())
    for entry in data["sessions"].values():
        entry.update(HOSTILE)
    index.write_text(json.dumps(data))
    app = app_factory(start=False)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("h")
        await wait_group(app, "scores")
        await pilot.pause()
        table = app.screen.query_one("#scores-table")
        cells = [cell.plain for cell in table.get_row_at(0)]
        assert "ann" in cells and all(text.isprintable() for text in cells), cells
        assert any(text.startswith("calm?[2J") for text in cells)  # shown literally, escape made visible
