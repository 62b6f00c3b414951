"""Pilot tests of the play screen: orders from the ticket, previews, margin calls, the
liquidation post-mortem, the clock, invalid input and a small terminal."""

from __future__ import annotations

import asyncio

from liqgame.engine import events as ev
from liqgame.ui.messages import FrameReady
from liqgame.ui.play_screen import PlayScreen
from liqgame.ui.postmortem_screen import PostMortemScreen

from .conftest import fill_ticket, run_until, run_until_event, wait_group


def me(app):
    return app.play_screen.runner.frame.me


async def test_open_long_from_ticket(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, PlayScreen)
        await fill_ticket(pilot, "0.25", "20", typed=True)
        await pilot.press("b")
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
        await pilot.press("b")
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
        await pilot.press("b")
        await pilot.pause()
        (pos,) = me(app).positions
        assert abs(pos.liquidation_price - long_preview.liquidation_price) <= 0.1
        assert abs(pos.entry - long_preview.fill_price) <= 0.1


async def test_margin_call_shows_banner_bell_and_toast(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await fill_ticket(pilot, "0.5", "50")
        await pilot.press("b")
        await pilot.pause()
        bells = []
        app.bell = lambda: bells.append(1)
        screen = app.screen
        assert not screen.banner.display
        await run_until_event(pilot, ev.MarginCall)
        assert screen.banner.display
        assert any(isinstance(e, ev.MarginCall) for e in screen.runner.player_events)
        assert bells
        assert any(n.title == "MARGIN CALL" for n in app._notifications)
        assert "MARGIN CALL" in screen.banner.render().plain
        # one-key remedy: add margin lowers the margin ratio
        before = me(app).positions[0].margin_ratio
        await pilot.press("a")
        await pilot.pause()
        assert me(app).positions[0].margin_ratio < before


async def test_liquidation_opens_post_mortem_that_sums_to_the_loss(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_ticket(pilot, "0.5", "50")
        await pilot.press("b")
        await pilot.pause()
        await run_until(pilot, lambda a: isinstance(a.screen, PostMortemScreen), chunk=300)
        pm = app.screen
        x = pm.data.explanation
        game = app.play_screen.game
        assert pm.data.reason == "liquidation"
        assert x.net_loss > 0
        assert sum(pm.table_units) == x.net_loss == game.players[0].start - game.equity(0)
        assert app.play_screen.paused
        labels = [label for _, label, _, _ in pm.data.timeline]
        assert labels[0] == "entry" and "margin call" in labels and "liq. price hit" in labels
        # re-play the same market under another rulebook
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")  # the first other rulebook: pool-backstop
        await wait_group(app, "replay")
        await pilot.pause()
        c = pm.comparison
        assert c is not None and c.rulebook == "pool-backstop"
        assert sum(f.amount for f in c.explanation.flows) == c.explanation.net_loss
        assert c.explanation.net_loss != x.net_loss
        # back to the game, still paused, the position gone
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen) and app.screen.paused
        assert me(app).positions == ()


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
            await pilot.press("b")
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
        await pilot.press("s")
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
        await pilot.press("b")
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
        await pilot.press("b")
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
        await pilot.press("b")
        await pilot.pause()
        await run_until(pilot, lambda a: isinstance(a.screen, PostMortemScreen), chunk=300)
        await pilot.press("escape")
        await pilot.pause()
        await fill_ticket(pilot, "0.6", "50")
        await pilot.press("b")
        await pilot.pause()
        assert any(n.message.startswith("Revenge trade?") for n in app._notifications)


async def test_explain_on_demand_before_any_trade(app_factory):
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        pm = app.screen
        assert isinstance(pm, PostMortemScreen) and pm.data.reason == "now"
        assert pm.table_units == [] and pm.data.explanation.net_loss == 0
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)


async def test_stop_loss_from_the_ticket_is_drawn_on_the_chart(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await fill_ticket(pilot, "0.5", "20")
        await pilot.press("b")
        await pilot.pause()
        entry = me(app).positions[0].entry
        screen.query_one("#t-type").value = "stop_loss"
        await pilot.pause()
        stop = round(entry * 0.98, 1)
        screen.query_one("#t-price").value = str(stop)
        await pilot.pause()
        await pilot.press("s")  # a long's stop sells
        await pilot.pause()
        (order,) = me(app).orders
        assert order.type == "stop_loss" and order.price == stop
        assert ("SL", stop) in [(m.label, m.price) for m in screen.chart.data.markers]
        await pilot.press("x")
        await pilot.pause()
        assert me(app).orders == ()


async def test_status_bar_shows_funding_with_its_interval(app_factory):
    """A scenario may settle funding hourly: the top bar says so, with the rate per settlement."""
    app = app_factory(scenario="calm")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = app.screen
        screen.runner.advance(100)
        await pilot.pause()
        text = screen.status.render().plain
        assert "Funding" in text and "%/1h" in text and "in 0:58:20" in text
