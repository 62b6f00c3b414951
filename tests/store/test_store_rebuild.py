"""The session files are the truth: a missing, empty or unwritable index never hides saved sessions."""

import errno
import os

import pytest
from store_factory import make_session

from liqgame.store import Store
from liqgame.store import atomic


def saved(data_dir, n=4):
    store = Store(data_dir)
    return [store.save_session(*make_session(i)).session_id for i in range(n)]


def empty_file(index):
    index.write_bytes(b"")


def whitespace(index):
    index.write_text("  \n\t\n")


def json_null(index):
    index.write_text("null")


def empty_object(index):
    index.write_text("{}")


def missing(index):
    index.unlink()


def dangling_symlink(index):
    index.unlink()
    index.symlink_to(index.with_name("nowhere.json"))


ABSENT = [empty_file, whitespace, json_null, empty_object, missing, dangling_symlink]


@pytest.mark.parametrize("make_absent", ABSENT)
def test_absent_index_is_rebuilt_from_the_session_files(data_dir, make_absent):
    ids = saved(data_dir)
    make_absent(data_dir / "liqgame.json")

    store = Store(data_dir)
    assert sorted(row["id"] for row in store.sessions()) == sorted(ids)
    assert len(store.warnings) == 1 and "4 saved session(s) were recovered" in store.warnings[0]
    assert store.save_session(*make_session(9)).ok
    assert len(Store(data_dir).sessions()) == 5  # the next save did not write an index of one
    assert Store(data_dir).warnings == []


def test_a_fresh_store_is_not_a_rebuild(data_dir):
    store = Store(data_dir)
    assert store.warnings == [] and store.sessions() == []
    assert store.save_settings(theme="dark").ok and Store(data_dir).warnings == []


def test_full_disk_during_repair_loses_nothing(data_dir, monkeypatch):
    ids = saved(data_dir)
    index = data_dir / "liqgame.json"
    index.write_text("{broken")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", full)
    store = Store(data_dir)
    assert sorted(row["id"] for row in store.sessions()) == sorted(ids)  # shown, rebuilt in memory
    assert "No space left on device" in store.warnings[0] and "4 saved session(s)" in store.warnings[0]
    assert index.read_text() == "{broken"  # the old file was not taken away before the new one existed
    monkeypatch.undo()  # space is freed

    again = Store(data_dir)
    assert sorted(row["id"] for row in again.sessions()) == sorted(ids)
    assert Store(data_dir).warnings == []
    kept = [p for p in data_dir.iterdir() if ".corrupt-" in p.name]
    assert [p.read_text() for p in kept] == ["{broken"]


def test_repair_keeps_a_copy_before_replacing(data_dir, monkeypatch):
    """The rebuilt index is in place the moment the bad one has its new name: never a moment with no index."""
    saved(data_dir, n=2)
    index = data_dir / "liqgame.json"
    index.write_text("[1, 2]")
    seen = []
    real_replace = os.replace

    def watch(src, dst, *args, **kwargs):
        seen.append((os.path.basename(dst), index.exists() and index.read_text()))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(atomic.os, "replace", watch)
    Store(data_dir)
    assert seen and all(text for _, text in seen), seen  # an index stood at its path before every rename


def test_unreadable_index_in_a_read_only_store_still_shows_the_sessions(data_dir, monkeypatch):
    ids = saved(data_dir, n=3)
    (data_dir / "liqgame.json").write_text("")
    store = Store(data_dir)
    monkeypatch.setattr(store, "writable", False)
    store._unwritable_reason = "read-only"
    (data_dir / "liqgame.json").write_text("{broken")
    assert sorted(row["id"] for row in store.sessions()) == sorted(ids)
    assert any("could not be read" in w for w in store.warnings)
