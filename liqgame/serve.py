"""``liqgame serve``: play the same game in a web browser, one game process per tab (textual-serve).

    liqgame serve [--host 127.0.0.1] [--port 8000] [--data-dir DIR] [--allow-remote] [--public-url URL]

Each browser tab that opens the page gets its own ``liqgame play --data-dir DIR`` process (textual-serve's
model): its own player session, its own game. All tabs share one save store (``DIR``), which is safe
because the store locks the file and writes atomically. The game code is unchanged: Textual's web driver
talks to textual-serve over the process's stdin/stdout, so ``liqgame play`` must print nothing to stdout
before Textual starts (textual-serve waits for Textual's ``__GANGLION__`` handshake line).

Only loopback by default: a non-loopback ``--host`` is refused unless ``--allow-remote`` is given, and then
a warning says that anyone who can reach the address can play and write scores.

The web side (the page, the websocket, and what a browser may ask of it) is in :mod:`liqgame.serve_web`,
including how the server is hardened against the directory it was started from and against hostile pages.

How the game processes are cleaned up
-------------------------------------
textual-serve starts one app process per websocket (``asyncio.create_subprocess_shell``) and does not
reliably end them when the server stops; an app whose socket dropped can keep running and spin a CPU.
So ``liqgame serve`` is two processes:

* the **supervisor** (the process you started) serves nothing itself: it starts the web server as a child
  with ``start_new_session=True`` (``setsid``), so the server leads a fresh process group, and waits;
* the **server** runs textual-serve.  Its game command is ``exec python -m liqgame play ...``: the shell
  is replaced by the game, so every game process is a direct member of the server's process group.

On Ctrl+C (SIGINT), SIGTERM or SIGHUP the supervisor sends SIGTERM to the whole group: the server shuts
down and each game exits normally (Textual's web driver turns SIGTERM into an ordinary app exit).
SIGTERM sent to the server alone does the same: the server ends its games first (see ``serve_web``).
Anything still alive after a short grace period gets SIGKILL.  The supervisor does the same if the server
dies on its own.  If the supervisor itself is killed outright (SIGKILL), a watchdog thread in the server
notices that its parent changed and ends the group.  Ending a process group catches every game, whatever
state its socket is in, and anything a game might have started.  (The supervisor uses ``/proc`` to see
which members are still alive; without ``/proc`` it just waits the grace period.  On Windows, which has
no process groups, the server runs in-process and only textual-serve's own shutdown applies.)
"""

from __future__ import annotations

import ipaddress
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
import contextlib

GRACE_S = 3.0  # how long games get to exit after SIGTERM before SIGKILL
SAFE_CWD = "/"  # where the server and the games run: never the directory serve was started from


# ---------------------------------------------------------------------------------------------- CLI


def is_loopback(host: str) -> bool:
    """True if ``host`` only ever means this machine (127.0.0.0/8, ::1, localhost)."""
    h = host.strip().strip("[]").lower()
    if not h:
        return False  # "" means every interface
    if h == "localhost" or h.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(h, None)
    except (OSError, UnicodeError):
        return False
    addrs = {info[4][0] for info in infos}
    return bool(addrs) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addrs)


def python_command(*args: str) -> list[str]:
    """This Python with ``-P``: the working directory is not put on ``sys.path`` (see module doc)."""
    return [sys.executable, "-P", *args]


def game_command(data_dir: Path) -> str:
    """The shell command textual-serve runs for each tab (``exec``: no shell process left in between)."""
    return "exec " + shlex.join(python_command("-m", "liqgame", "play", "--data-dir", str(data_dir)))


def _url_host(host: str) -> str:
    h = host.strip().strip("[]")
    try:
        addr = ipaddress.ip_address(h)
    except ValueError:
        return h
    if addr.is_unspecified:  # 0.0.0.0 / :: : show a name others can use
        return socket.gethostname()
    return f"[{h}]" if addr.version == 6 else h


