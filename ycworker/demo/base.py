"""The generator's working state: one seeded random source, the day, and rows waiting to be written.

Every id, date and stamp comes from ``rng`` (never the global random, uuid4 or the clock), so
the same seed and the same ``today`` give the same rows in the same order. Rows are plain dicts
written with Core ``insert()`` executemany in one transaction; ``flush`` writes the pending
tables parents first (the metadata's dependency order), so it is safe at any point where every
row a pending row points to has been added.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from random import Random

import sqlalchemy as sa
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers every table on the metadata)

FLUSH_AT = 200_000  # pending rows before an intermediate write


class Demo:
    def __init__(self, conn: sa.Connection, rng: Random, today: date, carers: int):
        self.conn = conn
        self.rng = rng
        self.today = today
        self.carers = carers
        self.pending: dict[str, list[dict]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self._pending_rows = 0
        self._order = {t.name: i for i, t in enumerate(SQLModel.metadata.sorted_tables)}
        self._tables = {t.name: t for t in SQLModel.metadata.sorted_tables}
        self._writers: dict[str, tuple] = {}

    # -- ids and stamps ---------------------------------------------------------------------
    def new_id(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    def stamp(self, d: date, hour: int | None = None) -> str:
        """A UTC moment during the working day of d, in the form SQLAlchemy stores a datetime
        (``YYYY-MM-DD HH:MM:SS.ffffff``, read back as an aware UTC datetime)."""
        r = self.rng.random()
        if hour is None:
            seconds = 28_800 + int(r * 36_000)  # 08:00 to 18:00
        else:
            seconds = hour * 3600 + int(r * 3600)
        return f"{d.isoformat()} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.000000"

    def days_ago(self, n: int) -> date:
        return self.today - timedelta(days=n)

    # -- rows -------------------------------------------------------------------------------
    def add(self, table: str, when: date, row: dict, *, updated: date | None = None) -> str:
        """Queue a row for ``table``; fills id, created_at and updated_at. Returns the id."""
        self.queue(table, self.row(when, row, updated=updated))
        return row["id"]

    def row(self, when: date, row: dict, *, updated: date | None = None) -> dict:
        """Fill id, created_at and updated_at of a row without queuing it (see ``queue``)."""
        if row.get("id") is None:
            row["id"] = self.new_id()
        created = self.stamp(when)
        row["created_at"] = created
        row["updated_at"] = created if updated is None or updated <= when else self.stamp(updated)
        return row

    def queue(self, table: str, row: dict) -> None:
        self.pending[table].append(row)
        self._pending_rows += 1

    def maybe_flush(self) -> None:
        if self._pending_rows >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Write every pending table, parents first, in the open transaction."""
        for name in sorted(self.pending, key=self._order.__getitem__):
            rows = self.pending[name]
            if not rows:
                continue
            sql, keys, converters = self._writer(name)
            values = []
            append = values.append
            for row in rows:
                vals = [row.get(k, d) for k, d in keys]
                for i, conv in converters:
                    v = vals[i]
                    if v is not None and v.__class__ is not str:
                        vals[i] = conv(v)
                append(tuple(vals))
            self.conn.exec_driver_sql(sql, values)
            self.counts[name] += len(rows)
        self.pending.clear()
        self._pending_rows = 0

    def _writer(self, name: str):
        """The INSERT for a table, each column's default, and the columns that need converting
        to their stored text (dates, times, datetimes) exactly as SQLAlchemy's SQLite types do.

        The values are bound straight to the driver: SQLAlchemy's per-row parameter processing
        cost more than the inserts themselves (see bench/demo.py)."""
        cached = self._writers.get(name)
        if cached is not None:
            return cached
        table = self._tables[name]
        keys = []
        converters = []
        for i, col in enumerate(table.columns):
            d = col.default
            keys.append((col.name, d.arg if d is not None and d.is_scalar else None))
            kind = getattr(col.type, "impl_instance", col.type)
            if isinstance(kind, sa.DateTime):
                converters.append((i, _datetime_text))
            elif isinstance(kind, sa.Date):
                converters.append((i, date.isoformat))
            elif isinstance(kind, sa.Time):
                converters.append((i, _time_text))
        columns = ", ".join(f'"{k}"' for k, _d in keys)
        sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({", ".join("?" * len(keys))})'
        self._writers[name] = cached = (sql, keys, converters)
        return cached


def _datetime_text(value: datetime) -> str:
    if value.utcoffset() is None:
        raise ValueError("demo datetimes must be timezone-aware")
    v = value.astimezone(UTC)
    return (f"{v.year:04d}-{v.month:02d}-{v.day:02d} {v.hour:02d}:{v.minute:02d}:{v.second:02d}"
            f".{v.microsecond:06d}")


def _time_text(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"
