"""`liqgame replay ID` in the play screen: the saved actions come back at their ticks, to the same end."""

from __future__ import annotations

from liqgame.engine import GameConfig
from liqgame.engine import actions as A
from liqgame.session import make_game, session_record
from liqgame.store import Store
from liqgame.ui.app import LiqApp
from liqgame.ui.base import GameSpec

from .conftest import fill_ticket


def saved_session(tmp_path):
    g = make_game(GameConfig(seed=21, scenario="chop", bots=200, players=("ann",)))
    g.run(5)
    g.apply(A.PlaceOrder(side="long", qty=0.3, leverage=20))
    g.run(200)
    g.apply(A.ClosePosition())
    g.run(30)
    store = Store(tmp_path / "data")
    res = store.save_session(session_record(g, name="ann", date="2026-11-25"), g.log)
    assert res.ok
    return store, res.session_id, g


async def test_replay_reaches_the_same_final_state(tmp_path):
    store, sid, original = saved_session(tmp_path)
    record, actions = store.load_session(sid)
    spec = GameSpec(GameConfig.from_dict(record["config"]), kind="replay", player_name="ann", script=tuple(actions))
    app = LiqApp(data_dir=tmp_path / "data", game=spec, paused=True, clock=False, no_blink=True)
    async with app.run_test(size=(120, 40)) as pilot:
        runner = app.play_screen.runner
        runner.advance(100)
        await pilot.pause()
        assert runner.frame.me.positions and runner.frame.me.positions[0].qty == 0.3  # the logged order came back
        runner.advance(record["ticks"] - 100)
        await pilot.pause()
        assert runner.game.tick == record["ticks"]
        assert runner.game.state_hash() == record["state_hash"] == original.state_hash()


async def test_a_replay_is_read_only_labelled_seekable_and_can_branch(tmp_path):
    from liqgame.ui.screens.confirm import ConfirmScreen

    store, sid, original = saved_session(tmp_path)
    record, actions = store.load_session(sid)
    spec = GameSpec(GameConfig.from_dict(record["config"]), kind="replay", player_name="ann", script=tuple(actions),
                    ticks=int(record["ticks"]))
    app = LiqApp(data_dir=tmp_path / "data", game=spec, paused=True, clock=False, no_blink=True)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = app.play_screen
        assert "REPLAY" in screen.query_one("#status").render().plain
        await pilot.press("b")  # a new order in a replay: refused, nothing changes
        await pilot.pause()
        assert screen.runner.game.log == [] and any(n.title == "REPLAY" for n in app._notifications)
        await pilot.press("j")  # seek: to the logged order at tick 5
        await pilot.pause()
        assert screen.runner.game.tick == 5 and screen.runner.frame.me.positions
        await pilot.press("j")  # then to the close at tick 205
        await pilot.pause()
        assert screen.runner.game.tick == 205 and not screen.runner.frame.me.positions
        hash_at = screen.runner.game.state_hash()
        await pilot.press("B")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        branch = app.play_screen
        assert branch is not screen and branch.spec.kind == "branch" and not branch.read_only
        assert branch.runner.game.tick == 205 and branch.runner.game.state_hash() == hash_at
        assert "BRANCH" in branch.query_one("#status").render().plain
        await fill_ticket(pilot, "0.1", "5")
        await pilot.press("b")
        await pilot.pause()
        assert branch.runner.frame.me.positions  # the branch takes orders: it is a new session
