"""Replay verification: hand-edited scores fail, failures rank below verified and unchecked entries."""

import json

import pytest
from store_factory import edit_entry, edit_log, fake_replay, make_session, read_json

from liqgame.store import Store


@pytest.fixture
def store(data_dir):
    return Store(data_dir)


def save(store, i, **overrides):
    result = store.save_session(*make_session(i, **overrides))
    assert result.ok
    return result.session_id


def status(store, session_id):
    return {row["session_id"]: row for row in store.top_scores(limit=None)}[session_id]


def test_honest_session_verifies_and_is_recorded(store, data_dir):
    sid = save(store, 1)
    result = store.verify(sid, fake_replay)
    assert result.ok and result.recorded and result.reason == "replay matches"
    row = status(Store(data_dir), sid)
    assert row["verified"] is True and row["status"] == "verified"


def test_score_edited_in_the_index_file_fails(store):
    sid = save(store, 1)
    true_score = status(store, sid)["score"]
    edit_entry(store.path, sid, score=true_score + 100_000)  # the player "improves" the score by hand

    row = status(store, sid)
    assert row["score"] == true_score + 100_000 and row["status"] == "unchecked"
    result = store.verify(sid, fake_replay)
    assert not result.ok and result.recorded
    assert f"stored score {true_score + 100_000}" in result.reason and f"replay scores {true_score}" in result.reason
    row = status(store, sid)
    assert row["verified"] is False and row["status"] == "failed" and row["reason"] == result.reason


def test_session_file_edited_consistently_still_fails(store, data_dir):
    """Edit the score in both the index and the session file: the replay of the action log catches it."""
    sid = save(store, 2)
    edit_entry(store.path, sid, score=99_999)
    edit_log(data_dir / "sessions" / f"{sid}.json.gz", lambda body: body["record"].update(score=99_999))
    result = store.verify(sid, fake_replay)
    assert not result.ok and "replay scores" in result.reason


def test_edited_actions_fail(store, data_dir):
    sid = save(store, 3)

    def cheat(body):
        body["actions"][0]["pnl"] += 1000

    edit_log(data_dir / "sessions" / f"{sid}.json.gz", cheat)
    result = store.verify(sid, fake_replay)
    assert not result.ok and "replay scores" in result.reason and "hash" in result.reason


def test_index_field_edit_without_score_change_fails(store):
    sid = save(store, 4)
    edit_entry(store.path, sid, liquidations=0, final_equity=1e9)
    result = store.verify(sid, fake_replay)
    assert not result.ok and "final_equity" in result.reason and "liquidations" in result.reason


def test_edit_after_verification_is_flagged_without_replaying(store):
    sid = save(store, 5)
    assert store.verify(sid, fake_replay).ok
    edit_entry(store.path, sid, score=10**9)
    row = status(store, sid)
    assert row["status"] == "failed" and row["verified"] is False and "changed after" in row["reason"]
    assert row["rank"] == 1  # only entry; but a verified one now outranks it:
    other = save(store, 6)
    store.verify(other, fake_replay)
    assert [r["session_id"] for r in store.top_scores()] == [other, sid]


def test_ranking_verified_then_unchecked_then_failed(store):
    ids = {}
    for name, i in (("verified_low", 1), ("verified_high", 2), ("unchecked", 3), ("failed", 4), ("unchecked_low", 5)):
        ids[name] = save(store, i)
    scores = {name: status(store, sid)["score"] for name, sid in ids.items()}
    # Inflate scores by hand so the failed and unchecked ones have the highest numbers.
    edit_entry(store.path, ids["failed"], score=10**6)
    edit_entry(store.path, ids["unchecked"], score=10**5)
    edit_entry(store.path, ids["unchecked_low"], score=-1)
    for name in ("verified_low", "verified_high", "failed"):
        store.verify(ids[name], fake_replay)
    assert not status(store, ids["failed"])["verified"]

    order = [row["session_id"] for row in store.top_scores()]
    verified = sorted(("verified_low", "verified_high"), key=lambda n: -scores[n])
    assert order == [ids[n] for n in verified + ["unchecked", "unchecked_low", "failed"]]
    assert [row["rank"] for row in store.top_scores()] == [1, 2, 3, 4, 5]
    assert [row["session_id"] for row in store.top_scores(limit=2)] == [ids[n] for n in verified]


def test_many_edited_verified_entries_still_rank_correctly(store):
    ids = [save(store, i, score=1000 + i) for i in range(80)]
    store.verify_all(lambda record, actions: (record["score"], record["state_hash"]))  # trusting replayer
    assert all(row["status"] == "verified" for row in store.top_scores(limit=None))
    data = read_json(store.path)
    for entry in data["sessions"].values():  # edit the 70 best verified entries after verification
        if entry["score"] >= 1010:
            entry["score"] += 1
    store.path.write_text(json.dumps(data))
    rows = store.top_scores(limit=20)
    assert [row["status"] for row in rows] == ["verified"] * 10 + ["failed"] * 10
    assert [row["score"] for row in rows[:10]] == list(range(1009, 999, -1))
    assert len(ids) == 80


def test_verify_all_records_everything_in_one_write(store, data_dir, monkeypatch):
    ids = [save(store, i) for i in range(5)]
    edit_entry(store.path, ids[0], score=12345)
    writes = []
    real_write = type(store._index).write
    monkeypatch.setattr(type(store._index), "write", lambda self, data: (writes.append(1), real_write(self, data)))
    results = store.verify_all(fake_replay)
    assert len(writes) == 1
    assert {r.session_id: r.ok for r in results} == {sid: sid != ids[0] for sid in ids}
    assert all(r.recorded for r in results)
    again = store.verify_all(fake_replay, only_unchecked=True)
    assert [r.session_id for r in again] == [ids[0]]


@pytest.mark.parametrize(
    "replayer, reason",
    [
        (lambda record, actions: 1 / 0, "replay failed: ZeroDivisionError"),
        (lambda record, actions: "garbage", "replay failed: TypeError"),
        (lambda record, actions: (fake_replay(record, actions)[0], None), "replay failed: TypeError"),
    ],
)
def test_broken_replayer_marks_failed_without_raising(store, replayer, reason):
    sid = save(store, 1)
    result = store.verify(sid, replayer)
    assert not result.ok and result.reason.startswith(reason)
    assert status(store, sid)["status"] == "failed"


def test_replayer_extras_are_compared(store):
    sid = save(store, 1)

    def replay_with_extras(record, actions):
        score, state_hash = fake_replay(record, actions)
        return score, state_hash, {"final_equity": record["final_equity"] + 1}

    result = store.verify(sid, replay_with_extras)
    assert not result.ok and "final_equity" in result.reason


def test_replayer_gets_the_session_file_record_and_actions(store):
    record, actions = make_session(7, n_actions=3)
    sid = store.save_session(record, actions).session_id
    seen = []
    store.verify(sid, lambda rec, acts: (seen.append((rec, acts)), fake_replay(rec, acts))[1])
    assert seen[0][1] == actions and seen[0][0]["id"] == sid and seen[0][0]["seed"] == record["seed"]


def test_verify_unknown_session(store):
    result = store.verify("0123456789ab", fake_replay)
    assert not result.ok and not result.recorded and result.reason == "no such session"
