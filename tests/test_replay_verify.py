"""Replay verification with the real engine: what the table shows is bound to the game replayed, and
``replay --all --verify`` gets through hostile session files one verdict at a time."""

import gzip
import json
import os
import resource
import subprocess
import sys

import pytest

from liqgame.commands import main
from liqgame.engine import GameConfig, actions as A
from liqgame.playable import crowd_size, daily_config
from liqgame.session import make_game, replayer, session_record
from liqgame.store import Store, daily_seed

CROWD = crowd_size("chop", "easy")
DAY, OTHER_DAY = "2026-03-02", "2026-03-03"


def played(config: GameConfig, qty: float = 0.2) -> tuple[dict, list]:
    """A short real game: a leveraged long held for two minutes, then closed."""
    game = make_game(config)
    game.apply(A.PlaceOrder(side="long", qty=qty, leverage=20))
    game.run(120)
    game.apply(A.ClosePosition())
    game.run(10)
    return game, list(game.log)


def honest(seed: int, **fields) -> tuple[dict, list]:
    game, log = played(GameConfig(seed=seed, scenario="chop", bots=CROWD, players=("ann",)))
    return dict(session_record(game, name="ann", date="2026-03-02T10:00:00"), **fields), log


def forged(config: GameConfig, **label) -> tuple[dict, list]:
    """Play ``config`` and label the session with other shown fields, consistently in the session file
    and the index; score, hash, equity and liquidations are the replay's own, so only the binding of
    the shown fields to the replay can catch it."""
    game, log = played(config, qty=0.5)
    return dict(session_record(game, name="mallory", date="2026-03-02T11:00:00"), **label), log


