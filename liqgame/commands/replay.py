"""``liqgame replay ID``: watch a saved session again (read-only), or ``--verify`` it headless."""

from __future__ import annotations

from .base import CliError, open_store


def add_parser(sub) -> None:
    rp = sub.add_parser("replay", help="re-run a saved session (in the play screen, or headless with --verify)")
    rp.add_argument("session_id", nargs="?", help="session id (see `liqgame scores`)")
    rp.add_argument("--verify", action="store_true",
                    help="recompute score and final state hash headless and report mismatches")
    rp.add_argument("--all", action="store_true", help="with --verify: every saved session")
    rp.add_argument("--data-dir", help="where scores and settings are kept")


def _print_verdict(r) -> None:
    if not r.found:  # nothing was replayed: not a mismatch
        print(f"{r.session_id}: not found (see `liqgame scores` for the saved sessions)", flush=True)
        return
    print(f"{r.session_id}: {'verified' if r.ok else 'MISMATCH'}" + ("" if r.ok else f" - {r.reason}"), flush=True)


def run(args) -> int:
    from ..session import replayer

    store = open_store(args)
    if args.verify:
        if args.all:  # each verdict is recorded and printed as it is reached
            results = store.verify_all(replayer, on_result=_print_verdict)
        elif args.session_id:
            results = [store.verify(args.session_id, replayer)]
            _print_verdict(results[0])
        else:
            raise CliError("liqgame replay: give a session id or --all")
        return 1 if any(not r.ok for r in results) else 0
    if not args.session_id:
        raise CliError("liqgame replay: give a session id (see `liqgame scores`)")
    saved = load_checked(store, args.session_id, "replay")
    from ..ui.app import run_replay

    return run_replay(saved, args)


def load_checked(store, session_id: str, command: str):
    """A saved session (``liqgame.session.SavedSession``), checked before anything runs; a problem is
    one line on the command line."""
    from ..session import open_saved
    from ..store import ReplayRefused, StoreError

    try:
        return open_saved(store, session_id)
    except (StoreError, ReplayRefused) as e:
        raise CliError(f"liqgame {command}: {e}") from None
