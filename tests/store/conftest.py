"""Store tests never touch the real user data dir: LIQGAME_HOME points into tmp_path."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("LIQGAME_HOME", str(tmp_path / "liqgame-home"))


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"
