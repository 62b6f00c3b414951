"""The layer rules, read off every module's imports (in the spirit of Harlequin's import-hygiene test).

* the engine imports nothing of liqgame outside itself;
* the store never imports the engine;
* the lessons never import the UI;
* everything outside the engine uses only its public face: ``liqgame.engine`` itself, never a
  submodule such as ``liqgame.engine.ledger``;
* the UI's views are Textual-free (no ``textual``, no screen or widget): they are tested without an app;
  widgets never import screens.

The checker is tested on hand-made violations too, so it cannot pass by seeing nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "liqgame"
ENGINE_MODULES = {p.stem for p in (ROOT / "engine").glob("*.py")}


def imported(path: Path, source: str | None = None) -> list[str]:
    """Absolute names of the liqgame modules a file imports (relative imports resolved)."""
    tree = ast.parse(source if source is not None else path.read_text())
    package = ["liqgame", *path.relative_to(ROOT).parent.parts]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            out.append(module)
            # ``from . import x`` or ``from .engine import orders``: x may be a submodule
            out += [f"{module}.{a.name}" for a in node.names if a.name in SUBMODULES.get(module, ())]
    return [m for m in out if m == "liqgame" or m.startswith("liqgame.") or m.split(".")[0] == "textual"]


def _face() -> set[str]:
    import liqgame.engine

    return set(liqgame.engine.__all__)


# submodules a ``from package import name`` may name; the engine's face re-exports ``actions`` and ``events``
SUBMODULES = {"liqgame.engine": ENGINE_MODULES - _face()}


def layer(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    if parts[:2] in (("ui", "views"), ("ui", "widgets"), ("ui", "screens")) and len(parts) > 2:
        return "/".join(parts[:2])
    return parts[0] if len(parts) > 1 else "top"


def _in(m: str, package: str) -> bool:
    return m == package or m.startswith(package + ".")


def violations(path: Path, source: str | None = None) -> list[str]:
    here = layer(path)
    found = []
    for m in imported(path, source):
        if here == "engine":
            if not (m == "liqgame.engine" or m.startswith("liqgame.engine.")):
                found.append(f"the engine imports {m}")
            continue
        if m.startswith("liqgame.engine.") and here != "engine":
            found.append(f"{here} reaches into the engine: {m} (use liqgame.engine's public face)")
        if here == "store" and (m == "liqgame.engine" or m.startswith("liqgame.engine.")):
            found.append(f"the store imports the engine: {m}")
        if here == "lessons" and _in(m, "liqgame.ui"):
            found.append(f"the lessons import the UI: {m}")
        if here == "ui/views" and (_in(m, "textual") or _in(m, "liqgame.ui.screens") or _in(m, "liqgame.ui.widgets")):
            found.append(f"a view imports {m} (views are Textual-free)")
        if here == "ui/widgets" and _in(m, "liqgame.ui.screens"):
            found.append(f"a widget imports a screen: {m}")
    return found


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_keeps_to_its_layer(path):
    assert violations(path) == []


@pytest.mark.parametrize("where,source,problem", [
    ("engine/x.py", "from ..store import Store", "the engine imports liqgame.store"),
    ("engine/x.py", "import liqgame.ui.app", "the engine imports liqgame.ui.app"),
    ("store/x.py", "from ..engine import Game", "the store imports the engine"),
    ("lessons/x.py", "from ..ui.screens.play import PlayScreen", "the lessons import the UI"),
    ("ui/views/x.py", "from textual.widgets import Static", "a view imports textual.widgets"),
    ("ui/views/x.py", "from ..widgets.feed import EventFeed", "a view imports liqgame.ui.widgets.feed"),
    ("ui/widgets/x.py", "from ..screens.confirm import ConfirmScreen", "a widget imports a screen"),
    ("ui/x.py", "from ..engine.ledger import Cause", "reaches into the engine"),
    ("commands/x.py", "from liqgame.engine.game import Game", "reaches into the engine"),
    ("x.py", "from .engine import orders", "reaches into the engine"),
])
def test_the_checker_catches_each_kind_of_violation(where, source, problem):
    found = violations(ROOT / where, source)
    assert found and problem in found[0]


def test_the_checker_lets_the_public_face_through():
    assert violations(ROOT / "ui/x.py", "from ..engine import Game, events as ev") == []
    assert violations(ROOT / "engine/x.py", "from .ledger import Cause\nfrom . import actions") == []
