"""Player files (``simulate --player``, ``lesson --check --player``): one reader, one line of error, bounded memory."""

import json
import resource
import subprocess
import sys

import pytest

from liqgame.commands import main

OPEN = '{"tick": 0, "action": "open", "side": "long", "qty": 0.1, "leverage": 2}\n'
BAD_LINES = {
    "list as action": ('{"tick": 1, "action": ["open"], "side": "long", "qty": 1}', "'action' must be a single value"),
    "object as side": ('{"tick": 1, "action": "open", "side": {"x": 1}, "qty": 1}', "'side' must be a single value"),
    "nested deep in a short line": ('{"tick": 1, "action": "close", "qty": ' + "[" * 1500 + "]" * 1500 + "}",
                                    "nested more than"),
    "nested deep in a long line": ('{"a":' * 100_000 + "1" + "}" * 100_000, "longer than 4,096 bytes"),
    "not UTF-8": (b'{"tick": 1, "action": "close", "x": "\xff"}', "not UTF-8"),
}
COMMANDS = {
    "simulate": ["simulate", "--ticks", "5", "--bots", "50", "--player"],
    "lesson": ["lesson", "--check", "1", "--player"],
}


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", BAD_LINES)
def test_bad_line_names_file_and_line_and_exits_2(tmp_path, capsys, command, case):
    line, reason = BAD_LINES[case]
    path = tmp_path / "p.jsonl"
    path.write_bytes(OPEN.encode() + (line if isinstance(line, bytes) else line.encode()) + b"\n")
    assert main([*COMMANDS[command], str(path)]) == 2
    err = one_line_error(capsys)
    assert f"{path}:2: " in err and reason in err


def run_limited(*args: str, memory_mb: int = 1500, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the CLI with a cap on its address space: a reader that slurps the file dies of MemoryError."""
    def cap():
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return subprocess.run([sys.executable, "-m", "liqgame", *args], capture_output=True, text=True,
                          timeout=timeout, preexec_fn=cap, env={"OPENBLAS_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"})


@pytest.mark.parametrize("command", COMMANDS)
def test_dev_zero_is_refused_in_bounded_memory(command):
    r = run_limited(*COMMANDS[command], "/dev/zero")
    assert r.returncode == 2, r.stderr[-500:]
    assert "/dev/zero:1: line longer than" in r.stderr and "Traceback" not in r.stderr


def test_a_file_with_too_many_lines_stops_at_the_cap(tmp_path, capsys):
    from liqgame.script_file import MAX_LINES

    path = tmp_path / "huge.jsonl"
    path.write_text("# nothing\n" * (MAX_LINES + 5))
    assert main([*COMMANDS["simulate"], str(path)]) == 2
    assert f"{path}:{MAX_LINES + 1}: more than" in one_line_error(capsys)


def test_missing_file_and_directory_are_one_line(tmp_path, capsys):
    for path in (tmp_path / "absent.jsonl", tmp_path):
        assert main([*COMMANDS["simulate"], str(path)]) == 2
        assert f"cannot read player file {path}" in one_line_error(capsys)


@pytest.mark.parametrize("args,reason", [
    (["--balance", "1e308"], "--balance must be a positive number of USD up to 1,000,000,000"),
    (["--balance", "inf"], "--balance"),
    (["--bots", str(10**9)], "--bots: expected a number up to 1,000,000"),
    (["--ticks", str(10**9)], "--ticks: expected a number up to 604,800"),
])
def test_balance_bots_and_ticks_have_upper_bounds(capsys, args, reason):
    assert main(["simulate", *args]) == 2
    assert reason in one_line_error(capsys)


def test_actions_after_the_last_tick_are_reported(tmp_path, capsys):
    path = tmp_path / "late.jsonl"
    path.write_text(OPEN + '{"tick": 50, "action": "close"}\n{"tick": 10, "action": "close"}\n')
    assert main(["simulate", "--ticks", "10", "--bots", "50", "--player", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    reason = "tick 50 is after the end of the run (tick 10); not applied"
    assert report["ignored_actions"] == [{"line": 2, "tick": 50, "action": "close", "reason": reason}]
    assert [r["tick"] for r in report["rejected_actions"]] == []  # the tick-10 close was applied, not dropped
    assert main(["simulate", "--ticks", "10", "--bots", "50", "--player", str(path)]) == 0
    assert "ignored line 2 (close): tick 50 is after the end of the run" in capsys.readouterr().out


def test_simulate_and_lessons_share_one_reader():
    from liqgame.commands import simulate
    from liqgame.lessons import headless

    assert not hasattr(simulate, "read_player_file") and not hasattr(headless, "parse_player_lines")
    assert headless.read_script.__module__ == simulate.read_script.__module__ == "liqgame.script_file"
