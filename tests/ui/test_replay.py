"""`liqgame replay ID` in the play screen: the saved actions come back at their ticks, to the same end."""

from __future__ import annotations

from liqgame.engine import GameConfig, actions as A
from liqgame.session import make_game, session_record
from liqgame.store import Store
from liqgame.ui.app import LiqApp
from liqgame.ui.base import GameSpec


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
