"""The served page: its websocket address follows the address the browser used (or --public-url), and a
page from another site cannot start games through the visitor's browser."""

from __future__ import annotations

import re

import aiohttp
import pytest


def ws_url(html: str) -> str:
    m = re.search(r'data-session-websocket-url="([^"]+)"', html)
    assert m, html[:2000]
    return m.group(1)


async def test_page_points_at_the_address_the_browser_used(serve):
    served = serve()
    async with aiohttp.ClientSession() as s:
        async with s.get(served.url + "/") as r:
            assert r.status == 200
            html = await r.text()
        assert ws_url(html) == f"ws://127.0.0.1:{served.port}/ws"
        assert f'href="http://127.0.0.1:{served.port}/static/css/xterm.css"' in html
        assert "<div>liqgame</div>" in html  # the connecting card names the game, not the shell command
        async with s.get(served.url + "/", headers={"Host": f"localhost:{served.port}"}) as r:
            assert ws_url(await r.text()) == f"ws://localhost:{served.port}/ws"


async def test_public_url_is_used_for_the_page(serve):
    served = serve("--public-url", "https://games.example.org/")
    async with aiohttp.ClientSession() as s:
        async with s.get(served.url + "/") as r:
            html = await r.text()
    assert ws_url(html) == "wss://games.example.org/ws"
    assert 'href="https://games.example.org/static/css/xterm.css"' in html


async def test_cross_site_websocket_is_refused(serve):
    served = serve()
    ws = served.url.replace("http", "ws", 1) + "/ws"
    async with aiohttp.ClientSession() as s:
        with pytest.raises(aiohttp.WSServerHandshakeError) as err:
            await s.ws_connect(ws, headers={"Origin": "http://evil.example"})
        assert err.value.status == 403
        assert served.game_pids() == []  # no game was started for it
        async with s.ws_connect(ws, headers={"Origin": served.url}) as ok:  # the page's own origin is fine
            msg = await ok.receive(timeout=20)
            assert msg.type == aiohttp.WSMsgType.BINARY
