"""Pilot tests of the play screen: orders from the ticket, previews, margin calls, the
liquidation post-mortem, the clock, invalid input and a small terminal."""

from __future__ import annotations

import asyncio
import pytest

from liqgame.engine import events as ev
from liqgame.ui.messages import FrameReady
from liqgame.ui.screens.play import PlayScreen
from liqgame.ui.screens.postmortem import PostMortemScreen

from .conftest import fill_ticket, order, run_until, run_until_event, wait_group


def me(app):
    return app.play_screen.runner.frame.me


async def test_open_long_from_ticket(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, PlayScreen)
        await fill_ticket(pilot, "0.25", "20", typed=True)
        await order(pilot, "b")
        await pilot.pause()
        (pos,) = me(app).positions
        assert (pos.side, pos.qty, pos.leverage) == ("long", 0.25, 20)
        assert "FILL" in "\n".join(line.plain for line in app.screen.query_one("#feed").lines)
        assert app.screen.ticket.reason == ""


async def test_open_short_with_the_button(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_ticket(pilot, "0.1", "5")
        await pilot.click("#t-sell")
        await pilot.pause()
        (pos,) = me(app).positions
        assert (pos.side, pos.qty, pos.leverage) == ("short", 0.1, 5)


async def test_usd_size_becomes_whole_lots(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        screen.query_one("#t-unit").value = "USD"
        await fill_ticket(pilot, "1000", "10")
        await order(pilot, "b")
        await pilot.pause()
        (pos,) = me(app).positions
        mark = screen.runner.frame.snapshot.market.mark
        assert 0 < pos.qty * mark <= 1000 * 1.01 and round(pos.qty * 1000) == pos.qty * 1000


async def test_previewed_liquidation_price_is_the_positions(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_ticket(pilot, "0.5", "50")
        long_preview, short_preview = app.screen.ticket.previews
        assert long_preview.ok and short_preview.ok
        assert short_preview.liquidation_price > long_preview.liquidation_price
        await order(pilot, "b")
        await pilot.pause()
        (pos,) = me(app).positions
        assert abs(pos.liquidation_price - long_preview.liquidation_price) <= 0.1
        assert abs(pos.entry - long_preview.fill_price) <= 0.1


async def test_margin_call_pauses_at_1x_and_shows_the_danger_state_until_it_recovers(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await fill_ticket(pilot, "0.5", "50")
        await order(pilot, "b")
        screen = app.screen
        screen.speed = 100  # a fast clock: the margin call must still leave time to react
        screen.paused = False
        await pilot.pause()
        bells = []
        app.bell = lambda: bells.append(1)
        assert not screen.banner.display
        await run_until_event(pilot, ev.MarginCall)
        await pilot.pause()
        assert screen.paused and screen.speed == 1 and bells
        assert screen.banner.display and "DANGER" in screen.banner.render().plain
        assert "space resumes" in screen.banner.render().plain
        assert not [n for n in app._notifications if n.title == "MARGIN CALL"]  # the banner, not a toast
        # the danger state stays while the ratio stays high, and goes once it recovers
        screen.runner.advance(1)
        await pilot.pause()
        assert screen.banner.display
        before = me(app).positions[0].margin_ratio
        await pilot.press("a", "enter")  # add margin: the dialog suggests an amount, Enter adds it
        await pilot.pause()
        assert me(app).positions[0].margin_ratio < min(before, 0.7)
        screen.runner.advance(1)
        await pilot.pause()
        assert not screen.banner.display


@pytest.mark.parametrize("mode", ["pause", "slow"])
async def test_a_fast_clock_stops_in_the_tick_of_the_margin_call_not_after_it(app_factory, mode):
    """At 100x the worker steps many ticks per frame: it must brake in the margin call's own tick,
    not run on into the liquidation two seconds later before the screen sees the call."""
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        screen.set_danger_mode(mode)
        await fill_ticket(pilot, "0.5", "50")
        await order(pilot, "b")
        screen.speed = 100
        screen.paused = False
        await pilot.pause()
        runner = screen.runner
        runner.request(20_000)  # far more than the call needs: only the brake stops the worker
        for _ in range(600):
            await asyncio.sleep(0.05)
            if not runner.busy:
                break
        await pilot.pause()
        calls = [e for e in runner.player_events if isinstance(e, ev.MarginCall)]
        assert calls, "no margin call in 20,000 ticks"
        assert runner.game.tick == calls[0].tick
        assert not [e for e in runner.player_events if isinstance(e, ev.Liquidation)]
        assert runner.speed == 1 and screen.speed == 1
        assert runner.paused == (mode == "pause") == screen.paused


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_danger_banner_fits_with_every_remedy_key(app_factory, size):
    app = app_factory()
    async with app.run_test(size=size) as pilot:
        await fill_ticket(pilot, "0.5", "50")
        await order(pilot, "b")
        screen = app.screen
        screen.speed = 100
        screen.paused = False
        await run_until_event(pilot, ev.MarginCall)
        await pilot.pause()
        text = screen.banner.render()
        assert text.cell_len <= screen.banner.size.width, text.plain
        for words in ("DANGER", "liq ", "a add", "r reduce", "c close", "paused"):
            assert words in text.plain


async def test_the_danger_setting_can_keep_the_clock_running(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        screen.set_danger_mode("slow")
        await fill_ticket(pilot, "0.5", "50")
        await order(pilot, "b")
        screen.speed = 20
        screen.paused = False
        await pilot.pause()
        await run_until_event(pilot, ev.MarginCall)
        await pilot.pause()
        assert not screen.paused and screen.speed == 1
        assert app.store.settings()["danger"] == "slow"


async def test_a_high_leverage_order_asks_first(app_factory):
    from liqgame.ui.screens.confirm import ConfirmScreen

    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_ticket(pilot, "0.5", "50")
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "50x leverage" in app.screen.question and "liquidated at" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen) and me(app).positions == ()
        await fill_ticket(pilot, "1.5", "10")  # ~64k notional at 10x: most of a 10k wallet
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "of your free balance" in app.screen.question
        await pilot.press("y")
        await pilot.pause()
        assert me(app).positions[0].side == "short"
        await fill_ticket(pilot, "0.01", "5")  # small and slow: no question
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)


async def test_toasts_never_pile_up_nor_cover_the_post_mortem(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        for _k in range(3):
            await pilot.press("c")  # "No open position" three times
            await pilot.pause()
        assert len(app._notifications) == 1
        await fill_ticket(pilot, "0.5", "50")
        await order(pilot, "b")
        await run_until(pilot, lambda a: isinstance(a.screen, PostMortemScreen), chunk=300)
        assert len(app._notifications) == 0


async def test_liquidation_opens_post_mortem_that_sums_to_the_loss(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_ticket(pilot, "0.5", "50")
        await order(pilot, "b")
        await pilot.pause()
        await run_until(pilot, lambda a: isinstance(a.screen, PostMortemScreen), chunk=300)
        pm = app.screen
        story = pm.data.story
        game = app.play_screen.game
        assert pm.data.reason == "liquidation" and story.report.outcome == "liquidated"
        assert story.report.loss == game.players[0].start - game.equity(0) > 0
        assert sum(f.amount for f in story.report.flows) == story.report.loss
        assert app.play_screen.paused
        labels = [line.label for line in story.timeline]
        assert labels[0] == "entry" and "margin call" in labels and "liq. price hit" in labels
        # what if: the same market at 5x, played to the end of the session in the background
        await pilot.press("w")
        await pilot.pause()
        options = pm.query_one("#pm-w-choices")
        options.highlighted = next(k for k, o in enumerate(options.options) if o.id == "lev5")
        await pilot.press("enter")
        await wait_group(app, "what-if")
        await pilot.pause()
        w = pm.result
        assert w is not None and w.alternative.ticks == w.actual.ticks == pm.data.duration
        assert w.actual.liquidations == 1 and w.alternative.liquidations == 0
        assert "5x" in w.sentence
        # back to the game, still paused, the position gone
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen) and app.screen.paused
        assert me(app).positions == ()


async def test_each_loss_gets_its_own_post_mortem(app_factory):
    """Liquidated, then a profitable trade, then liquidated again: the second post-mortem is about the second
    liquidated position only, to the unit; the session tab keeps the whole session."""
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        game = app.play_screen.game
        await fill_ticket(pilot, "0.5", "50")
        await order(pilot, "b")
        await pilot.pause()
        await run_until(pilot, lambda a: isinstance(a.screen, PostMortemScreen), chunk=300, max_ticks=20_000)
        await pilot.press("escape")
        await pilot.pause()
        await fill_ticket(pilot, "0.1", "5")  # a short in the slide: a profit
        await order(pilot, "s")
        await pilot.pause()
        assert app.play_screen.runner.resume_after_halt()
        app.play_screen.runner.advance(600)
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        first, second = game.positions(0)
        assert second.loss < 0  # the short made money
        before = game.equity(0)
        await fill_ticket(pilot, "0.5", "100")
        await order(pilot, "b")
        await pilot.pause()
        await run_until(pilot, lambda a: isinstance(a.screen, PostMortemScreen), chunk=300, max_ticks=20_000)
        pm = app.screen
        third = pm.data.story.report
        assert third.id == 3 and third.outcome == "liquidated"
        assert third.loss == before - game.equity(0)  # that position's loss, to the unit
        assert sum(f.amount for f in third.flows) == third.loss
        assert pm.query_one("#pm-title").render().plain == "Where did your margin go?"
        # the session statement is whole, and the positions add up to it
        assert pm.data.session.net_loss == sum(p.loss for p in game.positions(0))
        assert pm.data.session.net_loss == game.players[0].start - game.equity(0)
        # [ steps back to the profitable short, which reads as a profit
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert pm.current.report.id == 2
        assert pm.query_one("#pm-title").render().plain == "Where did your profit come from?"
        assert "-" not in pm.query_one("#pm-headline").render().plain.split(":")[-1]


async def test_pause_speed_and_step(app_factory):
    app = app_factory(clock=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        runner = screen.runner
        assert screen.paused and runner.paused and runner.frame.snapshot.tick == 0
        await pilot.press("n")  # one tick while paused
        await asyncio.sleep(0.2)
        await pilot.pause()
        assert runner.game.tick == 1
        await pilot.press("3")
        assert screen.speed == runner.speed == 20
        await pilot.press("plus")
        assert screen.speed == 100
        await pilot.press("minus", "minus")
        assert screen.speed == 5
        await pilot.press("space")
        assert not screen.paused and not runner.paused
        await asyncio.sleep(1.0)
        await pilot.pause()
        running = runner.game.tick
        assert running >= 3  # 5x for ~1 s
        await pilot.press("space")
        await asyncio.sleep(0.3)
        stopped = runner.game.tick
        await asyncio.sleep(0.5)
        assert runner.game.tick == stopped and screen.paused
        assert screen.status.frame.paused


async def test_frames_are_coalesced(app_factory):
    app = app_factory()
    seen = []
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        runner = app.screen.runner
        for _ in range(30):
            runner.publish()  # a burst of frames, as at 100x
        await pilot.pause()
        handled = [m for m in seen if isinstance(m, FrameReady)]
        assert 1 <= len(handled) < 30


async def test_invalid_ticket_input_changes_nothing(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        game = screen.game
        cases = [("", "10", "size"), ("abc", "10", "size"), ("-1", "10", "size"), ("0.0005", "10", "lot"),
                 ("100000000", "10", "larger than the whole market"), ("5", "10", "insufficient margin"),
                 ("0.1", "abc", "leverage"), ("0.1", "500", "leverage"), ("0.1", "0", "leverage"),
                 ("2", "125", "tier maximum")]
        for size, lev, words in cases:
            await fill_ticket(pilot, size, lev)
            await order(pilot, "b")
            await pilot.pause()
            reason = screen.ticket.reason
            assert words in reason, (size, lev, reason)
            assert me(app).positions == () and game.log == []
            assert screen.ticket.previews[0] is None or not screen.ticket.previews[0].ok
        await fill_ticket(pilot, "abc", "10")
        assert screen.query_one("#t-size").has_class("-invalid")
        # a limit order needs a price; the engine says so
        screen.query_one("#t-type").value = "limit"
        await fill_ticket(pilot, "0.1", "10")
        await order(pilot, "s")
        await pilot.pause()
        assert "needs a price" in screen.ticket.reason and game.log == []


async def test_small_terminal_collapses_and_resizes(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert screen.has_class("-narrow") and screen.has_class("-short")
        assert screen.query_one("#side-tabs").display
        assert screen.query_one("#ticket").display and not screen.query_one("#position").display
        await fill_ticket(pilot, "0.1", "10")
        await order(pilot, "b")
        await pilot.pause()
        assert me(app).positions
        await pilot.press("v")
        await pilot.pause()
        assert screen.query_one("#position").display and not screen.query_one("#ticket").display
        screen.runner.advance(30)
        await pilot.pause()
        for size in ((60, 20), (200, 60), (80, 24), (79, 30), (120, 40)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            too_small = size[0] < 80 or size[1] < 24
            assert screen.query_one("#too-small").display == too_small
            assert screen.query_one("#body").display != too_small


async def test_close_and_reduce_keys(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_ticket(pilot, "0.4", "10")
        await order(pilot, "b")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert me(app).positions[0].qty == 0.2
        await pilot.press("c")
        await pilot.pause()
        assert me(app).positions == ()


async def test_notices_are_shown_prominently(app_factory):
    """A bigger position right after a liquidation is a "revenge trade": a toast says so."""
    app = app_factory()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await fill_ticket(pilot, "0.5", "50")
        await order(pilot, "b")
        await pilot.pause()
        await run_until(pilot, lambda a: isinstance(a.screen, PostMortemScreen), chunk=300)
        await pilot.press("escape")
        await pilot.pause()
        await fill_ticket(pilot, "0.6", "50")
        await order(pilot, "b")
        await pilot.pause()
        assert any(n.message.startswith("Revenge trade?") for n in app._notifications)


async def test_explain_on_demand_before_any_trade(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        pm = app.screen
        assert isinstance(pm, PostMortemScreen) and pm.data.reason == "now"
        assert pm.data.story is None and pm.data.session.net_loss == 0
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)


async def test_stop_loss_from_the_ticket_is_drawn_on_the_chart(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await fill_ticket(pilot, "0.5", "20")
        await order(pilot, "b")
        await pilot.pause()
        entry = me(app).positions[0].entry
        screen.query_one("#t-type").value = "stop_loss"
        await pilot.pause()
        stop = round(entry * 0.98, 1)
        screen.query_one("#t-price").value = str(stop)
        await pilot.pause()
        await order(pilot, "s")  # a long's stop sells
        await pilot.pause()
        (sl,) = me(app).orders
        assert sl.type == "stop_loss" and sl.price == stop
        assert ("SL", stop) in [(m.label, m.price) for m in screen.chart.data.markers]
        await pilot.press("x")
        await pilot.pause()
        assert me(app).orders == ()


async def test_ctrl_q_mid_game_asks_and_can_save(app_factory):
    from liqgame.ui.screens.confirm import ChoiceScreen

    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_ticket(pilot, "0.1", "5")
        await order(pilot, "b")
        app.play_screen.runner.advance(30)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen) and app.is_running
        await pilot.press("escape")  # keep playing
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen) and app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("s")  # save the score and quit
        await pilot.pause()
    (row,) = app.store.sessions()
    record, actions = app.store.load_session(row["id"])
    assert record["ticks"] == 30 and actions[0]["action"] == "order"


async def test_the_post_mortem_e_key_never_ends_the_session(app_factory):
    from liqgame.ui.screens.confirm import ConfirmScreen

    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")  # where did it go?
        await pilot.pause()
        await pilot.press("e")  # a second e used to end the session
        await pilot.pause()
        assert isinstance(app.screen, PostMortemScreen)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PostMortemScreen)


async def test_a_too_small_terminal_pauses_the_game(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        screen.paused = False
        await pilot.pause()
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert screen.paused
        assert "waits, paused" in screen.query_one("#too-small").render()


async def test_a_short_terminal_still_reads_the_score_at_the_session_end(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_ticket(pilot, "0.1", "5")
        await order(pilot, "b")
        app.play_screen.runner.advance(600)
        app.play_screen.end_session()
        await pilot.pause()
        end = app.screen
        title = str(end.query_one("#se-title").render())
        digits = end.query_one("#se-score")
        # the big digits give way to the rest at 24 rows; the title carries the number
        assert not digits.display or digits.region.height == 0
        assert title.endswith(f"score {end.data.score:,}")


async def test_session_end_name_has_focus_enter_saves_and_leaving_unsaved_asks(app_factory):
    from textual.widgets import Input

    from liqgame.ui.screens.confirm import ConfirmScreen
    from liqgame.ui.screens.session_end import SessionEndScreen

    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_ticket(pilot, "0.1", "5")
        await order(pilot, "b")
        app.play_screen.runner.advance(60)
        app.play_screen.end_session()
        await pilot.pause()
        end = app.screen
        assert isinstance(end, SessionEndScreen) and isinstance(app.focused, Input)
        await pilot.press("escape")  # leave without saving?
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", *"ada", "enter")
        await wait_group(app, "save")
        await pilot.pause()
        assert end.saved is not None and end.saved.ok
        assert app.store.sessions()[0]["name"] == "ada"


async def test_enter_in_a_field_gives_the_keys_back_and_space_always_plays(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.click("#t-lev")
        await pilot.press("home", "ctrl+k", "2", "0", "enter")
        await pilot.pause()
        assert app.focused is screen.chart  # not the reduce-only checkbox
        assert not screen.ticket.draft.reduce_only
        await pilot.press("space")
        await pilot.pause()
        assert not screen.paused
        await pilot.click("#t-size")
        await pilot.press("space")  # from inside a text field too
        await pilot.pause()
        assert screen.paused and screen.ticket.draft.size == "0.1"
        assert "Size in BTC" in screen.query_one("#hint").render().plain  # a one-line hint for the field


async def test_number_fields_refuse_letters_and_control_characters(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.click("#t-size")
        await pilot.press("home", "ctrl+k", "1", "e", "5", "-", "escape")
        await pilot.pause()
        assert screen.ticket.draft.size == "15"
        field = screen.query_one("#t-price")
        screen.query_one("#t-type").value = "limit"
        await pilot.pause()
        field.insert_text_at_cursor("\x1b[2J")
        assert field.value == ""


async def test_a_stop_loss_attached_at_entry_shows_its_loss_and_is_placed(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        mark = screen.runner.frame.snapshot.market.mark
        await fill_ticket(pilot, "0.2", "10")
        screen.query_one("#t-sl").value = f"{round(mark * 0.98, 1)}"
        screen.query_one("#t-tp").value = f"{round(mark * 1.03, 1)}"
        await pilot.pause()
        long_preview = screen.ticket.previews[0]
        assert long_preview.ok and long_preview.stop_loss_loss > 0 and long_preview.take_profit_gain > 0
        table = screen.query_one("#t-preview").render().plain
        assert "If SL fills" in table and "If TP fills" in table and "%" in table
        assert long_preview.max_qty > 0.2 and "Max size" in table
        assert not screen.ticket.previews[1].ok  # the same stop is on the wrong side for a short
        await order(pilot, "b")
        kinds = sorted(o.type for o in me(app).orders)
        assert kinds == ["stop_loss", "take_profit"] and all(o.qty == 0.2 for o in me(app).orders)
        await pilot.press("c")
        await pilot.pause()
        assert me(app).orders == ()  # nothing left to reduce: cancelled at once


async def test_typed_margin_quarterly_presets_realised_pnl_and_history(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        screen.query_one("#t-contract").value = "quarterly"
        await fill_ticket(pilot, "0.2", "10")
        await order(pilot, "b")
        (pos,) = me(app).positions
        assert pos.contract == "quarterly"
        screen.query_one("#t-contract").value = "perp"
        await order(pilot, "b")
        perp = next(p for p in me(app).positions if p.contract == "perp")
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("ctrl+a", "ctrl+k", *"123.45", "enter")
        await pilot.pause()
        after = next(p for p in me(app).positions if p.contract == "perp")
        assert round(after.margin - perp.margin, 2) == 123.45
        for _ in range(3):
            await pilot.press("l")
            await pilot.pause()
        assert screen.ticket.draft.leverage == "100"  # 10 -> 20 -> 50 -> 100
        screen.runner.advance(120)
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        fills = [line.plain for line in screen.query_one("#feed").lines if "FILL" in line.plain]
        assert "realised P&L" in fills[-1]
        assert screen.history.closed and "perp" in screen.history.render().plain


async def test_first_launch_offers_a_guided_trade_a_new_player_finishes_at_80x24(app_factory):
    """A fresh player at 80 x 24, keys only: open, protect, let time run, close, read where the money went."""
    from liqgame.ui.screens.welcome import WelcomeScreen

    app = app_factory(start=False, welcome=True)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("g")
        await pilot.pause()
        screen = app.play_screen
        hint = screen.query_one("#hint")
        assert screen.coach_step == "open" and "Press b" in hint.render().plain
        await pilot.press("b")
        await pilot.pause()
        assert screen.coach_step == "protect" and me(app).positions
        await pilot.press("t")
        await pilot.pause()
        assert screen.coach_step == "watch" and me(app).orders[0].type == "stop_loss"
        screen.runner.advance(40)  # what space would do, without a timer in tests
        await pilot.pause()
        assert screen.coach_step == "close"
        await pilot.press("c")
        await pilot.pause()
        assert screen.coach_step == "explain" and not me(app).positions and not me(app).orders
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PostMortemScreen)
        report = app.screen.data.story.report
        assert report.outcome == "closed" and sum(f.amount for f in report.flows) == report.loss
        await pilot.press("escape")
        await pilot.pause()
        assert screen.coach_step == "done"
    # later launches go to the menu
    again = app_factory(start=False, welcome=True)
    async with again.run_test(size=(80, 24)) as pilot:
        assert not isinstance(again.screen, WelcomeScreen)


async def test_status_bar_shows_funding_with_its_interval(app_factory):
    """A scenario may settle funding hourly: the top bar says so, with the rate per settlement."""
    app = app_factory(scenario="calm")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = app.screen
        screen.runner.advance(100)
        await pilot.pause()
        text = screen.status.render().plain
        assert "Funding" in text and "%/1h" in text and "in 0:58:20" in text


async def test_g_shows_candles_then_the_book_and_the_tape_and_remembers(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        play = app.play_screen
        play.runner.advance(600)
        await pilot.pause()
        chart = play.query_one("#chart")
        line = chart.render().plain
        assert any("⠁" <= ch <= "⣿" for ch in line)  # braille dots
        await pilot.press("g")
        await pilot.pause()
        candles = chart.render().plain
        assert chart.mode == "candles" and ("█" in candles or "│" in candles)
        assert not any("⠁" <= ch <= "⣿" for ch in candles)  # no braille dots: candles instead
        assert "candles" in chart.border_title
        await pilot.press("g")
        await pilot.pause()
        book = chart.render().plain
        assert chart.mode == "book" and "best ask" in book and "best bid" in book and "Trades" in book
        assert app.settings["chart"] == "book" and app.store.settings()["chart"] == "book"
        await pilot.press("b")  # the keys still trade: the chart keeps the focus in every view
        await pilot.pause()
        assert me(app).positions
        await pilot.press("g")
        await pilot.pause()
        assert chart.mode == "line"


async def test_the_account_panel_draws_the_sessions_equity_line(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_ticket(pilot, "0.5", "20")
        await order(pilot, "b")
        app.play_screen.runner.advance(300)
        await pilot.pause()
        text = app.screen.query_one("#account").render().plain
        row = next(r for r in text.split("\n") if r.startswith("P&L"))
        assert any(ch in row for ch in "▁▂▃▄▅▆▇█")
        f = app.play_screen.runner.frame
        pnl = f.me.equity - f.start_equity
        assert f"{'+' if pnl > 0 else '-' if pnl < 0 else ''}${abs(pnl):,.2f}" in row


async def test_a_stop_typed_as_a_percentage_protects_either_side(app_factory):
    """SL 2% is 2 % behind the entry whichever side is bought: both previews are valid, the long's stop below."""
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_ticket(pilot, "0.2", "10")
        app.screen.query_one("#t-sl").value = "2%"
        await pilot.pause()
        long_preview, short_preview = app.screen.ticket.previews
        assert long_preview.ok and short_preview.ok and app.screen.ticket.reason == ""
        table = app.screen.query_one("#t-preview")
        shown = table.render().plain.split("\n")
        assert "If SL fills" in shown[-1] and table.region.height == len(shown)  # the new row is not cut off
        await order(pilot, "b")
        (pos,) = me(app).positions
        (stop,) = [o for o in me(app).orders if o.type == "stop_loss"]
        assert abs(stop.price / pos.entry - 0.98) < 0.001


def test_every_field_hint_fits_the_hint_row_at_80_columns():
    from rich.text import Text

    from liqgame.ui.screens.play import HINTS

    # the hint row is one line with a cell of padding each side: longer text is cut mid-word
    assert {name: Text(hint).cell_len for name, hint in HINTS.items() if Text(hint).cell_len > 78} == {}
