"""The lesson screens, driven with Textual's pilot: menu → play → questions → check → debrief → progress."""

from __future__ import annotations

from liqgame.ui.lessons_screen import DebriefScreen, LessonPlayScreen, LessonsApp, LessonsScreen, QuestionScreen

from .conftest import lessons


async def test_menu_play_check_and_progress(store):
    app = LessonsApp(lessons(), store=store)
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
        assert isinstance(play, LessonPlayScreen) and play.lesson.id == "01-leverage"
        for lev in ("2", "10", "50"):
            play.query_one("#qty").value = "0.1"
            play.query_one("#lev").value = lev
            await pilot.press("b")
            play.advance(3)
            await pilot.press("c")
        assert [f.leverage for f in play.run.opens()] == [2, 10, 50]
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert play.run.answers == {"distance": "less than 2 %"}
        await pilot.press("f")  # plays the rest at once, then checks
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert play.result.passed and play.result.score > 0
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is menu
        assert store.lesson_progress()["01-leverage"]["status"] == "passed"
        assert [s.label for s in menu.rows[:2]] == [f"passed (best {play.result.score})", "new"]


async def test_failed_lesson_shows_hints_and_can_be_retried(store):
    app = LessonsApp(lessons(), store=store, start=lessons()[0])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        play = app.screen
        assert isinstance(play, LessonPlayScreen)
        await pilot.press("space")  # the clock runs: the tick advances on its own
        await pilot.pause(0.35)
        assert play.run.tick > 0 and not play.paused
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)  # the unanswered question comes first
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert not play.result.passed and play.result.hints
        await pilot.press("r")
        await pilot.pause()
        again = app.screen
        assert isinstance(again, LessonPlayScreen) and again is not play and again.run.tick == 0
        assert store.lesson_progress()["01-leverage"] == {"status": "new", "best_score": 0, "attempts": 1}


async def test_refused_order_is_explained_not_raised(store):
    app = LessonsApp(lessons(), store=store, start=lessons()[0])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        play = app.screen
        assert "mark" in str(play.query_one("#lp-market").content)  # panels are filled before the clock starts
        play.query_one("#qty").value = "500"
        play.query_one("#lev").value = "2"
        await pilot.press("b")
        await pilot.pause()
        assert not play.run.opens()
        assert play.run.actions and not play.run.actions[-1][2]


async def test_opens_from_the_main_app_menu(tmp_path):
    from liqgame.ui.app import LiqApp

    app = LiqApp(data_dir=tmp_path / "data")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        before = app.screen
        app.action_lessons()
        await pilot.pause()
        assert isinstance(app.screen, LessonsScreen) and app.screen.rows[0].label == "new"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is before
