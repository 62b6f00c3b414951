"""The command line: simulate's JSON report, bad arguments, scores and replay verification."""

import gzip
import json
import subprocess
import sys

import pytest

from liqgame.cli import main
from liqgame.engine import GameConfig, actions as A
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
    g = make_game(GameConfig(seed=9, scenario="chop", bots=200, players=("ann",)))
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
