"""Small builders for test data: explicit values, sensible defaults, no randomness."""

from __future__ import annotations

import itertools
from datetime import date

from db.models import Carer, District, Household, Referral, School, Worker

_counter = itertools.count(1)


def worker(session, name="Sam Worker", role="worker", **kw) -> Worker:
    w = Worker(name=name, role=role, **kw)
    session.add(w)
    session.flush()
    return w


def district(session, name=None) -> District:
    d = District(name=name or f"District {next(_counter)}")
    session.add(d)
    session.flush()
    return d


def school(session, name=None, district_id=None, **kw) -> School:
    s = School(name=name or f"School {next(_counter)}", district_id=district_id, **kw)
    session.add(s)
    session.flush()
    return s


def household(session, ref=None, **kw) -> Household:
    h = Household(ref=ref, **kw)
    session.add(h)
    session.flush()
    return h


def carer(session, first_name="Amira", last_name="Khan", date_of_birth=date(2012, 5, 1), **kw) -> Carer:
    kw.setdefault("carer_ref", f"T-{next(_counter):05d}")
    c = Carer(first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, **kw)
    session.add(c)
    session.flush()
    return c


def referral(session, carer_id, referral_date=date(2026, 10, 1), **kw) -> Referral:
    """A referral as the services would leave it: the carer's stored deadline is kept too."""
    from ycworker.caseload import deadlines

    r = Referral(carer_id=carer_id, referral_date=referral_date, **kw)
    session.add(r)
    session.flush()
    deadlines.refresh(session, carer_id)
    return r
