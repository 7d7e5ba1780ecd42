"""Verified, encrypted backups: daily and on demand, N generations kept, and restore.

A backup is written with ``VACUUM INTO`` to a temporary file in the backups folder (SQLCipher
keeps the key and the salt, so a backup opens with the same passphrase), fsync-ed, opened with
the key and put through ``integrity_check`` and ``foreign_key_check``, then renamed into place
and the folder fsync-ed. A half-written backup is never left under a backup's name.

Before a backup the live file gets the full check too (``integrity.require_sound``): a damaged
database must not push good generations out of the folder.

Restore verifies the backup first, keeps a copy of the current file (and its WAL) in the
backups folder, removes the stale WAL, then replaces the file atomically.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from db.engine import (
    IN_USE,
    Interrupted,
    Store,
    StoreError,
    WrongPassphrase,
    check_file,
    copy_keys,
    fsync_dir,
    fsync_file,
    key_for_file,
    long_work,
    others_using,
    private_umask,
    read_salt,
    rekey_raw,
    secure_file,
    secure_folder,
)
from db.keyslots import KeySlotError, KeySlotFile, keys_path
from ycworker.common import audit, settings
from ycworker.common.errors import FieldError, UserError, describe
from ycworker.common.paths import backups_dir
from ycworker.protection.generations import (
    REASONS,
    STAMP,
    BackupInfo,
    backup_info,
    list_backups,
    newest_backup,
    newest_good_backup,
)
from ycworker.protection.integrity import require_sound


class BackupFailed(UserError):
    """A backup could not be written or did not verify (nothing was kept)."""


class RestoreFailed(UserError):
    """A restore failed after the store was closed (the app locks and says why)."""


@dataclass
class BackupResult:
    backup: BackupInfo
    pruned: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    restored_from: Path
    kept_copy: Path | None
    pruned: list[Path] = field(default_factory=list)


def _target(folder: Path, stem: str, reason: str, now: datetime) -> Path:
    base = f"{stem}-{now.strftime(STAMP)}"
    target = folder / f"{base}-{reason}.db"
    n = 1
    while target.exists():
        target = folder / f"{base}.{n}-{reason}.db"
        n += 1
    return target


def prune(db_path: Path, keep: int, folder: Path | None = None) -> list[Path]:
    """Keep the ``keep`` newest backups, the copies a restore set aside (``before-restore``)
    counted among them; the newest daily/manual backup is always kept (it is the one to restore).
    Removes the rest (a before-restore copy with its ``-wal``). Returns what was removed.

    Before-restore copies were never pruned: seven full copies of the file piled up, holding
    erased children's records past the retention period."""
    keep = max(1, keep)
    every = list_backups(db_path, folder)
    good = [b for b in every if b.reason in REASONS][:1]
    ordered = good + [b for b in every if b not in good]  # the newest good one first, then by age
    removed = []
    for old in ordered[keep:]:
        for path in (old.path, Path(f"{old.path}-wal"), keys_path(old.path)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
    if removed:
        fsync_dir(removed[0].parent)
    return removed


def generations_kept(session) -> int:
    """How many backups the service keeps (the manager's setting; 7 unless set)."""
    return settings.get_int(session, settings.BACKUP_GENERATIONS) or 7


# -- what a killed backup or restore leaves behind -------------------------------------------
# A backup is written as ``<backup>.db.<pid>.tmp`` (VACUUM INTO adds ``-journal`` while it runs);
# a restore copies the backup to ``<database>.restore-tmp`` first. A process killed in between
# leaves a full copy of the database under that name: removed at the next start of ycworker and
# at the next backup or restore, so erased records do not outlive the retention period in them.

_TMP = re.compile(r"^(?P<base>.+\.db)(?:\.(?P<pid>\d+))?\.tmp(?:-journal)?$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process
        return True
    return True


def leftovers(db_path: Path, *, live_too: bool = False) -> list[Path]:
    """Temporary copies a killed backup or restore left: ``*.db[.<pid>].tmp`` and their
    ``-journal`` in the backups folder and beside the database, ``<database>.restore-tmp``.
    A backup still being written by a live process (its pid in the name) is left out unless
    ``live_too`` (at start, when no other process has the database open)."""
    db_path = Path(db_path)
    found = []
    for folder in (backups_dir(db_path), db_path.parent):
        with contextlib.suppress(OSError):
            for child in folder.iterdir():
                name = child.name
                if name in (f"{db_path.name}.restore-tmp", f"{db_path.name}.restore-tmp-journal"):
                    found.append(child)
                    continue
                m = _TMP.match(name)
                if not m or not m["base"].startswith((f"{db_path.stem}-", f"{db_path.stem}.")) \
                        or not child.is_file():
                    continue
                if m["pid"] and not live_too and _alive(int(m["pid"])):
                    continue
                found.append(child)
    return found


def remove_leftovers(db_path: Path, *, live_too: bool = False) -> list[Path]:
    """Remove what ``leftovers`` finds; returns what was removed."""
    removed = []
    for path in leftovers(db_path, live_too=live_too):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    for folder in {p.parent for p in removed}:
        fsync_dir(folder)
    return removed


def clean_at_start(db_path: Path) -> list[Path]:
    """At the start of ycworker, before anything is opened: remove the leftovers of a killed
    backup or restore, unless another ycworker has the database open (it may be making one)."""
    db_path = Path(db_path)
    if not db_path.exists() or others_using(db_path):
        return []
    return remove_leftovers(db_path, live_too=True)


def make_backup(
    store: Store,
    *,
    folder: Path | None = None,
    reason: str = "manual",
    worker_id: str | None = None,
    now: datetime | None = None,
) -> BackupResult:
    """Write, verify and keep one backup; prune old generations in the default folder."""
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    require_sound(store, before="a backup")
    default_folder = backups_dir(store.path)
    folder = Path(folder).expanduser() if folder else default_folder
    try:
        secure_folder(folder)
    except OSError as exc:
        raise BackupFailed(f"Cannot use the folder {folder} for backups: {exc.strerror}.") from None
    now = now or datetime.now()
    target = _target(folder, store.path.stem, reason, now)
    remove_leftovers(store.path)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with private_umask(), store.raw() as conn, long_work(conn):
            conn.execute("VACUUM INTO ?", (str(tmp),))
        fsync_file(tmp)
        problems = check_file(tmp, store.key_hex, full=True)
    except Interrupted:  # quitting or locking: no half backup is kept
        tmp.unlink(missing_ok=True)
        raise
    except Exception as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise BackupFailed(f"The backup could not be written to {folder}: {exc.strerror}.") from None
        raise BackupFailed(f"The backup could not be written or checked. {describe(exc)}") from None
    if problems:
        tmp.unlink(missing_ok=True)
        raise BackupFailed(f"The backup did not pass its check ({problems[0]}); nothing was kept.")
    os.replace(tmp, target)
    secure_file(target)
    copy_keys(store.path, target)
    fsync_dir(folder)
    with store.write() as session:
        keep = generations_kept(session)
        audit.record(session, "backup", "database", "", worker_id)
    pruned = prune(store.path, keep, folder) if folder == default_folder else []
    info = backup_info(target, store.path.stem) or BackupInfo(target, now, reason, target.stat().st_size)
    return BackupResult(info, pruned)


def daily_backup_due(db_path: Path, today: date) -> bool:
    """No backup (daily or manual) has been made today."""
    return not any(b.made_at.date() == today and b.reason in REASONS for b in list_backups(db_path))


def run_daily(store: Store, today: date, worker_id: str | None = None) -> BackupResult | None:
    """The automatic daily backup: made once a day, at the first unlock of the day."""
    if store.writing_stopped or not daily_backup_due(store.path, today):
        return None
    return make_backup(store, reason="daily", worker_id=worker_id)


def verify_backup(backup: Path, passphrase: str) -> list[str]:
    """Open the backup with the passphrase and run the full check. Problems, or [] if sound.

    Raises WrongPassphrase if the passphrase does not open it (a backup made before a change
    of passphrase opens with the passphrase of its day)."""
    backup = Path(backup)
    if not backup.is_file():
        raise UserError(f"There is no backup at {backup}.")
    try:
        key = key_for_file(backup, passphrase)
    except WrongPassphrase:
        raise
    except StoreError:
        raise UserError(f"{backup.name} is not a ycworker backup.") from None
    return check_file(backup, key, full=True)


def made_under_another_passphrase(db_path: Path, backup: Path) -> bool:
    """Was the backup made under another key than the database has now (before a rekey, or before
    the database had key slots)? Its copy of the keys file says; a backup without one is of a file
    made before key slots. No database: False."""
    db_path, backup = Path(db_path), Path(backup).expanduser()
    here, there = read_salt(db_path), read_salt(backup)
    if here is None or there is None:
        return False
    if not keys_path(db_path).exists():
        return here != there
    if not keys_path(backup).exists():
        return True
    try:
        return KeySlotFile.load(db_path).key_id != KeySlotFile.load(backup).key_id
    except KeySlotError:
        return True


def opens(path: Path, passphrase: str) -> bool:
    """Does the passphrase open the file at ``path`` (a quick check, no writes)?"""
    try:
        check_file(path, key_for_file(path, passphrase), full=False)
    except StoreError:
        return False
    return True


def restore(db_path: Path, backup: Path, passphrase: str, *, backup_passphrase: str | None = None,
            now: datetime | None = None) -> RestoreResult:
    """Replace the database with a verified backup. Every Store on the file must be closed.

    The current file (and its WAL, which may hold committed work) is copied into the backups
    folder first as ``<stem>-<stamp>-before-restore.db``; then the stale WAL and shared-memory
    files are removed and the backup is renamed into place (same folder, so atomically).

    ``passphrase`` opens the database after the restore. A backup made under another passphrase
    (before a change of passphrase) is opened with ``backup_passphrase`` and its copy re-keyed to
    ``passphrase`` before it replaces the file: a restore never changes which passphrase opens
    the database. ``passphrase`` must then open the database as it is now (exit 3 if not).
    """
    backup_passphrase = backup_passphrase or passphrase
    db_path = Path(db_path)
    backup = Path(backup).expanduser()
    rekey = made_under_another_passphrase(db_path, backup)
    if backup.exists() and db_path.exists() and backup.resolve() == db_path.resolve():
        raise UserError("That is the database itself, not a backup. Nothing was changed.")
    if others_using(db_path):  # it would go on writing to the replaced file: lost for good
        raise UserError(IN_USE)
    if rekey and Path(db_path).exists() and not opens(db_path, passphrase):
        raise UserError("That is not the passphrase the database opens with now. Nothing was changed.", 3)
    try:
        problems = verify_backup(backup, backup_passphrase)
    except WrongPassphrase:
        raise UserError(
            f"That passphrase does not open {backup.name}. A backup opens with the passphrase "
            "the database had when it was made. Nothing was changed.", 3) from None
    if problems:
        raise UserError(f"{backup.name} is damaged ({problems[0]}); it was not restored. "
                        "Nothing was changed.")
    now = now or datetime.now()
    folder = backups_dir(db_path)
    secure_folder(folder)
    remove_leftovers(db_path, live_too=True)  # nobody else has it open (checked above)
    kept = None
    with private_umask():
        if db_path.exists():
            kept = _target(folder, db_path.stem, "before-restore", now)
            shutil.copyfile(db_path, kept)
            fsync_file(kept)
            copy_keys(db_path, kept)
            wal = Path(str(db_path) + "-wal")
            if wal.exists() and wal.stat().st_size:
                shutil.copyfile(wal, Path(str(kept) + "-wal"))
                fsync_file(Path(str(kept) + "-wal"))
            fsync_dir(folder)
        tmp = db_path.with_name(db_path.name + ".restore-tmp")
        tmp.unlink(missing_ok=True)
        shutil.copyfile(backup, tmp)
        fsync_file(tmp)
        current_key = key_for_file(db_path, passphrase) if db_path.exists() else ""
        if rekey and current_key:  # it goes on opening with the current passphrase
            try:
                rekey_raw(tmp, key_for_file(backup, backup_passphrase), current_key)
            except BaseException:
                for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                    leftover.unlink(missing_ok=True)
                raise
            for companion in (Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                companion.unlink(missing_ok=True)
        if check_file(tmp, current_key or key_for_file(backup, backup_passphrase), full=False):
            tmp.unlink(missing_ok=True)
            raise UserError("The copy of the backup did not check out (is the disk full?). "
                            "Nothing was changed.")
        for suffix in ("-wal", "-shm"):  # a stale WAL would be replayed onto the restored file
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        fsync_dir(db_path.parent)
        if not keys_path(db_path).exists() and keys_path(backup).exists():  # the database was gone
            copy_keys(backup, db_path)
        os.replace(tmp, db_path)
        secure_file(db_path)
        fsync_dir(db_path.parent)
    return RestoreResult(backup, kept)


def _opens_store(store: Store, passphrase: str) -> bool:
    """Does the passphrase give the key the store is open with (a slot of the keys file)?"""
    try:
        return store.key_hex.startswith(key_for_file(store.path, passphrase))
    except StoreError:
        return False


def restore_over_store(store: Store, backup: Path, passphrase: str, worker_id: str | None = None,
                       *, current_passphrase: str | None = None) -> RestoreResult:
    """The app's restore. The backup is checked first while the store is still open (a wrong
    passphrase or a damaged backup changes nothing: FieldError / UserError, the store stays
    usable); then the store is closed, the file replaced (``restore``) and the restore audited
    inside the restored file. The store is closed when this returns: the app locks, and the
    next unlock opens the restored file (migrating it if the backup is older)."""
    from db.engine import open_store

    backup = Path(backup).expanduser()
    if backup.exists() and backup.resolve() == store.path.resolve():
        raise UserError("That is the database itself, not a backup. Nothing was changed.")
    try:
        problems = verify_backup(backup, passphrase)
    except WrongPassphrase:
        raise FieldError("passphrase", f"That passphrase does not open {backup.name}. A backup opens "
                         "with the passphrase the database had when it was made.") from None
    if problems:
        raise UserError(f"{backup.name} is damaged ({problems[0]}); it was not restored. "
                        "Nothing was changed.")
    current = passphrase
    if not _opens_store(store, passphrase):  # another passphrase
        if not current_passphrase:
            raise FieldError("current", f"{backup.name} was made under another passphrase. Give the "
                             "passphrase the database opens with now as well: after the restore it "
                             "goes on opening with that one.")
        if not _opens_store(store, current_passphrase):
            raise FieldError("current", "That is not the passphrase the database opens with now.")
        current = current_passphrase
    store.close()
    if others_using(store.path):  # refused with nothing changed: the store reconnects when used
        raise UserError(IN_USE)
    try:
        result = restore(store.path, backup, current, backup_passphrase=passphrase)
        restored = open_store(store.path, current)
        try:
            with restored.write() as session:
                audit.record(session, "restore", "database", "", worker_id)
                keep = generations_kept(session)
        finally:
            restored.close()
        result.pruned = prune(store.path, keep)
    except Exception as exc:
        text = describe(exc)
        raise RestoreFailed(f"The restore did not finish: {text}") from exc
    return result


__all__ = [
    "BackupFailed", "BackupInfo", "BackupResult", "RestoreFailed", "RestoreResult", "clean_at_start",
    "daily_backup_due", "generations_kept", "leftovers", "list_backups", "made_under_another_passphrase",
    "make_backup", "newest_backup", "newest_good_backup", "opens", "prune", "remove_leftovers", "restore",
    "restore_over_store", "run_daily", "verify_backup",
]
