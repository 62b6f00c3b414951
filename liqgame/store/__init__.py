"""Persistence for liqgame: saved sessions, high scores, lesson progress and settings.

Usage::

    from liqgame.store import Store, resolve_data_dir, daily_seed, format_scores_table

    store = Store(resolve_data_dir(args.data_dir))     # --data-dir, then $LIQGAME_HOME, then platform dir
    for message in store.warnings: show(message)       # corrupt file moved aside, read-only dir, ...
    result = store.save_session(record, actions)       # SaveResult(ok, session_id, message); never raises
    rows = store.top_scores(scenario="crash-2021", kind="free")
    print(format_scores_table(rows))                   # or json.dumps(rows) for --json
    rows = store.top_scores(kind="daily", daily_date="2026-11-25")  # first attempt per name ranks;
                                                       # later ones follow with rank None, practice True

See ``store.py`` for the guarantees (atomic writes, inter-process lock, repair of bad files) and
``records.py`` for the record fields.
"""

from .attempts import name_key, ranked_attempt
from .daily import daily_key, daily_seed
from .paths import data_dir_problem, resolve_data_dir
from .ranking import format_scores_table
from .records import SESSION_FIELDS, clean_name
from .store import SaveResult, SessionNotFound, SessionUnreadable, Store, StoreError, VerifyResult
from .verdict import ReplayRefused

__all__ = [
    "SESSION_FIELDS",
    "ReplayRefused",
    "SaveResult",
    "SessionNotFound",
    "SessionUnreadable",
    "Store",
    "StoreError",
    "VerifyResult",
    "clean_name",
    "data_dir_problem",
    "daily_key",
    "daily_seed",
    "format_scores_table",
    "name_key",
    "ranked_attempt",
    "resolve_data_dir",
]
