"""The glossary shipped in ``assets/glossary.json``: every term on screen, in two lines."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from ...assets_io import asset_dir


@dataclass(frozen=True)
class Term:
    term: str
    lines: tuple[str, str]


@lru_cache(maxsize=1)
def glossary() -> tuple[Term, ...]:
    """The terms in file order; a missing or broken file gives an empty glossary, never a crash."""
    try:
        data = json.loads((asset_dir() / "glossary.json").read_text(encoding="utf-8"))
        return tuple(Term(str(t["term"]), (str(t["lines"][0]), str(t["lines"][1]))) for t in data["terms"])
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return ()
