"""A small headless-Chromium driver over the DevTools protocol (aiohttp websockets), for the serve tests.

The page's terminal is xterm.js drawn on a canvas/WebGL, so its text is not in the DOM. Before the page's
scripts run, :data:`HOOK` catches the ``Terminal`` object when textual-serve's page stores it
(``this.terminal = new Terminal(...)``) and keeps it as ``window.__liqTerm``; :meth:`Tab.screen_text` then
reads xterm's own screen buffer, i.e. exactly what the browser holds for that tab.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

import aiohttp
import contextlib

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
         "--disable-backgrounding-occluded-windows", "--mute-audio"]
WIDTH, HEIGHT = 1400, 900

HOOK = """
(() => {
  Object.defineProperty(Object.prototype, 'terminal', {
    configurable: true,
    get() { return undefined; },
    set(v) {
      Object.defineProperty(this, 'terminal', {value: v, writable: true, configurable: true, enumerable: true});
      if (v && v.buffer && v.buffer.active && !window.__liqTerm) window.__liqTerm = v;
    },
  });
})();
"""

SCREEN_JS = """
(() => {
  const t = window.__liqTerm;
  if (!t) return null;
  const b = t.buffer.active, out = [];
  for (let y = 0; y < t.rows; y++) {
    const line = b.getLine(b.viewportY + y);
    out.push(line ? line.translateToString(true) : '');
  }
  return out.join('\\n');
})()
"""

KEYS = {  # name -> (key, code, windowsVirtualKeyCode, text, modifiers)
    "enter": ("Enter", "Enter", 13, "\r", 0),
    "escape": ("Escape", "Escape", 27, "", 0),
    "tab": ("Tab", "Tab", 9, "", 0),
    "space": (" ", "Space", 32, " ", 0),
}


def find_chromium() -> str | None:
    for name in (os.environ.get("LIQGAME_CHROMIUM"), "chromium", "chromium-browser", "/usr/bin/chromium"):
        if name and (path := shutil.which(name)):
            return path
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def key_event(name: str) -> tuple[str, str, int, str, int]:
    if name in KEYS:
        return KEYS[name]
    if name.startswith("ctrl+") and len(name) == 6:
        ch = name[-1]
        return ch, f"Key{ch.upper()}", ord(ch.upper()), "", 2
    if len(name) == 1:
        code = f"Key{name.upper()}" if name.isalpha() else (f"Digit{name}" if name.isdigit() else "")
        vk = ord(name.upper()) if name.isalnum() else 0
        return name, code, vk, name, 0
    raise ValueError(f"unknown key {name!r}")


class Tab:
    """One page target: commands, screen text, keys, screenshots."""

    def __init__(self, session: aiohttp.ClientSession, ws: aiohttp.ClientWebSocketResponse):
        self.session = session
        self.ws = ws
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future] = {}
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for msg in self.ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            fut = self._pending.pop(data.get("id"), None)
            if fut is not None and not fut.done():
                fut.set_result(data)
        for fut in self._pending.values():
            if not fut.done():
                fut.set_exception(ConnectionError("DevTools connection closed"))

    async def call(self, method: str, **params):
        mid = next(self._ids)
        fut = asyncio.get_running_loop().create_future()
        self._pending[mid] = fut
        await self.ws.send_json({"id": mid, "method": method, "params": params})
        data = await asyncio.wait_for(fut, 15)
        if "error" in data:
            raise RuntimeError(f"{method}: {data['error']}")
        return data.get("result", {})

    async def open(self, url: str) -> None:
        await self.call("Page.enable")
        await self.call("Page.addScriptToEvaluateOnNewDocument", source=HOOK)
        await self.call("Page.navigate", url=url)

    async def evaluate(self, expression: str):
        res = await self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return res.get("result", {}).get("value")

    async def screen_text(self) -> str:
        return await self.evaluate(SCREEN_JS) or ""

    async def wait_text(self, *needles: str, timeout: float = 20.0) -> str:
        """Poll the terminal until every needle is on screen; AssertionError with the screen if not."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = await self.screen_text()
            if all(n in text for n in needles):
                return text
            await asyncio.sleep(0.15)
        raise AssertionError(f"timed out after {timeout:g} s waiting for {needles!r}; the screen shows:\n{text}")

    async def focus_terminal(self) -> None:
        await self.call("Page.bringToFront")
        await self.evaluate("document.querySelector('.xterm-helper-textarea').focus()")

    async def press(self, *names: str, pause: float = 0.05) -> None:
        await self.focus_terminal()
        for name in names:
            key, code, vk, text, mods = key_event(name)
            common = dict(key=key, code=code, windowsVirtualKeyCode=vk, nativeVirtualKeyCode=vk, modifiers=mods)
            await self.call("Input.dispatchKeyEvent", type="keyDown" if text else "rawKeyDown", text=text,
                            **common)
            await self.call("Input.dispatchKeyEvent", type="keyUp", **common)
            await asyncio.sleep(pause)

    async def screenshot(self, path) -> None:
        res = await self.call("Page.captureScreenshot", format="png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(res["data"]))

    async def close(self) -> None:
        self._reader.cancel()
        await self.ws.close()


class Browser:
    """Headless Chromium with a fresh profile and a DevTools port on loopback."""

    def __init__(self, binary: str):
        self.binary = binary
        self.port = free_port()
        self.profile = tempfile.TemporaryDirectory(prefix="liqgame-chromium-")
        self.proc: subprocess.Popen | None = None
        self.session: aiohttp.ClientSession | None = None
        self.tabs: list[Tab] = []

    async def __aenter__(self) -> "Browser":
        self.proc = subprocess.Popen(
            [self.binary, *FLAGS, f"--user-data-dir={self.profile.name}", f"--window-size={WIDTH},{HEIGHT}",
             f"--remote-debugging-port={self.port}", "--remote-debugging-address=127.0.0.1", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.session = aiohttp.ClientSession()
        deadline = time.monotonic() + 30
        while True:
            try:
                async with self.session.get(f"http://127.0.0.1:{self.port}/json/version") as r:
                    self.version = await r.json()
                    break
            except (aiohttp.ClientError, json.JSONDecodeError):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{self.binary} did not open its DevTools port "
                                       f"(exit status {self.proc.poll()})") from None
                await asyncio.sleep(0.1)
        return self

    async def new_tab(self, url: str) -> Tab:
        """A new page (own window size), with the terminal hook installed, navigated to ``url``."""
        async with self.session.ws_connect(self.version["webSocketDebuggerUrl"], max_msg_size=0) as bws:
            browser = Tab(self.session, bws)
            try:
                target = await browser.call("Target.createTarget", url="about:blank", width=WIDTH, height=HEIGHT,
                                            newWindow=True)
            finally:
                await browser.close()
        ws = await self.session.ws_connect(
            f"ws://127.0.0.1:{self.port}/devtools/page/{target['targetId']}", max_msg_size=0)
        tab = Tab(self.session, ws)
        self.tabs.append(tab)
        await tab.call("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT, deviceScaleFactor=1,
                       mobile=False)
        await tab.open(url)
        return tab

    async def __aexit__(self, *exc) -> None:
        for tab in self.tabs:
            with contextlib.suppress(Exception):
                await tab.close()
        if self.session is not None:
            await self.session.close()
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, 15)
                self.proc.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, 9)
                self.proc.wait(5)
        self.profile.cleanup()
