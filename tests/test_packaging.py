"""Every package of the source tree is listed in pyproject.toml.

Editable installs find unlisted subpackages by path, so the suite passes either way; a plain
``pip install .`` (or a Dask worker's environment) silently leaves them out.
"""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def source_packages() -> set[str]:
    return {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "liqgame").rglob("__init__.py")
    }


def test_every_package_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    assert source_packages() - listed == set()
