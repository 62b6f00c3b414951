"""The ``Store``: saved sessions, high scores, lesson progress and settings for one data directory.

How a call works:

* **Reads** (``top_scores``, ``sessions``, ``settings``...) read the index file afresh and validate it.
  No lock is needed: writers replace the file atomically, so a reader always sees a whole file.
* **Writes** hold the exclusive file lock, re-read and validate the index under it, apply TinyDB
  operations to that snapshot in memory, and write the file once (``_transaction``). Two game
  processes therefore never lose each other's saves, and no stale cache survives between calls.
* **The session files are the truth.** An index that cannot be read, or is not there (missing,
  blank, ``null``, a dangling symlink) while session files exist, is rebuilt from the per-session
  files. The rebuilt index is written *before* the bad one is moved aside (it first gets a second
  name ``<name>.corrupt-<timestamp>``, then the new file replaces it atomically), so a kill, Ctrl+C
  or full disk in the middle leaves the old file in place and the repair simply runs again; if the
  new file cannot be written, the rebuilt sessions are still shown. An unreadable session file is
  moved aside and its score entry marked as failed. Each event adds a sentence to ``warnings``.
* **Unwritable data dir**: ``writable`` is False, ``warnings`` says why, and every save returns a
  ``SaveResult`` with ``ok=False`` and a "not saved: ..." message instead of raising.

Public methods never raise for disk or data problems, with two documented exceptions:
``load_session`` raises ``SessionNotFound`` / ``SessionUnreadable`` (both ``StoreError``).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from tinydb import Query, TinyDB

from .atomic import (
    TMP_PREFIX,
    AtomicJSONStorage,
    BufferStorage,
    file_lock,
    move_aside,
    remove_stale_temps,
    try_lock,
)
from .daily import daily_key
from .logs import LogError, encode_log, read_log, write_log
from .paths import LOG_SUFFIX, Layout, resolve_data_dir
from .attempts import first_attempts
from .ranking import FAILED, VERIFIED, rank, score_row, shown, status_of
from .verdict import Replayer, judge
from .records import (
    INDEX_FIELDS,
    INDEX_VERSION,
    LESSON_STATUSES,
    OutdatedIndex,
    SESSION_ID_RE,
    RecordError,
    as_number,
    check_setting,
    clean_name,
    index_entry,
    new_index,
    new_session_id,
    normalize_record,
    signature,
    validate_index,
)


@dataclass(frozen=True)
class SaveResult:
    """Outcome of a save call: ``ok``, the new session id (sessions only) and a message for the player."""

    ok: bool
    session_id: str | None
    message: str


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of replaying one session. ``recorded`` is False if the result could not be written
    (read-only store, or the entry changed while the replay ran); ``found`` is False if no saved
    session has this id (nothing was replayed, so nothing mismatched)."""

    session_id: str
    ok: bool
    reason: str
    recorded: bool
    found: bool = True


class MissingIndex(ValueError):
    """The index is not there (missing, blank, null) although session files are."""


class StoreError(Exception):
    """Base class of the errors ``load_session`` raises."""


class SessionNotFound(StoreError, KeyError):
    """No session with this id in the index."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class SessionUnreadable(StoreError):
    """The session's file is missing or corrupt (it was moved aside; the message says where)."""


def _is_session_file(name: str) -> bool:
    return name.endswith(LOG_SUFFIX) and SESSION_ID_RE.fullmatch(name[: -len(LOG_SUFFIX)]) is not None


def _describe(exc: BaseException) -> str:
    """Short, player-readable reason for a read failure."""
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON at line {exc.lineno}, column {exc.colno}"
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


