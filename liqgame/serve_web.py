"""The web side of ``liqgame serve``: textual-serve's server, hardened against what a browser may send.

What a page (or the directory serve was started from) must not be able to do, and what stops it:

* **Run code from the working directory.** The server and every game run with ``python -P`` (the
  current directory is not put on ``sys.path``) from ``/`` (see :mod:`liqgame.serve`), so a
  ``secrets.py`` or ``aiohttp_jinja2.py`` lying where serve was started is never imported.
* **Reach the server through another name (DNS rebinding).** Without ``--allow-remote`` every request
  must name this machine in its Host header (``localhost``, a loopback address, the ``--host`` given,
  the ``--public-url``'s host): a site whose name was re-pointed at 127.0.0.1 gets 403, not a game. A
  websocket's ``Origin`` must match its Host as well.
* **Make a game allocate gigabytes.** A tab gets at most ``MAX_COLUMNS`` x ``MAX_ROWS``, at start and
  on every resize.
* **Leave its game running.** When the websocket closes, the game is asked to quit; still there
  ``TAB_GRACE_S`` later, it gets SIGTERM, then SIGKILL.
* **Slow down stopping.** On SIGTERM the server ends its games first (SIGTERM, then SIGKILL after
  ``KILL_WAIT_S``); an ending game closes its websocket, so aiohttp's graceful shutdown has nothing
  left to wait for (it used to wait 20 s and more for the browsers).
* **Depend on the internet.** The page's font comes from this server (textual-serve ships Roboto
  Mono), never from Google Fonts: an offline classroom network sees the same page.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import re
import signal
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server, to_int

from .serve import game_command

TITLE = "liqgame"
TAB_GRACE_S = 3.0  # how long a game may take to quit after its tab went away
KILL_WAIT_S = 2.0  # after SIGTERM, before SIGKILL
MAX_COLUMNS, MAX_ROWS = 500, 200  # a 4K screen at a small font is about 400 x 150
MIN_COLUMNS, MIN_ROWS = 20, 5
GOOGLE_FONTS = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>", re.S)
LOCAL_FONT = ('<style>@font-face {font-family: "Roboto Mono"; '
              'src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");}</style>')


def clamp_size(width, height) -> tuple[int, int]:
    """A terminal size a tab asked for, within ``MIN``..``MAX`` (anything not a whole number: 80 x 24)."""
    width = width if type(width) is int else 80
    height = height if type(height) is int else 24
    return min(max(width, MIN_COLUMNS), MAX_COLUMNS), min(max(height, MIN_ROWS), MAX_ROWS)


def host_allowed(host_header: str | None, config: dict) -> bool:
    """Whether a request's Host names this server. Any host with ``--allow-remote`` and no
    ``--public-url``: then the names the machine is reached by are not known."""
    if config.get("allow_remote") and not config.get("public_url"):
        return True
    try:
        name = (urlsplit(f"//{host_header or ''}").hostname or "").rstrip(".")
    except ValueError:
        return False
    known = {config["host"].strip("[]").lower(), urlsplit(config.get("public_url") or "").hostname or ""} - {""}
    if name in known or name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class LocalFontLoader(jinja2.FileSystemLoader):
    """textual-serve's page template with its Google Fonts link replaced by the font it ships."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        return GOOGLE_FONTS.sub(LOCAL_FONT, source), filename, uptodate


