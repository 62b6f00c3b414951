"""Writer subprocess for the crash and concurrency tests.

``python store_writer.py DATA_DIR TAG [COUNT]`` saves sessions in a loop (forever if COUNT is
omitted), printing "ready" once and then each session id after ``save_session`` returned ok. Every
iteration also counts one attempt of lesson "shared" and rewrites settings, so all write paths run.

With ``SLOW_FSYNC=<seconds>`` in the environment every fsync sleeps that long first, like a slow
disk, which widens the moments where a half-written temp file exists (so kills land there more often).
"""

import os
import sys
import time

from store_factory import make_session

from liqgame.store import Store


def slow_down_fsync(delay: float) -> None:
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        time.sleep(delay)
        real_fsync(fd)

    os.fsync = slow_fsync


def main() -> int:
    if os.environ.get("SLOW_FSYNC"):
        slow_down_fsync(float(os.environ["SLOW_FSYNC"]))
    root, tag = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else None
    store = Store(root)
    if store.warnings or not store.writable:
        print("ERROR", store.warnings, flush=True)
        return 1
    print("ready", flush=True)
    i = 0
    while count is None or i < count:
        record, actions = make_session(i, n_actions=50, name=f"{tag}-{i}")
        result = store.save_session(record, actions)
        if not result.ok:
            print("ERROR", result.message, flush=True)
            return 1
        print(result.session_id, flush=True)
        lesson = store.record_lesson("shared", passed=i % 2 == 0, score=i)
        # Alternate a long and a short value so the index also shrinks (in-place writers break there).
        settings = store.save_settings(theme=f"{tag}-{i}", note="x" * (250 if i % 2 else 1))
        if not (lesson.ok and settings.ok):
            print("ERROR", lesson.message, settings.message, flush=True)
            return 1
        i += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
