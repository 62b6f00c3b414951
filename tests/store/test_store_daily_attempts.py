"""The daily challenge ranks each player's first attempt of a day; later attempts are kept as practice."""

import pytest
from store_factory import edit_entry, fake_replay, make_session

from liqgame.store import Store, format_scores_table, ranked_attempt
from liqgame.store.ranking import PRACTICE_HEADING

DAY = "2025-03-04"


@pytest.fixture
def store(data_dir):
    return Store(data_dir)


def attempt(store, i, name, time, *, day=DAY, verify=True, **overrides):
    """Save daily attempt ``i`` of ``name`` ending at ``time`` on ``day``; its score is ``make_session``'s."""
    record, actions = make_session(i, name=name, kind="daily", daily_date=day, date=f"{day}T{time}", **overrides)
    result = store.save_session(record, actions, replayer=fake_replay if verify else None)
    assert result.ok, result.message
    return result.session_id


def table(store, **kw):
    return store.top_scores(kind="daily", daily_date=DAY, **kw)


def test_only_the_first_attempt_of_each_name_ranks_and_later_ones_are_practice(store):
    ann_first = attempt(store, 0, "Ann", "09:00:00")
    ann_later = attempt(store, 1, " ANN ", "10:00:00")  # a better score, the same player
    ann_latest = attempt(store, 20, "ann", "11:00:00")
    bob = attempt(store, 3, "bob", "12:00:00")
    rows = table(store)
    ranked = [row for row in rows if not row["practice"]]
    assert sorted(row["session_id"] for row in ranked) == sorted([ann_first, bob])
    assert [row["rank"] for row in ranked] == [1, 2]
    practice = rows[len(ranked):]  # after every ranked row
    assert sorted(row["session_id"] for row in practice) == sorted([ann_later, ann_latest])
    assert all(row["practice"] and row["rank"] is None for row in practice)
    assert all(row["status"] == "verified" for row in rows)  # practice is still checked and shown as such


def test_first_means_earliest_date_not_best_score_nor_save_order(store):
    later = attempt(store, 1, "ann", "10:00:00")  # saved first, but ended later, with a better score
    first = attempt(store, 0, "ann", "09:30:00")
    rows = {row["session_id"]: row for row in table(store)}
    assert rows[first]["rank"] == 1 and rows[later]["practice"]
    assert rows[first]["score"] < rows[later]["score"]


def test_other_days_and_free_play_are_not_affected(store):
    attempt(store, 1, "ann", "09:00:00")
    other_day = attempt(store, 2, "ann", "09:00:00", day="2025-03-05")
    free = [store.save_session(*make_session(i, name="ann")).session_id for i in range(3)]
    assert [row["practice"] for row in table(store)] == [False]
    assert [row["session_id"] for row in store.top_scores(kind="daily", daily_date="2025-03-05")] == [other_day]
    free_rows = store.top_scores(kind="free")
    assert sorted(row["session_id"] for row in free_rows) == sorted(free)
    assert [row["rank"] for row in free_rows] == [1, 2, 3] and not any(row["practice"] for row in free_rows)


def test_a_failed_first_attempt_stays_the_ranked_one_below_verified_entries(store):
    ann_first = attempt(store, 1, "ann", "09:00:00", score=99_999)  # a forged score: the replay disagrees
    ann_later = attempt(store, 2, "ann", "10:00:00")  # honest and verified, but later
    bob = attempt(store, 3, "bob", "11:00:00")
    rows = table(store)
    assert [(row["session_id"], row["status"]) for row in rows] == [
        (bob, "verified"), (ann_first, "failed"), (ann_later, "verified")]
    assert [row["rank"] for row in rows] == [1, 2, None]


def test_editing_the_first_attempts_date_does_not_let_a_later_one_jump_in(store):
    first = attempt(store, 1, "ann", "09:00:00")
    later = attempt(store, 12, "ann", "10:00:00")
    edit_entry(store.path, first, date=f"{DAY}T23:00:00")  # "my first attempt was the later one"
    rows = {row["session_id"]: row for row in table(store)}
    assert rows[first]["status"] == "failed" and rows[first]["rank"] == 1  # edited: failed, still the ranked one
    assert rows[later]["practice"]


def test_limit_counts_ranked_rows_first(store):
    for i, name in enumerate(("ann", "bob", "cy")):
        attempt(store, i, name, "09:00:00", verify=False)
        attempt(store, 10 + i, name, "10:00:00", verify=False)
    assert [row["practice"] for row in table(store, limit=4)] == [False, False, False, True]
    assert [row["practice"] for row in table(store, limit=2)] == [False, False]
    assert len(table(store, limit=None)) == 6


def test_the_text_table_lists_practice_under_its_own_heading(store):
    attempt(store, 1, "ann", "09:00:00")
    later = attempt(store, 12, "ann", "10:00:00")
    lines = format_scores_table(table(store)).splitlines()
    heading = lines.index(PRACTICE_HEADING)
    assert "not ranked" in PRACTICE_HEADING and lines[heading - 1] == ""
    (practice_line,) = lines[heading + 1:]
    assert practice_line.split()[0] == "-" and practice_line.endswith(later)


def test_ranked_attempt_says_whether_a_new_attempt_would_rank(store):
    first = attempt(store, 1, "Ann", "09:00:00")
    rows = table(store)
    assert ranked_attempt(rows, " ann", f"{DAY}T10:00:00")["session_id"] == first
    assert ranked_attempt(rows, "bob", f"{DAY}T10:00:00") is None
    assert ranked_attempt(rows, "ann", f"{DAY}T08:00:00") is None  # it ended before the saved one
    assert ranked_attempt([], "ann", f"{DAY}T10:00:00") is None
