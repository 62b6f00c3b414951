"""Judging a replay: does the game the session file replays to match what the score table shows?

The store never imports the engine; it calls a *replayer* (``liqgame.session.replayer``) that rebuilds
the game from the session file's config and action log and reports what came out of it. A session
passes only if the score, the final state hash and every field the table shows about the game
(``BOUND_FIELDS``) come out of the replay as shown, and the index agrees with the session file. A
replay that reports fewer fields cannot vouch for the others, so it fails too.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping

from .records import INDEX_FIELDS, as_number, printable

Replayer = Callable[[dict, list], tuple]
# What the table shows about how a game was played: verification fails unless the replay itself
# reports each of these, and each equals what the table shows.
BOUND_FIELDS = ("seed", "scenario", "rulebook", "bots", "starting_balance", "final_equity", "liquidations",
                "max_drawdown")


class ReplayRefused(ValueError):
    """Raised by a replayer for a session it will not run (a config the game cannot produce, a
    field out of bounds); the verdict says why instead of naming an exception."""


def _same_number(a: Any, b: Any) -> bool:
    if a == b:
        return True
    return as_number(a) is not None and as_number(b) is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _same_value(a: Any, b: Any) -> bool:
    """Equal text, or equal numbers (up to float rounding); a number never equals text or None."""
    if isinstance(a, str) or isinstance(b, str) or a is None or b is None:
        return a == b
    return _same_number(a, b)


def _unpack_replay(outcome: Any) -> tuple[int | float, str, Mapping[str, Any]]:
    """Accept ``(score, state_hash)`` or ``(score, state_hash, {recomputed field: value})``."""
    if not isinstance(outcome, (tuple, list)) or len(outcome) not in (2, 3):
        raise TypeError(f"replayer must return (score, state_hash[, extras]), got {outcome!r:.80}")
    score, state_hash = as_number(outcome[0]), outcome[1]
    extras = outcome[2] if len(outcome) == 3 else {}
    if score is None or not isinstance(state_hash, str) or not isinstance(extras, Mapping):
        raise TypeError(f"replayer returned bad types: {outcome!r:.80}")
    return score, state_hash, extras


def judge(entry: Mapping[str, Any], record: Mapping[str, Any], actions: list[dict[str, Any]],
          replayer: Replayer) -> tuple[bool, str]:
    """Replay ``record`` + ``actions`` and compare with the index ``entry``; (ok, reason)."""
    try:
        score, state_hash, extras = _unpack_replay(replayer(dict(record, id=entry["id"]), actions))
    except ReplayRefused as exc:
        return False, f"replay refused: {exc}"[:300]
    except Exception as exc:  # a replay bug or a hostile log must not crash the game
        return False, f"replay failed: {type(exc).__name__}: {exc}"[:300]
    problems = []
    if not _same_number(score, entry["score"]):
        problems.append(f"stored score {entry['score']} but the replay scores {score}")
    if state_hash != record["state_hash"]:
        problems.append("final state hash differs from the replay")
    unconfirmed = [key for key in BOUND_FIELDS if key not in extras]
    if unconfirmed:
        problems.append(f"the replay does not confirm {', '.join(unconfirmed)}")
    for key, value in extras.items():
        stored = entry.get(key, record.get(key))
        if not _same_value(value, stored):
            problems.append(f"stored {key} {printable(stored, 40)} but the replay gives {printable(value, 40)}")
    changed = [key for key in INDEX_FIELDS if entry[key] != record[key]]
    if changed:
        problems.append(f"index differs from the session file in {', '.join(changed)}")
    return (False, "; ".join(problems)) if problems else (True, "replay matches")
