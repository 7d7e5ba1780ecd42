"""The backups kept beside a database: how they are named, which exist, the newest (good) one.

Reading the backups folder only: writing, pruning and restoring are ``backups``; the integrity
check at unlock asks ``newest_good_backup`` which backup to offer when the file is damaged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from db.engine import StoreError, check_file
from ycworker.common.paths import backups_dir

STAMP = "%Y%m%d-%H%M%S"
REASONS = ("daily", "manual")
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})(?:\.(?P<n>\d+))?-(?P<reason>[a-z-]+)\.db$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: datetime
    reason: str
    size: int

    @property
    def name(self) -> str:
        return self.path.name

    def describe(self) -> str:
        return f"{self.made_at:%a %d %b %Y %H:%M} · {self.reason} · {self.size / 1_048_576:.1f} MB"


def backup_info(path: Path, stem: str) -> BackupInfo | None:
    """What a file in the backups folder is (when, why, how big); None if not a backup of ``stem``."""
    m = _NAME.match(path.name)
    if not m or m["stem"] != stem:
        return None
    try:
        made = datetime.strptime(m["stamp"], STAMP)
    except ValueError:
        return None
    try:
        size = path.stat().st_size
    except OSError:
        return None
    return BackupInfo(path, made, m["reason"], size)


def list_backups(db_path: Path, folder: Path | None = None) -> list[BackupInfo]:
    """The backups of this database in ``folder`` (default: the backups folder), newest first."""
    folder = folder or backups_dir(db_path)
    if not folder.is_dir():
        return []
    found = [info for p in folder.iterdir() if (info := backup_info(p, db_path.stem))]
    return sorted(found, key=lambda b: (b.made_at, b.name), reverse=True)


def newest_backup(db_path: Path) -> Path | None:
    generations = [b for b in list_backups(db_path) if b.reason in REASONS]
    return generations[0].path if generations else None


def newest_good_backup(db_path: Path, key_hex: str) -> Path | None:
    """The newest daily/manual backup that opens with this key and passes the full check
    (a backup made before a change of passphrase does not open with today's key: skipped)."""
    for b in list_backups(db_path):
        if b.reason not in REASONS:
            continue
        try:
            if not check_file(b.path, key_hex, full=True):
                return b.path
        except StoreError:  # another key, or not a database at all
            continue
    return None