FORGERIES = {
    "another seed with no crowd": (GameConfig(seed=77, scenario="chop", bots=0, players=("m",)),
                                   {"seed": 9, "bots": CROWD}, "crowd of 0 traders is not one the game offers"),
    "another seed": (GameConfig(seed=77, scenario="chop", bots=CROWD, players=("m",)), {"seed": 9},
                     "stored seed 9 but the replay gives 77"),
    "calm labelled as another scenario": (GameConfig(seed=9, scenario="calm", bots=crowd_size("calm", "easy"),
                                                     players=("m",)),
                                          {"scenario": "chop"}, "stored scenario chop but the replay gives calm"),
    "max drawdown rewritten": (GameConfig(seed=9, scenario="chop", bots=CROWD, players=("m",)),
                               {"max_drawdown": 0.0}, "stored max_drawdown 0.0 but the replay gives"),
    "starting balance rewritten": (GameConfig(seed=9, scenario="chop", bots=CROWD, players=("m",)),
                                   {"starting_balance": 100_000.0},
                                   "stored starting_balance 100000.0 but the replay gives 10000.0"),
    "daily played on another day's market": (daily_config(OTHER_DAY, "m"), {"kind": "daily", "daily_date": DAY},
                                             f"daily challenge of {DAY} is played on seed {daily_seed(DAY)}"),
}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_forged_config_never_verifies_and_ranks_below_honest_entries(tmp_path, capsys, forgery):
    config, label, reason = FORGERIES[forgery]
    store = Store(tmp_path)
    record, log = forged(config, **label)
    kind = record["kind"]
    honest_ids = []
    for seed in (1, 2, 3):
        h_record, h_log = (honest(seed) if kind == "free" else
                           played_daily(DAY, seed))
        honest_ids.append(store.save_session(h_record, h_log).session_id)
    sid = store.save_session(record, log).session_id
    assert main(["replay", "--all", "--verify", "--data-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{sid}: MISMATCH" in out and reason in out, out
    assert all(f"{h}: verified" in out for h in honest_ids), out
    rows = Store(tmp_path).top_scores(kind=kind, daily_date=DAY if kind == "daily" else None)
    assert [row["session_id"] for row in rows][-1] == sid and rows[-1]["status"] == "failed"


def played_daily(day: str, n: int) -> tuple[dict, list]:
    game, log = played(daily_config(day, "ann"), qty=0.1 * n)
    return session_record(game, name=f"ann{n}", date="2026-03-02T10:00:00", kind="daily", daily_date=day), log


def test_an_honest_session_verifies_with_every_shown_field(tmp_path):
    store = Store(tmp_path)
    record, log = honest(9)
    assert record["max_drawdown"] > 0 and record["bots"] == CROWD
    result = store.save_session(record, log, replayer=replayer)
    assert result.ok and result.message.endswith("replay verified")
    row = store.top_scores()[0]
    assert (row["status"], row["bots"], row["starting_balance"]) == ("verified", CROWD, 10_000.0)


# ---------------------------------------------------------------- hostile session files

def _replace_log(path, body):
    path.write_bytes(gzip.compress(json.dumps(body).encode()))


def _edit_record(path, **changes):
    body = json.loads(gzip.decompress(path.read_bytes()))
    body["record"].update(changes)
    if "config" in changes:
        body["record"]["config"] = dict(json.loads(gzip.decompress(path.read_bytes()))["record"]["config"],
                                        **changes["config"])
    _replace_log(path, body)


HOSTILE = {
    "a huge tick count": (lambda p: _edit_record(p, ticks=10**12), "ticks must be a whole number"),
    "a crowd of a billion": (lambda p: _edit_record(p, config={"bots": 10**9}), "config bots 1000000000"),
    "a balance of 1e308": (lambda p: _edit_record(p, config={"starting_balance": 1e308}), "config starting_balance"),
    "deeply nested JSON": (lambda p: p.write_bytes(gzip.compress(b"[" * 100_000 + b"]" * 100_000)),
                           "nested more than"),
    "a gzip bomb": (lambda p: p.write_bytes(gzip.compress(b" " * (200 * 2**20), compresslevel=9)), "inflates to more"),
    "a named pipe": (lambda p: (p.unlink(), os.mkfifo(p)), "not a regular file"),
    "a symlink to /dev/zero": (lambda p: (p.unlink(), p.symlink_to("/dev/zero")), "symbolic link"),
    "a list as an action's side": (lambda p: _replace_log(p, dict(json.loads(gzip.decompress(p.read_bytes())),
                                                                 actions=[{"tick": 0, "action": "open",
                                                                           "side": ["long"], "qty": 1}])),
                                   "'side' must be a single value"),
}


def run_capped(*args, memory_mb: int = 2000, timeout: float = 120) -> subprocess.CompletedProcess:
    """The CLI in a subprocess with an address-space cap and a timeout: a hang or a memory blow-up fails."""
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))

    return subprocess.run([sys.executable, "-m", "liqgame", *args], capture_output=True, text=True, timeout=timeout,
                          preexec_fn=cap, env=dict(os.environ, OPENBLAS_NUM_THREADS="1"))


def test_replay_all_verify_gets_through_hostile_session_files(tmp_path):
    store = Store(tmp_path)
    record, log = honest(9)
    hostile_ids = {}
    for n, case in enumerate(HOSTILE):
        sid = store.save_session(dict(record, name=f"h{n}"), log).session_id
        HOSTILE[case][0](tmp_path / "sessions" / f"{sid}.json.gz")
        hostile_ids[case] = sid
    good = [store.save_session(*honest(seed)).session_id for seed in (1, 2)]

    r = run_capped("replay", "--all", "--verify", "--data-dir", str(tmp_path))
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr[-2000:]
    lines = dict(line.split(": ", 1) for line in r.stdout.splitlines())
    assert [lines[sid] for sid in good] == ["verified", "verified"]
    for case, sid in hostile_ids.items():
        assert lines[sid].startswith("MISMATCH") and HOSTILE[case][1] in lines[sid], (case, lines[sid])
    statuses = {row["session_id"]: row["status"] for row in Store(tmp_path).top_scores(limit=None)}
    assert {statuses[sid] for sid in hostile_ids.values()} == {"failed"}  # every verdict recorded
    assert [statuses[sid] for sid in good] == ["verified", "verified"]


def test_watching_a_hostile_session_is_refused_in_one_line(tmp_path, capsys):
    store = Store(tmp_path)
    sid = store.save_session(*honest(9)).session_id
    _edit_record(tmp_path / "sessions" / f"{sid}.json.gz", config={"bots": 10**9})
    assert main(["replay", sid, "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("liqgame replay: config bots 1000000000 is not allowed") and "\n" not in err
