"""The engine is pure: no Textual, no clock, no global random state, no file or network I/O."""

import ast
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "liqgame" / "engine"
FORBIDDEN_MODULES = {"textual", "rich", "tinydb", "time", "datetime", "random", "os", "io", "pathlib", "socket",
                     "subprocess", "platformdirs", "liqgame.ui", "liqgame.store"}
FORBIDDEN_CALLS = {"open", "input", "print"}
NUMPY_GLOBAL_RANDOM = {"seed", "rand", "randn", "randint", "random", "normal", "uniform", "choice", "shuffle",
                       "permutation", "standard_t", "binomial", "poisson", "exponential"}


def modules():
    return sorted(ENGINE.glob("*.py"))


def test_engine_imports_nothing_impure():
    for path in modules():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for n in names:
                root = n.split(".")[0]
                assert root not in FORBIDDEN_MODULES and n not in FORBIDDEN_MODULES, f"{path.name} imports {n}"
            if isinstance(node, ast.ImportFrom) and node.level > 1:
                raise AssertionError(f"{path.name} imports from outside the engine: {node.module}")


def test_engine_uses_no_global_random_state_or_io_calls():
    for path in modules():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                if isinstance(f, ast.Name):
                    assert f.id not in FORBIDDEN_CALLS, f"{path.name} calls {f.id}()"
                if (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Attribute)
                        and getattr(f.value.value, "id", None) in ("np", "numpy") and f.value.attr == "random"):
                    assert f.attr not in NUMPY_GLOBAL_RANDOM, f"{path.name} uses np.random.{f.attr}"


def test_importing_the_engine_loads_no_ui_or_storage():
    code = ("import sys, liqgame.engine, liqgame.engine.game; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'tinydb', 'platformdirs')]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