class Store:
    """Persistence for one data directory (see the module docstring for the guarantees).

    Attributes: ``data_dir``, ``path`` (the index file), ``writable``, ``warnings`` (messages for
    the player, oldest first; the UI should show them once).
    """

    def __init__(self, data_dir: Path | str | None = None, *, lock_timeout: float = 15.0):
        root = resolve_data_dir(None) if data_dir is None else Path(data_dir).expanduser()
        self._layout = Layout(root)
        self._index = AtomicJSONStorage(self._layout.index)
        self._lock_timeout = lock_timeout
        self._unwritable_reason: str | None = None
        self._reported_unreadable = False
        self.data_dir: Path = root
        self.path: Path = self._layout.index
        self.warnings: list[str] = []
        self.writable = True
        self._prepare_dir()
        self._remove_stale_temps()
        self._read()  # validate at start so problems are reported (and repaired) before play

    # ------------------------------------------------------------ sessions

    def save_session(self, record: Mapping[str, Any], actions: list[dict[str, Any]],
                     replayer: Replayer | None = None) -> SaveResult:
        """Save a finished session: its full record and action log go to ``sessions/<id>.json.gz``,
        a compact entry to the index (one write each). Never raises; check ``result.ok``.

        With ``replayer`` (see ``verify``) the session is replayed first and enters the table with
        its verdict, so a new save never ranks as unchecked; a save whose replay disagrees is kept
        (nothing the player did is thrown away) but ranks as failed, and the message says why."""
        try:
            clean = normalize_record(record)
            blob, digest = encode_log(clean, actions)
        except RecordError as exc:
            return SaveResult(False, None, f"not saved: invalid session ({exc})")
        if not self.writable:
            return self._not_saved()
        verdict = None if replayer is None else judge(index_entry("", clean), clean, actions, replayer)
        try:
            with self._transaction() as db:
                table = db.table("sessions")
                session_id = new_session_id(digest, self._ids(db))
                entry = index_entry(session_id, clean)
                if verdict is not None:
                    entry.update(verified=verdict[0], reason=verdict[1])
                    entry["sig"] = signature(entry)
                write_log(self._layout.log(session_id), blob)
                table.insert(entry)
        except OSError as exc:
            # A session file written before a failed index write stays behind unreferenced; it is
            # harmless and is picked up again if the index ever has to be rebuilt.
            return SaveResult(False, None, f"not saved: {_describe(exc)}")
        if verdict is None:
            return SaveResult(True, session_id, f"saved as {session_id}")
        checked = "replay verified" if verdict[0] else f"replay check FAILED: {verdict[1]}"
        return SaveResult(True, session_id, f"saved as {session_id}; {checked}")

    def load_session(self, session_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Full record (with ``id``) and action log of a saved session.

        Raises ``SessionNotFound`` if the id is not in the index and ``SessionUnreadable`` if its
        file is missing or corrupt (the file is moved aside and the score entry marked failed).
        """
        self._find(session_id)
        try:
            record, actions = read_log(self._layout.log(session_id))
        except LogError as exc:
            message = self._log_unreadable(session_id, str(exc))
            self._record({session_id: (None, False, message)})
            raise SessionUnreadable(message) from None
        record["id"] = session_id
        return record, actions

    def sessions(
        self,
        scenario: str | None = None,
        kind: str | None = None,
        daily_date: Any = None,
        name: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Saved sessions, newest first, as index entries plus ``status``/``reason`` (no action logs).
        Filters left as None match everything."""
        entries = self._select(scenario=scenario, kind=kind, daily_date=daily_date, name=name)
        entries.sort(key=lambda e: (e["date"], e["id"]), reverse=True)
        rows = []
        for entry in entries[:limit]:
            status, reason = status_of(entry)
            row = {key: shown(entry[key]) for key in ("id",) + INDEX_FIELDS}
            row.update(name=clean_name(entry["name"]), verified={VERIFIED: True, FAILED: False}.get(status))
            row.update(status=status, reason=shown(reason))
            rows.append(row)
        return rows

    def top_scores(
        self,
        scenario: str | None = None,
        kind: str | None = None,
        daily_date: Any = None,
        limit: int | None = 20,
        rulebook: str | None = None,
    ) -> list[dict[str, Any]]:
        """High-score rows (rank, practice, name, score, equity, liquidations, max_drawdown, scenario,
        rulebook, kind, daily_date, date, verified, status, reason, session_id), JSON-serialisable.

        Filters left as None match everything (pass ``kind="free"`` for the ordinary table);
        ``daily_date`` (date or "YYYY-MM-DD") selects that day's daily challenge. Ranking: verified,
        then not yet checked, then failed; score descending within each group. A daily challenge
        ranks each player's first attempt of the day (``attempts.first_attempts`` says which and why);
        later attempts follow the ranked rows, in the same order, as practice: ``rank`` None,
        ``practice`` True. ``limit`` counts both.
        """
        entries = self._select(scenario=scenario, kind=kind, daily_date=daily_date, rulebook=rulebook)
        firsts, later = first_attempts(entries)
        ranked = rank(firsts, limit)
        room = None if limit is None else limit - len(ranked)
        practice = rank(later, room) if later and (room is None or room > 0) else []
        return ([score_row(n, entry, status, reason) for n, (entry, status, reason) in enumerate(ranked, start=1)]
                + [score_row(None, entry, status, reason) for entry, status, reason in practice])

    # ------------------------------------------------------------ verification

    def verify(self, session_id: str, replayer: Replayer) -> VerifyResult:
        """Replay one session and record the outcome on its score entry.

        ``replayer(record, actions)`` gets the full record from the session file and the action log
        and returns ``(score, final_state_hash, extras)``, ``extras`` mapping recomputed fields to
        values. It passes only if the score in the index file, the hash in the session file, every
        extra, and every field the index shares with the session file all agree with the replay,
        and the extras cover every field the table shows about the game (``verdict.BOUND_FIELDS``): a
        replay of some other game can never vouch for what the table says.
        """
        try:
            entry = self._find(session_id)
        except SessionNotFound as exc:
            return VerifyResult(session_id, False, str(exc), False, found=False)
        ok, reason = self._check(entry, replayer)
        recorded = self._record({session_id: (signature(entry), ok, reason)})
        return VerifyResult(session_id, ok, reason, session_id in recorded)

    def verify_all(self, replayer: Replayer, only_unchecked: bool = False,
                   on_result: Callable[[VerifyResult], None] | None = None) -> list[VerifyResult]:
        """Replay every session (or only those not currently verified). Each verdict is recorded as
        soon as it is reached (and passed to ``on_result``), so a run that is interrupted keeps what
        it found; a session that cannot be read or replayed fails and the run goes on. Replays run
        without the lock, so other processes can keep saving meanwhile."""
        entries = list(self._read().get("sessions", {}).values())
        if only_unchecked:
            entries = [entry for entry in entries if status_of(entry)[0] != VERIFIED]
        results = []
        for entry in entries:
            ok, reason = self._check(entry, replayer)
            recorded = self._record({entry["id"]: (signature(entry), ok, reason)})
            results.append(VerifyResult(entry["id"], ok, reason, entry["id"] in recorded))
            if on_result is not None:
                on_result(results[-1])
        return results

    # ------------------------------------------------------------ lessons and settings

    def lesson_progress(self) -> dict[str, dict[str, Any]]:
        """``{lesson_id: {"status": "new"|"passed", "best_score": number|None, "attempts": int}}``
        for every lesson attempted at least once (absent lessons are "new")."""
        lessons = self._read().get("lessons", {}).values()
        return {
            doc["lesson_id"]: {"status": doc["status"], "best_score": doc["best_score"], "attempts": doc["attempts"]}
            for doc in lessons
        }

    def record_lesson(self, lesson_id: str, passed: bool, score: float | int) -> SaveResult:
        """Count one attempt of a lesson; it stays "passed" once passed; best score is the maximum."""
        value = as_number(score)
        if not isinstance(lesson_id, str) or not lesson_id or len(lesson_id) > 128 or not lesson_id.isprintable():
            return SaveResult(False, None, f"not saved: bad lesson id {lesson_id!r}")
        if value is None:
            return SaveResult(False, None, f"not saved: lesson score must be a finite number, got {score!r}")
        if not self.writable:
            return self._not_saved()
        try:
            with self._transaction() as db:
                table, lesson = db.table("lessons"), Query()
                old = table.get(lesson.lesson_id == lesson_id) or {}
                best = old.get("best_score")
                status = LESSON_STATUSES[1] if passed or old.get("status") == LESSON_STATUSES[1] else LESSON_STATUSES[0]
                doc = {
                    "lesson_id": lesson_id,
                    "status": status,
                    "best_score": value if best is None else max(best, value),
                    "attempts": old.get("attempts", 0) + 1,
                }
                table.upsert(doc, lesson.lesson_id == lesson_id)
        except OSError as exc:
            return SaveResult(False, None, f"not saved: {_describe(exc)}")
        return SaveResult(True, None, f"lesson {lesson_id} saved")

    def settings(self) -> dict[str, Any]:
        """The saved settings (last scenario, rulebook, theme, player name, ...); {} if none."""
        docs = list(self._read().get("settings", {}).values())
        return dict(docs[0]) if docs else {}

    def save_settings(self, **values: Any) -> SaveResult:
        """Merge ``values`` into the settings; a value of None removes the key. Values must be JSON
        scalars (strings up to 256 chars); ``player_name`` is cleaned like session names."""
        if values.get("player_name") is not None:
            values["player_name"] = clean_name(values["player_name"])
        bad = [key for key, value in values.items() if not check_setting(key, value)]
        if bad:
            return SaveResult(False, None, f"not saved: bad setting value for {', '.join(bad)}")
        if not self.writable:
            return self._not_saved()
        try:
            with self._transaction() as db:
                table = db.table("settings")
                docs = table.all()
                current = dict(docs[0]) if docs else {}
                current.update(values)
                table.truncate()
                table.insert({key: value for key, value in current.items() if value is not None})
        except OSError as exc:
            return SaveResult(False, None, f"not saved: {_describe(exc)}")
        return SaveResult(True, None, "settings saved")

    # ------------------------------------------------------------ reading and writing the index

    def _read(self) -> dict[str, Any]:
        """A fresh, validated snapshot of the index; repairs (under the lock) if it is bad."""
        try:
            return self._load()
        except (OSError, ValueError) as exc:
            problem = exc
        if not self.writable:
            return self._unrepairable(problem)
        try:
            with file_lock(self._layout.lock, self._lock_timeout):
                return self._read_locked()
        except OSError as exc:
            self.warnings.append(f"Could not repair the save file {self.path}: {_describe(exc)}.")
            return {}

    def _read_locked(self) -> dict[str, Any]:
        """Like ``_read`` but the caller holds the lock, so a bad file can be repaired at once."""
        try:
            return self._load()
        except (OSError, ValueError) as exc:
            return self._rebuild_index(exc)

    def _load(self) -> dict[str, Any]:
        """The validated index. An index that is not there (missing, blank, ``null``, ``{}``) while
        session files exist is a lost index, not a new store: raise so that it is rebuilt."""
        data = validate_index(self._index.read())
        if not data and self._has_session_files():
            raise MissingIndex("it is missing or empty")
        return data

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[TinyDB]:
        """Lock, read + validate, let the caller run TinyDB operations in memory, write once."""
        with file_lock(self._layout.lock, self._lock_timeout):
            data = self._read_locked()
            if not self.writable:  # the index was bad and could not be moved aside: do not overwrite it
                raise PermissionError(self._unwritable_reason)
            buffer = BufferStorage(data)
            yield TinyDB(storage=lambda: buffer)
            if buffer.dirty:
                buffer.memory["_meta"] = {"1": {"version": INDEX_VERSION}}
                self._index.write(buffer.memory)

    def _select(self, *, scenario=None, kind=None, daily_date=None, name=None, rulebook=None) -> list[dict]:
        """Index entries matching every filter that is not None."""
        wanted = {"scenario": scenario, "kind": kind, "name": name, "rulebook": rulebook}
        if daily_date is not None:
            wanted["daily_date"] = daily_key(daily_date)
        wanted = {key: value for key, value in wanted.items() if value is not None}
        entries = self._read().get("sessions", {}).values()
        return [entry for entry in entries if all(entry.get(k) == v for k, v in wanted.items())]

    @staticmethod
    def _ids(db: TinyDB) -> set[str]:
        """Session ids in a transaction's snapshot (raw read: ``Table.all()`` would copy every entry)."""
        return {doc["id"] for doc in (db.storage.read() or {}).get("sessions", {}).values()}

    def _find(self, session_id: str) -> dict[str, Any]:
        if isinstance(session_id, str) and SESSION_ID_RE.fullmatch(session_id):
            for entry in self._read().get("sessions", {}).values():
                if entry["id"] == session_id:
                    return entry
        raise SessionNotFound(f"session {session_id!r} not found")

    def _record(self, results: dict[str, tuple[str | None, bool, str]]) -> set[str]:
        """Write verification outcomes ``{id: (signature checked, ok, reason)}`` in one transaction.
        An entry whose signature changed meanwhile is skipped (its replay no longer applies); a
        signature of None means "mark failed regardless". Returns the ids written."""
        if not results or not self.writable:
            return set()
        done: set[str] = set()

        def apply(doc: dict) -> None:
            _, ok, reason = results[doc["id"]]
            doc.update(verified=ok, reason=reason, sig=signature(doc))
            done.add(doc["id"])

        try:
            with self._transaction() as db:
                table = db.table("sessions")
                targets = [
                    doc.doc_id
                    for doc in table.all()
                    if doc["id"] in results and results[doc["id"]][0] in (None, signature(doc))
                ]
                if targets:
                    table.update(apply, doc_ids=targets)
        except OSError:
            return set()
        return done

    # ------------------------------------------------------------ checking a session

    def _check(self, entry: Mapping[str, Any], replayer: Replayer) -> tuple[bool, str]:
        """Read one session's file and judge its replay; returns (ok, reason). Never raises."""
        session_id = entry["id"]
        try:
            record, actions = read_log(self._layout.log(session_id))
        except LogError as exc:
            return False, self._log_unreadable(session_id, str(exc))
        return judge(entry, record, actions, replayer)

    # ------------------------------------------------------------ repairs

    def _rebuild_index(self, problem: BaseException) -> dict[str, Any]:
        """Rebuild the session index from the session files, write it over the bad one (which keeps
        a second name first, so there is never a moment without an index), tell the player.
        Lessons and settings cannot be recovered. Caller holds the lock."""
        entries, lost = self._entries_from_logs()
        data = new_index(entries)
        if isinstance(problem, OutdatedIndex):
            return self._upgrade_index(problem, data, lost)
        recovered = f"{len(entries)} saved session(s) were recovered from {self._layout.sessions}"
        try:
            kept = self._index.write(data, keep_old=True)
        except OSError as exc:
            self._warn(
                f"The save file {self.path} could not be read ({_describe(problem)}). {recovered} and are shown, "
                f"but the rebuilt file could not be written ({_describe(exc)}); the old one was left in place "
                f"and the repair will be tried again next time.")
            for message in lost:
                self._warn(message)
            return data
        where = f"It was moved to {kept} and a new one was written." if kept else "A new one was written."
        message = f"The save file {self.path} could not be read ({_describe(problem)}). {where}"
        if entries:
            message += f" {recovered}."
        if not isinstance(problem, MissingIndex):
            message += " Lesson progress and settings from the old file were not restored."
        self.warnings.append(message)
        self.warnings.extend(lost)
        return data

    def _upgrade_index(self, old: OutdatedIndex, data: dict[str, Any], lost: list[str]) -> dict[str, Any]:
        """Write an index of this version: sessions from their files (so every entry carries the
        fields this version shows and checks), every other table carried over. Verdicts of the old
        version are not: they did not check what this one checks. Caller holds the lock."""
        data.update({name: table for name, table in old.data.items() if name not in ("_meta", "sessions")})
        sessions = len(data.get("sessions", {}))
        try:
            self._index.write(data)
        except OSError as exc:
            self._warn(f"The save file {self.path} could not be upgraded ({_describe(exc)}); "
                       f"its {sessions} session(s) are shown from their files meanwhile.")
            return data
        self.warnings.append(f"The save file was upgraded to this version of liqgame: {sessions} saved session(s) "
                             "were re-indexed and await a new replay check (liqgame replay --all --verify).")
        self.warnings.extend(lost)
        return data

    def _has_session_files(self) -> bool:
        """Whether ``sessions/`` holds anything named like a session file (stops at the first)."""
        try:
            with os.scandir(self._layout.sessions) as entries:
                return any(_is_session_file(entry.name) for entry in entries)
        except OSError:
            return False

    def _entries_from_logs(self) -> tuple[list[dict[str, Any]], list[str]]:
        """Index entries for every readable session file, plus warnings for the unreadable ones
        (which are moved aside). Caller holds the lock."""
        entries, lost = [], []
        with contextlib.suppress(OSError):  # no sessions/ (or unreadable): nothing to recover
            for path in sorted(self._layout.sessions.iterdir()):
                if not _is_session_file(path.name):
                    continue
                session_id = path.name[: -len(LOG_SUFFIX)]
                try:
                    record, _ = read_log(path)
                except LogError as exc:
                    lost.append(self._log_unreadable(session_id, str(exc), locked=True, warn=False))
                    continue
                entries.append(index_entry(session_id, record))
        return entries, lost

    def _log_unreadable(self, session_id: str, reason: str, *, locked: bool = False, warn: bool = True) -> str:
        """Move a bad session file aside (if present and possible) and return a message saying so."""
        path = self._layout.log(session_id)
        message = f"Session {session_id} is unreadable: {reason}."
        if path.exists() and self.writable:
            try:
                with contextlib.nullcontext() if locked else file_lock(self._layout.lock, self._lock_timeout):
                    dest = move_aside(path)
                message += f" Its file was moved to {dest}."
            except FileNotFoundError:
                pass
            except OSError as exc:
                message += f" Its file could not be moved aside ({_describe(exc)})."
        if warn:
            self.warnings.append(message)
        return message

    # ------------------------------------------------------------ the data directory

    def _prepare_dir(self) -> None:
        """Create the data dir and check it is writable by actually creating files (os.access lies
        for root and on some mounts). Each failure names the step and the path that failed."""
        step = f"cannot create the data directory {self._layout.sessions}"
        try:
            self._layout.sessions.mkdir(parents=True, exist_ok=True)
            for directory in (self._layout.root, self._layout.sessions):
                step = f"cannot create files in {directory}"
                self._probe(directory)
            step = f"cannot open the lock file {self._layout.lock}"
            os.close(os.open(self._layout.lock, os.O_RDWR | os.O_CREAT, 0o644))
        except OSError as exc:
            self._disable(f"{step} ({_describe(exc)})")

    @staticmethod
    def _probe(directory: Path) -> None:
        """Create and delete a uniquely named temp file. Another process starting at the same moment
        may clean it up first (it looks like a stale temp file): that is no failure, the file was
        created, which is all the probe asks."""
        fd, probe = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".probe", dir=directory)
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(probe)

    def _remove_stale_temps(self) -> None:
        """Delete temp files of writers killed mid-write, if nobody is writing right now."""
        if not self.writable:
            return
        fd = try_lock(self._layout.lock)
        if fd is None:
            return
        try:
            remove_stale_temps(self._layout.root)
            remove_stale_temps(self._layout.sessions)
        finally:
            os.close(fd)

    def _warn(self, message: str) -> None:
        """Add a warning once: a repair that keeps failing is retried on every read."""
        if message not in self.warnings:
            self.warnings.append(message)

    def _disable(self, reason: str) -> None:
        self.writable = False
        self._unwritable_reason = reason
        self.warnings.append(f"Saving is off: {reason}. The game still plays, but nothing will be saved.")

    def _not_saved(self) -> SaveResult:
        return SaveResult(False, None, f"not saved: {self._unwritable_reason}")

    def _unrepairable(self, problem: BaseException) -> dict[str, Any]:
        """A bad index in a read-only store: show what the session files hold, leave the file as it
        is, say so once."""
        if not self._reported_unreadable and (os.path.lexists(self.path) or self._has_session_files()):
            self._reported_unreadable = True
            self.warnings.append(
                f"The save file {self.path} could not be read ({_describe(problem)}); it was left as it is"
                " and the saved sessions are read from their own files."
            )
        return new_index(self._entries_from_logs()[0])
