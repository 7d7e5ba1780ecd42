"""A deterministic, realistic demo service for a Kent young carers' service.

``generate(store, carers, seed)`` fills an empty database with carers in households, the people
they care for, referrals over the last two financial years with realistic timings, assessments,
plans, reviews, contacts, clubs with registers, holiday activities with bookings and the service
activity the quarterly return counts. The same seed and the same ``today`` give the same rows.

Everything is written in one transaction (BEGIN IMMEDIATE), so a failure leaves the database as
it was, and the carer count is checked inside it, so two demos cannot both fill one file. Speed:
rows are built as dicts and bound straight to the driver with one executemany per table and
batch; keys are time-ordered (UUIDv7-shaped), so they append to every primary-key index; the
connection's page cache is raised to 1 GiB while writing and restored after. See bench/demo.py.

The stages live in their own modules: ``people`` (districts, schools, workers, households,
carers, cared-for), ``cases`` (referrals to closure), ``groups`` (clubs and
holiday activities) and ``activity`` (service activity); names come from ``names`` and places
from ``places``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from random import Random

import sqlalchemy as sa
from sqlmodel import col

from db import outbox
from db.models import Carer, District
from db.search_index import carers_indexed_in_bulk

CARERS = sa.inspect(Carer).local_table

CACHE_KIB = 1024 * 1024  # page cache while generating (restored afterwards)


class DemoRefused(Exception):
    """The database already holds carers."""


@dataclass
class DemoSummary:
    carers: int
    households: int
    referrals: int
    assessments: int
    reviews: int
    clubs: int
    sessions: int
    attendances: int
    activities: int
    bookings: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    write_seconds: float = 0.0  # in the database driver's executemany
    table_write_seconds: dict[str, float] = field(default_factory=dict)
    commit_seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)  # making and writing, by stage

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def __str__(self) -> str:
        return (f"Made {self.carers:,} carers in {self.households:,} households, "
                f"{self.referrals:,} referrals, {self.assessments:,} assessments, "
                f"{self.reviews:,} reviews, {self.clubs:,} clubs with {self.sessions:,} sessions and "
                f"{self.attendances:,} register marks, "
                f"{self.activities:,} holiday activities with {self.bookings:,} bookings "
                f"({self.total_rows:,} rows)")


def carer_count(store) -> int:
    with store.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(CARERS)).scalar_one()


def generate(store, carers: int, seed: int = 1, *, today: date | None = None) -> DemoSummary:
    """Fill the (carer-free) database with a demo service of ``carers`` young carers.

    Raises DemoRefused when the database already holds carers, and ValueError for fewer than one.
    """
    if carers < 1:
        raise ValueError("A demo service needs at least one carer.")
    today = today or date.today()
    started = time.perf_counter()
    rng = Random(seed)
    with store.connect(write=True) as conn:
        # The demo's executemany writes are not queued for team sync: a file in a team is refused
        # here (its made-up people would never reach the server, nor should they).
        if outbox.is_enrolled(conn):
            raise DemoRefused("This database is in a team, so no demo service was added: its made-up "
                              "people would mix with the team's records. Use a new database file for "
                              "the demo.")
        held = conn.execute(sa.select(sa.func.count()).select_from(CARERS)).scalar_one()
        if held:
            raise DemoRefused(
                f"This database already holds {held:,} young carer{'s' if held != 1 else ''}, so no demo "
                "service was added; use a new database file for the demo."
            )
        # A bigger page cache while writing: the random keys touch index pages all over the file.
        old_cache = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
        conn.exec_driver_sql(f"PRAGMA cache_size = -{CACHE_KIB}")
        try:
            with carers_indexed_in_bulk(conn):  # the search index in one pass at the end
                summary = _fill(conn, rng, today, carers)
        finally:
            conn.exec_driver_sql(f"PRAGMA cache_size = {old_cache}")
        committing = time.perf_counter()
    summary.commit_seconds = time.perf_counter() - committing
    summary.seconds = time.perf_counter() - started
    return summary


def _fill(conn, rng: Random, today: date, carers: int) -> DemoSummary:
    from ycworker.demo import activity, cases, groups, people, places, reporting
    from ycworker.demo.base import Demo

    existing = dict(conn.execute(sa.select(col(District.name), col(District.id))).all())
    demo = Demo(conn, rng, today, carers)
    try:
        clock = time.perf_counter()
        stages: dict[str, float] = {}

        def lap(name: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            stages[name] = now - clock
            clock = now

        svc = people.service(demo, existing)
        people.people(demo, svc)
        lap("people")
        case_totals = cases.CaseMaker(demo, svc).run(walk_ins=2 + carers // 20_000)
        demo.flush()
        # A closed case's plan is over: what was still open at closure was dropped (as
        # referrals.close does), so it never shows as overdue.
        conn.exec_driver_sql("UPDATE plan_action SET status = 'dropped' WHERE status = 'open' AND "
                             "carer_id IN (SELECT id FROM carer WHERE status = 'closed')")
        lap("cases")
        group_totals = groups.GroupTotals()
        groups.clubs(demo, svc, group_totals)
        lap("clubs")
        past_events = groups.activities(demo, svc, group_totals)
        lap("activities")
        activity.service_activity(demo, svc, past_events, group_totals.bus_pass_users)
        reporting.areas_and_narrative(demo, {**existing, **dict(zip(
            [d.name for d in places.DISTRICTS], svc.district_ids, strict=True))})
        demo.finish()
        lap("service activity")
    finally:
        demo.pending.clear()  # on an error the transaction rolls back; drop the rows at once
    rows = dict(sorted(demo.counts.items()))
    return DemoSummary(
        carers=rows.get("carer", 0), households=rows.get("household", 0),
        referrals=case_totals.referrals, assessments=case_totals.assessments, reviews=case_totals.reviews,
        clubs=group_totals.clubs, sessions=group_totals.sessions, attendances=group_totals.marks,
        activities=group_totals.activities, bookings=group_totals.bookings,
        seconds=0.0, rows=rows, write_seconds=sum(demo.write_seconds.values()), stage_seconds=stages,
        table_write_seconds=dict(demo.write_seconds),
    )


def demo_if_empty(store, carers: int, seed: int = 1, *, today: date | None = None) -> DemoSummary | None:
    """Generate a demo service only when the database has no carers yet (``ycworker --demo``)."""
    if carer_count(store):
        return None
    try:
        return generate(store, carers, seed, today=today)
    except DemoRefused:  # another process filled it in the meantime
        return None


__all__ = ["DemoRefused", "DemoSummary", "demo_if_empty", "generate"]
