"""Fixed data for the register tests and snapshot (today = Tuesday 2026-11-24); no tests here.

A fortnightly club, Dover Juniors (ages 8-12, Tuesdays 16:30-18:00 from 10 Nov 2026), with
``n`` members whose names and dates of birth are fixed; its session today is materialised.
"""

from __future__ import annotations

from datetime import date

from tests.helpers import factories as f
from ycworker.common import workers
from ycworker.registers import clubs

TODAY = date(2026, 11, 24)

FIRST = ("Amira", "Ben", "Chloe", "Daniel", "Ella", "Farah", "George", "Hana", "Isaac", "Jade",
         "Kian", "Lily", "Mason", "Nia", "Oliver", "Poppy", "Quinn", "Ruby", "Sami", "Tia",
         "Umar", "Vera", "Will", "Xena", "Yusuf", "Zoe", "Alfie", "Bella", "Caleb", "Darcy",
         "Evie", "Finn", "Grace", "Harry", "Isla", "Jack", "Keira", "Leo", "Maya", "Noah")
LAST = ("Khan", "Smith", "Jones", "Taylor", "Brown", "Ali", "Wilson", "Evans", "Thomas", "Roberts")


def build(store, n: int = 32, *, choose_worker: bool = True) -> dict:
    with store.write() as s:
        me = f.worker(s, name="Priya Shah")
        dover = f.district(s, "Dover")
        form = clubs.ClubForm(name="Dover Juniors", district_id=dover.id, venue="Dover Youth Hub",
                              min_age="8", max_age="12", frequency="fortnightly", weekday=1,
                              start_time="16:30", end_time="18:00", first_date="10/11/2026")
        club_id = clubs.save_club(s, form, worker_id=me.id, today=TODAY)
        carer_ids = []
        for i in range(n):
            # Born 2014-2017 (ages 9-12 today); the last member is 13, outside the range.
            dob = date(2013, 3, 3) if i == n - 1 else date(2014 + i % 4, 1 + i % 12, 1 + i % 28)
            c = f.carer(s, FIRST[i % len(FIRST)], LAST[i % len(LAST)], dob,
                        carer_ref=f"YC-T{i:04d}", district_id=dover.id)
            clubs.add_member(s, club_id, c.id, today=date(2026, 9, 1))
            carer_ids.append(c.id)
        session_id = clubs.sessions_on(s, TODAY, me.id)[0].id
        if choose_worker:
            workers.choose(s, me.id)
    return {"me": me.id, "district": dover.id, "club": club_id, "session": session_id,
            "carers": carer_ids}
