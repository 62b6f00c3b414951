"""A study's output directory: its manifest, the rows appended as runs finish, and resuming.

    DIR/manifest.json   the study's arguments (:meth:`StudySpec.manifest`); a directory holds one study
    DIR/rows.jsonl      one JSON object per finished run: the record a resumed study trusts
    DIR/rows.csv        the same rows as CSV
    DIR/summary.txt     the summary and chart, once every run is done

Rows are appended and flushed as runs finish, so an interrupted study loses at most the runs in
flight. Opening a directory again keeps every whole row (a line cut off by a kill is dropped),
rewrites both files from them, and reports which runs are done, so a resumed study never writes a
row twice. When every run is done, both files are rewritten in the spec's order: a finished study's
files are the same bytes whatever executor, number of workers or interruptions produced them.
A lock file keeps two processes from writing one directory.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..store.atomic import atomic_write_bytes, try_lock
from . import rows as R
from .spec import StudySpec

MANIFEST, JSONL, CSV, SUMMARY, LOCK = "manifest.json", "rows.jsonl", "rows.csv", "summary.txt", ".lock"


class OutputDirError(Exception):
    """An output directory that cannot hold this study (one line, for the command line)."""


class OutputDir:
    def __init__(self, path: str | Path, spec: StudySpec):
        self.path = Path(path)
        self.spec = spec
        self.cols = R.columns(spec.has_player)
        self.rows: dict[tuple[str, int], dict] = {}  # every row written, by (rulebook, seed)
        self._files = None
        self._lock = None

    # ------------------------------------------------------------------ opening
    def open(self) -> "OutputDir":
        """Create or reopen the directory for this study; refuse one that belongs to another."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise OutputDirError(f"cannot create the output directory {self.path}: {e.strerror or e}") from None
        if not os.access(self.path, os.W_OK | os.X_OK):
            raise OutputDirError(f"the output directory {self.path} is not writable")
        self._lock = try_lock(self.path / LOCK)
        if self._lock is None:
            raise OutputDirError(f"another study is writing to {self.path} right now")
        try:
            self._check_manifest()
            self.rows = self._read_rows()
            self._rewrite()  # drops a torn last line, makes the CSV agree with the JSON lines
            self._files = self._append()
        except BaseException:
            self.close()  # a refused directory is left as it was, and unlocked
            raise
        return self

    def _check_manifest(self) -> None:
        want, path = self.spec.manifest(), self.path / MANIFEST
        if path.exists():
            try:
                have = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raise OutputDirError(f"{path} is not a study manifest; choose another --out") from None
            diff = StudySpec.differences(have, want) if isinstance(have, dict) else ["everything"]
            if diff:
                raise OutputDirError(f"{self.path} holds another study (it differs in {', '.join(diff)}); "
                                     f"choose another --out")
            return
        if any(p.name != LOCK for p in self.path.iterdir()):
            raise OutputDirError(f"{self.path} is not empty and holds no study; choose an empty or new --out")
        self._write(MANIFEST, json.dumps(want, indent=2) + "\n")

    def _read_rows(self) -> dict[tuple[str, int], dict]:
        """Every whole row of rows.jsonl, in file order (a torn or repeated line is left out)."""
        path, found = self.path / JSONL, {}
        wanted = set(self.spec.tasks())
        if not path.exists():
            return found
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
            try:
                row = json.loads(line) if line.endswith("\n") else None
            except ValueError:
                row = None
            if isinstance(row, dict) and tuple(row) == self.cols and R.key(row) in wanted:
                found.setdefault(R.key(row), row)
        return found

    # ------------------------------------------------------------------ writing
    @property
    def done(self) -> set[tuple[str, int]]:
        return set(self.rows)

    def add(self, row: dict) -> bool:
        """Append a finished run's row (flushed at once); a run already written is not written again."""
        k = R.key(row)
        if k in self.rows:
            return False
        jsonl, csv = self._files
        jsonl.write(R.json_line(row))
        csv.write(R.csv_line(row, self.cols))
        jsonl.flush()
        csv.flush()
        self.rows[k] = row
        return True

    def finish(self, summary: str) -> None:
        """Every run is done: both files in the spec's order, and the summary beside them."""
        self._rewrite()
        self._write(SUMMARY, summary + "\n")

    def ordered(self) -> list[dict]:
        """The rows written so far, in the spec's order."""
        return [self.rows[k] for k in self.spec.tasks() if k in self.rows]

    def close(self) -> None:
        for f in self._files or ():
            f.close()
        self._files = None
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def __enter__(self) -> "OutputDir":
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    def _rewrite(self) -> None:
        for f in self._files or ():
            f.flush()
        rows = self.ordered()
        self._write(JSONL, "".join(R.json_line(r) for r in rows))
        self._write(CSV, R.csv_header(self.cols) + "".join(R.csv_line(r, self.cols) for r in rows))
        if self._files:  # reopen: the old handles point at the replaced files
            for f in self._files:
                f.close()
            self._files = self._append()

    def _append(self):
        """The two row files, open for appending until close(): rows are flushed as runs finish."""
        return (open(self.path / JSONL, "a", encoding="utf-8"),  # noqa: SIM115 - held open across runs
                open(self.path / CSV, "a", encoding="utf-8"))  # noqa: SIM115

    def _write(self, name: str, text: str) -> None:
        try:
            atomic_write_bytes(self.path / name, text.encode("utf-8"))
        except OSError as e:
            raise OutputDirError(f"cannot write {self.path / name}: {e.strerror or e}") from None
