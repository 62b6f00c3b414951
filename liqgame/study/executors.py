"""Where a study's runs execute: a local process pool, or an existing Dask cluster.

Both take the same (spec, rulebook, seed) tasks and yield each run's row as it finishes; the
row is computed by the same pure function (:func:`runner.run_one`), so the executor changes when
a row arrives, never its bytes. Neither schedules anything itself: the pool and the cluster do.
At most a few tasks per worker are in flight, so an interrupted study leaves little to redo and a
cluster is not flooded with a million futures.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Iterable, Iterator

from .runner import run_one
from .spec import StudySpec

IN_FLIGHT_PER_WORKER = 2


class ExecutorError(Exception):
    """An executor that cannot start (one line, for the command line)."""


def machine_workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class LocalExecutor:
    """A process pool on this machine (``workers`` processes; default: one per core)."""

    name = "local"

    def __init__(self, workers: int | None = None):
        self.workers = workers or machine_workers()

    def __enter__(self) -> "LocalExecutor":
        self._pool = ProcessPoolExecutor(self.workers)
        return self

    def __exit__(self, *exc) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def run(self, spec: StudySpec, tasks: Iterable[tuple[str, int]]) -> Iterator[dict]:
        todo, running = iter(tasks), set()
        while True:
            for rulebook, seed in todo:
                running.add(self._pool.submit(run_one, spec, rulebook, seed))
                if len(running) >= self.workers * IN_FLIGHT_PER_WORKER:
                    break
            if not running:
                return
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for f in done:
                yield f.result()


class DaskExecutor:
    """An existing Dask cluster, reached at ``scheduler`` (its workers need liqgame installed).

    ``client`` may be given instead (a test's ``LocalCluster``); the executor then leaves it open.
    """

    name = "dask"
    connect_timeout = "10s"  # a scheduler that does not answer by then is unreachable

    def __init__(self, scheduler: str | None = None, client=None):
        self.scheduler = scheduler
        self._client, self._own = client, client is None

    def __enter__(self) -> "DaskExecutor":
        try:
            from distributed import Client
        except ImportError:
            raise ExecutorError("--executor dask needs the 'distributed' package: "
                                "pip install 'liqgame[study]'") from None
        if self._client is None:
            try:
                self._client = Client(self.scheduler, timeout=self.connect_timeout)
            except (OSError, TimeoutError, ValueError) as e:
                raise ExecutorError(f"cannot reach the Dask scheduler at {self.scheduler}: {e}") from None
        return self

    def __exit__(self, *exc) -> None:
        if self._own and self._client is not None:
            self._client.close()

    @property
    def workers(self) -> int:
        return max(len(self._client.scheduler_info().get("workers", {})), 1)

    def run(self, spec: StudySpec, tasks: Iterable[tuple[str, int]]) -> Iterator[dict]:
        from distributed import as_completed

        client, todo = self._client, iter(tasks)

        def submit(rulebook: str, seed: int):
            # a key per run: the cluster computes a resubmitted run once, and its dashboard names it
            return client.submit(run_one, spec, rulebook, seed, key=f"liqgame-{spec.digest}-{rulebook}-{seed}")

        first = [submit(*t) for t in itertools.islice(todo, self.workers * IN_FLIGHT_PER_WORKER)]
        if not first:
            return
        queue = as_completed(first)
        for future in queue:
            row = future.result()
            future.release()
            nxt = next(todo, None)
            if nxt is not None:
                queue.add(submit(*nxt))
            yield row
