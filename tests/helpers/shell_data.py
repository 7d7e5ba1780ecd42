"""A small, fixed service for the home screen's tests and snapshots (today = 2026-11-24)."""

from __future__ import annotations

from datetime import date, time

from db.models import Club, ClubSession, PlanAction
from tests.helpers import factories as f


def build(store) -> dict[str, str]:
    with store.write() as s:
        me = f.worker(s, name="Priya Shah", role="worker")
        other = f.worker(s, name="Tom Evans", role="worker")
        dover = f.district(s, "Dover")
        ids = {"me": me.id, "other": other.id}
        # Referred Tuesday 17 Nov: allocation deadline Tuesday 24 Nov (today).
        a = f.carer(s, "Leah", "Morgan", date(2013, 2, 3), carer_ref="YC-LEAH01", district_id=dover.id)
        f.referral(s, a.id, date(2026, 11, 17))
        # Referred Monday 9 Nov: deadline Monday 16 Nov, overdue by 6 working days.
        b = f.carer(s, "Kacper", "Nowak", date(2011, 7, 9), carer_ref="YC-KACP02")
        f.referral(s, b.id, date(2026, 11, 9))
        # Refused consent: not waiting for allocation.
        c = f.carer(s, "Zara", "Hussain", date(2012, 1, 1), carer_ref="YC-ZARA03")
        f.referral(s, c.id, date(2026, 11, 20), consent="refused")
        # Allocated to me on 2 Nov: assessment deadline Monday 23 Nov, overdue by 1.
        d = f.carer(s, "Ellie", "Brooks", date(2010, 3, 4), carer_ref="YC-ELLI04", worker_id=me.id)
        f.referral(s, d.id, date(2026, 10, 28), allocated_date=date(2026, 11, 2), worker_id=me.id,
                   consent="given")
        # Allocated to someone else: not on my list.
        e = f.carer(s, "Oscar", "Reid", date(2010, 3, 4), carer_ref="YC-OSCA05", worker_id=other.id)
        f.referral(s, e.id, date(2026, 10, 28), allocated_date=date(2026, 11, 2), worker_id=other.id)
        # Turns 18 on 1 March 2027 (within six months), mine.
        g = f.carer(s, "Aisha", "Begum", date(2009, 3, 1), carer_ref="YC-AISH06", worker_id=me.id)
        # Overdue plan action for my carer.
        s.add(PlanAction(carer_id=g.id, what="Bus pass application", who="Priya",
                         due_date=date(2026, 11, 20)))
        # A walk-in needing referral details.
        f.carer(s, "Jayden", "Clarke", date(2014, 6, 6), carer_ref="YC-JAYD07", needs_referral_details=True)
        # My club meets today.
        club = Club(name="Dover Chill Club", venue="Dover Youth Hub", worker_id=me.id, frequency="monthly",
                    weekday=1, nth_weekday=4)
        s.add(club)
        s.flush()
        s.add(ClubSession(club_id=club.id, session_date=date(2026, 11, 24), start_time=time(16, 30)))
        ids.update(leah=a.id, kacper=b.id, ellie=d.id, aisha=g.id, club=club.id)
    return ids
