"""Lessons on the play screen, driven with Textual's pilot: list → play → questions → check → debrief → progress.

A lesson is played with the same screen and the same keys as a game (b, s, c, t, e, space ...),
plus k (answer) and f (play the rest and check).
"""

from __future__ import annotations

from liqgame.ui.app import LiqApp
from liqgame.ui.screens.lessons import DebriefScreen, LessonsScreen, QuestionScreen
from liqgame.ui.screens.play import PlayScreen

from ..ui.conftest import fill_ticket, order
from .conftest import lessons


def lesson_app(store, **kw) -> LiqApp:
    return LiqApp(store=store, lessons=lessons(), lessons_only=True, welcome=False, clock=False, no_blink=True, **kw)


async def test_list_play_check_and_progress(store):
    app = lesson_app(store)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        menu = app.screen
        assert isinstance(menu, LessonsScreen)
        assert [s.label for s in menu.rows[:2]] == ["new", "locked"]
        await pilot.press("down", "enter")  # lesson 2 is locked
        await pilot.pause()
        assert app.screen is menu
        await pilot.press("up", "enter")
        await pilot.pause()
        play = app.screen
        assert isinstance(play, PlayScreen) and play.lesson.id == "01-leverage"
        assert "LESSON 1" in play.status.render().plain and play.query_one("#lesson").display
        for lev in ("2", "10", "50"):
            await fill_ticket(pilot, "0.1", lev)
            await order(pilot, "b")  # the game's own keys, its own ticket
            play.runner.advance(3)
            await pilot.press("c")
            await pilot.pause()
        assert [f.leverage for f in play.run.opens()] == [2, 10, 50]
        await pilot.press("k")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert play.run.answers == {"distance": "less than 2 %"}
        assert "answered" in play.query_one("#lesson").text
        await pilot.press("f")  # plays the rest at once, then checks
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert play.result.passed and play.result.score > 0
        assert "Score" in app.screen.query_one("#d-score").render().plain
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is menu
        assert store.lesson_progress()["01-leverage"]["status"] == "passed"
        assert menu.rows[0].label.startswith("passed") and menu.rows[1].label == "new"


async def test_failed_lesson_shows_hints_not_an_empty_debrief_and_can_be_retried(store):
    app = lesson_app(store, start_lesson=lessons()[0])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        play = app.screen
        assert isinstance(play, PlayScreen) and play.lesson is not None
        play.runner.advance(5)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)  # the unanswered question comes first
        await pilot.press("escape")
        await pilot.pause()
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        assert not play.result.passed and play.result.hints
        assert not debrief.query("#d-text")  # the template is for a pass: never shown with holes ("—")
        assert "Hints" in debrief.query_one("#d-hints-title").render().plain and debrief.query_one("#d-hints").render()
        await pilot.press("r")
        await pilot.pause()
        again = app.screen
        assert isinstance(again, PlayScreen) and again is not play and again.game.tick == 0
        assert store.lesson_progress()["01-leverage"] == {"status": "new", "best_score": 0, "attempts": 1}


async def test_a_refused_order_is_explained_not_raised(store):
    app = lesson_app(store, start_lesson=lessons()[0])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        play = app.screen
        await fill_ticket(pilot, "500", "2")
        await pilot.press("b")
        await pilot.pause()
        assert not play.run.opens() and "insufficient margin" in play.ticket.reason


async def test_same_keys_in_a_lesson_and_in_a_game(store, tmp_path):
    """What a learner practises carries over: b opens, t protects, c closes, e explains, in both."""
    from liqgame.engine import GameConfig
    from liqgame.ui.base import GameSpec
    from liqgame.ui.screens.postmortem import PostMortemScreen

    game = LiqApp(data_dir=tmp_path / "g", game=GameSpec(GameConfig(seed=3, scenario="calm", bots=100)),
                  clock=False, no_blink=True, welcome=False)
    for app in (lesson_app(store, start_lesson=lessons()[0]), game):
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.pause()
            play = app.screen
            assert isinstance(play, PlayScreen) and play.is_mounted
            await fill_ticket(pilot, "0.1", "5")
            await pilot.press("b")
            await pilot.pause()
            await pilot.press("t")
            await pilot.pause()
            me = play.runner.frame.me
            assert me.positions[0].side == "long" and me.orders[0].type == "stop_loss"
            await pilot.press("c")
            await pilot.pause()
            assert not play.runner.frame.me.positions
            await pilot.press("e")
            await pilot.pause()
            assert isinstance(app.screen, PostMortemScreen) and app.screen.data.story.report.outcome == "closed"


async def test_opens_from_the_main_app_menu(tmp_path):
    app = LiqApp(data_dir=tmp_path / "data", welcome=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        before = app.screen
        app.action_lessons()
        await pilot.pause()
        assert isinstance(app.screen, LessonsScreen) and app.screen.rows[0].label == "new"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is before


async def test_the_lesson_list_keeps_status_and_number_in_a_column_and_wraps_titles_beside_it(store):
    app = lesson_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ol = app.screen.query_one("#lesson-list")
        width = ol.scrollable_content_region.width
        for k, row in enumerate(app.screen.rows):
            lines = app.console.render_lines(ol.get_option_at_index(k).prompt, app.console.options.update_width(width))
            text = ["".join(seg.text for seg in line) for line in lines]
            assert f"{row.lesson.number:>2} " in text[0] and row.lesson.title.split()[0] in text[0]
            title_at = text[0].index(row.lesson.title.split()[0])
            # a long title wraps under itself, never under the number or the status
            assert all(line[:title_at].strip() == "" for line in text[1:]), text
            assert " ".join(line[title_at:].strip() for line in text).split() == row.lesson.title.split()
