"""The engine's shipped data: venues (tiers, fees, rulebooks) and the crowd's personas, in ``assets/``.

Read once, at import, from the installed package ``liqgame.assets``; a run still depends only on
(seed, rulebook, scenario, action log), because the data ships with the code that plays it.
"""

from __future__ import annotations

import json
from importlib import resources


def asset_json(name: str) -> dict:
    """One JSON file of ``assets/`` (``venues.json``, ``personas.json``)."""
    return json.loads((resources.files("liqgame.assets") / name).read_text(encoding="utf-8"))
