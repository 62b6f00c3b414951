"""What a study is: the arguments that decide its results, and the manifest that records them.

Everything that changes a row is in the spec (and so in the manifest); how the runs are executed
(executor, workers, scheduler) is not, because it changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from .. import __version__

FORMAT = 1  # of the manifest and the rows; a directory written in another format is another study


@dataclass(frozen=True)
class StudySpec:
    scenario: str
    seeds: int  # runs use seeds 1..seeds
    rulebooks: tuple[str, ...]
    bots: int
    ticks: int
    balance: float = 10_000.0  # the player's starting balance, USD
    actions: tuple[str, ...] = ()  # the player's actions, one JSON object each (empty: no player file)

    @property
    def has_player(self) -> bool:
        return bool(self.actions)

    def action_log(self) -> list[dict]:
        return [json.loads(a) for a in self.actions]

    def tasks(self) -> list[tuple[str, int]]:
        """Every (rulebook, seed) run, in the order the finished files list them."""
        return [(rb, seed) for rb in self.rulebooks for seed in range(1, self.seeds + 1)]

    def manifest(self) -> dict:
        d = asdict(self)
        d["rulebooks"] = list(self.rulebooks)
        d["actions"] = list(self.actions)
        return {"liqgame_study": FORMAT, "game_version": __version__, **d}

    @property
    def digest(self) -> str:
        """A short name for the study (Dask task keys)."""
        text = json.dumps(self.manifest(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @staticmethod
    def differences(manifest: dict, other: dict) -> list[str]:
        """The fields in which two manifests differ (empty: the same study)."""
        keys = sorted(set(manifest) | set(other))
        return [k for k in keys if manifest.get(k) != other.get(k)]
