"""No game process outlives ``liqgame serve``: SIGTERM, SIGINT, a dropped socket, a killed supervisor.

Sessions are opened with plain websocket clients (what textual-serve's page does), so these tests need
no browser; the browser tests check the same after real play.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap

import aiohttp
import pytest

from .conftest import alive, proc_stat, wait_until

WS_CLIENT = textwrap.dedent("""
    import asyncio, sys, aiohttp
    async def main():
        async with aiohttp.ClientSession() as s:
            async with s.ws_connect(sys.argv[1]) as ws:
                while True:
                    m = await ws.receive()
                    if m.type == aiohttp.WSMsgType.BINARY:
                        print("data", flush=True)
                        await asyncio.sleep(3600)
    asyncio.run(main())
""")


async def open_session(session: aiohttp.ClientSession, url: str) -> aiohttp.ClientWebSocketResponse:
    """Connect like a browser tab and wait for the game's first screen bytes."""
    ws = await session.ws_connect(url.replace("http", "ws", 1) + "/ws?width=100&height=30")
    while True:
        msg = await asyncio.wait_for(ws.receive(), 20)
        assert msg.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), msg
        if msg.type == aiohttp.WSMsgType.BINARY:
            return ws


def assert_all_gone(pids, timeout: float = 5.0) -> None:
    ok = wait_until(lambda: not [p for p in pids if alive(p)], timeout)
    left = [(p, proc_stat(p)) for p in pids if alive(p)]
    assert ok, f"still running {timeout:g} s after the server stopped: {left}"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_stopping_the_server_ends_every_game(serve, sig):
    served = serve()
    async with aiohttp.ClientSession() as session:
        tabs = [await open_session(session, served.url) for _ in range(3)]
        games = await asyncio.to_thread(served.wait_games, 3)
        server = served.server_pid()
        assert proc_stat(server)[2] == server  # the server leads its own process group...
        assert all(proc_stat(g)[2] == server for g in games)  # ...and every game is in it
        status = await asyncio.to_thread(served.stop, sig)  # the sockets are still open
        assert status == 0, served.output()
        await asyncio.to_thread(assert_all_gone, [server, *games])
        assert "liqgame serve: stopped" in served.output()
        for ws in tabs:
            await ws.close()


def test_dropped_socket_ends_its_game(serve):
    served = serve()
    client = subprocess.Popen([sys.executable, "-c", WS_CLIENT, served.url.replace("http", "ws", 1) + "/ws"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert client.stdout.readline().strip() == "data"
        (game,) = served.wait_games(1)
        client.kill()  # the browser vanishes without closing the websocket
        client.wait(5)
        assert_all_gone([game], timeout=10)
        assert served.proc.poll() is None and alive(served.server_pid())  # the server keeps serving
    finally:
        if client.poll() is None:
            client.kill()
            client.wait(5)


@pytest.mark.parametrize("target, sig, within", [("supervisor", signal.SIGKILL, 8), ("server", signal.SIGTERM, 5)],
                         ids=["supervisor-SIGKILL", "server-SIGTERM"])
async def test_games_end_when_a_serve_process_is_signalled(serve, target, sig, within):
    """SIGKILL to the supervisor: no chance to clean up, the server's watchdog must. SIGTERM to the server
    alone: it must end its games itself, fast (aiohttp's graceful shutdown used to wait 20 s and more)."""
    served = serve()
    async with aiohttp.ClientSession() as session:
        tabs = [await open_session(session, served.url) for _ in range(3)]
        games = await asyncio.to_thread(served.wait_games, 3)
        server = served.server_pid()
        os.kill(served.proc.pid if target == "supervisor" else server, sig)
        await asyncio.to_thread(assert_all_gone, [server, *games], within)
        assert await asyncio.to_thread(wait_until, lambda: served.proc.poll() is not None, 5)
        for ws in tabs:
            await ws.close()
