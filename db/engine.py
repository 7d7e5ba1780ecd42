"""The encrypted local store: one SQLCipher file, opened with a key derived once per unlock.

How the key works: the passphrase is stretched once per unlock with PBKDF2-HMAC-SHA512 and a
16-byte salt, and the raw 32-byte key is handed to SQLCipher as ``x'...'`` so that opening a
connection costs no key derivation. The salt is SQLCipher's own: a new file is created with a
raw key *and* salt (``x'<key><salt>'``) so SQLCipher writes that salt into the first 16 bytes
of the file, where it is read back at the next unlock. No sidecar file, nothing in plain text.

Every connection: cipher_log_level NONE, the key, a read of sqlite_master that proves it,
then WAL, synchronous FULL, foreign keys, busy timeout and secure delete. Write transactions
start with BEGIN IMMEDIATE so that two processes writing wait for each other instead of
failing at once with "database is locked".

Changing the passphrase (``rekey_file``) follows the same scheme: the file is rekeyed to a new
raw key derived from the new passphrase and a *new* salt (``x'<key><salt>'``), so SQLCipher
writes the new salt into the header; it is then reopened with the new passphrase to prove it.

Files are created under a private umask (0077) and chmod-ed 0600; folders are 0700.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import QueuePool
from sqlmodel import Session

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
from db.identify import identify, is_not_a_database, prove_key

KDF_ITERATIONS = 256_000
SALT_BYTES = 16
BUSY_TIMEOUT_MS = 10_000
#: SQLCipher's page size (its default, never changed here): an encrypted file is whole pages.
#: A write first waits this long for another writer without a word, then says it is waiting.
QUIET_WAIT_MS = 500
WAITING_LINE = "Waiting for another ycworker working on this file…"


def derive_key(passphrase: str, salt: bytes, iterations: int = KDF_ITERATIONS) -> bytes:
    return hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, iterations, dklen=32)


def read_salt(path: Path) -> bytes | None:
    """The salt SQLCipher keeps in the first 16 bytes of an existing file, or None for a new one."""
    try:
        with path.open("rb") as fh:
            head = fh.read(SALT_BYTES)
    except FileNotFoundError:
        return None
    return head if len(head) == SALT_BYTES else None


def secure_folder(folder: Path) -> str | None:
    """Make the folder if it is missing: it, and every parent made with it, 0700.

    A folder that already exists is left exactly as it is (it may be /tmp, a shared folder, the
    user's own choice). Returns a warning sentence for the caller to show when others can read
    or write in it, else None. Raises OSError when it cannot be made."""
    folder = Path(folder)
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for made in reversed(missing):
        with private_umask():
            made.mkdir(mode=0o700, exist_ok=True)
        os.chmod(made, 0o700)  # ours: made just now
    if missing:
        return None
    return folder_warning(folder)


def folder_warning(folder: Path) -> str | None:
    """A sentence when people other than you can read or write in this (existing) folder."""
    try:
        mode = stat.S_IMODE(Path(folder).stat().st_mode)
    except OSError:
        return None
    if not mode & 0o077:
        return None
    who = "can write in" if mode & 0o022 else "can see the files in"
    folder = Path(folder).absolute()
    return (f"Other users of this computer {who} the folder {folder} (permissions "
            f"{mode:04o}). ycworker has not changed it; the database is encrypted, but a private "
            f"folder (chmod 700) keeps its companions and backups out of sight.")


def secure_file(path: Path) -> None:
    """0600 for a file ycworker has just made (never call it on a file the user had)."""
    with contextlib.suppress(OSError):
        if path.exists():
            os.chmod(path, 0o600)


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Files created inside the block are 0600 and folders 0700, whatever the user's umask."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def fsync_file(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass
class Store:
    """An unlocked database. ``write()`` and ``read()`` give sessions; ``close()`` drops the key."""

    path: Path
    engine: sa.Engine
    created: bool = False
    backup_path: Path | None = None
    #: Set by ``stop_writing`` (a failed integrity check): every write is then refused.
    writing_stopped: str | None = None
    #: Set when the file does not allow writing (its permissions): every write is refused.
    read_only: str | None = None
    #: Sentences for the caller to show once (e.g. the folder is open to other users).
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The engine's error hook stops writing on damage found by any statement.
        holder = getattr(self.engine, "ycw_store", None)
        if holder is not None:
            holder[0] = self

    def waiting(self, on_wait: Callable[[], object] | None = None, seconds: float | None = None) -> None:
        """How a write waits for another ycworker: ``on_wait()`` is called once when the quiet
        half second is over (e.g. print WAITING_LINE), and after ``seconds`` in all it gives up
        with DatabaseBusy."""
        wait = self.engine.ycw_wait  # type: ignore[attr-defined]
        wait["on_wait"] = on_wait
        if seconds is not None:
            wait["seconds"] = seconds

    @property
    def key_hex(self) -> str:
        """The raw key as handed to SQLCipher (for verifying copies made with ``VACUUM INTO``)."""
        password = self.engine.url.password or ""
        return password[2:-1] if password.startswith("x'") else password

    def stop_writing(self, reason: str) -> None:
        """Refuse every later write (the file failed an integrity check)."""
        self.writing_stopped = reason

    def _check_writable(self) -> None:
        if self.writing_stopped:
            raise DamagedDatabase(self.writing_stopped)
        if self.read_only:
            raise ReadOnlyDatabase(self.read_only)

    @contextlib.contextmanager
    def fresh(self) -> Iterator[object]:
        """A new driver connection of its own (not from the pool), closed at the end.

        Integrity checks run here: a pooled connection can hold a stale view of an FTS5 index
        after another connection wrote to it (SQLite 3.53: integrity_check then reports
        "fts5: checksum mismatch" on a sound file), and a fresh one has no history."""
        conn = self.fresh_connection()
        try:
            yield conn
        finally:
            conn.close()

    def fresh_connection(self) -> Any:
        """A new keyed driver connection, not from the pool (the caller closes it)."""
        conn = _driver_connect(self.path, self.key_hex)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return conn

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A session in a BEGIN IMMEDIATE transaction, committed on success, rolled back on error."""
        self._check_writable()
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (a deferred transaction, never holds the write lock)."""
        engine = self.engine.execution_options(ycw_read=True)
        with Session(engine, expire_on_commit=False) as session:
            yield session
            session.rollback()

    @contextlib.contextmanager
    def connect(self, *, write: bool = False) -> Iterator[sa.Connection]:
        """A Core connection (bulk inserts, raw reads). Writes commit at the end of the block."""
        if write:
            self._check_writable()
            with self.engine.begin() as conn:
                yield conn
        else:
            with self.engine.execution_options(ycw_read=True).connect() as conn:
                yield conn
                conn.rollback()

    @contextlib.contextmanager
    def raw(self) -> Iterator[Any]:
        """The driver connection in autocommit, for statements that refuse a transaction
        (VACUUM, checkpoints, integrity checks, rekey)."""
        fairy = self.engine.raw_connection()
        try:
            yield fairy.driver_connection
        finally:
            fairy.close()

    def checkpoint(self) -> tuple[int, int, int]:
        """Move the WAL into the main file and truncate it (so erased data leaves the WAL too).

        Returns SQLite's (busy, wal frames, frames checkpointed); busy is 1 when another
        reader kept the checkpoint from finishing."""
        with self.raw() as conn:
            row = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return tuple(row) if row else (0, 0, 0)

    def close(self) -> None:
        """Dispose every connection; the key goes with the engine. A connection in use by a
        thread at this moment is closed when that thread gives it back."""
        generation = getattr(self.engine, "ycw_generation", None)
        if generation is not None:
            generation[0] += 1
        self.engine.dispose()


def _make_engine(path: Path, raw_key_hex: str) -> sa.Engine:
    url = sa.URL.create("sqlite+pysqlcipher", password=f"x'{raw_key_hex}'", database=str(path))
    extra = {}
    if not raw_key_hex:  # a plaintext file, same driver and pragmas: only test harnesses (to read bytes)
        import sqlcipher3.dbapi2

        url = sa.URL.create("sqlite+pysqlite", database=str(path))
        extra["module"] = sqlcipher3.dbapi2
    engine = sa.create_engine(
        url,
        **extra,
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=8,
        # The connection used last is used next: its page cache (decrypted pages) is warm.
        pool_use_lifo=True,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    # Store.close() bumps the generation: a connection that was checked out at that moment (a
    # query still running in a thread) is closed when it comes back, not kept in the old pool
    # until the garbage collector finds it (a locked app must hold no handle on the file).
    generation = [0]
    engine.ycw_generation = generation  # type: ignore[attr-defined]

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_conn, record):
        if dbapi_conn is not None and record.info.get("ycw_generation") != generation[0]:
            record.invalidate()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, record):  # the dialect has already sent PRAGMA key
        record.info["ycw_generation"] = generation[0]
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        try:
            cur.execute("PRAGMA cipher_log_level = NONE")
            cur.execute("SELECT count(*) FROM sqlite_master").fetchone()
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA secure_delete = ON")
            cur.execute("PRAGMA temp_store = MEMORY")
        finally:
            cur.close()

    # Waiting for another writer (another ycworker window or command): half a second quietly,
    # then ``on_wait`` (a line saying so) and the rest of the wait; after it, DatabaseBusy.
    wait = {"on_wait": None, "seconds": BUSY_TIMEOUT_MS / 1000}
    engine.ycw_wait = wait  # type: ignore[attr-defined]
    store_ref: list = [None]
    engine.ycw_store = store_ref  # type: ignore[attr-defined]

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if conn.get_execution_options().get("ycw_read"):
            conn.exec_driver_sql("BEGIN")
            return
        _begin_immediate(conn, path, wait)

    @event.listens_for(engine, "handle_error")
    def _on_error(ctx):
        """Any statement's error about the file itself becomes a plain StoreError of its kind
        (never SQL text or parameters); damage stops every later write."""
        error = classify_error(ctx.original_exception, path)
        store = store_ref[0]
        if isinstance(error, DamagedDatabase) and store is not None and not store.writing_stopped:
            store.stop_writing(str(error))
        return error

    return engine


def _begin_immediate(conn, path: Path, wait: dict) -> None:
    """BEGIN IMMEDIATE, waiting for another writer: quietly, then with ``on_wait`` called.
    (A "database is locked" reaches here as DatabaseBusy: the handle_error hook.)"""
    total_ms = max(int(wait["seconds"] * 1000), QUIET_WAIT_MS)
    conn.exec_driver_sql(f"PRAGMA busy_timeout = {QUIET_WAIT_MS}")
    try:
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except DatabaseBusy:
            pass
        if wait["on_wait"] is not None:
            wait["on_wait"]()
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {total_ms - QUIET_WAIT_MS}")
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


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


# -- long work that can be stopped: integrity checks, VACUUM INTO -------------------------------
# A full check or a backup of a large file takes tens of seconds in a thread. Quitting or locking
# must not wait for it: those statements run on a connection registered here, and
# ``interrupt_long_work`` makes SQLite stop them (they raise "interrupted"; nothing is half kept).

_LONG_WORK: set[Any] = set()
_LONG_WORK_LOCK = threading.Lock()


class Interrupted(StoreError):
    """Long work on the file was stopped (the app quit or locked)."""


@contextlib.contextmanager
def long_work(conn: Any) -> Iterator[Any]:
    """Register a driver connection for the length of a long statement."""
    with _LONG_WORK_LOCK:
        _LONG_WORK.add(conn)
    try:
        yield conn
    except Exception as exc:
        if "interrupt" in str(exc).lower():
            raise Interrupted("Stopped: ycworker was closed or locked.") from None
        raise
    finally:
        with _LONG_WORK_LOCK:
            _LONG_WORK.discard(conn)


def interrupt_long_work() -> int:
    """Stop every registered long statement now. Returns how many were running."""
    with _LONG_WORK_LOCK:
        running = list(_LONG_WORK)
    for conn in running:
        with contextlib.suppress(Exception):
            conn.interrupt()
    return len(running)


def _driver_connect(path: Path, key_hex: str) -> Any:
    """A single SQLCipher driver connection (not the stdlib sqlite3), keyed and proved."""
    import sqlcipher3

    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        if key_hex:  # no key: a plaintext file, as _make_engine allows (test harnesses only)
            conn.execute(f"PRAGMA key = \"x'{key_hex}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        if is_not_a_database(exc):
            raise WrongPassphrase("That passphrase does not open this file.") from None
        raise classify_error(exc, path) or StoreError(
            f"{Path(path).name} could not be opened.") from None
    return conn


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


def key_for_file(path: Path | str, passphrase: str) -> str:
    """The raw key (hex) that ``passphrase`` gives for the existing file at ``path``."""
    identify(Path(path))
    salt = read_salt(Path(path))
    if salt is None:
        raise NotADatabase(f"{path} is not a ycworker database (it is empty or missing).")
    return derive_key(passphrase, salt).hex()


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
    "WAITING_LINE",
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
