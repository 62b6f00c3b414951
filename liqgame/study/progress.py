"""A progress bar with an ETA, for a terminal (stderr), redrawn at most a few times a second."""

from __future__ import annotations

import time


def eta_text(seconds: float) -> str:
    """12 s, 4 min 05 s, 2 h 07 min."""
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def bar(done: int, total: int, elapsed: float, width: int = 30) -> str:
    """``[#####.....] 120/4000 runs  3.1 runs/s  ETA 20 min 51 s`` (rate and ETA once a run is done)."""
    filled = width * done // max(total, 1)
    text = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} runs"
    if done and elapsed > 0:
        rate = done / elapsed
        text += f"  {rate:.2f} runs/s  ETA {eta_text((total - done) / rate)}"
    return text


class Progress:
    """Counts the runs of this session (a resumed study's earlier rows do not speed up the ETA)."""

    def __init__(self, stream, total: int, already: int = 0, clock=time.monotonic, every_s: float = 0.2):
        self.stream, self.total, self.already = stream, total, already
        self.clock, self.every_s = clock, every_s
        self.start = self.last = clock()
        self.done = 0

    def step(self) -> None:
        self.done += 1
        now = self.clock()
        if now - self.last >= self.every_s or self.already + self.done == self.total:
            self.last = now
            self.draw(now)

    def draw(self, now: float | None = None) -> None:
        now = self.clock() if now is None else now
        line = bar(self.done, self.total - self.already, now - self.start)
        self.stream.write(f"\r{line}")
        self.stream.flush()

    def end(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
