"""Test helpers shared by the store tests and the writer subprocess: a fake deterministic engine
(score = sum of action pnl, state hash = sha256 of seed + actions) and session records built with it."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any


GAME_FIELDS = ("seed", "scenario", "rulebook", "bots", "starting_balance")  # how the fake game was set up
OUTCOME_FIELDS = ("final_equity", "liquidations", "max_drawdown")  # what the fake game "computes"


def fake_replay(record: dict[str, Any], actions: list[dict[str, Any]]) -> tuple[int, str, dict[str, Any]]:
    """What the real engine's replayer does, in miniature: from the session's config and actions
    (never from the fields the table shows) recompute the score, the final state hash, and the
    fields the table shows about the game."""
    config = record["config"]
    score = sum(action["pnl"] for action in actions)
    state = json.dumps([config["seed"], config["scenario"], actions], sort_keys=True)
    extras = {key: config[key] for key in GAME_FIELDS + OUTCOME_FIELDS}
    return score, hashlib.sha256(state.encode()).hexdigest(), extras


def _plain(value: Any) -> Any:
    """numpy scalars as the int/float JSON would give back."""
    return value.item() if hasattr(value, "item") else value


def make_session(i: int = 0, *, n_actions: int = 5, **overrides: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A session whose stored fields agree with ``fake_replay`` (unless ``score``/``state_hash`` are
    overridden; other overrides describe an honestly played game with those settings)."""
    actions = [{"t": k, "op": "buy" if k % 2 else "sell", "pnl": (i * 7 + k) % 13} for k in range(n_actions)]
    record: dict[str, Any] = {
        "name": f"player{i}",
        "date": f"2025-03-{1 + i % 28:02d}T12:00:{i % 60:02d}+00:00",
        "game_version": "0.1.0",
        "seed": 1000 + i,
        "scenario": "crash-2021",
        "rulebook": "standard",
        "bots": 300,
        "starting_balance": 10_000.0,
        "final_equity": 10_000.0 + i,
        "liquidations": i % 3,
        "max_drawdown": 0.125,
        "kind": "free",
    }
    record.update({key: value for key, value in overrides.items() if key not in ("score", "state_hash")})
    record["config"] = {key: _plain(record[key]) for key in GAME_FIELDS + OUTCOME_FIELDS}
    score, state_hash, _ = fake_replay(record, actions)
    record["score"] = overrides.get("score", score)
    record["state_hash"] = overrides.get("state_hash", state_hash)
    return record, actions


def read_json(path: Path) -> Any:
    return json.loads(Path(path).read_text())


def write_json(path: Path, data: Any) -> None:
    """Hand edit: rewrite a file in place, the way a text editor would."""
    Path(path).write_text(json.dumps(data, indent=1))


def edit_entry(index_path: Path, session_id: str, **fields: Any) -> None:
    """Change fields of one session entry in the index file by hand."""
    data = read_json(index_path)
    for entry in data["sessions"].values():
        if entry["id"] == session_id:
            entry.update(fields)
    write_json(index_path, data)


def edit_log(log_path: Path, edit) -> None:
    """Decompress a session file, let ``edit(body)`` change it, recompress it in place."""
    body = json.loads(gzip.decompress(Path(log_path).read_bytes()))
    edit(body)
    Path(log_path).write_bytes(gzip.compress(json.dumps(body).encode()))
