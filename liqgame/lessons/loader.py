"""Reading lesson files (``assets/lessons/*.json``) into :class:`Lesson` objects.

Every problem is reported as ``path: field: what is wrong`` (a :class:`LessonError`),
never as a traceback, so an instructor editing a file sees what to fix.  The file format
is described in ``assets/lessons/README.md``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..assets_io import asset_dir
from ..engine import MAX_LEVERAGE, RULEBOOKS, FieldError, ScenarioError, number, scenario_from_dict
from . import checks as ck
from .model import Goal, Lesson, Question, template_fields
from .numbers import BASE_NUMBERS

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
TOP_FIELDS = {"id", "number", "title", "summary", "briefing", "steps", "scenario", "market", "rulebook",
              "starting_balance", "duration_s", "seed", "quarterly", "questions", "goal", "hints", "debrief", "score"}
MARKET_FIELDS = {"funding_interval_s": (10, 8 * 3600)}
MIN_DURATION, MAX_DURATION = 30, 24 * 3600
CROWD_FIELDS = ("long_bias", "herd", "activity", "leverage_tilt")


class LessonError(ValueError):
    """A malformed lesson file: names the file and the field at fault."""

    def __init__(self, path, field: str, message: str):
        self.path, self.field, self.message = str(path), field, message
        super().__init__(f"{self.path}: {field}: {message}")


def lessons_dir() -> Path:
    return asset_dir() / "lessons"


def load_lessons(directory: str | Path | None = None) -> list[Lesson]:
    """All lessons, in order of their ``number``; raises LessonError naming every bad file."""
    lessons, errors = scan_lessons(directory)
    if errors:
        raise LessonError(errors[0].path, errors[0].field, errors[0].message) if len(errors) == 1 else \
            _many(errors)
    return lessons


def _many(errors: list[LessonError]) -> LessonError:
    e = LessonError(errors[0].path, errors[0].field, errors[0].message)
    e.args = ("\n".join(str(x) for x in errors),)
    e.all = errors
    return e


def scan_lessons(directory: str | Path | None = None) -> tuple[list[Lesson], list[LessonError]]:
    """The good lessons and the errors of the bad files (the menu shows both)."""
    root = Path(directory) if directory is not None else lessons_dir()
    lessons, errors = [], []
    for path in sorted(root.glob("*.json")):
        try:
            lessons.append(load_lesson_file(path))
        except LessonError as e:
            errors.append(e)
    seen_ids, seen_numbers = {}, {}
    good = []
    for lesson in sorted(lessons, key=lambda x: (x.number, x.id)):
        if lesson.id in seen_ids:
            errors.append(LessonError(lesson.path, "id", f"{lesson.id!r} is also used by {seen_ids[lesson.id]}"))
            continue
        if lesson.number in seen_numbers:
            errors.append(LessonError(lesson.path, "number",
                                      f"{lesson.number} is also used by {seen_numbers[lesson.number]}"))
            continue
        seen_ids[lesson.id], seen_numbers[lesson.number] = lesson.path, lesson.path
        good.append(lesson)
    return good, errors


def load_lesson_file(path: str | Path) -> Lesson:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise LessonError(path, "file", f"cannot read ({e})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise LessonError(path, "file", f"not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    return lesson_from_dict(data, path)


def find_lesson(lessons: list[Lesson], key: str | int) -> Lesson | None:
    """A lesson by number ("3") or id ("03-counterparties")."""
    text = str(key).strip()
    for lesson in lessons:
        if text == lesson.id or (text.isdigit() and int(text) == lesson.number):
            return lesson
    return None


# ---------------------------------------------------------------------- validation
class _V:
    """Field readers that raise LessonError(path, field, ...)."""

    def __init__(self, path):
        self.path = path

    def fail(self, field, message):
        raise LessonError(self.path, field, message)

    def text(self, d, key, field=None, required=True, default=""):
        field = field or key
        v = d.get(key, None)
        if v is None and not required:
            return default
        if isinstance(v, list) and v and all(isinstance(x, str) for x in v):
            v = "\n\n".join(v) if key == "briefing" else "\n".join(v)
        if not isinstance(v, str) or not v.strip():
            self.fail(field, "must be a non-empty string" + (" (or a list of strings)" if key in
                                                              ("briefing", "debrief") else ""))
        return v

    def integer(self, d, key, lo, hi, field=None, required=True, default=None):
        if key not in d:
            return self.number(d, key, lo, hi, field, required, default)  # reports "is missing" or gives default
        v = self.number(d, key, lo, hi, field)
        if v != int(v):
            self.fail(field or key, f"must be a whole number, got {v!r}")
        return int(v)

    def number(self, d, key, lo, hi, field=None, required=True, default=None):
        field = field or key
        if key not in d:
            if required:
                self.fail(field, "is missing")
            return default
        try:
            return number(d[key], lo=lo, hi=hi)
        except FieldError as e:
            self.fail(field, str(e))

    def strings(self, d, key, required=True):
        v = d.get(key)
        if v is None and not required:
            return ()
        if not isinstance(v, list) or not v or not all(isinstance(x, str) and x.strip() for x in v):
            self.fail(key, "must be a non-empty list of strings")
        return tuple(v)


def lesson_from_dict(d, path: str | Path = "<lesson>") -> Lesson:
    v = _V(path)
    if not isinstance(d, dict):
        v.fail("file", "must hold one JSON object")
    unknown = sorted(set(d) - TOP_FIELDS)
    if unknown:
        v.fail(unknown[0], f"unknown field (known: {', '.join(sorted(TOP_FIELDS))})")
    lid = d.get("id")
    if not isinstance(lid, str) or not ID_RE.match(lid):
        v.fail("id", f"must be a short lower-case slug like '03-counterparties', got {lid!r}")
    number = v.integer(d, "number", 1, 999)
    title = v.text(d, "title")
    briefing = v.text(d, "briefing")
    summary = v.text(d, "summary", required=False, default=briefing.split("\n")[0][:120])
    steps = v.strings(d, "steps", required=False)
    duration = v.integer(d, "duration_s", MIN_DURATION, MAX_DURATION)
    rulebook = d.get("rulebook", "insurance-first")
    if rulebook not in RULEBOOKS:
        v.fail("rulebook", f"unknown rulebook {rulebook!r}; choose one of: {', '.join(RULEBOOKS)}")
    balance = v.number(d, "starting_balance", 1, 1e9, required=False, default=10_000.0)
    if round(balance, 4) != balance:
        v.fail("starting_balance", "must be a whole number of 0.0001 USD")
    seed = v.integer(d, "seed", 0, 2**63 - 1, required=False)
    quarterly = d.get("quarterly", False)
    if not isinstance(quarterly, bool):
        v.fail("quarterly", "must be true or false")
    scoring = d.get("score", "engine")
    if scoring not in ("engine", "pass"):
        v.fail("score", f"must be 'engine' (the game's score) or 'pass' (1000 for a pass), got {scoring!r}")
    scenario = _scenario(v, d.get("scenario"), lid, title, briefing, duration)
    market = _market(v, d.get("market", {}))
    questions = _questions(v, d.get("questions", []))
    goals, known = _goals(v, d.get("goal"), questions)
    hints = v.strings(d, "hints")
    debrief = v.text(d, "debrief")
    bad = [name for name in template_fields(debrief) if name not in known]
    if bad:
        v.fail("debrief", f"unknown number {{{bad[0]}}} (known here: {', '.join(sorted(known))})")
    return Lesson(id=lid, number=number, title=title, summary=summary, briefing=briefing, steps=steps,
                  scenario=scenario, rulebook=rulebook, starting_balance=float(balance), duration_s=duration,
                  seed=seed, goals=goals, questions=questions, hints=hints, debrief=debrief, market=market,
                  quarterly=quarterly, scoring=scoring, path=str(path))


def _scenario(v: _V, spec, lid, title, briefing, duration):
    """A shipped scenario by name, one with overrides (``{"base": name, ...}``), or an inline one."""
    if isinstance(spec, str):
        spec = {"base": spec}
    if not isinstance(spec, dict):
        v.fail("scenario", "must be a scenario name or an object")
    data = {}
    if "base" in spec:
        base = spec["base"]
        file = asset_dir() / "scenarios" / f"{base}.json" if isinstance(base, str) and base else None
        if file is None or not file.is_file():
            names = sorted(p.stem for p in (asset_dir() / "scenarios").glob("*.json"))
            v.fail("scenario.base", f"unknown scenario {base!r}; choose one of: {', '.join(names)}")
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            v.fail("scenario.base", f"cannot read {file} ({e})")
    for key, value in spec.items():
        if key == "base":
            continue
        if key in ("crowd", "index") and isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}  # one level deep: override a few crowd/index fields
        else:
            data[key] = value
    data.setdefault("name", f"lesson-{lid}")
    data.setdefault("title", title)
    data.setdefault("description", briefing.split("\n")[0])
    data["duration_s"] = max(duration, 60)
    try:
        return scenario_from_dict(data, where="scenario")
    except (ScenarioError, ValueError, TypeError, AttributeError, KeyError) as e:
        msg = str(e)
        field = "scenario"
        m = re.match(r"scenario: '([^']+)'", msg) or re.match(r"scenario: (\S+?):? ", msg)
        if m:
            name = m.group(1)
            field = f"scenario.{'crowd.' if name in CROWD_FIELDS else ''}{name}"
        v.fail(field, msg.removeprefix("scenario: "))


def _market(v: _V, spec):
    if not isinstance(spec, dict):
        v.fail("market", "must be an object")
    out = {}
    for key in spec:
        if key not in MARKET_FIELDS:
            v.fail(f"market.{key}", f"unknown market setting (known: {', '.join(MARKET_FIELDS)})")
        lo, hi = MARKET_FIELDS[key]
        out[key] = v.integer(spec, key, lo, hi, field=f"market.{key}")
    return out


def _questions(v: _V, spec) -> tuple[Question, ...]:
    if not isinstance(spec, list):
        v.fail("questions", "must be a list")
    out, keys = [], set()
    for k, q in enumerate(spec):
        where = f"questions[{k}]"
        if not isinstance(q, dict):
            v.fail(where, "must be an object")
        extra = sorted(set(q) - {"key", "prompt", "kind", "choices", "when"})
        if extra:
            v.fail(f"{where}.{extra[0]}", "unknown field (known: key, prompt, kind, choices, when)")
        key = q.get("key")
        if not isinstance(key, str) or not ID_RE.match(key.replace("_", "-")):
            v.fail(f"{where}.key", f"must be a short name like 'level', got {key!r}")
        if key in keys:
            v.fail(f"{where}.key", f"{key!r} is used twice")
        keys.add(key)
        prompt = v.text(q, "prompt", field=f"{where}.prompt")
        kind = q.get("kind", "choice")
        if kind not in ("choice", "price"):
            v.fail(f"{where}.kind", f"must be 'choice' or 'price', got {kind!r}")
        choices = ()
        if kind == "choice":
            choices = q.get("choices")
            if not isinstance(choices, list) or len(choices) < 2 or \
                    not all(isinstance(c, str) and c.strip() for c in choices):
                v.fail(f"{where}.choices", "a choice question needs a list of at least two strings")
            if len({c.lower() for c in choices}) != len(choices):
                v.fail(f"{where}.choices", "choices must differ")
        when = q.get("when", "after")
        if when not in ("after", "during"):
            v.fail(f"{where}.when", f"must be 'after' or 'during', got {when!r}")
        out.append(Question(key, prompt, kind, tuple(choices), when))
    return tuple(out)


def _goals(v: _V, spec, questions) -> tuple[tuple[Goal, ...], set]:
    if not isinstance(spec, list) or not spec:
        v.fail("goal", "must be a non-empty list of checks")
    known = set(BASE_NUMBERS)
    qkeys = {q.key: q for q in questions}
    out = []
    for k, g in enumerate(spec):
        where = f"goal[{k}]"
        if not isinstance(g, dict):
            v.fail(where, "must be an object with a 'check'")
        name = g.get("check")
        if name not in ck.CHECKS:
            v.fail(f"{where}.check", f"unknown check {name!r}; known: {', '.join(sorted(ck.CHECKS))}")
        c = ck.CHECKS[name]
        hint = g.get("hint", "")
        if not isinstance(hint, str):
            v.fail(f"{where}.hint", "must be a string")
        params = {}
        for key, value in g.items():
            if key in ("check", "hint"):
                continue
            if key not in c.params:
                v.fail(f"{where}.{key}", f"unknown parameter of {name!r} "
                                         f"(known: {', '.join(c.params) or 'none'})")
            params[key] = _param(v, f"{where}.{key}", c.params[key], value, qkeys, known)
        for key, p in c.params.items():
            if p.required and key not in params:
                v.fail(f"{where}.{key}", f"{name!r} needs this parameter")
        if name == "answered":
            if ("expect" in params) == ("expect_from" in params):
                v.fail(f"{where}.expect", "give exactly one of 'expect' (the right answer) or 'expect_from' "
                                          "(the name of a number)")
            q = qkeys[params["question"]]
            if "expect" in params and q.kind == "choice" and \
                    str(params["expect"]).lower() not in {c.lower() for c in q.choices}:
                v.fail(f"{where}.expect", f"{params['expect']!r} is not one of the question's choices")
        out.append(Goal(name, params, hint))
        known |= set(c.provides({**{k: p.default for k, p in c.params.items()}, **params}))
    return tuple(out), known


def _param(v: _V, field, p: ck.Param, value, qkeys, known):
    kind = p.kind
    if kind == "any":
        return value
    if kind in ("int", "number"):
        try:
            value = number(value, whole=kind == "int")
        except FieldError as e:
            v.fail(field, str(e))
    elif kind == "bool":
        if not isinstance(value, bool):
            v.fail(field, f"must be true or false, got {value!r}")
    elif kind == "str":
        if not isinstance(value, str) or not value:
            v.fail(field, f"must be a non-empty string, got {value!r}")
    elif kind in ("side", "margin"):
        allowed = ("long", "short") if kind == "side" else ("isolated", "cross")
        if value not in allowed:
            v.fail(field, f"must be {' or '.join(allowed)}, got {value!r}")
    elif kind == "leverages":
        if not isinstance(value, list) or not value or not all(
                isinstance(x, int) and not isinstance(x, bool) and 1 <= x <= MAX_LEVERAGE for x in value):
            v.fail(field, f"must be a list of leverages between 1 and {MAX_LEVERAGE}, got {value!r}")
        if len(set(value)) != len(value):
            v.fail(field, "leverages must differ")
    elif kind == "rulebook":
        if value not in RULEBOOKS:
            v.fail(field, f"unknown rulebook {value!r}; choose one of: {', '.join(RULEBOOKS)}")
    elif kind == "rulebooks":
        if not isinstance(value, list) or not value or any(x not in RULEBOOKS for x in value):
            v.fail(field, f"must be a list of rulebooks from: {', '.join(RULEBOOKS)}")
    elif kind == "question":
        if value not in qkeys:
            v.fail(field, f"no question with key {value!r} (questions: {', '.join(qkeys) or 'none'})")
    elif kind == "names":
        names = value if isinstance(value, list) else [value]
        if not names or not all(isinstance(x, str) for x in names):
            v.fail(field, f"must be a number name or a list of them, got {value!r}")
        for x in names:
            if x not in known:
                v.fail(field, f"unknown number {x!r} (a base number, or one provided by an earlier goal)")
    if p.lo is not None and isinstance(value, (int, float)) and value < p.lo:
        v.fail(field, f"must be at least {p.lo}, got {value!r}")
    if p.hi is not None and isinstance(value, (int, float)) and value > p.hi:
        v.fail(field, f"must be at most {p.hi}, got {value!r}")
    return value
