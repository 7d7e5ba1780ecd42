"""Where ycworker keeps its files: platformdirs' user data folder unless told otherwise."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "ycworker"
DB_ENV = "YCWORKER_DB"


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "ycworker.db"


def resolve_db(arg: str | os.PathLike[str] | None = None) -> Path:
    """``--db`` wins, then ``YCWORKER_DB``, then the user data folder. Nothing is created here."""
    if arg:
        return Path(arg).expanduser()
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return default_db_path()


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def outbox_dir(db_path: Path) -> Path:
    return db_path.parent / "outbox"
