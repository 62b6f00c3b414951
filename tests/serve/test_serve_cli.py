"""``liqgame serve`` arguments: loopback only unless --allow-remote, one-line errors, a clean game handshake."""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import time

import pytest

from liqgame.serve import game_command, is_loopback

from .cdp import free_port
from .conftest import serve_cmd


def run_serve(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(serve_cmd(*args), capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.1", ""])
def test_non_loopback_host_refused_without_allow_remote(host, tmp_path):
    r = run_serve("--host", host, "--port", str(free_port()), "--data-dir", str(tmp_path), timeout=15)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "not a loopback address" in lines[0] and "--allow-remote" in lines[0]
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("host,expected", [
    ("127.0.0.1", True), ("127.3.2.1", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("0.0.0.0", False), ("::", False), ("", False), ("192.168.1.20", False), ("10.0.0.1", False),
])
def test_is_loopback(host, expected):
    assert is_loopback(host) is expected


def test_allow_remote_warns_that_anyone_can_play(tmp_path):
    # 192.0.2.1 (TEST-NET-1) is never a local address: the warning is printed, then binding fails cleanly,
    # so the test never actually listens beyond loopback.
    r = run_serve("--host", "192.0.2.1", "--allow-remote", "--port", str(free_port()), "--data-dir", str(tmp_path))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert lines[0].startswith("warning:") and "anyone" in lines[0] and "scores" in lines[0], r.stderr
    assert len(lines) == 2 and lines[1].startswith("liqgame serve: cannot listen on 192.0.2.1"), r.stderr


def test_port_in_use_is_one_clear_line(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = run_serve("--port", str(port), "--data-dir", str(tmp_path))
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.strip().splitlines() == [f"liqgame serve: cannot listen on 127.0.0.1 port {port}: "
                                             f"Address already in use"]


@pytest.mark.parametrize("args,msg", [(["--port", "0"], "expected a port from 1 to 65535"),
                                      (["--port", "http"], "expected a port number"),
                                      (["--public-url", "games.example.org"], "must start with http")])
def test_bad_arguments_one_line(args, msg, tmp_path):
    r = run_serve(*args, "--data-dir", str(tmp_path), timeout=15)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and msg in r.stderr, r.stderr


def test_game_prints_nothing_before_the_textual_handshake(tmp_path):
    """textual-serve reads Textual's handshake line from the game's stdout: nothing may come before it."""
    env = dict(os.environ, TEXTUAL_DRIVER="textual.drivers.web_driver:WebDriver", COLUMNS="100", ROWS="30",
               TEXTUAL_COLOR_SYSTEM="truecolor", LIQGAME_HOME=str(tmp_path / "home"))
    data_dir = tmp_path / "saves;touch injected $HOME 'o\"k'"  # the command is run by a shell: quoting matters
    proc = subprocess.Popen(game_command(data_dir), shell=True, env=env, cwd=tmp_path, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 20)
        assert ready, "the game wrote nothing to stdout within 20 s"
        first = proc.stdout.readline()
        assert first == b"__GANGLION__\n", f"stdout before the handshake: {first[:200]!r}"
        quit_meta = json.dumps({"type": "quit"}).encode()
        proc.stdin.write(b"M" + len(quit_meta).to_bytes(4, "big") + quit_meta)
        proc.stdin.flush()
        deadline = time.monotonic() + 15
        while proc.poll() is None and time.monotonic() < deadline:
            if select.select([proc.stdout], [], [], 0.2)[0]:
                proc.stdout.read1(65536)  # keep the pipe drained while the app exits
        assert proc.poll() == 0, proc.stderr.read().decode(errors="replace")[-2000:]
        assert data_dir.is_dir() and not (tmp_path / "injected").exists()  # the path arrived verbatim
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(5)
