"""Bad files are moved aside with a timestamp, the player is told where, and play goes on."""

import gzip
import json
import re

import pytest
from store_factory import fake_replay, make_session, read_json, write_json

from liqgame.store import SessionUnreadable, Store
from liqgame.store import atomic

CORRUPT_NAME = re.compile(r"liqgame\.json\.corrupt-\d{8}-\d{6}(-\d+)?")


def populated(data_dir, n=3):
    store = Store(data_dir)
    ids = [store.save_session(*make_session(i)).session_id for i in range(n)]
    store.record_lesson("margin-101", True, 10)
    store.save_settings(theme="dark")
    return store, ids


def truncate(data):
    return json.dumps(data)[:-40]


def set_version(data):
    data["_meta"]["1"]["version"] = 99
    return json.dumps(data)


CORRUPTIONS = {
    "truncated JSON": truncate,
    "not UTF-8": lambda data: b"\xff\xfe" + json.dumps(data).encode(),
    "top level is a list": lambda data: json.dumps([data]),
    "table is a list": lambda data: json.dumps({**data, "sessions": list(data["sessions"].values())}),
    "entry missing a field": lambda data: json.dumps(
        {**data, "sessions": {k: {f: v for f, v in e.items() if f != "score"} for k, e in data["sessions"].items()}}),
    "score is a string": lambda data: json.dumps(
        {**data, "sessions": {k: {**e, "score": "9999"} for k, e in data["sessions"].items()}}),
    "verified is a number": lambda data: json.dumps(
        {**data, "sessions": {k: {**e, "verified": 1} for k, e in data["sessions"].items()}}),
    "settings is a list": lambda data: json.dumps({**data, "settings": [1, 2]}),
    "lesson without status": lambda data: json.dumps(
        {**data, "lessons": {"1": {"lesson_id": "x", "best_score": 1, "attempts": 1}}}),
    "no version": lambda data: json.dumps({k: v for k, v in data.items() if k != "_meta"}),
    "version from the future": set_version,
    "duplicate ids": lambda data: json.dumps({**data, "sessions": {"1": data["sessions"]["1"], "2": data["sessions"]["1"]}}),
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_corrupt_index_is_moved_aside_and_sessions_recovered(data_dir, corruption):
    _, ids = populated(data_dir)
    original = read_json(data_dir / "liqgame.json")
    bad = CORRUPTIONS[corruption](original)
    (data_dir / "liqgame.json").write_bytes(bad if isinstance(bad, bytes) else bad.encode())

    store = Store(data_dir)  # must not raise

    aside = [p for p in data_dir.iterdir() if CORRUPT_NAME.fullmatch(p.name)]
    assert len(aside) == 1
    assert aside[0].read_bytes() == (bad if isinstance(bad, bytes) else bad.encode())  # kept byte for byte
    assert len(store.warnings) == 1 and str(aside[0]) in store.warnings[0]
    if corruption == "version from the future":
        assert "newer liqgame" in store.warnings[0]
    assert store.writable
    # The session index is rebuilt from the per-session files; nothing is lost.
    assert sorted(row["id"] for row in store.sessions()) == sorted(ids)
    assert "3 saved session(s) were recovered" in store.warnings[0]
    assert store.lesson_progress() == {} and store.settings() == {}
    assert store.save_session(*make_session(10)).ok
    assert Store(data_dir).warnings == []  # the repaired file is fine next time


def test_corrupt_index_without_session_files_starts_fresh(data_dir):
    data_dir.mkdir()
    (data_dir / "liqgame.json").write_text('{"_meta": {"1": {"version": 1}}, "sessions": ')
    store = Store(data_dir)
    assert store.sessions() == [] and len(store.warnings) == 1 and "moved to" in store.warnings[0]
    assert store.save_session(*make_session(0)).ok


def test_two_corruptions_in_one_second_do_not_overwrite_each_other(data_dir):
    data_dir.mkdir()
    for text in ("{broken", "[1, 2]"):
        (data_dir / "liqgame.json").write_text(text)
        Store(data_dir)
    aside = sorted(p.read_text() for p in data_dir.iterdir() if CORRUPT_NAME.fullmatch(p.name))
    assert aside == ["[1, 2]", "{broken"]


def test_empty_index_file_is_a_new_store(data_dir):
    data_dir.mkdir()
    (data_dir / "liqgame.json").write_text("")
    store = Store(data_dir)
    assert store.warnings == [] and store.sessions() == []


def test_index_corrupted_while_running_is_repaired_on_next_call(data_dir):
    store, ids = populated(data_dir, n=2)
    (data_dir / "liqgame.json").write_text("{oops")
    assert len(store.top_scores()) == 2  # rebuilt from session files
    assert len(store.warnings) == 1
    assert store.save_session(*make_session(5)).ok and len(store.sessions()) == 3


def test_corrupt_session_file_is_reported_and_the_rest_loads(data_dir):
    store, ids = populated(data_dir)
    log = data_dir / "sessions" / f"{ids[0]}.json.gz"
    log.write_bytes(log.read_bytes()[:30])  # truncated gzip

    fresh = Store(data_dir)
    assert fresh.warnings == []  # session files are only opened when needed
    with pytest.raises(SessionUnreadable) as info:
        fresh.load_session(ids[0])
    aside = list((data_dir / "sessions").glob(f"{ids[0]}.json.gz.corrupt-*"))
    assert len(aside) == 1 and str(aside[0]) in str(info.value) and str(aside[0]) in fresh.warnings[0]
    for sid in ids[1:]:
        assert fresh.load_session(sid)[0]["id"] == sid
    rows = {row["session_id"]: row for row in fresh.top_scores()}
    assert rows[ids[0]]["status"] == "failed" and "unreadable" in rows[ids[0]]["reason"]
    assert [row["session_id"] for row in fresh.top_scores()][-1] == ids[0]


@pytest.mark.parametrize(
    "content",
    [
        b"not gzip at all",
        gzip.compress(b"{not json"),
        gzip.compress(b"[]"),
        gzip.compress(json.dumps({"format": 1, "record": {"name": "x"}, "actions": []}).encode()),
        gzip.compress(json.dumps({"format": 7, "record": {}, "actions": []}).encode()),
        gzip.compress(json.dumps({"format": 1, "record": make_session(0)[0], "actions": {"a": 1}}).encode()),
    ],
)
def test_bad_session_files_fail_verification(data_dir, content):
    store, ids = populated(data_dir, n=2)
    (data_dir / "sessions" / f"{ids[0]}.json.gz").write_bytes(content)
    results = {r.session_id: r for r in store.verify_all(fake_replay)}
    assert not results[ids[0]].ok and "unreadable" in results[ids[0]].reason
    assert results[ids[1]].ok
    assert len(store.warnings) == 1


def test_missing_session_file(data_dir):
    store, ids = populated(data_dir, n=1)
    (data_dir / "sessions" / f"{ids[0]}.json.gz").unlink()
    with pytest.raises(SessionUnreadable, match="missing"):
        store.load_session(ids[0])
    assert store.top_scores()[0]["status"] == "failed"


def test_rebuild_skips_and_reports_bad_session_files(data_dir):
    _, ids = populated(data_dir, n=3)
    (data_dir / "sessions" / f"{ids[1]}.json.gz").write_bytes(b"junk")
    (data_dir / "liqgame.json").write_text("{")
    store = Store(data_dir)
    assert sorted(row["id"] for row in store.sessions()) == sorted([ids[0], ids[2]])
    assert len(store.warnings) == 2 and ids[1] in store.warnings[1]


def test_unknown_tables_are_kept(data_dir):
    populated(data_dir, n=1)
    data = read_json(data_dir / "liqgame.json")
    data["mods"] = {"1": {"anything": [1, 2, 3]}}
    write_json(data_dir / "liqgame.json", data)
    store = Store(data_dir)
    assert store.warnings == [] and store.save_session(*make_session(1)).ok
    assert read_json(data_dir / "liqgame.json")["mods"] == {"1": {"anything": [1, 2, 3]}}


def test_corrupt_index_that_cannot_be_replaced_is_left_alone(data_dir, monkeypatch):
    _, ids = populated(data_dir, n=1)
    (data_dir / "liqgame.json").write_text("{broken")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    store = Store(data_dir)
    assert "could not be written (Permission denied)" in store.warnings[0]
    assert [row["id"] for row in store.sessions()] == ids  # still shown, from the session files
    result = store.save_session(*make_session(2))
    assert not result.ok and result.message.startswith("not saved:")
    assert (data_dir / "liqgame.json").read_text() == "{broken"
    assert len(store.warnings) == 1  # retried on every call, reported once
