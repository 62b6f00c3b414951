"""Reading the data files shipped in ``assets/`` (installed as the package ``liqgame.assets``).

The engine never does I/O; this module reads and parses, and hands plain data over.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .engine import Scenario, ScenarioError, scenario_from_dict


def asset_dir() -> Path:
    return Path(str(resources.files("liqgame.assets")))


@lru_cache(maxsize=1)
def scenarios() -> dict[str, Scenario]:
    """All scenarios by name, in a stable order (calm first, then alphabetical)."""
    out = {}
    for path in sorted((asset_dir() / "scenarios").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise ScenarioError(f"{path}: cannot read ({e})") from None
        s = scenario_from_dict(data, where=str(path))
        out[s.name] = s
    order = sorted(out, key=lambda n: (n != "calm", n))
    return {n: out[n] for n in order}


def get_scenario(name: str) -> Scenario:
    table = scenarios()
    if name not in table:
        raise ValueError(f"unknown scenario {name!r}; choose one of: {', '.join(table)}")
    return table[name]


@lru_cache(maxsize=1)
def play_data() -> dict:
    """What the menu offers (difficulties, balance range, the daily rotation): ``assets/play.json``."""
    path = asset_dir() / "play.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ScenarioError(f"{path}: cannot read ({e})") from None
