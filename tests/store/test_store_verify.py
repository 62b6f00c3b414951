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
    store.verify_all(lambda record, actions: (record["score"], record["state_hash"], fake_replay(record, actions)[2]))
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


def test_verify_all_records_each_verdict_as_it_is_reached(store, data_dir):
    ids = [save(store, i) for i in range(5)]
    order = [entry["id"] for entry in read_json(store.path)["sessions"].values()]
    edit_entry(store.path, order[0], score=12345)
    replayed, reported = [], []

    def interrupted_after_three(record, actions):
        if len(replayed) == 3:
            raise KeyboardInterrupt  # Ctrl+C, or the process killed, in the middle of a long run
        replayed.append(record["id"])
        return fake_replay(record, actions)

    with pytest.raises(KeyboardInterrupt):
        store.verify_all(interrupted_after_three, on_result=reported.append)
    assert [(r.session_id, r.ok, r.recorded) for r in reported] == [(order[0], False, True), (order[1], True, True),
                                                                     (order[2], True, True)]
    rows = {row["session_id"]: row["status"] for row in Store(data_dir).top_scores(limit=None)}
    assert [rows[sid] for sid in order] == ["failed", "verified", "verified", "unchecked", "unchecked"]
    results = store.verify_all(fake_replay, only_unchecked=True)
    assert sorted(r.session_id for r in results) == sorted([order[0]] + order[3:])
    assert {r.session_id: r.ok for r in results} == {sid: sid != order[0] for sid in [order[0]] + order[3:]}
    assert all(r.recorded for r in results) and len(ids) == 5


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
        score, state_hash, extras = fake_replay(record, actions)
        return score, state_hash, dict(extras, final_equity=record["final_equity"] + 1)

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
    assert not result.ok and not result.recorded and not result.found and "not found" in result.reason


def test_a_replay_must_confirm_every_shown_field(store):
    sid = save(store, 1)
    result = store.verify(sid, lambda record, actions: fake_replay(record, actions)[:2])  # score and hash only
    assert not result.ok
    fields = "seed, scenario, rulebook, bots, starting_balance, final_equity, liquidations, max_drawdown"
    assert f"does not confirm {fields}" in result.reason


@pytest.mark.parametrize("field, label", [("seed", 4242), ("scenario", "black-thursday"), ("rulebook", "kind-one"),
                                          ("bots", 9000), ("starting_balance", 500.0), ("max_drawdown", 0.01)])
def test_a_label_that_differs_from_the_game_replayed_fails(store, field, label):
    """The forger plays one game and labels it as another, consistently in index and session file;
    score and hash match the replay, but the replay reports the game it really was."""
    record, actions = make_session(3)
    record[field] = label  # the shown field; record["config"] still holds the game really played
    sid = store.save_session(record, actions).session_id
    honest = [save(store, i) for i in (4, 5)]
    for other in honest:
        assert store.verify(other, fake_replay).ok
    result = store.verify(sid, fake_replay)
    assert not result.ok and f"stored {field} {label}" in result.reason
    assert [row["session_id"] for row in store.top_scores()][-1] == sid  # below every verified entry


def test_new_saves_are_verified_before_they_rank(store):
    honest = store.save_session(*make_session(1), replayer=fake_replay)
    assert honest.ok and honest.message == f"saved as {honest.session_id}; replay verified"
    record, actions = make_session(2, score=10**6)  # a score the replay does not give
    forged = store.save_session(record, actions, replayer=fake_replay)
    assert forged.ok and "replay check FAILED: stored score 1000000" in forged.message
    rows = store.top_scores()
    assert [(row["session_id"], row["status"]) for row in rows] == [(honest.session_id, "verified"),
                                                                   (forged.session_id, "failed")]


def test_an_index_of_the_previous_format_is_upgraded(store, data_dir):
    ids = [save(store, i) for i in range(3)]
    store.verify(ids[0], fake_replay)
    store.record_lesson("margin-101", True, 7)
    store.save_settings(theme="dark")
    data = read_json(store.path)
    data["_meta"]["1"]["version"] = 1
    for entry in data["sessions"].values():  # what a version-1 entry looked like
        del entry["bots"], entry["starting_balance"]
        edit_log(data_dir / "sessions" / entry["log"], lambda body: body["record"].pop("bots"))  # a v1 record
    store.path.write_text(json.dumps(data))

    upgraded = Store(data_dir)
    assert len(upgraded.warnings) == 1 and "upgraded" in upgraded.warnings[0]
    rows = upgraded.top_scores()
    assert sorted(row["session_id"] for row in rows) == sorted(ids)
    assert {row["status"] for row in rows} == {"unchecked"}  # old verdicts did not check the crowd
    assert {row["bots"] for row in rows} == {300}  # from the config the game was played with
    assert all(r.ok for r in upgraded.verify_all(fake_replay))
    assert upgraded.lesson_progress()["margin-101"]["attempts"] == 1 and upgraded.settings() == {"theme": "dark"}
    assert read_json(store.path)["_meta"]["1"]["version"] == 2 and Store(data_dir).warnings == []
