"""``liqgame study``: the same rows whatever runs them, resuming, refusing, and bad arguments."""

import json
import signal
import subprocess
import sys
import time

import pytest

from liqgame.commands import main
from liqgame.study import DaskExecutor, OutputDir, StudySpec
from liqgame.study.rows import CROWD, columns

SMALL = ["--scenario", "long-squeeze", "--seeds", "2", "--bots", "150", "--ticks", "600"]  # 8 runs, ~1 s


def study(out, *extra, args=SMALL):
    return main(["study", *args, "--out", str(out), *extra])


def files(out) -> tuple[bytes, bytes]:
    return (out / "rows.csv").read_bytes(), (out / "rows.jsonl").read_bytes()


def rows(out) -> list[dict]:
    return [json.loads(line) for line in (out / "rows.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The small study, run locally with one worker: the files every other way must reproduce."""
    out = tmp_path_factory.mktemp("ref") / "study"
    assert study(out, "--workers", "1") == 0
    return out


def test_a_study_writes_a_row_per_run_and_a_summary(reference, capsys):
    got = rows(reference)
    assert [(r["rulebook"], r["seed"]) for r in got] == [
        (rb, s) for rb in ("insurance-first", "pool-backstop", "socialised-loss", "no-backstop") for s in (1, 2)]
    assert all(tuple(r) == columns(False) for r in got)
    csv_lines = (reference / "rows.csv").read_text().splitlines()
    assert csv_lines[0].split(",") == list(columns(False)) and len(csv_lines) == 1 + len(got)
    for r in got:  # where the crowd's margin went adds up (the engine's test checks it to the unit)
        assert r["crowd_lost_usd"] == pytest.approx(sum(r[c] for c in CROWD[1:]), abs=1e-3)
        assert r["price_trough"] <= min(r["price_start"], r["price_end"])
        assert r["insurance_fund_min_usd"] <= min(r["insurance_fund_start_usd"], r["insurance_fund_end_usd"])
    summary = (reference / "summary.txt").read_text()
    assert "median (5-95 %)" in summary and "where the crowd's margin went" in summary
    assert json.loads((reference / "manifest.json").read_text())["seeds"] == 2


def test_two_workers_and_a_dask_cluster_give_the_same_bytes(reference, tmp_path, capsys):
    assert study(tmp_path / "two", "--workers", "2") == 0
    assert "8 runs" in capsys.readouterr().err
    assert files(tmp_path / "two") == files(reference)
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        assert study(tmp_path / "dask", "--executor", "dask", "--scheduler", cluster.scheduler_address) == 0
    assert "dask executor" in capsys.readouterr().err
    assert files(tmp_path / "dask") == files(reference)
    assert (tmp_path / "dask" / "summary.txt").read_bytes() != b""


def test_a_torn_study_resumes_without_duplicating_a_row(reference, tmp_path):
    out = tmp_path / "torn"
    spec = StudySpec("long-squeeze", 2, ("insurance-first", "pool-backstop", "socialised-loss", "no-backstop"),
                     150, 600)
    with OutputDir(out, spec) as d:  # three runs finished, in another order, then a kill mid-line
        for row in rows(reference)[5:2:-1]:
            d.add(row)
    with open(out / "rows.jsonl", "a") as f:
        f.write('{"rulebook":"insurance-first","seed":1,"crowd_lo')
    with OutputDir(out, spec) as d:
        assert len(d.done) == 3  # the torn line is dropped, the three whole rows kept
    assert study(out) == 0
    assert files(out) == files(reference)


def test_an_interrupted_study_resumes_where_it_stopped(reference, tmp_path):
    out = tmp_path / "stopped"
    cmd = [sys.executable, "-m", "liqgame", "study", *SMALL[:4], "--bots", "400", "--ticks", "3000",
           "--workers", "1", "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline and not _has_rows(out):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "resumes" in err
    before = rows(out)
    assert 1 <= len(before) < 8
    assert subprocess.run(cmd, capture_output=True, timeout=120).returncode == 0
    after = rows(out)
    assert len(after) == 8 and len({(r["rulebook"], r["seed"]) for r in after}) == 8
    assert all(r in after for r in before)  # the rows written before the interrupt were kept as they were


def _has_rows(out) -> bool:
    try:
        return bool((out / "rows.jsonl").read_text())
    except FileNotFoundError:
        return False


def test_another_studys_directory_is_refused(reference, tmp_path, capsys):
    before = files(reference)
    assert main(["study", *SMALL[:3], "3", *SMALL[4:], "--out", str(reference)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "another study" in err and "seeds" in err
    assert files(reference) == before
    (tmp_path / "notes.txt").write_text("mine")
    assert study(tmp_path) == 2
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_finished_study_run_again_only_prints_its_summary(reference, capsys):
    before = files(reference)
    assert study(reference) == 0
    assert "where the crowd's margin went" in capsys.readouterr().out
    assert files(reference) == before


@pytest.mark.parametrize("args,says", [
    (["--seeds", "0"], "--seeds must be at least 1"),
    (["--seeds", "2", "--rulebooks", "insurance-first,binance"], "unknown rulebook binance"),
    (["--seeds", "2", "--scenario", "moon"], "moon"),
    (["--seeds", "2", "--executor", "dask"], "needs --scheduler"),
    (["--seeds", "2", "--balance", "nan"], "--balance"),
])
def test_bad_arguments_get_one_line_and_exit_2(tmp_path, capsys, args, says):
    assert main(["study", *args, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and says in err
    assert not (tmp_path / "out").exists()


def test_an_unreachable_scheduler_gets_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(DaskExecutor, "connect_timeout", "1s")
    assert study(tmp_path / "out", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err


def test_an_unwritable_output_directory_gets_one_line_and_exit_2(tmp_path, capsys):
    (tmp_path / "file").write_text("")
    assert study(tmp_path / "file" / "out") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "cannot create the output directory" in err


def test_the_players_result_is_what_simulate_reports(tmp_path, capsys):
    player = tmp_path / "p.jsonl"
    player.write_text('{"tick": 0, "action": "open", "side": "long", "qty": 0.4, "leverage": 40}\n'
                      '{"tick": 5000, "action": "close"}\n')  # after the end: noted, not played
    assert study(tmp_path / "out", "--player", str(player), "--rulebooks", "pool-backstop",
                 args=SMALL[:3] + ["1"] + SMALL[4:]) == 0
    assert "tick 5000 is after the end of the run" in capsys.readouterr().err
    (row,) = rows(tmp_path / "out")
    assert main(["simulate", "--seed", "1", "--scenario", "long-squeeze", "--rulebook", "pool-backstop", "--bots",
                 "150", "--ticks", "600", "--player", str(player), "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    (p,) = rep["players"]
    assert (row["player_equity_usd"], row["player_liquidations"], row["player_score"]) == (
        p["equity"], p["liquidations"], p["score"])
    assert row["player_net_loss_usd"] == p["where_it_went"]["net_loss_usd"]
    assert (row["liquidations"], row["adl_events"], row["price_trough"], row["insurance_fund_end_usd"]) == (
        rep["liquidations"], rep["adl_events"], rep["price"]["min"], rep["insurance_fund"]["end"])
