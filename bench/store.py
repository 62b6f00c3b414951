"""Benchmark of the store at scale: 10,000 saved sessions.

Set-up writes the session files and the index directly in bulk (10,000 ``save_session`` calls would
each rewrite the index); the measurements then go through the public API only:

* loading the high-score table: ``Store(dir)`` + ``top_scores()`` (target <= 200 ms)
* saving one more session: ``store.save_session(record, actions)`` (target <= 200 ms)

Usage: ``python bench/store.py [--sessions N] [--repeat R] [--dir PATH]``
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from liqgame.store import Store
from liqgame.store.atomic import AtomicJSONStorage
from liqgame.store.logs import encode_log, write_log
from liqgame.store.paths import Layout
from liqgame.store.records import index_entry, new_index, new_session_id, normalize_record

TARGET_MS = 200.0
SCENARIOS = ("crash-2021-05", "ftx-2022-11", "halving-2024", "covid-2020-03")


def make_session(rng: random.Random, n: int, n_actions: int = 200) -> tuple[dict, list[dict]]:
    """A plausible finished session with ``n_actions`` trading actions."""
    kind = rng.choice(("free", "free", "daily", "lesson"))
    record = {
        "name": f"player{n % 97}",
        "date": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00+00:00",
        "game_version": "0.1.0",
        "seed": rng.randrange(2**31),
        "scenario": rng.choice(SCENARIOS),
        "rulebook": rng.choice(("binance-like", "bitmex-like")),
        "starting_balance": 10_000.0,
        "bots": rng.choice((1_500, 3_000, 9_000)),
        "final_equity": round(rng.uniform(0, 40_000), 2),
        "score": rng.randrange(0, 100_000),
        "liquidations": rng.randrange(0, 4),
        "max_drawdown": round(rng.random(), 4),
        "state_hash": f"{rng.getrandbits(256):064x}",
        "kind": kind,
        "daily_date": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}" if kind == "daily" else None,
    }
    actions = [
        {"t": i * 5, "op": rng.choice(("buy", "sell", "close")), "qty": round(rng.uniform(0.001, 2), 3), "lev": rng.choice((2, 5, 10, 25, 50))}
        for i in range(n_actions)
    ]
    return record, actions


def bulk_setup(root: Path, count: int, rng: random.Random) -> None:
    """Write ``count`` session files (not fsynced) and one index holding all their entries."""
    layout = Layout(root)
    layout.sessions.mkdir(parents=True, exist_ok=True)
    entries, taken = [], set()
    for n in range(count):
        record, actions = make_session(rng, n)
        clean = normalize_record(record)
        blob, digest = encode_log(clean, actions)
        session_id = new_session_id(digest, taken)
        taken.add(session_id)
        write_log(layout.log(session_id), blob, durable=False)
        entries.append(index_entry(session_id, clean))
    AtomicJSONStorage(layout.index).write(new_index(entries))


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--dir", type=Path, default=None, help="data dir to use (default: a temp dir)")
    args = parser.parse_args(argv)
    rng = random.Random(1234)
    with tempfile.TemporaryDirectory(prefix="liqgame-bench-") as tmp:
        root = args.dir or Path(tmp)
        start = time.perf_counter()
        bulk_setup(root, args.sessions, rng)
        size_mb = Layout(root).index.stat().st_size / 1e6
        print(f"set-up: {args.sessions} sessions in {time.perf_counter() - start:.1f} s; index {size_mb:.2f} MB")

        load = [timed(lambda: Store(root).top_scores()) for _ in range(args.repeat)]
        store = Store(root)
        assert store.writable and not store.warnings, store.warnings
        rows = store.top_scores()
        assert len(rows) == 20

        def save_one() -> None:
            result = store.save_session(*make_session(rng, rng.randrange(10**6)))
            assert result.ok, result.message

        save = [timed(save_one) for _ in range(args.repeat)]
        verify_read = [timed(lambda: store.top_scores(kind="daily", daily_date="2025-03-03")) for _ in range(args.repeat)]
        total = len(store.sessions())

    failed = False
    print(f"sessions at the end: {total}")
    for label, samples in (
        ("load high-score table (Store() + top_scores())", load),
        ("save one more session (save_session)", save),
    ):
        median = statistics.median(samples)
        ok = median <= TARGET_MS
        failed |= not ok
        print(f"{label:<50} median {median:7.1f} ms  (min {min(samples):6.1f}, max {max(samples):6.1f})"
              f"  target <= {TARGET_MS:.0f} ms  {'OK' if ok else 'MISSED'}")
    print(f"{'daily table on an open store (top_scores)':<50} median {statistics.median(verify_read):7.1f} ms")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
