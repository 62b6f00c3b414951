"""What a page, or the directory serve was started from, must not be able to do to ``liqgame serve``:
run code, reach it under another name, blow up a game's terminal, keep a game alive, or make the page
depend on the internet. (Stopping fast when the server alone gets SIGTERM: test_serve_processes.)"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import time
from pathlib import Path

import aiohttp
import pytest

from liqgame.serve_web import MAX_COLUMNS, MAX_ROWS, GameServer, clamp_size

from .conftest import alive
from .test_serve_processes import assert_all_gone, open_session

HOSTILE_MODULES = ("secrets", "aiohttp_jinja2", "tinydb")
HOSTILE = '''
import importlib, os, sys
with open({marker!r}, "a") as f:
    f.write(f"{{__name__}} ran in pid {{os.getpid()}}\\n")
sys.path[:] = [p for p in sys.path if p not in ("", ".", os.getcwd())]
del sys.modules[__name__]
sys.modules[__name__] = importlib.import_module(__name__)  # then behave, so the server keeps serving
'''


def environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode(errors="replace").split("=", 1) for item in raw if b"=" in item)


async def test_modules_in_the_working_directory_never_run(serve, tmp_path):
    hostile_dir = tmp_path / "downloads"
    hostile_dir.mkdir()
    marker = tmp_path / "pwned.txt"
    for name in HOSTILE_MODULES:
        (hostile_dir / f"{name}.py").write_text(HOSTILE.format(marker=str(marker)))
    served = serve(cwd=hostile_dir)
    async with aiohttp.ClientSession() as session:
        tab = await open_session(session, served.url)  # a game is drawing its title screen
        (game,) = await asyncio.to_thread(served.wait_games, 1)
        await asyncio.sleep(1.0)  # the menu's modules (secrets among them) load just after the first frame
        assert alive(game) and not marker.exists(), marker.read_text()
        assert os.readlink(f"/proc/{game}/cwd") != str(hostile_dir)
        assert os.readlink(f"/proc/{served.server_pid()}/cwd") != str(hostile_dir)
        await tab.close()


async def test_a_rebound_host_name_is_refused(serve):
    served = serve()
    evil = f"evil.example:{served.port}"
    ws = served.url.replace("http", "ws", 1) + "/ws"
    async with aiohttp.ClientSession() as s:
        for path in ("/", "/static/js/textual.js"):
            async with s.get(served.url + path, headers={"Host": evil}) as r:
                assert r.status == 403, path
        with pytest.raises(aiohttp.WSServerHandshakeError) as err:  # Origin matches Host: only Host can tell
            await s.ws_connect(ws, headers={"Host": evil, "Origin": f"http://{evil}"})
        assert err.value.status == 403
        assert served.game_pids() == []
        for host in (f"127.0.0.1:{served.port}", f"localhost:{served.port}", f"app.localhost:{served.port}"):
            async with s.get(served.url + "/", headers={"Host": host}) as r:
                assert r.status == 200, host


async def test_allow_remote_accepts_other_host_names(serve):
    served = serve("--allow-remote")
    async with aiohttp.ClientSession() as s:
        async with s.get(served.url + "/", headers={"Host": f"classroom-pc:{served.port}"}) as r:
            assert r.status == 200


async def test_a_huge_terminal_is_clamped_and_the_game_ends_with_its_tab(serve):
    served = serve()
    async with aiohttp.ClientSession() as session:
        ws = await session.ws_connect(served.url.replace("http", "ws", 1) + "/ws?width=3000&height=3000")
        while (await asyncio.wait_for(ws.receive(), 30)).type != aiohttp.WSMsgType.BINARY:
            pass
        (game,) = await asyncio.to_thread(served.wait_games, 1)
        env = environ(game)
        assert (int(env["COLUMNS"]), int(env["ROWS"])) == (MAX_COLUMNS, MAX_ROWS)
        await ws.send_json(["resize", {"width": 100_000, "height": 100_000}])
        await asyncio.sleep(1)
        rss_kb = int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{game}/status").read_text()).group(1))
        assert rss_kb < 400_000, f"{rss_kb} kB after a 100,000 x 100,000 resize"
        await ws.close()
        await asyncio.to_thread(assert_all_gone, [game], 10)
        assert alive(served.server_pid())


async def test_resizes_are_clamped_on_their_way_to_the_game():
    server = GameServer({"data_dir": "/tmp", "host": "127.0.0.1", "port": 1, "url": "http://127.0.0.1:1"})
    sizes = []

    class Service:
        async def set_terminal_size(self, width, height):
            sizes.append((width, height))

    class Socket:
        def __aiter__(self):
            return self._messages()

        async def _messages(self):
            for width, height in ((120, 40), (10**6, 10**6), (-5, 0), ("80", None)):
                resize = ["resize", {"width": width, "height": height}]
                yield aiohttp.WSMessage(aiohttp.WSMsgType.TEXT, json.dumps(resize), None)

    await server._process_messages(Socket(), Service())
    assert sizes == [(120, 40), (MAX_COLUMNS, MAX_ROWS), clamp_size(-5, 0), (80, 24)]
    assert clamp_size(-5, 0) == (20, 5)


async def test_the_page_loads_nothing_from_the_internet(serve):
    served = serve()
    async with aiohttp.ClientSession() as s:
        async with s.get(served.url + "/") as r:
            html = await r.text()
        urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)|url\(\s*["']?([^"')]+)""", html)
        urls = [a or b for a, b in urls]
        assert urls and "googleapis" not in html
        assert all(not u.startswith(("http:", "https:", "//")) or u.startswith(served.url) for u in urls), urls
        font = next(u for u in urls if u.endswith(".ttf"))
        async with s.get(font) as r:
            assert r.status == 200 and len(await r.read()) > 10_000
        async with s.get(served.url + "/static/js/textual.js") as r:  # and the terminal asks for that family
            assert "'Roboto Mono'" in await r.text()


async def test_a_game_that_ignores_its_closed_tab_is_ended(monkeypatch):
    """textual-serve only asks the game to quit; a game too busy to listen (or ignoring SIGTERM) still ends."""
    import sys

    from liqgame import serve_web

    monkeypatch.setattr(serve_web, "TAB_GRACE_S", 0.3)
    monkeypatch.setattr(serve_web, "KILL_WAIT_S", 0.3)
    stubborn = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)")

    class Service:
        _process = stubborn

    started = time.monotonic()
    await serve_web._reap(Service())
    assert stubborn.returncode == -signal.SIGKILL and time.monotonic() - started < 3
