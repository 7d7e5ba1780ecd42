"""The generator's working state: one seeded random source, the day, and rows waiting to be written.

Every id, date and stamp comes from ``rng`` (never the global random, uuid4 or the clock), so
the same seed and the same ``today`` give the same rows in the same order. Rows are plain dicts
queued per table; ``flush`` writes the pending tables parents first (the metadata's dependency
order) with one executemany per table on the store's Core connection, inside the generator's
single transaction, so it is safe at any point where every row a pending row points to has been
queued. Values bind straight to the driver (see ``_writer`` for why and how they match what
SQLAlchemy itself stores).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time
from operator import itemgetter
from random import Random
from time import perf_counter

import sqlalchemy as sa
import sqlcipher3.dbapi2
from sqlalchemy.sql.schema import ScalarElementColumnDefault
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers every table on the metadata)

FLUSH_AT = 200_000  # pending rows before an intermediate write
# Dates bind as ISO text, the form SQLAlchemy's SQLite Date stores (this is the driver's own
# default too; registered explicitly so the demo does not depend on it).
sqlcipher3.dbapi2.register_adapter(date, date.isoformat)
_VERSION = 7 << 76
_VARIANT = 1 << 63
_LOW62 = (1 << 62) - 1


class Demo:
    def __init__(self, conn: sa.Connection, rng: Random, today: date, carers: int):
        self.conn = conn
        self.rng = rng
        self.today = today
        self.carers = carers
        self.pending: dict[str, list[dict]] = defaultdict(list)
        self.counts: dict[str, int] = defaultdict(int)
        self.write_seconds: dict[str, float] = defaultdict(float)  # time in the driver, per table
        self._pending_rows = 0
        self._order = {t.name: i for i, t in enumerate(SQLModel.metadata.sorted_tables)}
        self._tables = {t.name: t for t in SQLModel.metadata.sorted_tables}
        self._writers: dict[str, tuple] = {}
        midnight = datetime(today.year, today.month, today.day, tzinfo=UTC)
        self._id_base = int(midnight.timestamp() * 1000) - 86_400_000
        self._seq = 0


    # -- ids and stamps ---------------------------------------------------------------------
    def new_id(self) -> str:
        """32 hex digits laid out as a UUIDv7: a time-ordered 48-bit prefix (a counter from
        the day before ``today``), then 74 bits from the rng. Ordered keys land at the end of
        every primary-key index, which keeps bulk inserts fast on a large file."""
        self._seq += 1
        r = self.rng.getrandbits(74)
        value = ((self._id_base + self._seq) << 80) | _VERSION | ((r >> 62) << 64) | _VARIANT | (r & _LOW62)
        return f"{value:032x}"

    def stamp(self, d: date, hour: int | None = None) -> str:
        """A UTC moment during the working day of d, as the text SQLAlchemy stores a datetime
        as (``YYYY-MM-DD HH:MM:SS.ffffff``, read back as an aware UTC datetime). Every datetime
        column of a demo row takes this text (or None): rows bind straight to the driver."""
        r = self.rng.random()
        # 08:00 to 18:00, or within the given hour
        seconds = 28_800 + int(r * 36_000) if hour is None else hour * 3600 + int(r * 3600)
        return f"{d.isoformat()} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.000000"

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

    def count_pending(self) -> None:
        """For stages that append to ``pending`` directly: note how many rows wait there."""
        self._pending_rows = sum(len(v) for v in self.pending.values())

    def maybe_flush(self) -> None:
        if self._pending_rows >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Write every pending table, parents first, in the open transaction."""
        for name in sorted(self.pending, key=self._order.__getitem__):
            rows = self.pending[name]
            if not rows:
                continue
            sql, names, defaults, converters = self._writer(name)
            getter = itemgetter(*names)
            try:
                values = list(map(getter, rows))
            except KeyError:  # some rows leave columns to their defaults
                values = [tuple(row.get(k, d) for k, d in defaults) for row in rows]
            if converters:
                values = [_convert(v, converters) for v in values]
            started = perf_counter()
            self.conn.exec_driver_sql(sql, values)
            self.write_seconds[name] += perf_counter() - started
            self.counts[name] += len(rows)
        self.pending.clear()
        self._pending_rows = 0

    def finish(self) -> None:
        """Write whatever is still pending."""
        self.flush()

    def _writer(self, name: str):
        """The INSERT for a table, its column names and defaults, and the columns that need
        converting to the text SQLAlchemy's SQLite types store.

        Values are bound straight to the driver: SQLAlchemy's per-row parameter processing cost
        more than the inserts themselves (see bench/demo.py). Dates bind through the driver's
        date adapter (``isoformat``, the same text SQLAlchemy stores); datetimes come from
        ``stamp`` as stored text already; times are converted here."""
        cached = self._writers.get(name)
        if cached is not None:
            return cached
        table = self._tables[name]
        defaults = []
        converters = []
        for i, col in enumerate(table.columns):
            d = col.default
            defaults.append((col.name, d.arg if isinstance(d, ScalarElementColumnDefault) else None))
            kind = getattr(col.type, "impl_instance", col.type)
            if isinstance(kind, sa.Time):
                converters.append((i, _time_text))
        names = [k for k, _d in defaults]
        columns = ", ".join(f'"{k}"' for k in names)
        sql = f'INSERT INTO "{table.name}" ({columns}) VALUES ({", ".join("?" * len(names))})'
        self._writers[name] = cached = (sql, names, defaults, converters)
        return cached


def _convert(values: tuple, converters) -> tuple:
    out = list(values)
    for i, conv in converters:
        v = out[i]
        if v is not None and v.__class__ is not str:
            out[i] = conv(v)
    return tuple(out)


def _time_text(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"
