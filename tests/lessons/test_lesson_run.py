"""The runner: check() on a bare Game equals check() on the recorded run; answers; progress and unlocking."""

from __future__ import annotations

import pytest

from liqgame.engine import actions as A
from liqgame.lessons import LessonRun, replay
from liqgame.lessons.progress import record, statuses

from .conftest import lesson, lessons, played


def test_check_accepts_a_bare_game_built_by_the_lesson():
    x = lesson("02-liquidation")
    game = x.make_game()
    game.apply(A.PlaceOrder(side="long", qty=1.0, leverage=50))
    for _ in range(x.duration_s):
        game.step()
    result = x.check(game, {"where": "winning traders"})
    _, scripted = played("02-liquidation", "pass")
    assert result.passed == scripted.passed and result.numbers["liq_tick"] == scripted.numbers["liq_tick"]
    assert result.debrief == scripted.debrief


def test_a_game_from_elsewhere_is_refused():
    x = lesson("02-liquidation")
    other = lesson("03-counterparties").make_game()
    other.step()
    with pytest.raises(ValueError):
        x.check(other)


def test_runs_are_reproducible():
    x = lesson("04-insurance-fund")
    log = [{"tick": 0, "action": "open", "side": "long", "qty": 1.0, "leverage": 50}]
    a, b = replay(x, log, until=120), replay(x, log, until=120)
    assert a.game.state_hash() == b.game.state_hash()
    assert [e.to_dict() for e in a.events] == [e.to_dict() for e in b.events]


def test_answers_are_validated():
    run = LessonRun.start(lesson("09-cascade"))
    assert run.answer("level", "42,100")[0] and run.answers["level"] == 42100.0
    assert not run.answer("level", "high")[0]
    assert not run.answer("nope", 1)[0]
    run1 = LessonRun.start(lesson("01-leverage"))
    assert run1.answer("distance", "LESS THAN 2 %")[0] and run1.answers["distance"] == "less than 2 %"


def test_actions_after_the_end_are_refused():
    x = lesson("01-leverage")
    run = LessonRun.start(x)
    run.run_until(x.duration_s)
    assert run.finished and not run.step()
    assert not run.apply(A.PlaceOrder(side="long", qty=0.1)).ok


def test_lessons_unlock_in_order_and_can_be_replayed(store):
    ls = lessons()
    first = statuses(ls, store.lesson_progress())
    assert first[0].unlocked and not any(s.unlocked for s in first[1:])
    _, ok = played("01-leverage", "pass")
    _, bad = played("02-liquidation", "fail")
    assert record(store, ls[0], ok).ok and record(store, ls[1], bad).ok and record(store, ls[0], ok).ok
    now = {s.lesson.id: s for s in statuses(ls, store.lesson_progress())}
    assert now["01-leverage"].status == "passed" and now["01-leverage"].attempts == 2
    assert now["01-leverage"].best_score == ok.score
    assert now["02-liquidation"].unlocked and now["02-liquidation"].label == "tried"
    assert not now["03-counterparties"].unlocked