# ------------------------------------------------------------------------------ process groups


def live_members(pgid: int) -> list[int] | None:
    """Pids of the processes in group ``pgid`` that are not zombies; None if ``/proc`` is unavailable."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    pids = []
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()  # after "(comm)": state ppid pgrp ...
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] not in (b"Z", b"X"):
            pids.append(int(name))
    return pids


def _group_gone(pgid: int) -> bool:
    members = live_members(pgid)
    if members is not None:
        return not members
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def end_group(pgid: int, grace: float = GRACE_S, *, spare: int | None = None) -> None:
    """SIGTERM every process of group ``pgid``, wait up to ``grace`` s for them to exit, SIGKILL what is left.

    With ``spare`` (the caller's own pid, when the caller is in the group) that process is not sent SIGTERM
    and is not waited for, but the final SIGKILL ends the whole group, the caller included.
    """
    try:
        if spare is None:
            os.killpg(pgid, signal.SIGTERM)
        else:
            for pid in live_members(pgid) or ():
                if pid != spare:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        members = live_members(pgid)
        if members is not None and not [p for p in members if p != spare]:
            break
        time.sleep(0.05)
    if spare is None and _group_gone(pgid):
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


# ---------------------------------------------------------------------------------- supervisor


def supervise(config: dict) -> int:
    """Run the server in its own session; on SIGINT/SIGTERM/SIGHUP (or if it dies) end its whole group."""
    received: list[int] = []

    def on_signal(signum, frame):
        received.append(signum)

    handled = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    previous = {s: signal.signal(s, on_signal) for s in handled}
    try:
        server = subprocess.Popen(
            python_command("-c", "import sys; from liqgame.serve import server_main; "
                                 "sys.exit(server_main(sys.argv[1]))", json.dumps(config)),
            start_new_session=True, stdin=subprocess.DEVNULL, cwd=SAFE_CWD)
        pgid = server.pid  # a session leader's pid is its process group id
        try:
            while not received and server.poll() is None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    server.wait(timeout=0.2)
        finally:
            end_group(pgid)
            try:
                server.wait(timeout=GRACE_S)
            except subprocess.TimeoutExpired:  # cannot happen after SIGKILL, but never hang
                server.kill()
                server.wait()
        if received:
            print("liqgame serve: stopped", file=sys.stderr, flush=True)
            return 0
        return server.returncode if server.returncode >= 0 else 1
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


# -------------------------------------------------------------------------------------- server


def _watch_parent(parent: int) -> None:
    """Runs in the server: if the supervisor disappears (killed outright), end the games and the server."""
    while os.getppid() == parent:
        time.sleep(0.5)
    end_group(os.getpgrp(), spare=os.getpid())  # ends with SIGKILL to the group, this server included


def check_bind(host: str, port: int) -> str | None:
    """Why ``host``:``port`` cannot be listened on (None if it can), checked before the server says hello."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (OSError, UnicodeError) as e:
        return f"unknown address ({getattr(e, 'strerror', None) or e})"
    for family, kind, proto, _, addr in infos:
        with socket.socket(family, kind, proto) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp does
            if family == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                s.bind(addr)
            except OSError as e:
                return e.strerror or str(e)
    return None


def server_main(config_json: str, watch_parent: bool = True) -> int:
    """The server process (started by :func:`supervise` in a new session)."""
    config = json.loads(config_json)
    if watch_parent:
        threading.Thread(target=_watch_parent, args=(os.getppid(),), name="parent-watch", daemon=True).start()
    problem = check_bind(config["host"], config["port"])
    if problem is None:
        from .serve_web import make_server

        server = make_server(config)
        try:
            server.serve()
            return 0
        except OSError as e:  # lost a race for the port
            problem = e.strerror or str(e)
    print(f"liqgame serve: cannot listen on {config['host']} port {config['port']}: {problem}",
          file=sys.stderr, flush=True)
    return 2
