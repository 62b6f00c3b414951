"""Lesson files: every shipped file loads and is sound; a malformed one is reported by path and field."""

from __future__ import annotations

import copy
import json

import pytest

from liqgame.lessons import CHECKS, LessonError, load_lesson_file, load_lessons, scan_lessons
from liqgame.lessons.loader import lessons_dir
from liqgame.lessons.model import template_fields

from .conftest import lessons

MAX_DURATION_S = 900  # lessons must stay quick headless and a few minutes long to play
MAX_BOTS = 600


def test_every_shipped_lesson_loads_and_is_sound():
    files = sorted(lessons_dir().glob("*.json"))
    good, errors = scan_lessons()
    assert not errors, "\n".join(map(str, errors))
    assert len(good) == len(files) >= 10
    assert [x.number for x in good] == list(range(1, len(good) + 1))
    assert len({x.id for x in good}) == len(good)
    for x in good:
        assert x.title and x.briefing and x.steps and x.hints and x.debrief, x.id
        assert x.duration_s <= MAX_DURATION_S and x.scenario.bots <= MAX_BOTS, x.id
        assert all(g.check in CHECKS for g in x.goals)
        for g in x.goals:  # goals that name a question name one of the lesson's
            if "question" in g.params:
                assert x.question(g.params["question"]) is not None
        assert template_fields(x.debrief), f"{x.id}: the debrief shows none of the player's numbers"


def test_lessons_are_data_not_code():
    """Each lesson builds its own seeded market from the file alone, reproducibly."""
    for x in lessons()[:3]:
        a, b = x.make_game(), x.make_game()
        for _ in range(30):
            a.step(), b.step()
        assert a.state_hash() == b.state_hash()


def _base() -> dict:
    return json.loads((lessons_dir() / "02-liquidation.json").read_text())


def _set(d, path, value):
    keys = path.split(".")
    for k in keys[:-1]:
        d = d[int(k)] if isinstance(d, list) else d[k]
    last = keys[-1]
    if value is _DELETE:
        del d[last]
    elif isinstance(d, list):
        d[int(last)] = value
    else:
        d[last] = value


_DELETE = object()

MALFORMED = [
    ("id", "Bad Id!", "id"),
    ("number", "two", "number"),
    ("title", _DELETE, "title"),
    ("duration_s", 5, "duration_s"),
    ("rulebook", "fifo", "rulebook"),
    ("starting_balance", -5, "starting_balance"),
    ("colour", "red", "colour"),
    ("scenario.base", "no-such-scenario", "scenario.base"),
    ("scenario.bots", "many", "scenario.bots"),
    ("scenario.crowd.long_bias", 0.9, "scenario.crowd.long_bias"),
    ("scenario.segments", [{"start_s": 10}], "scenario.segments"),  # retired: shocks move the price now
    ("scenario.shocks", [{"kind": "metaorder", "onset_s": 10, "duration_s": 5, "size_btc": -1}],
     "scenario.shocks[0].size_btc"),
    ("scenario.shocks", [{"kind": "meteor", "onset_s": 10, "duration_s": 5}], "scenario.shocks[0].kind"),
    ("market", {"funding_interval_s": 1}, "market.funding_interval_s"),
    ("market", {"tick_size": 1}, "market.tick_size"),
    ("questions.0.kind", "essay", "questions[0].kind"),
    ("questions.0.choices", ["only one"], "questions[0].choices"),
    ("goal", [], "goal"),
    ("goal.0.check", "be_rich", "goal[0].check"),
    ("goal.0.side", "sideways", "goal[0].side"),
    ("goal.0.leverage_at_least", 500, "goal[0].leverage_at_least"),
    ("goal.0.speed", 3, "goal[0].speed"),
    ("goal.2.question", "nope", "goal[2].question"),
    ("goal.2.expect_from", "no_such_number", "goal[2].expect_from"),
    ("hints", [], "hints"),
    ("debrief", "You lost {no_such_number:,.2f} USD", "debrief"),
    ("score", "stars", "score"),
]


@pytest.mark.parametrize("path,value,field", MALFORMED, ids=[m[2] + ":" + str(i) for i, m in enumerate(MALFORMED)])
def test_malformed_lesson_is_reported_with_path_and_field(tmp_path, path, value, field):
    d = copy.deepcopy(_base())
    _set(d, path, value)
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(d))
    with pytest.raises(LessonError) as e:
        load_lesson_file(f)
    assert e.value.path == str(f) and e.value.field == field, str(e.value)
    assert str(e.value).startswith(f"{f}: {field}: ")


def test_invalid_json_names_the_line(tmp_path):
    f = tmp_path / "broken.json"
    f.write_text('{\n  "id": "x",\n  "number": 1,,\n}')
    with pytest.raises(LessonError) as e:
        load_lesson_file(f)
    assert e.value.field == "file" and "line 3" in str(e.value) and str(f) in str(e.value)


def test_scan_keeps_good_lessons_and_reports_bad_and_duplicate_files(tmp_path):
    good = _base()
    (tmp_path / "a.json").write_text(json.dumps(good))
    dup = copy.deepcopy(good)
    dup["number"] = 7
    (tmp_path / "b.json").write_text(json.dumps(dup))  # same id
    (tmp_path / "c.json").write_text("[]")
    lessons_found, errors = scan_lessons(tmp_path)
    assert [x.id for x in lessons_found] == [good["id"]]
    fields = {(e.path.rsplit("/", 1)[-1], e.field) for e in errors}
    assert fields == {("b.json", "id"), ("c.json", "file")}
    with pytest.raises(LessonError) as e:
        load_lessons(tmp_path)
    assert "b.json: id:" in str(e.value) and "c.json: file:" in str(e.value)


def test_inline_scenario_and_base_overrides(tmp_path):
    d = _base()
    d["scenario"] = {"base": "long-squeeze", "bots": 50, "crowd": {"leverage_tilt": 0.1}}
    f = tmp_path / "x.json"
    f.write_text(json.dumps(d))
    x = load_lesson_file(f)
    assert x.scenario.bots == 50 and x.scenario.crowd.leverage_tilt == 0.1
    assert x.scenario.crowd.long_bias == 0.25  # kept from the base scenario
    assert x.scenario.start_price == 43000
