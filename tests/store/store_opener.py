"""Opener subprocess for the repair-kill test: ``python store_opener.py DATA_DIR`` prints "start",
opens the store (which repairs a bad index) and prints how many sessions it shows.
``SLOW_FSYNC`` works as in ``store_writer.py``."""

import os
import sys

from store_writer import slow_down_fsync

from liqgame.store import Store


def main() -> int:
    if os.environ.get("SLOW_FSYNC"):
        slow_down_fsync(float(os.environ["SLOW_FSYNC"]))
    print("start", flush=True)
    store = Store(sys.argv[1])
    print(len(store.sessions()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
