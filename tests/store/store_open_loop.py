"""``python store_open_loop.py DATA_DIR COUNT START_AT``: wait until the wall clock reaches START_AT
(so several processes start together), open the store COUNT times, print how many opens reported a
problem and the first such report."""

import json
import sys
import time

from liqgame.store import Store


def main() -> int:
    root, count, start_at = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    while time.time() < start_at:
        time.sleep(0.001)
    bad = []
    for _ in range(count):
        store = Store(root)
        if store.warnings or not store.writable:
            bad.append(store.warnings)
    print(json.dumps({"opens": count, "bad": len(bad), "first": bad[0] if bad else None}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
