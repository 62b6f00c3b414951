"""An unusable data directory: one clear message, writable False, the game plays, saves say why not."""

import errno
import os

import pytest
from store_factory import fake_replay, make_session

from liqgame.store import Store
from liqgame.store import atomic


def assert_saves_refused(store):
    for result in (
        store.save_session(*make_session(0)),
        store.record_lesson("margin-101", True, 1),
        store.save_settings(theme="dark"),
    ):
        assert not result.ok and result.message.startswith("not saved: ") and result.session_id is None


def test_missing_data_dir_is_created(tmp_path):
    store = Store(tmp_path / "a" / "b" / "c")
    assert store.writable and store.warnings == [] and (tmp_path / "a" / "b" / "c" / "sessions").is_dir()


def test_data_dir_under_a_regular_file(tmp_path):
    (tmp_path / "file").write_text("x")
    store = Store(tmp_path / "file" / "liqgame")
    assert not store.writable
    assert len(store.warnings) == 1 and "file" in store.warnings[0] and "nothing will be saved" in store.warnings[0]
    assert_saves_refused(store)
    assert store.top_scores() == [] and store.sessions() == [] and store.settings() == {}
    assert store.lesson_progress() == {}
    assert not store.verify("0123456789ab", fake_replay).ok
    assert store.verify_all(fake_replay) == []


def _chmod_blocks_writes(directory):
    probe = directory / "probe"
    try:
        probe.write_text("x")
    except PermissionError:
        return True
    probe.unlink()
    return False


def test_read_only_data_dir_with_chmod(data_dir):
    store = Store(data_dir)
    sid = store.save_session(*make_session(0)).session_id
    os.chmod(data_dir / "sessions", 0o500)
    os.chmod(data_dir, 0o500)
    try:
        if not _chmod_blocks_writes(data_dir):
            pytest.skip("running with privileges that ignore chmod (root); see the regular-file test")
        ro = Store(data_dir)
        assert not ro.writable and len(ro.warnings) == 1 and "Permission denied" in ro.warnings[0]
        assert [row["session_id"] for row in ro.top_scores()] == [sid]  # old scores still readable
        assert ro.load_session(sid)[0]["id"] == sid
        assert_saves_refused(ro)
        result = ro.verify(sid, fake_replay)
        assert result.ok and not result.recorded
    finally:
        os.chmod(data_dir, 0o755)
        os.chmod(data_dir / "sessions", 0o755)


def test_disk_full_during_save_keeps_old_data_and_reports(data_dir, monkeypatch):
    store = Store(data_dir)
    first = store.save_session(*make_session(0)).session_id
    before = store.path.read_bytes()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", full)
    result = store.save_session(*make_session(1))
    assert not result.ok and result.message == "not saved: No space left on device"
    monkeypatch.undo()
    assert store.path.read_bytes() == before
    assert [row["id"] for row in Store(data_dir).sessions()] == [first]
    assert not [p for p in data_dir.rglob(".tmp-*")]  # temp files cleaned up


def test_lock_timeout_is_reported_not_raised(data_dir):
    store = Store(data_dir, lock_timeout=0.2)
    with atomic.file_lock(data_dir / "liqgame.lock"):  # another "process" holds the lock
        result = store.save_session(*make_session(0))
    assert not result.ok and "locked by another liqgame" in result.message
    assert store.save_session(*make_session(0)).ok


def test_over_long_data_dir_is_reported_not_raised(tmp_path):
    store = Store(tmp_path / ("a" * 300))
    assert not store.writable and "File name too long" in store.warnings[0]
    assert store.top_scores() == [] and store.settings() == {}
    assert_saves_refused(store)


def test_saving_off_message_names_the_step_and_path(data_dir):
    data_dir.mkdir()
    (data_dir / "sessions").write_text("not a directory")
    store = Store(data_dir)
    assert not store.writable
    assert f"cannot create the data directory {data_dir / 'sessions'} (File exists)" in store.warnings[0]
