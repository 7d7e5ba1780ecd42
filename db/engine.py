"""The encrypted local store: one SQLCipher file under a random data key, opened through a worker's slot.

How the key works: the database is keyed (raw, ``x'...'``, so opening a connection costs no key
derivation) with a random 256-bit data key made with the file. Each worker's passphrase opens their
own slot in ``<db>.keys`` (``db/keyslots.py``), which gives the data key and says who is acting.
A file made before key slots (no keys file: its key was PBKDF2 of the passphrase and the header's
salt) is moved at its first open: backed up, given its first manager's slot, rekeyed in two phases.

Where things are: the store once open, its engine and pool in ``db/store.py``; the legacy key and
``key_for_file`` in ``db/keys.py``; the slots in ``db/keyslots.py``; private files and fsync in
``db/files.py``; what a file is in ``db/identify.py``. This module opens, checks, rekeys and
upgrades a file, and is the import point for all of them (it re-exports their names).

Files are created under a private umask (0077) and chmod-ed 0600; folders are 0700.
"""

import os
import stat
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import col, select

from db import keyslots
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
from db.keys import (
    KDF_ITERATIONS,
    SALT_BYTES,
    derive_key,
    key_for_file,
    legacy_keys,
    read_salt,
    remember_worker,
)
from db.keyslots import KdfCost
from db.slot_unlock import SlotOpened, open_slot, unlock_slot
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
from db.unlock_attempts import Attempts


