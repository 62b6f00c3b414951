"""Where liqgame keeps its files: which data directory, and the layout inside it.

Layout of a data directory::

    liqgame.json            TinyDB index: compact session entries, lessons, settings
    liqgame.lock            lock file for fcntl.flock (never deleted: deleting breaks flock)
    sessions/<id>.json.gz   one compressed file per saved session: full record + action log
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import platformdirs

ENV_VAR = "LIQGAME_HOME"
INDEX_NAME = "liqgame.json"
LOCK_NAME = "liqgame.lock"
SESSIONS_DIR = "sessions"
LOG_SUFFIX = ".json.gz"


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """Pick the data directory: ``--data-dir`` value, else ``$LIQGAME_HOME``, else the platform's user data dir.

    Empty strings count as "not given" so ``LIQGAME_HOME=`` does not mean the current directory.
    """
    if cli_value is not None and str(cli_value) != "":
        return Path(cli_value).expanduser()
    env_value = os.environ.get(ENV_VAR, "")
    if env_value:
        return Path(env_value).expanduser()
    return Path(platformdirs.user_data_dir("liqgame", appauthor=False))


def data_dir_problem(path: Path) -> str | None:
    """Why ``path`` cannot serve as a data directory, or None. A directory that does not exist yet
    is fine (the store creates it); one that cannot even be looked at is not."""
    try:
        if not stat.S_ISDIR(os.stat(path).st_mode):
            return "is not a directory"
        with os.scandir(path):
            return None
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"


def log_name(session_id: str) -> str:
    """File name of a session's action log, relative to ``sessions/`` (stored in the index as ``log``)."""
    return f"{session_id}{LOG_SUFFIX}"


@dataclass(frozen=True)
class Layout:
    """Absolute paths of the files inside one data directory."""

    root: Path

    @property
    def index(self) -> Path:
        return self.root / INDEX_NAME

    @property
    def lock(self) -> Path:
        return self.root / LOCK_NAME

    @property
    def sessions(self) -> Path:
        return self.root / SESSIONS_DIR

    def log(self, session_id: str) -> Path:
        return self.sessions / log_name(session_id)
