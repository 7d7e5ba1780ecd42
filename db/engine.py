"""The encrypted local store: one SQLCipher file, opened with a key derived once per unlock.

How the key works: the passphrase is stretched once per unlock with PBKDF2-HMAC-SHA512 and a
16-byte salt, and the raw 32-byte key is handed to SQLCipher as ``x'...'`` so that opening a
connection costs no key derivation. The salt is SQLCipher's own: a new file is created with a
raw key *and* salt (``x'<key><salt>'``) so SQLCipher writes that salt into the first 16 bytes
of the file, where it is read back at the next unlock. No sidecar file, nothing in plain text.

Where things are: the store once open, its engine and pool in ``db/store.py``; the key and
salt in ``db/keys.py``; private files and fsync in ``db/files.py``; what a file is in
``db/identify.py``. This module opens, checks, rekeys and upgrades a file, and is the import
point for all of them (it re-exports their names).

Changing the passphrase (``rekey_file``) follows the same scheme: the file is rekeyed to a new
raw key derived from the new passphrase and a *new* salt (``x'<key><salt>'``), so SQLCipher
writes the new salt into the header; it is then reopened with the new passphrase to prove it.

Files are created under a private umask (0077) and chmod-ed 0600; folders are 0700.
"""

import os
import secrets
import stat
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from db.errors import (
    DamagedDatabase,
    DatabaseBusy,
    DiskFull,
    NotADatabase,
    ReadOnlyDatabase,
    StoreError,
    WrongPassphrase,
    classify_error,
    read_only_sentence,
)
from db.files import folder_warning, fsync_dir, fsync_file, private_umask, secure_file, secure_folder
from db.identify import identify, prove_key
from db.keys import KDF_ITERATIONS, SALT_BYTES, derive_key, key_for_file, read_salt
from db.store import (
    BUSY_TIMEOUT_MS,
    QUIET_WAIT_MS,
    WAITING_LINE,
    Interrupted,
    Store,
    _driver_connect,
    _make_engine,
    interrupt_long_work,
    long_work,
)