def _writable(path: Path) -> bool:
    """Does the file allow writing? Its own permission bits count even for root (a 0400 file
    stays read-only: ycworker never chmods a file it did not make)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return True
    return bool(mode & stat.S_IWUSR) and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


class WeakPassphrase(StoreError):
    """A new passphrase that is too short (the rule of ``check_new_passphrase``)."""


#: The first manager's name on a new database, unless this environment variable gives one.
NAME_ENV = "YCWORKER_NAME"
FIRST_MANAGER = "Manager"


def first_manager_name() -> str:
    return (os.environ.get(NAME_ENV) or "").strip() or FIRST_MANAGER


def open_store(path: Path | str, passphrase: str, *, migrate: bool = True,
               on_wait: Callable[[], object] | None = None,
               wait_seconds: float | None = None, kdf: KdfCost | None = None,
               name: str | None = None, sleep: Callable[[float], object] = time.sleep,
               opened: SlotOpened | None = None) -> Store:
    """Unlock (or create) the database at ``path`` and bring its schema up to date.

    A new file: a random data key, ``<db>.keys`` with its first worker a manager (``name``, else
    $YCWORKER_NAME, else "Manager") and a Worker row of the same id; ``store.recovery_code`` is
    set (show it once). An existing file with a keys file: the passphrase opens a worker's slot
    (after the delay the failed attempts ask for; a failure is counted in ``<db>.attempts``, and
    nothing else is written), then ``prove_key``. A legacy file (no keys file) that opens the old
    way is backed up and moved to a random data key and a slot for its first manager.
    ``store.acting`` is (worker id, name, role). ``kdf``: the KDF cost of new slots (tests).

    Before SQLite opens an existing file: ``identify`` (NotADatabase) and ``prove_key``
    (WrongPassphrase): neither changes a byte of the file, its -wal or its -shm. Before
    migrating an existing file, a backup copy is written beside it. A missing folder is made
    0700; a new file is 0600. ``on_wait``/``wait_seconds``: see ``Store.waiting``. ``opened``: the
    slot ``db.slot_unlock.open_slot`` already opened for this file (the key derivation is not
    run again; ``ycworker.protection.unlocking`` runs it while the database code is imported).
    """
    path = Path(path).expanduser()
    identify(path)
    try:
        warning = secure_folder(path.parent)
    except OSError as exc:
        raise StoreError(f"The folder {path.parent} cannot be made "
                         f"({exc.strerror or 'not allowed'}). Choose another place with --db.") from None
    salt = read_salt(path)
    cost = kdf or keyslots.DEFAULT_KDF
    if salt is None:
        return _create(path, passphrase, name or first_manager_name(), cost, migrate, warning,
                       on_wait, wait_seconds)
    if keyslots.keys_path(path).exists():
        if opened is not None and opened.path == path:
            key, acting, failures = opened.data_key, opened.acting, opened.failed_unlocks
        else:
            key, acting, failures = unlock_slot(path, passphrase, sleep)
        store = _open_engine(path, key.hex(), False, warning, on_wait, wait_seconds)
        store.acting, store.failed_unlocks = acting, failures
        remember_worker(path, acting[0])
        if migrate:
            _migrate(store)
        return store
    return _migrate_legacy(path, passphrase, salt, cost, migrate, warning, on_wait, wait_seconds, sleep)


def _migrate(store: Store) -> None:
    try:
        store.backup_path = upgrade_store(store)
    except BaseException:
        store.close()
        raise


def _open_engine(path: Path, key_hex: str, created: bool, warning: str | None,
                 on_wait: Callable[[], object] | None, wait_seconds: float | None) -> Store:
    read_only = None if created or _writable(path) else read_only_sentence(path)
    if created and not os.access(path.parent, os.W_OK):
        raise ReadOnlyDatabase(f"ycworker cannot make a database in {path.parent}: the folder "
                               "does not allow writing. Choose another place with --db.")
    with private_umask():
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
    return Store(path=path, engine=engine, created=created, read_only=read_only,
                 warnings=[warning] if warning else [])


def _create(path: Path, passphrase: str, name: str, kdf: KdfCost, migrate: bool, warning: str | None,
            on_wait: Callable[[], object] | None, wait_seconds: float | None) -> Store:
    problem = keyslots.check_new_passphrase(passphrase)
    if problem:
        raise WeakPassphrase(f"{problem} Choose a longer one for the new database.")
    keys_file = keyslots.keys_path(path)
    if keys_file.exists():  # left by a database that is gone (or a crash before it was made)
        os.replace(keys_file, keys_file.with_name(
            f"{keys_file.name}.orphan-{datetime.now().strftime('%Y%m%d-%H%M%S')}"))
    if not os.access(path.parent, os.W_OK):
        raise ReadOnlyDatabase(f"ycworker cannot make a database in {path.parent}: the folder "
                               "does not allow writing. Choose another place with --db.")
    worker_id = uuid.uuid4().hex  # a record id; the slot keeps it as a UUID
    with private_umask():
        keys, data_key, code = keyslots.KeySlotFile.create(path, name, passphrase, worker_id=worker_id,
                                                           kdf=kdf)
    try:
        store = _open_engine(path, data_key.hex(), True, warning, on_wait, wait_seconds)
    except BaseException:
        keys_file.unlink(missing_ok=True)
        raise
    store.acting, store.recovery_code = (worker_id, keys.slots[0].name, "manager"), code
    remember_worker(path, worker_id)
    if migrate:
        _migrate(store)
        _add_worker_row(store, worker_id, keys.slots[0].name, "manager")
    for suffix in ("", "-wal", "-shm"):  # made just now, under the private umask
        secure_file(Path(str(path) + suffix))
    return store


def _add_worker_row(store: Store, worker_id: str, name: str, role: str) -> None:
    from db.models import Worker

    with store.write() as session:
        if session.get(Worker, worker_id) is None:
            initials = "".join(p[0] for p in name.split() if p)[:3].upper()
            session.add(Worker(id=worker_id, name=name, role=role, initials=initials))


def _legacy_key(path: Path, passphrase: str, salt: bytes) -> str | None:
    for key_hex in legacy_keys(passphrase, salt):
        try:
            prove_key(path, key_hex)
        except WrongPassphrase:
            continue
        return key_hex
    return None


def _migrate_legacy(path: Path, passphrase: str, salt: bytes, kdf: KdfCost, migrate: bool,
                    warning: str | None, on_wait: Callable[[], object] | None,
                    wait_seconds: float | None, sleep: Callable[[float], object]) -> Store:
    """A file made before key slots: open it the old way; back it up; give its first manager a slot
    (the passphrase) and move it to a random data key in two phases (pending wraps, ``PRAGMA rekey``,
    commit). A crash at any point leaves a file that opens with the passphrase."""
    from db.models import Worker

    attempts = Attempts(path)
    delay = attempts.delay_before_attempt()
    if delay > 0:
        sleep(delay)
    old_hex = _legacy_key(path, passphrase, salt)
    if old_hex is None:
        attempts.record_failure()
        raise WrongPassphrase("That passphrase does not open this database. Nothing was changed. "
                              "(Its keys file is missing: if it was made with key slots, open it with "
                              "the recovery key: ycworker unlock-recovery.)")
    failures = attempts.record_success()
    store = _open_engine(path, old_hex, False, warning, on_wait, wait_seconds)
    try:
        if store.read_only:
            raise ReadOnlyDatabase(store.read_only)
        store.backup_path = backup_copy(store, "pre-keyslots")
        upgrade_store(store)
        with store.write() as session:
            rows = session.exec(select(Worker).where(col(Worker.active)).order_by(col(Worker.name))).all()
            chosen = next((w for w in rows if w.role == "manager"), rows[0] if rows else None)
            if chosen is None:
                chosen = Worker(name=first_manager_name(), role="manager")
                session.add(chosen)
            chosen.role = "manager"
            session.flush()
            acting = (chosen.id, chosen.name, "manager")
        store.checkpoint()
    finally:
        store.close()
    old_key = bytes.fromhex(old_hex)
    keys, _, _ = keyslots.KeySlotFile.create(path, acting[1], passphrase, worker_id=acting[0],
                                             data_key=old_key, kdf=kdf)
    new_key = keyslots.new_data_key()
    code = keys.rewrap_all(old_key, new_key, lambda: rekey_raw(path, old_hex, new_key.hex()))
    fresh = _open_engine(path, new_key.hex(), False, warning, on_wait, wait_seconds)
    fresh.acting, fresh.recovery_code, fresh.failed_unlocks = acting, code, failures
    fresh.backup_path = store.backup_path
    remember_worker(path, acting[0])
    if migrate:
        _migrate(fresh)
    return fresh


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


def open_with_key(path: Path | str, data_key: bytes, *, migrate: bool = True) -> Store:
    """Open an existing file with its data key itself (the recovery key); nobody acts yet."""
    path = Path(path).expanduser()
    identify(path)
    if read_salt(path) is None:
        raise NotADatabase(f"There is no database at {path}.")
    prove_key(path, data_key.hex())
    store = _open_engine(path, data_key.hex(), False, None, None, None)
    if migrate:
        _migrate(store)
    return store


def reopen(store: Store, key_hex: str) -> Store:
    """The (closed) store's file opened again with a raw key (after a rekey); the same worker acts."""
    fresh = _open_engine(store.path, key_hex, False, None, None, None)
    fresh.acting = store.acting
    return fresh


