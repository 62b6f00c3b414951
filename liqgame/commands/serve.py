"""``liqgame serve``: the arguments and their checks; the server itself is :mod:`liqgame.serve`."""

from __future__ import annotations

import argparse
import json
import os
import sys

from .base import CliError


def _port(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 1 <= v <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 1 to 65535, got {v}")
    return v


def add_parser(sub) -> None:
    sv = sub.add_parser("serve", help="serve the game to web browsers (each tab its own game)",
                        description="Serve liqgame to web browsers: each tab that opens the page plays its own "
                                    "game; all tabs share one score store.")
    sv.add_argument("--host", default="127.0.0.1",
                    help="address to listen on (default 127.0.0.1: this machine only)")
    sv.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000)")
    sv.add_argument("--data-dir", help="where scores and settings are kept (shared by every tab)")
    sv.add_argument("--allow-remote", action="store_true",
                    help="allow a --host other than loopback (anyone who can reach it can play and write scores)")
    sv.add_argument("--public-url", metavar="URL",
                    help="the address browsers use to reach the server, if not the one they typed "
                         "(e.g. https://games.example.org behind a reverse proxy)")


def run(args) -> int:
    """Entry point of ``liqgame serve``: check the arguments, then supervise the server (see module doc)."""
    from ..serve import _url_host, is_loopback, server_main, supervise
    from ..store import resolve_data_dir

    host = args.host
    remote = not is_loopback(host)
    if remote and not args.allow_remote:
        raise CliError(f"liqgame serve: --host {host or repr(host)} is not a loopback address; add --allow-remote "
                       f"to let anyone who can reach it play and write scores")
    data_dir = resolve_data_dir(args.data_dir).expanduser().resolve()
    public_url = (args.public_url or "").rstrip("/") or None
    if public_url is not None and not public_url.startswith(("http://", "https://")):
        raise CliError(f"liqgame serve: --public-url must start with http:// or https://, got {args.public_url!r}")
    url = public_url or f"http://{_url_host(host)}:{args.port}"
    if remote:
        print(f"warning: serving on {host} port {args.port}: anyone who can reach this machine on that network "
              f"can play and write scores to {data_dir}", file=sys.stderr, flush=True)
    config = {"host": host, "port": args.port, "data_dir": str(data_dir), "public_url": public_url, "url": url,
              "allow_remote": bool(args.allow_remote)}
    if not hasattr(os, "killpg"):  # Windows: no process groups to end; textual-serve's own shutdown only
        return server_main(json.dumps(config), watch_parent=False)
    return supervise(config)