class GameServer(Server):
    """textual-serve's :class:`Server` with liqgame's page, checks and clean-up (see module doc)."""

    def __init__(self, config: dict):
        super().__init__(game_command(Path(config["data_dir"])), host=config["host"], port=config["port"],
                         title=TITLE, public_url=config.get("public_url") or config["url"])
        self.config = config
        self.open_games: set = set()  # textual-serve AppService of every open tab
        self._reapers: set[asyncio.Task] = set()

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._check_host)
        aiohttp_jinja2.get_env(app).loader = LocalFontLoader(self.templates_path)
        return app

    async def on_startup(self, app) -> None:
        print(f"liqgame: open {self.config['url']} in a web browser; each tab plays its own game.\n"
              f"Scores are saved in {self.config['data_dir']}. Press Ctrl+C to stop.", flush=True)

    async def on_shutdown(self, app) -> None:
        """End every game before aiohttp waits for the open websockets (an ending game closes its
        websocket; aiohttp would otherwise wait for the browser, 20 s and more)."""
        await asyncio.gather(*(_end(service) for service in list(self.open_games)))

    @web.middleware
    async def _check_host(self, request, handler):
        if not host_allowed(request.headers.get("Host"), self.config):
            raise web.HTTPForbidden(text=f"liqgame: this server is not reached by that name ({request.host!r:.80}); "
                                         f"open {self.config['url']}")
        return await handler(request)

    def _base_url(self, request) -> str:
        # the address the browser typed, so the page works however the machine was reached
        return self.config.get("public_url") or f"{request.scheme}://{request.host}"

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request):
        base = self._base_url(request)
        router = request.app.router
        static = f"{base}{router['static'].url_for(filename='/')}".rstrip("/") + "/"
        ws = f"{base}{router['websocket'].url_for()}"
        ws = ("wss:" if ws.startswith("https:") else "ws:") + ws.split(":", 1)[1]
        return {"font_size": to_int(request.query.get("fontsize", "16"), 16), "app_websocket_url": ws,
                "config": {"static": {"url": static}}, "application": {"name": self.title}}

    async def handle_websocket(self, request):
        # a page from another site must not start games here (browsers send Origin on websockets)
        origin = request.headers.get("Origin")
        if origin:
            allowed = {request.host}
            if self.config.get("public_url"):
                allowed.add(urlsplit(self.config["public_url"]).netloc)
            if urlsplit(origin).netloc not in allowed:
                raise web.HTTPForbidden(text="liqgame: cross-site websocket refused")
        width, height = clamp_size(to_int(request.query.get("width", "80"), 80),
                                   to_int(request.query.get("height", "24"), 24))
        sized = request.rel_url.update_query(width=str(width), height=str(height))
        return await super().handle_websocket(request.clone(rel_url=sized))

    async def _process_messages(self, websocket, app_service) -> None:
        """textual-serve's message loop, with resizes clamped; when it ends (the tab went away),
        make sure the game ends too."""
        resize = app_service.set_terminal_size

        async def clamped(width, height) -> None:
            await resize(*clamp_size(width, height))

        app_service.set_terminal_size = clamped
        self.open_games.add(app_service)
        try:
            await super()._process_messages(websocket, app_service)
        finally:
            self.open_games.discard(app_service)
            task = asyncio.get_running_loop().create_task(_reap(app_service))
            self._reapers.add(task)
            task.add_done_callback(self._reapers.discard)


def _process(app_service):
    """The game process of a tab (textual-serve keeps it in ``AppService._process``)."""
    return getattr(app_service, "_process", None)


def _signal(app_service, sig: int) -> None:
    process = _process(app_service)
    if process is not None and process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)


async def _reap(app_service) -> None:
    """Give a tab's game ``TAB_GRACE_S`` to quit on its own (textual-serve asks it to), then end it."""
    if not await _exited(app_service, TAB_GRACE_S):
        await _end(app_service)


async def _end(app_service) -> None:
    """SIGTERM a tab's game (Textual's web driver exits cleanly on it), SIGKILL if it lingers."""
    _signal(app_service, signal.SIGTERM)
    if not await _exited(app_service, KILL_WAIT_S):
        _signal(app_service, signal.SIGKILL)
        await _exited(app_service, KILL_WAIT_S)


async def _exited(app_service, within: float) -> bool:
    process = _process(app_service)
    if process is None:
        return True
    try:
        await asyncio.wait_for(process.wait(), within)
    except asyncio.TimeoutError:
        return False
    return True


def make_server(config: dict) -> GameServer:
    return GameServer(config)
