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
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import QueuePool
from sqlmodel import Session

KDF_ITERATIONS = 256_000
SALT_BYTES = 16
BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """A problem with the database file a user can act on."""


class WrongPassphrase(StoreError):
    """The passphrase does not open this file. Exit code 3 on the command line."""


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


def secure_folder(folder: Path) -> None:
    """Make the folder (and parents we create) 0700."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):
        os.chmod(folder, 0o700)


def secure_file(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.exists():
            os.chmod(path, 0o600)


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

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A session in a BEGIN IMMEDIATE transaction, committed on success, rolled back on error."""
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
            with self.engine.begin() as conn:
                yield conn
        else:
            with self.engine.execution_options(ycw_read=True).connect() as conn:
                yield conn
                conn.rollback()

    @contextlib.contextmanager
    def raw(self) -> Iterator[object]:
        """The driver connection in autocommit, for statements that refuse a transaction
        (VACUUM, checkpoints, integrity checks, rekey)."""
        fairy = self.engine.raw_connection()
        try:
            yield fairy.driver_connection
        finally:
            fairy.close()

    def checkpoint(self) -> None:
        """Move the WAL into the main file and truncate it (so erased data leaves the WAL too)."""
        with self.raw() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def close(self) -> None:
        """Dispose every connection; the key goes with the engine."""
        self.engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            secure_file(Path(str(self.path) + suffix))


def _make_engine(path: Path, raw_key_hex: str) -> sa.Engine:
    url = sa.URL.create("sqlite+pysqlcipher", password=f"x'{raw_key_hex}'", database=str(path))
    engine = sa.create_engine(
        url,
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=8,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # the dialect has already sent PRAGMA key
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

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if conn.get_execution_options().get("ycw_read"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _is_not_a_database(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "file is not a database" in text or "file is encrypted" in text


def open_store(path: Path | str, passphrase: str, *, migrate: bool = True) -> Store:
    """Unlock (or create) the database at ``path`` and bring its schema up to date.

    Raises WrongPassphrase if the passphrase does not open an existing file; the file is not
    touched. Before migrating an existing file, a backup copy is written beside it.
    """
    path = Path(path).expanduser()
    secure_folder(path.parent)
    salt = read_salt(path)
    created = salt is None
    if created:
        if path.exists() and path.stat().st_size > 0:
            raise StoreError(f"{path} is not a ycworker database (it is too short to be one).")
        salt = secrets.token_bytes(SALT_BYTES)
        key_hex = derive_key(passphrase, salt).hex() + salt.hex()  # raw key with explicit salt
    else:
        key_hex = derive_key(passphrase, salt).hex()
    old_umask = os.umask(0o077)
    try:
        engine = _make_engine(path, key_hex)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except sa.exc.DatabaseError as exc:
            engine.dispose()
            if _is_not_a_database(exc):
                raise WrongPassphrase(
                    "That passphrase does not open this database. Nothing was changed."
                ) from None
            raise StoreError(f"The database at {path} could not be opened: {exc.orig}") from None
        store = Store(path=path, engine=engine, created=created)
        if migrate:
            from db.migrate import upgrade_store  # deferred: alembic is only needed here

            store.backup_path = upgrade_store(store)
    finally:
        os.umask(old_umask)
    for suffix in ("", "-wal", "-shm"):
        secure_file(Path(str(path) + suffix))
    return store


def backup_copy(store: Store, reason: str) -> Path:
    """A consistent encrypted copy beside the file (``VACUUM INTO`` keeps the same key)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = store.path.with_name(f"{store.path.stem}.{reason}-{stamp}{store.path.suffix}")
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    with store.raw() as conn:
        conn.execute("VACUUM INTO ?", (str(tmp),))
    with tmp.open("rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    secure_file(target)
    fsync_dir(target.parent)
    return target


__all__ = [
    "Store",
    "StoreError",
    "WrongPassphrase",
    "backup_copy",
    "derive_key",
    "fsync_dir",
    "open_store",
    "secure_file",
    "secure_folder",
]