def rekey_raw(path: Path | str, old_hex: str, new_hex: str) -> None:
    """Move the closed file at ``path`` from one raw key to another (``PRAGMA rekey``), then prove
    the new key opens it. Close every Store on the file first (other processes too): refused with
    nothing changed while another ycworker has it open. Callers keep both keys recoverable (the
    keys file's pending wraps) until this returns."""
    path = Path(path)
    if others_using(path):  # their connections keep the old key: their next write would corrupt
        raise StoreError(IN_USE)
    conn = _driver_connect(path, old_hex)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if busy:
            raise StoreError(IN_USE)
        conn.execute(f"PRAGMA rekey = \"x'{new_hex}'\"")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.close()
    fsync_file(path)
    fsync_dir(path.parent)
    prove_key(path, new_hex)


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
    copy_keys(store.path, target)
    fsync_dir(target.parent)
    return target


def copy_keys(db_path: Path, copy: Path) -> None:
    """A copy of the database carries the keys file as it is now (``<copy>.keys``), so it opens
    with the same passphrases; a file without a keys file gives none."""
    source = keyslots.keys_path(db_path)
    if source.exists():
        keyslots.atomic_write(keyslots.keys_path(copy), source.read_bytes())


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
    "open_slot",
    "SlotOpened",
    "others_using",
    "private_umask",
    "rekey_raw",
    "copy_keys",
    "reopen",
    "open_with_key",
    "WeakPassphrase",
    "NAME_ENV",
    "secure_file",
    "secure_folder",
]
