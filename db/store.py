"""An unlocked store: the ``Store`` (sessions, connections, checkpoint, close) and its engine and pool.

Every connection: cipher_log_level NONE, the key, a read of sqlite_master that proves it, then
WAL, synchronous FULL, foreign keys, busy timeout and secure delete. Write transactions start with
BEGIN IMMEDIATE so that two processes writing wait for each other instead of failing at once with
"database is locked". Long statements (integrity checks, ``VACUUM INTO``) register here so that
quitting or locking can stop them. ``db.engine`` opens a store and re-exports these names.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import QueuePool
from sqlmodel import Session

from db.errors import (
    DamagedDatabase,
    DatabaseBusy,
    ReadOnlyDatabase,
    StoreError,
    WrongPassphrase,
    classify_error,
)
from db.identify import is_not_a_database

BUSY_TIMEOUT_MS = 10_000
#: SQLCipher's page size (its default, never changed here): an encrypted file is whole pages.
#: A write first waits this long for another writer without a word, then says it is waiting.
QUIET_WAIT_MS = 500
WAITING_LINE = "Waiting for another ycworker working on this file…"


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
    #: Who opened it: (worker id, name, role) of the key slot the passphrase opened.
    acting: tuple[str, str, str] | None = None
    #: The recovery key, set only by the open that made it (a new file, a legacy file's migration).
    recovery_code: str | None = None
    #: When passphrases failed since the last unlock (for the audit log).
    failed_unlocks: list[Any] = field(default_factory=list)
    #: What a check made ahead of an export keeps (``keep_aside``): closed with the store.
    _aside: Any = field(default=None, repr=False)
    _closed: bool = field(default=False, repr=False)
    _aside_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

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

    @property
    def data_key(self) -> bytes:
        """The raw data key (32 bytes) the file is keyed with."""
        return bytes.fromhex(self.key_hex[:64])

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

    def keep_aside(self, thing: Any) -> bool:
        """Keep ``thing`` (it has ``close()``: e.g. a driver connection watching the file) until
        the next ``keep_aside`` or the store's close, which close it. False, and ``thing`` closed,
        when the store is already closed (a lock while a thread was making it)."""
        with self._aside_lock:
            old, self._aside = self._aside, (None if self._closed else thing)
        for done in (old, None if self._aside is thing else thing):
            if done is not None:
                with contextlib.suppress(Exception):
                    done.close()
        return self._aside is thing

    @property
    def aside(self) -> Any:
        """What ``keep_aside`` keeps (None: nothing, or the store is closed)."""
        return self._aside

    def close(self) -> None:
        """Dispose every connection; the key goes with the engine. A connection in use by a
        thread at this moment is closed when that thread gives it back."""
        with self._aside_lock:
            self._closed, aside, self._aside = True, self._aside, None
        if aside is not None:
            with contextlib.suppress(Exception):
                aside.close()
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
    # Team sync: is this store enrolled (None: read Setting team.url at the first write)?
    # db.outbox reads and sets it; its flush listener queues changes only while it is True.
    engine.ycw_team = {"enrolled": None}  # type: ignore[attr-defined]

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

    import db.outbox  # noqa: F401  (deferred: models) the queue's flush listener, once per process

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
