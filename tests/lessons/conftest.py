"""Shared fixtures: the shipped lessons, their scripted player files, and headless runs (cached)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from liqgame.lessons import load_lessons, read_player_file, run_headless

SCRIPTS = Path(__file__).parent / "scripts"


@lru_cache(maxsize=1)
def lessons():
    return load_lessons()


def lesson(lesson_id: str):
    return next(x for x in lessons() if x.id == lesson_id)


def script(lesson_id: str, kind: str) -> Path:
    return SCRIPTS / f"{lesson_id}.{kind}.jsonl"


@lru_cache(maxsize=None)
def played(lesson_id: str, kind: str):
    """(run, result) of a lesson played headless from its pass or fail script (cached per session)."""
    l = lesson(lesson_id)
    return run_headless(l, read_player_file(script(lesson_id, kind), l))


@pytest.fixture
def store(tmp_path):
    from liqgame.store import Store

    return Store(tmp_path / "data")