def _writable(path: Path) -> bool:
    """Does the file allow writing? Its own permission bits count even for root (a 0400 file
    stays read-only: ycworker never chmods a file it did not make)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return True
    return bool(mode & stat.S_IWUSR) and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def open_store(path: Path | str, passphrase: str, *, migrate: bool = True,
               on_wait: Callable[[], object] | None = None,
               wait_seconds: float | None = None) -> Store:
    """Unlock (or create) the database at ``path`` and bring its schema up to date.

    Before SQLite opens an existing file: ``identify`` (NotADatabase: a folder, a plain SQLite
    file, a CSV, a file cut short) and ``prove_key`` (WrongPassphrase): neither changes a byte
    of the file, its -wal or its -shm. Before migrating an existing file, a backup copy is
    written beside it. A folder that is missing is made 0700; an existing one is left alone
    (``store.warnings`` says so if others can read it). A new file is 0600; an existing file
    keeps its permissions (a read-only one gives a read-only store: ReadOnlyDatabase on write).
    ``on_wait``/``wait_seconds``: see ``Store.waiting``.
    """
    path = Path(path).expanduser()
    identify(path)
    try:
        warning = secure_folder(path.parent)
    except OSError as exc:
        raise StoreError(f"The folder {path.parent} cannot be made "
                         f"({exc.strerror or 'not allowed'}). Choose another place with --db.") from None
    salt = read_salt(path)
    created = salt is None
    if salt is None:
        salt = secrets.token_bytes(SALT_BYTES)
        key_hex = derive_key(passphrase, salt).hex() + salt.hex()  # raw key with explicit salt
    else:
        key_hex = derive_key(passphrase, salt).hex()
        prove_key(path, key_hex)
    read_only = None if created or _writable(path) else read_only_sentence(path)
    if created and not os.access(path.parent, os.W_OK):
        raise ReadOnlyDatabase(f"ycworker cannot make a database in {path.parent}: the folder "
                               "does not allow writing. Choose another place with --db.")
    old_umask = os.umask(0o077)
    try:
        engine = _make_engine(path, key_hex)
        engine.ycw_wait["on_wait"] = on_wait  # type: ignore[attr-defined]
        if wait_seconds is not None:
            engine.ycw_wait["seconds"] = wait_seconds  # type: ignore[attr-defined]
        try:
            with engine.execution_options(ycw_read=True).connect() as conn:  # no write lock
                conn.exec_driver_sql("SELECT 1")
                conn.rollback()
        except (sa.exc.DBAPIError, StoreError) as exc:
            engine.dispose()
            if isinstance(exc, StoreError):
                raise
            if created and isinstance(classify_error(exc, path), DiskFull):
                path.unlink(missing_ok=True)
            raise classify_error(exc, path) or StoreError(
                f"The database {path.name} could not be opened. Nothing was changed.") from None
        except OSError as exc:
            engine.dispose()
            raise StoreError(f"The database {path.name} could not be opened "
                             f"({exc.strerror or 'not allowed'}).") from None
        store = Store(path=path, engine=engine, created=created, read_only=read_only,
                      warnings=[warning] if warning else [])
        if migrate:
            try:
                store.backup_path = upgrade_store(store)
            except BaseException:
                store.close()
                raise
    finally:
        os.umask(old_umask)
    if created:
        for suffix in ("", "-wal", "-shm"):  # made just now, under the private umask
            secure_file(Path(str(path) + suffix))
    return store


def check_file(path: Path | str, key_hex: str, *, full: bool = True) -> list[str]:
    """Open ``path`` with the raw key and run integrity_check (or quick_check).

    Returns the problems found (empty when the file is sound). Raises WrongPassphrase if the
    key does not open it. Used to verify backups before keeping or restoring them."""
    import sqlcipher3

    conn = _driver_connect(Path(path), key_hex)
    try:
        pragma = "integrity_check" if full else "quick_check"
        with long_work(conn):
            problems = [row[0] for row in conn.execute(f"PRAGMA {pragma}").fetchall()]
            if full:
                fks = conn.execute("PRAGMA foreign_key_check").fetchall()
                problems += [f"foreign key: {row[0]} row {row[1]} -> {row[2]}" for row in fks]
    except sqlcipher3.DatabaseError as exc:  # too damaged to finish the check
        problems = [str(exc)]
    finally:
        conn.close()
    return [] if problems == ["ok"] else [p for p in problems if p != "ok"]


_SHM_DMS_BYTE = 128  # SQLite's unix VFS: every open WAL connection holds a read lock on this byte


def others_using(path: Path | str) -> bool:
    """Does another process have this database open (another ycworker window, unlocked)?

    Every connection in WAL mode holds a shared lock on the "DMS" byte of the -shm file for as
    long as it is open; an exclusive lock on it is refused while any other process holds one.
    Call this only while this process has no connection open on the file: POSIX drops all of a
    process's locks on a file when any descriptor of it closes, SQLite's own included."""
    import fcntl

    shm = Path(f"{path}-shm")
    try:
        fd = os.open(shm, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE, os.SEEK_SET)
        except OSError:
            return True
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE, os.SEEK_SET)
        return False
    finally:
        os.close(fd)


IN_USE = ("Another ycworker is using this database (another terminal?): lock it with ctrl+l or "
          "close it, then try again. Nothing was changed.")


def rekey_file(path: Path | str, old_passphrase: str, new_passphrase: str) -> None:
    """Change the passphrase of a closed database file (``PRAGMA rekey``).

    The old passphrase is required: it must open the file. The file is rekeyed to a raw key
    derived from the new passphrase and a fresh salt (``x'<key><salt>'``), then reopened with
    the new passphrase to prove it. Close every Store on the file first (other processes too).
    """
    path = Path(path)
    old_key = key_for_file(path, old_passphrase)
    if others_using(path):  # their connections keep the old key: their next write would corrupt
        raise StoreError(IN_USE)
    conn = _driver_connect(path, old_key)  # WrongPassphrase if the old one is wrong
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if busy:
            raise StoreError(IN_USE)
        new_salt = secrets.token_bytes(SALT_BYTES)
        new_key = derive_key(new_passphrase, new_salt).hex()
        conn.execute(f"PRAGMA rekey = \"x'{new_key}{new_salt.hex()}'\"")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.close()
    fsync_file(path)
    fsync_dir(path.parent)
    proof = _driver_connect(path, key_for_file(path, new_passphrase))
    proof.close()


def upgrade_store(store: Store, target: str = "head") -> Path | None:
    """Upgrade the schema to ``target``. Returns the backup written beside an existing file, if any.

    A read-only file is refused before anything is written (never half-migrated, no backup beside it).
    """
    from db.migrate import current_revision, upgrade_engine, wanted_revision  # deferred: alembic

    current = current_revision(store)
    if current == wanted_revision(target):
        return None
    if store.read_only:
        raise ReadOnlyDatabase(store.read_only)
    store._check_writable()
    backup = None
    if current is not None and not store.created:
        backup = backup_copy(store, f"pre-migrate-{current}")
    upgrade_engine(store.engine, target)
    return backup


def backup_copy(store: Store, reason: str) -> Path:
    """A consistent encrypted copy beside the file (``VACUUM INTO`` keeps the same key)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = store.path.with_name(f"{store.path.stem}.{reason}-{stamp}{store.path.suffix}")
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    with private_umask(), store.raw() as conn:
        conn.execute("VACUUM INTO ?", (str(tmp),))
    fsync_file(tmp)
    os.replace(tmp, target)
    secure_file(target)
    fsync_dir(target.parent)
    return target


__all__ = [
    "BUSY_TIMEOUT_MS",
    "KDF_ITERATIONS",
    "QUIET_WAIT_MS",
    "SALT_BYTES",
    "WAITING_LINE",
    "Interrupted",
    "interrupt_long_work",
    "long_work",
    "read_salt",
    "DamagedDatabase",
    "DatabaseBusy",
    "DiskFull",
    "NotADatabase",
    "ReadOnlyDatabase",
    "Store",
    "StoreError",
    "WrongPassphrase",
    "classify_error",
    "folder_warning",
    "identify",
    "prove_key",
    "backup_copy",
    "upgrade_store",
    "check_file",
    "derive_key",
    "fsync_dir",
    "fsync_file",
    "key_for_file",
    "open_store",
    "others_using",
    "private_umask",
    "rekey_file",
    "secure_file",
    "secure_folder",
]
