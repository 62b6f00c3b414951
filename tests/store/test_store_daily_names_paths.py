"""Daily seed, name cleaning and data-dir resolution."""

import datetime as dt
import hashlib
from pathlib import Path

import platformdirs
from hypothesis import given, settings
from hypothesis import strategies as st
from store_factory import edit_entry, make_session

from liqgame.store import Store, clean_name, daily_key, daily_seed, format_scores_table, resolve_data_dir


def test_daily_seed_is_the_documented_formula_and_stable():
    day = dt.date(2025, 3, 4)
    digest = hashlib.sha256(b"liqgame-daily-2025-03-04").digest()
    assert daily_seed(day) == int.from_bytes(digest[:4], "big") & 0x7FFFFFFF
    assert daily_seed(day) == 729_411_806  # pinned: the same on every machine, every release
    assert daily_seed(day) == daily_seed(dt.datetime(2025, 3, 4, 23, 59)) == daily_seed("2025-03-04")


def test_daily_seed_differs_across_ten_years_of_days():
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(3653)]
    seeds = [daily_seed(day) for day in days]
    assert len(set(seeds)) == len(seeds)
    assert all(0 < seed < 2**31 for seed in seeds)


def test_daily_key_rejects_junk():
    for junk in ("2025-3-4", "tomorrow", 20250304, None):
        try:
            daily_key(junk)
        except ValueError:
            continue
        raise AssertionError(f"accepted {junk!r}")


def test_daily_score_tables_are_separate_per_day(data_dir):
    store = Store(data_dir)
    for i, day in enumerate(("2025-03-04", "2025-03-04", "2025-03-05")):
        store.save_session(*make_session(i, kind="daily", daily_date=day, seed=daily_seed(day)))
    store.save_session(*make_session(9))
    assert len(store.top_scores(daily_date=dt.date(2025, 3, 4))) == 2
    assert len(store.top_scores(kind="daily", daily_date="2025-03-05")) == 1
    assert len(store.top_scores(kind="free")) == 1


def test_clean_name_examples():
    assert clean_name("  Alice  ") == "Alice"
    assert clean_name("a\tb\nc") == "a b c"
    assert clean_name("evil\x1b[31mred\x1b[0m") == "evil[31mred[0m"
    assert clean_name("rtl\u202eoverride") == "rtloverride"
    assert clean_name("x" * 100) == "x" * 24
    assert clean_name("") == clean_name("   ") == clean_name("\x00\x01") == clean_name(None) == "player"
    assert clean_name("Zoë 🚀") == "Zoë 🚀"


@settings(max_examples=500)
@given(st.text(max_size=200))
def test_clean_name_properties(raw):
    name = clean_name(raw)
    assert 1 <= len(name) <= 24
    assert name.isprintable() and name == name.strip()
    assert clean_name(name) == name  # idempotent: cleaning a stored name changes nothing


def test_saved_names_are_cleaned(data_dir):
    store = Store(data_dir)
    store.save_session(*make_session(0, name="\x1b]0;pwned\x07" + "y" * 40))
    assert store.top_scores()[0]["name"] == "]0;pwned" + "y" * 16


def test_resolve_data_dir_order(monkeypatch, tmp_path):
    monkeypatch.setenv("LIQGAME_HOME", str(tmp_path / "env"))
    assert resolve_data_dir(str(tmp_path / "cli")) == tmp_path / "cli"
    assert resolve_data_dir(None) == tmp_path / "env"
    monkeypatch.setenv("LIQGAME_HOME", "")
    assert resolve_data_dir("") == Path(platformdirs.user_data_dir("liqgame", appauthor=False))
    monkeypatch.delenv("LIQGAME_HOME")
    assert resolve_data_dir(None) == Path(platformdirs.user_data_dir("liqgame", appauthor=False))
    assert resolve_data_dir("~/x") == Path.home() / "x"


def test_store_without_argument_uses_liqgame_home(tmp_path, monkeypatch):
    monkeypatch.setenv("LIQGAME_HOME", str(tmp_path / "home"))
    store = Store()
    assert store.path == tmp_path / "home" / "liqgame.json" and store.writable


def test_every_shown_text_field_is_printable(data_dir):
    """Hand-edited index fields reach no terminal as escape sequences: not in rows, not in the table."""
    store = Store(data_dir)
    sid = store.save_session(*make_session(0)).session_id
    edit_entry(store.path, sid, scenario="calm\x1b[2J", rulebook="x\x1b]0;pwned\x07", date="2025\x1b[H",
               verified=False, reason="bad\x1b[31m", sig=None)
    rows = store.top_scores() + store.sessions()
    texts = [value for row in rows for value in row.values() if isinstance(value, str)]
    assert texts and all(text.isprintable() for text in texts), texts
    assert "\x1b" not in format_scores_table(store.top_scores())


def test_wide_names_keep_the_score_table_in_its_columns(data_dir):
    from rich.cells import cell_len

    store = Store(data_dir)
    for i, name in enumerate(("ann", "Zoë 🚀🚀", "李小龍", "ｆｕｌｌｗｉｄｔｈ")):
        store.save_session(*make_session(i, name=name))
    header, rule, *lines = format_scores_table(store.top_scores()).splitlines()
    assert len(lines) == 4
    # the session id is the last column and always 12 characters: every row ends where the rule does
    assert {cell_len(line) for line in lines} == {cell_len(rule)}
    score_ends = cell_len(header[:header.index("Score") + len("Score")])  # a right-aligned column
    for line, row in zip(lines, store.top_scores()):
        after_name = line.index(row["name"]) + len(row["name"])
        score = f"{row['score']:,}"
        assert cell_len(line[:line.index(score, after_name) + len(score)]) == score_ends, line
