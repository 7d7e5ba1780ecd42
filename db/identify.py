"""What a file is, before SQLite opens it: a ycworker database or not (``identify``), and whether
a raw key opens its first page (``prove_key``). Neither changes a byte of the file, its -wal or -shm.
"""

from __future__ import annotations

from pathlib import Path

from db.errors import NotADatabase, StoreError, WrongPassphrase, classify_error

PAGE_BYTES = 4096


def is_not_a_database(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "file is not a database" in text or "file is encrypted" in text


def identify(path: Path) -> None:
    """Raise NotADatabase (saying what it is) unless ``path`` can be a ycworker database.

    Reads at most the first page; opens nothing with SQLite. A missing or empty file passes
    (it is a new database)."""
    path = Path(path)
    if path.is_dir():
        raise NotADatabase(f"{path} is a folder, not a database file. Give the path of the "
                           "database file itself (for example .../ycworker.db).")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(PAGE_BYTES)
    except (FileNotFoundError, NotADirectoryError):  # a new file (or a folder still to make)
        return
    except OSError as exc:
        raise StoreError(f"{path} cannot be read ({exc.strerror or 'permission denied'}).") from None
    if size == 0:
        return
    if head.startswith(b"SQLite format 3\x00"):
        raise NotADatabase(f"{path} is a plain SQLite file, not encrypted: it is not a ycworker "
                           "database. Nothing was changed.")
    if _looks_like_text(head):
        raise NotADatabase(f"{path} is a text file (a CSV or similar), not a ycworker database. "
                           "Nothing was changed.")
    if size < PAGE_BYTES:
        raise NotADatabase(f"{path} is too short to be a ycworker database ({size} bytes: it "
                           "was cut short, or is another kind of file). Nothing was changed.")
    if size % PAGE_BYTES:
        raise NotADatabase(f"{path} is not a ycworker database: its size is not whole pages "
                           "(it was cut short, or is another kind of file). Nothing was changed.")


def _looks_like_text(head: bytes) -> bool:
    """An encrypted page is random bytes; a CSV or any text file decodes and has no NULs."""
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:  # a multi-byte character cut by the page end is still text
        return exc.start >= len(head) - 3
    return True


def prove_key(path: Path, key_hex: str) -> None:
    """Raise WrongPassphrase unless the raw key opens the file's first page.

    The file is opened read-only and ``immutable``: SQLite takes no lock, creates no -shm, and
    does not look at (recover, checkpoint or delete) a -wal left by a crash. Page 1 lives in the
    main file from creation on and carries SQLCipher's HMAC, so a wrong key fails here, before
    anything opens the file in a way that could change it."""
    import sqlcipher3

    uri = Path(path).resolve().as_uri() + "?immutable=1&mode=ro"
    conn = sqlcipher3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = \"x'{key_hex}'\"")
        conn.execute("PRAGMA schema_version").fetchone()  # reads page 1 and nothing else
    except sqlcipher3.DatabaseError as exc:
        if is_not_a_database(exc):
            raise WrongPassphrase(
                "That passphrase does not open this database. Nothing was changed.") from None
        raise classify_error(exc, path) or StoreError(
            f"{Path(path).name} could not be read. Nothing was changed.") from None
    finally:
        conn.close()
