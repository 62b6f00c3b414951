"""Fixtures for ``liqgame serve``: a running server on a free loopback port, its processes, Chromium."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from liqgame.store import Store

from .cdp import find_chromium, free_port
import contextlib


def proc_stat(pid: int) -> tuple[str, int, int] | None:
    """(state, ppid, pgrp) of a process from /proc, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    fields = raw[raw.rfind(b")") + 2:].split()
    return fields[0].decode(), int(fields[1]), int(fields[2])


def alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    st = proc_stat(pid)
    return st is not None and st[0] not in ("Z", "X")


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def all_pids() -> list[int]:
    return [int(n) for n in os.listdir("/proc") if n.isdigit()]


def children(pid: int) -> list[int]:
    return [p for p in all_pids() if (st := proc_stat(p)) and st[1] == pid]


def wait_until(pred, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if pred():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(step)


@dataclass
class Served:
    """A ``liqgame serve`` started by a test: the supervisor process and what it started."""

    proc: subprocess.Popen
    port: int
    data_dir: Path
    log: Path
    seen: set[int] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def server_pid(self) -> int:
        """The web server: the supervisor's child, leader of its own process group."""
        found: list[int] = []
        assert wait_until(lambda: bool(found.extend(children(self.proc.pid)) or found), 10), "no server process"
        return found[0]

    def game_pids(self) -> list[int]:
        """Live game processes of the server's process group (remembered in ``seen`` for later checks)."""
        pgid = self.server_pid()
        games = [p for p in all_pids()
                 if (st := proc_stat(p)) and st[2] == pgid and p != pgid and st[0] not in ("Z", "X")
                 and "liqgame play" in cmdline(p)]
        self.seen.update(games)
        return games

    def wait_games(self, n: int, timeout: float = 15) -> list[int]:
        games: list[int] = []
        ok = wait_until(lambda: len(games := self.game_pids()) >= n, timeout, 0.1)
        games = self.game_pids()
        assert ok, f"expected {n} game processes, found {games}"
        return games

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        """Signal the supervisor and wait for it; returns its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout)


def serve_cmd(*args: str) -> list[str]:
    """The installed ``liqgame`` script when there is one (what players run: it does not put the current
    directory on ``sys.path``, which ``python -m`` would), else ``python -m liqgame``."""
    script = Path(sys.executable).with_name("liqgame")
    return [str(script), "serve", *args] if script.exists() else [sys.executable, "-m", "liqgame", "serve", *args]


def wait_listening(port: int, proc: subprocess.Popen, timeout: float = 20) -> None:
    def up() -> bool:
        assert proc.poll() is None, f"liqgame serve exited early with status {proc.returncode}"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return False

    assert wait_until(up, timeout, 0.1), f"liqgame serve did not listen on port {port} within {timeout} s"


@pytest.fixture
def serve(tmp_path, monkeypatch):
    """Start ``liqgame serve`` (subprocess, free loopback port, --data-dir in tmp_path); always cleaned up."""
    monkeypatch.setenv("LIQGAME_HOME", str(tmp_path / "liqgame-home"))  # never the real user data dir
    started: list[Served] = []

    def start(*extra: str, cwd: Path | None = None) -> Served:
        port = free_port()
        data_dir = tmp_path / "data"
        Store(data_dir).save_settings(welcomed=True)  # the first-launch welcome is tested in tests/ui
        log = tmp_path / f"serve-{port}.log"
        with open(log, "wb") as out:
            proc = subprocess.Popen(serve_cmd("--port", str(port), "--data-dir", str(data_dir), *extra),
                                    stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd)
        s = Served(proc, port, data_dir, log)
        started.append(s)
        wait_listening(port, proc)
        return s

    yield start
    for s in started:  # belt and braces: never leave a server or a game behind, even when a test failed
        pgids = set()
        with contextlib.suppress(TypeError):
            pgids = {proc_stat(p)[2] for p in children(s.proc.pid) if proc_stat(p)}
        if s.proc.poll() is None:
            s.proc.send_signal(signal.SIGTERM)
            try:
                s.proc.wait(15)
            except subprocess.TimeoutExpired:
                s.proc.kill()
                s.proc.wait(5)
        for pgid in pgids:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
        for pid in s.seen:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture
def chromium() -> str:
    path = find_chromium()
    if path is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run tries to): browser tests skipped")
    return path
