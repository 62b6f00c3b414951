"""The command line: simulate's JSON report, bad arguments, scores and replay verification."""

import os
import json
import subprocess
import sys

import pytest

from liqgame.commands import main
from liqgame.engine import GameConfig, actions as A
from liqgame.playable import crowd_size
from liqgame.session import make_game, replayer, session_record
from liqgame.store import Store


def run(*args, **kw):
    return subprocess.run([sys.executable, "-m", "liqgame", *args], capture_output=True, text=True, timeout=120, **kw)


def test_simulate_json_report(tmp_path):
    player = tmp_path / "p.jsonl"
    player.write_text('{"tick": 0, "action": "open", "side": "long", "qty": 0.5, "leverage": 50}\n'
                      '{"tick": 3, "action": "open", "side": "long", "qty": 0.0001}\n')
    r = run("simulate", "--seed", "4", "--scenario", "long-squeeze", "--bots", "300", "--ticks", "900",
            "--player", str(player), "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["conservation"]["exact"] and rep["conservation"]["initial_total"] == rep["conservation"]["final_total"]
    for key in ("liquidations", "adl_events", "insurance_fund", "flows", "price", "players"):
        assert key in rep
    assert set(rep["insurance_fund"]) == {"start", "end", "min"}
    p = rep["players"][0]
    assert {"equity", "liquidated", "where_it_went"} <= set(p)
    w = p["where_it_went"]
    assert sum(d["units"] for d in w["destinations"]) == w["net_loss_units"]
    assert rep["rejected_actions"] and "lot" in rep["rejected_actions"][0]["reason"]
    # every position the player held, with its own where-it-went summing to its own loss
    (pos,) = p["positions"]
    assert pos["side"] == "long" and pos["outcome"] in ("open", "liquidated")
    assert sum(d["units"] for d in pos["where_it_went"]) == pos["loss_units"]
    assert pos["loss_units"] == w["net_loss_units"]  # one position: the session is that position


@pytest.mark.parametrize("args,msg", [
    (["simulate", "--ticks", "-1"], "expected a number >= 0"),
    (["simulate", "--scenario", "moon"], "unknown scenario"),
    (["simulate", "--rulebook", "yolo"], "invalid choice"),
    (["simulate", "--balance", "-5"], "--balance"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_arguments_give_one_line_and_exit_2(args, msg, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert msg in err and "\n" not in err and "Traceback" not in err


def test_malformed_player_file_names_the_line(tmp_path, capsys):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"tick": 0, "action": "open", "side": "long", "qty": 1}\nnot json\n')
    assert main(["simulate", "--player", str(f), "--ticks", "1"]) == 2
    assert "bad.jsonl:2" in capsys.readouterr().err


def saved_game(tmp_path):
    g = make_game(GameConfig(seed=9, scenario="chop", bots=crowd_size("chop", "easy"), players=("ann",)))
    g.apply(A.PlaceOrder(side="long", qty=0.2, leverage=20))
    g.run(120)
    g.apply(A.ClosePosition())
    g.run(10)
    store = Store(tmp_path)
    res = store.save_session(session_record(g, name="ann", date="2026-11-25"), g.log)
    assert res.ok, res.message
    return store, res.session_id, g


def test_replayer_reproduces_a_saved_session(tmp_path):
    store, sid, g = saved_game(tmp_path)
    record, actions = store.load_session(sid)
    score, digest, extra = replayer(record, actions)
    assert (score, digest) == (g.score(0), g.state_hash())
    assert store.verify(sid, replayer).ok


def test_scores_and_replay_verify_catch_an_edited_score(tmp_path, capsys):
    store, sid, g = saved_game(tmp_path)
    assert main(["scores", "--data-dir", str(tmp_path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["session_id"] == sid and rows[0]["name"] == "ann"
    assert main(["replay", sid, "--verify", "--data-dir", str(tmp_path)]) == 0
    assert "verified" in capsys.readouterr().out
    # someone edits the score in the index file
    index = tmp_path / "liqgame.json"
    data = json.loads(index.read_text())
    for entry in data["sessions"].values():
        entry["score"] = 99999
    index.write_text(json.dumps(data))
    assert main(["replay", sid, "--verify", "--data-dir", str(tmp_path)]) == 1
    assert "MISMATCH" in capsys.readouterr().out


def test_scores_json_stays_valid_json_when_the_store_warns(tmp_path, capsys):
    store, sid, _ = saved_game(tmp_path)
    (tmp_path / "liqgame.json").write_text("{broken")  # the store repairs it and says so
    assert main(["scores", "--data-dir", str(tmp_path), "--json"]) == 0
    out, err = capsys.readouterr()
    assert [row["session_id"] for row in json.loads(out)] == [sid]
    assert err.startswith("note: The save file") and "recovered" in err


def _unusable_data_dirs(tmp_path):
    (tmp_path / "file").write_text("x")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    return {
        "over-long name": (str(tmp_path / ("a" * 300)), "File name too long"),
        "path through a file": (str(tmp_path / "file" / "data"), "Not a directory"),
        "a regular file": (str(tmp_path / "file"), "is not a directory"),
        "symlink loop": (str(tmp_path / "loop"), "Too many levels of symbolic links"),
    }


@pytest.mark.parametrize("command", [["scores"], ["replay", "--all", "--verify"], ["lesson", "--list"], ["play"],
                                     ["serve", "--port", "1"]])
def test_unusable_data_dir_is_one_line_and_exit_2(tmp_path, capsys, command):
    for path, reason in _unusable_data_dirs(tmp_path).values():
        assert main([*command, "--data-dir", path]) == 2, path
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and "Traceback" not in err and reason in err and "data directory" in err


def test_unreadable_data_dir_is_one_line_and_exit_2(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o000)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running with privileges that ignore chmod (root); see the other data-dir cases")
        assert main(["scores", "--data-dir", str(locked)]) == 2
        assert "cannot be read (Permission denied)" in capsys.readouterr().err
    finally:
        locked.chmod(0o755)


def test_a_new_scenario_does_not_move_a_daily_already_played_or_announced():
    import datetime as dt

    from liqgame.playable import DAILY_EPOCHS, daily_config
    from liqgame.assets_io import scenarios

    first, *later = DAILY_EPOCHS
    # every day of the first epoch keeps the market it was played on (seed % the five scenarios of then)
    assert first.scenarios == ("black-thursday", "chop", "funding-trap", "long-squeeze", "short-squeeze")
    assert daily_config(dt.date(2026, 11, 30)).scenario in first.scenarios
    for e in later:  # a scenario joins from its epoch's date on, and every scenario in rotation exists
        assert e.start > first.start and set(e.scenarios) <= set(scenarios())
    assert "flash-crash" in DAILY_EPOCHS[-1].scenarios


def test_whatif_replays_a_saved_session_with_one_change(tmp_path, capsys):
    store, sid, g = saved_game(tmp_path)
    assert main(["whatif", sid, "--leverage", "2", "--data-dir", str(tmp_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["change"] == {"leverage": 2}
    assert out["actual"]["state_hash"] == g.state_hash()  # "what happened" is the saved session, replayed
    assert out["what_if"]["ticks"] == out["actual"]["ticks"] == g.tick
    assert "2x" in out["sentence"]
    assert main(["whatif", sid, "--rulebook", "pool-backstop", "--data-dir", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "what happened" in text and "what if" in text and "pool-backstop" in text


@pytest.mark.parametrize("args,msg", [
    (["--leverage", "0"], "leverage"), (["--stop-pct", "nan"], "--stop-pct"), ([], "needs one change"),
    (["--rulebook", "nope"], "invalid choice"),
])
def test_whatif_bad_arguments_are_one_line(tmp_path, capsys, args, msg):
    store, sid, g = saved_game(tmp_path)
    assert main(["whatif", sid, *args, "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert msg in err and "\n" not in err
    assert main(["whatif", "0123456789ab", "--leverage", "5", "--data-dir", str(tmp_path)]) == 2


def test_an_unknown_session_id_is_not_found_not_a_mismatch(tmp_path, capsys):
    saved_game(tmp_path)
    assert main(["replay", "0123456789ab", "--verify", "--data-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "not found" in out and "MISMATCH" not in out
    assert main(["replay", "0123456789ab", "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not found" in err and "MISMATCH" not in err


def test_scores_daily_lists_a_second_attempt_as_practice_in_text_and_json(tmp_path, capsys):
    game = make_game(GameConfig(seed=3, scenario="calm", bots=0))
    store = Store(tmp_path)
    for name, time in (("ann", "09:00:00"), (" ANN", "10:00:00"), ("bob", "11:00:00")):
        record = session_record(game, name=name, date=f"2026-11-25T{time}", kind="daily", daily_date="2026-11-25")
        assert store.save_session(record, []).ok
    assert main(["scores", "--daily", "2026-11-25", "--json", "--data-dir", str(tmp_path)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(row["name"], row["rank"], row["practice"]) for row in rows] == [
        ("ann", 1, False), ("bob", 2, False), ("ANN", None, True)]
    assert main(["scores", "--daily", "2026-11-25", "--data-dir", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "Practice" in text and "not ranked" in text
    assert text.splitlines()[-1].split()[:2] == ["-", "ANN"]
