"""``liqgame lesson``: headless checks (exit 0 pass, 1 fail, 2 bad input), listing, saving progress."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from liqgame.commands.lesson import add_parser as add_lesson_parser, run as run_lesson_command

from .conftest import script


def cli(*argv):
    p = argparse.ArgumentParser(prog="liqgame")
    sub = p.add_subparsers(dest="command")
    add_lesson_parser(sub)
    return run_lesson_command(p.parse_args(["lesson", *argv]))


def test_check_pass_exits_0_with_debrief(capsys):
    assert cli("--check", "1", "--player", str(script("01-leverage", "pass"))) == 0
    out = capsys.readouterr().out
    assert out.startswith("PASS lesson 1")


def test_check_fail_exits_1_with_reason_and_hints(capsys):
    assert cli("--check", "01-leverage", "--player", str(script("01-leverage", "fail"))) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAIL lesson 1") and "hint:" in out


def test_check_json(capsys):
    assert cli("--check", "2", "--player", str(script("02-liquidation", "pass")), "--json") == 0
    d = json.loads(capsys.readouterr().out)
    assert d["passed"] and d["lesson"] == "02-liquidation" and d["numbers"]["liquidations"] == 1
    assert all(g["passed"] for g in d["goals"])


@pytest.mark.parametrize("args,msg", [
    (["--check", "99", "--player", "x"], "no lesson '99'"),
    (["--check", "1"], "--check needs --player"),
    (["--player", "x"], "--player needs --check"),
    (["--check", "1", "--player", "/no/such/file.jsonl"], "cannot read player file"),
])
def test_bad_input_exits_2_with_one_line(capsys, args, msg):
    assert cli(*args) == 2
    err = capsys.readouterr().err
    assert msg in err and "Traceback" not in err and err.count("\n") == 1


def test_bad_player_line_exits_2(tmp_path, capsys):
    f = tmp_path / "p.jsonl"
    f.write_text('{"tick": 0, "action": "open", "side": "long", "qty": "lots"}\n')
    assert cli("--check", "1", "--player", str(f)) == 2
    assert f"{f}:1:" in capsys.readouterr().err


def test_malformed_lesson_dir_is_reported_by_path_and_field(tmp_path, capsys):
    d = json.loads((script("01-leverage", "pass").parents[3] / "assets/lessons/01-leverage.json").read_text())
    d["goal"][0]["leverages"] = "2, 10, 50"
    (tmp_path / "01-leverage.json").write_text(json.dumps(d))
    assert cli("--lessons-dir", str(tmp_path), "--check", "1", "--player", str(script("01-leverage", "pass"))) == 2
    err = capsys.readouterr().err
    assert "01-leverage.json: goal[0].leverages:" in err and "Traceback" not in err


def test_save_and_list_progress(tmp_path, capsys):
    data = str(tmp_path / "data")
    assert cli("--check", "1", "--player", str(script("01-leverage", "pass")), "--save", "--data-dir", data) == 0
    assert cli("--check", "2", "--player", str(script("02-liquidation", "fail")), "--save", "--data-dir", data) == 1
    capsys.readouterr()
    assert cli("--list", "--json", "--data-dir", data) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["01-leverage"]["status"] == "passed" and rows["01-leverage"]["best_score"] > 0
    assert rows["02-liquidation"]["status"] == "new" and rows["02-liquidation"]["attempts"] == 1
    assert rows["03-counterparties"]["status"] == "locked"


def test_locked_lesson_cannot_start_interactively(tmp_path, capsys):
    assert cli("3", "--data-dir", str(tmp_path / "data")) == 2
    assert "locked" in capsys.readouterr().err


def test_wired_into_liqgame_command():
    r = subprocess.run([sys.executable, "-m", "liqgame", "lesson", "--check", "7", "--player",
                        str(script("07-funding", "fail"))], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stderr
    assert r.stdout.startswith("FAIL lesson 7")
