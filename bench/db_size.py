"""Database size benchmark (issue 17): where the bytes of the demo database go, per table and index.

    python -m bench.db_size [--carers 50000] [--top 25]

The SQLCipher build has no ``dbstat`` table, so the demo database (made and cached as for every
bench) is exported page by page into a plaintext copy in a temporary folder under bench/out
(``sqlcipher_export``: the same schema and rows, freshly packed; demo data only, deleted at the
end) and measured there with the standard library's SQLite, which has ``dbstat``. Sizes are
scaled to the encrypted file: each encrypted page keeps 80 of its 4,096 bytes for the IV and HMAC,
and the live file may hold free pages; the scale factor is printed.

Then an estimate of what integer keys would save: every table here has a 32-hex-digit UUID text
primary key (a rowid table with an automatic unique index on ``id``) and UUID text foreign keys.
With ``INTEGER PRIMARY KEY`` ids the ``id`` column would cost nothing (it is the rowid), its
automatic index would go, and each foreign key (in rows and in the indexes that hold it) would be
a varint of about 3 bytes instead of 33 (32 characters and a length in the record header).
Nothing is changed: these are figures for a decision.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.common import PASSPHRASE, bench_dir, demo_db

UUID_BYTES, INT_BYTES = 33, 3  # a 32-character text and its header byte; a varint for ids < 8M


def export_plain(source: Path, folder: Path) -> Path:
    from db.engine import open_store

    plain = folder / "plain.db"
    store = open_store(source, PASSPHRASE)
    try:
        conn = store.fresh_connection()
        try:
            conn.execute(f"ATTACH DATABASE '{plain}' AS plain KEY ''")
            conn.execute("SELECT sqlcipher_export('plain')")
            conn.execute("DETACH DATABASE plain")
        finally:
            conn.close()
    finally:
        store.close()
    return plain


def sizes(conn: sqlite3.Connection) -> list[tuple[str, str, str, int, int]]:
    """(name, type, table, pages, payload bytes) for every b-tree, biggest first."""
    kinds = {name: (kind, table) for name, kind, table in
             conn.execute("SELECT name, type, tbl_name FROM sqlite_master")}
    out = []
    for name, pages, payload in conn.execute(
            "SELECT name, count(*), sum(payload) FROM dbstat GROUP BY name ORDER BY count(*) DESC"):
        kind, table = kinds.get(name, ("table" if name.startswith("sqlite_") else "?", name))
        out.append((name, kind, table, pages, payload or 0))
    return out


def uuid_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """The columns of a table that hold 32-hex-digit ids (``id`` and the ``*_id`` columns)."""
    cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
    out = []
    for c in cols:
        if c == "id" or c.endswith("_id"):
            sample = conn.execute(f'SELECT "{c}" FROM "{table}" WHERE "{c}" IS NOT NULL LIMIT 1').fetchone()
            if sample and isinstance(sample[0], str) and len(sample[0]) == 32:
                out.append(c)
    return out


def key_savings(conn: sqlite3.Connection, page_size: int) -> tuple[list[tuple[str, int]], int]:
    """Bytes an integer key would save, per table (its rows, its id index and other indexes)."""
    per_table = []
    total = 0
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' "
        "AND name NOT LIKE 'sqlite_%'")]
    index_pages = {name: pages for name, pages in
                   conn.execute("SELECT name, count(*) FROM dbstat GROUP BY name")}
    for table in tables:
        cols = uuid_columns(conn, table)
        if not cols:
            continue
        counts = conn.execute("SELECT count(*), " + ", ".join(f'count("{c}")' for c in cols)
                              + f' FROM "{table}"').fetchone()
        saved = 0
        for c, n in zip(cols, counts[1:], strict=True):
            saved += n * (UUID_BYTES if c == "id" else UUID_BYTES - INT_BYTES)
        for (index, origin) in conn.execute(f'SELECT name, origin FROM pragma_index_list("{table}")'):
            held = [r[2] for r in conn.execute(f'PRAGMA index_info("{index}")')]
            if origin == "pk" and held == ["id"]:
                saved += index_pages.get(index, 0) * page_size  # the whole automatic index goes
                continue
            for c in held:
                if c in cols and c != "id":
                    saved += counts[1 + cols.index(c)] * (UUID_BYTES - INT_BYTES)
        per_table.append((table, saved))
        total += saved
    per_table.sort(key=lambda x: -x[1])
    return per_table, total


def mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--carers", type=int, default=50_000)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    source = demo_db(args.carers)
    file_bytes = source.stat().st_size
    with tempfile.TemporaryDirectory(prefix="ycw-bench-size-", dir=bench_dir()) as tmp:
        t = time.perf_counter()
        plain = export_plain(source, Path(tmp))
        conn = sqlite3.connect(plain)
        try:
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
            rows = sizes(conn)
            plain_bytes = sum(r[3] for r in rows) * page_size
            scale = file_bytes / plain_bytes
            carers = conn.execute("SELECT count(*) FROM carer").fetchone()[0]
            print(f"database size: {args.carers:,}-carer demo, {mb(file_bytes)} encrypted "
                  f"({file_bytes / carers / 1e3:.1f} KB a carer); plaintext copy {mb(plain_bytes)} in "
                  f"{time.perf_counter() - t:.0f} s; encrypted/plain = {scale:.3f}")
            print(f"{'b-tree':42} {'kind':6} {'table':22} {'MB':>8} {'share':>6} {'payload MB':>11}")
            for name, kind, table, pages, payload in rows[: args.top]:
                size = pages * page_size * scale
                print(f"{name[:42]:42} {kind[:6]:6} {table[:22]:22} {size / 1e6:8.1f} "
                      f"{100 * size / file_bytes:5.1f}% {payload / 1e6:11.1f}")
            rest = sum(r[3] for r in rows[args.top:]) * page_size * scale
            print(f"{'(the other ' + str(max(0, len(rows) - args.top)) + ' b-trees)':42} {'':6} {'':22} "
                  f"{rest / 1e6:8.1f} {100 * rest / file_bytes:5.1f}%")
            by_table: dict[str, list[float]] = {}
            for _name, kind, table, pages, _payload in rows:
                entry = by_table.setdefault(table, [0.0, 0.0])
                entry[0 if kind == "table" else 1] += pages * page_size * scale
            print("per table, its rows and its indexes (top 10):")
            for table, (own, idx) in sorted(by_table.items(), key=lambda x: -sum(x[1]))[:10]:
                print(f"  {table:28} {mb(own + idx):>10} ({100 * (own + idx) / file_bytes:4.1f}%): rows "
                      f"{mb(own)}, indexes {mb(idx)}")
            indexes = sum(r[3] for r in rows if r[1] == "index") * page_size * scale
            print(f"all indexes: {mb(indexes)} ({100 * indexes / file_bytes:.0f}% of the file)")
            per_table, saved = key_savings(conn, page_size)
            saved *= scale
            print(f"integer keys instead of 32-character UUID text (estimate, nothing changed): about "
                  f"{mb(saved)} ({100 * saved / file_bytes:.0f}% of the file, "
                  f"{saved / carers / 1e3:.1f} KB a carer); most from: "
                  + ", ".join(f"{t} {mb(b * scale)}" for t, b in per_table[:6]))
        finally:
            conn.close()


if __name__ == "__main__":
    main()
