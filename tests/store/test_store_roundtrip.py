"""Round trips of every record type through a fresh Store, plus listing and formatting."""

import json
import re

import numpy as np
import pytest
from store_factory import make_session

from liqgame.store import SESSION_FIELDS, SessionNotFound, Store, format_scores_table
from liqgame.store import atomic


def test_session_round_trip_keeps_record_extras_and_actions(data_dir):
    record, actions = make_session(1, n_actions=300, notes={"fees": 12.5, "tags": ["x"]})
    result = Store(data_dir).save_session(record, actions)
    assert result.ok and re.fullmatch(r"[0-9a-f]{12}", result.session_id)
    assert result.session_id in result.message

    loaded, loaded_actions = Store(data_dir).load_session(result.session_id)  # new instance: from disk
    assert loaded_actions == actions
    assert loaded == {**record, "daily_date": None, "id": result.session_id}
    assert (data_dir / "sessions" / f"{result.session_id}.json.gz").is_file()


def test_index_entry_is_compact(data_dir):
    store = Store(data_dir)
    record, actions = make_session(2, n_actions=500, notes="x" * 1000)
    store.save_session(record, actions)
    assert store.path.stat().st_size < 600  # no action log, no extras in the index


def test_daily_and_lesson_sessions(data_dir):
    store = Store(data_dir)
    daily = store.save_session(*make_session(1, kind="daily", daily_date="2025-03-01"))
    lesson = store.save_session(*make_session(2, kind="lesson", lesson_id="margin-101"))
    free = store.save_session(*make_session(3))
    assert daily.ok and lesson.ok and free.ok
    kinds = {row["id"]: row["kind"] for row in Store(data_dir).sessions()}
    assert kinds == {daily.session_id: "daily", lesson.session_id: "lesson", free.session_id: "free"}
    assert store.load_session(lesson.session_id)[0]["lesson_id"] == "margin-101"
    assert [r["session_id"] for r in store.top_scores(kind="daily", daily_date="2025-03-01")] == [daily.session_id]
    assert store.top_scores(kind="daily", daily_date="2025-03-02") == []


def test_identical_sessions_get_distinct_ids(data_dir):
    store = Store(data_dir)
    ids = {store.save_session(*make_session(1)).session_id for _ in range(3)}
    assert len(ids) == 3 and len(store.sessions()) == 3


def test_one_index_write_per_save(data_dir, monkeypatch):
    store = Store(data_dir)
    store.save_session(*make_session(0))
    writes = []
    real = atomic.atomic_write_bytes
    monkeypatch.setattr(atomic, "atomic_write_bytes", lambda path, data, **kw: (writes.append(path.name), real(path, data, **kw)))
    monkeypatch.setattr("liqgame.store.logs.atomic_write_bytes", atomic.atomic_write_bytes)
    assert store.save_session(*make_session(1)).ok
    assert sorted(name.endswith(".gz") for name in writes) == [False, True]  # one index write, one session file


def test_lesson_progress_round_trip(data_dir):
    store = Store(data_dir)
    assert store.lesson_progress() == {}
    assert store.record_lesson("margin-101", passed=False, score=40).ok
    assert store.record_lesson("margin-101", passed=True, score=70).ok
    assert store.record_lesson("margin-101", passed=False, score=55).ok
    assert store.record_lesson("adl-201", passed=False, score=np.float64(12.5)).ok
    assert Store(data_dir).lesson_progress() == {
        "margin-101": {"status": "passed", "best_score": 70, "attempts": 3},
        "adl-201": {"status": "new", "best_score": 12.5, "attempts": 1},
    }


def test_settings_round_trip(data_dir):
    store = Store(data_dir)
    assert store.settings() == {}
    assert store.save_settings(last_scenario="crash-2021", rulebook="standard", theme="dark", player_name=" Ann\x07 ").ok
    assert store.save_settings(theme="light", sound=False).ok
    assert store.save_settings(sound=None).ok  # None removes a key
    assert Store(data_dir).settings() == {
        "last_scenario": "crash-2021", "rulebook": "standard", "theme": "light", "player_name": "Ann"}
    assert not store.save_settings(theme=["not", "a", "scalar"]).ok


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"score": float("nan")}, "score"),
        ({"kind": "ranked"}, "kind"),
        ({"kind": "daily"}, "daily_date"),
        ({"daily_date": "2025-01-01"}, "daily_date"),
        ({"date": "yesterday"}, "date"),
        ({"liquidations": -1}, "liquidations"),
        ({"id": "abc"}, "id"),
        ({"scenario": "a\nb"}, "scenario"),
    ],
)
def test_invalid_records_are_reported_not_raised(data_dir, change, problem):
    record, actions = make_session(0)
    record.update(change)
    result = Store(data_dir).save_session(record, actions)
    assert not result.ok and result.message.startswith("not saved: invalid session") and problem in result.message


def test_missing_field_and_bad_actions_are_reported(data_dir):
    store = Store(data_dir)
    for field in SESSION_FIELDS:
        if field == "daily_date":
            continue
        record, actions = make_session(0)
        del record[field]
        assert field in store.save_session(record, actions).message
    record, _ = make_session(0)
    assert not store.save_session(record, [{"t": object()}]).ok
    assert not store.save_session(record, "buy").ok
    assert store.sessions() == []


def test_numpy_numbers_are_stored_as_plain_numbers(data_dir):
    record, actions = make_session(0, final_equity=np.float64(123.5), liquidations=np.int64(2), seed=np.int64(7))
    store = Store(data_dir)
    sid = store.save_session(record, actions).session_id
    loaded, _ = store.load_session(sid)
    assert (loaded["final_equity"], loaded["liquidations"], loaded["seed"]) == (123.5, 2, 7)
    assert type(loaded["liquidations"]) is int


def test_unknown_session(data_dir):
    with pytest.raises(SessionNotFound):
        Store(data_dir).load_session("0123456789ab")
    with pytest.raises(SessionNotFound):
        Store(data_dir).load_session("../../etc/passwd")


def test_top_scores_rows_filters_and_table(data_dir):
    store = Store(data_dir)
    for i in range(6):
        store.save_session(*make_session(i, score=i * 100, scenario="a" if i % 2 else "b"))
    rows = store.top_scores(scenario="a", limit=2)
    assert [row["score"] for row in rows] == [500, 300]
    assert [row["rank"] for row in rows] == [1, 2]
    assert set(rows[0]) >= {"rank", "name", "score", "equity", "liquidations", "max_drawdown", "scenario",
                            "rulebook", "date", "verified", "session_id"}
    assert rows[0]["verified"] is None and rows[0]["status"] == "unchecked"
    assert json.loads(json.dumps(rows)) == rows
    assert len(store.top_scores(limit=None)) == 6
    assert store.top_scores(rulebook="other") == []
    text = format_scores_table(store.top_scores())
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["#", "Name", "Score"] and len(lines) == 2 + 6
    assert "player5" in lines[2] and rows[0]["session_id"] in lines[2]
    assert format_scores_table([]) == "No scores yet."


def test_sessions_listing_newest_first_with_filters(data_dir):
    store = Store(data_dir)
    for i in range(4):
        store.save_session(*make_session(i, name="ann" if i < 2 else "bob"))
    rows = store.sessions()
    assert [row["date"] for row in rows] == sorted((row["date"] for row in rows), reverse=True)
    assert {row["name"] for row in store.sessions(name="bob")} == {"bob"}
    assert len(store.sessions(limit=1)) == 1
    assert "sig" not in rows[0] and "log" not in rows[0]
