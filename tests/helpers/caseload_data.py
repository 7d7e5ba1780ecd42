"""Deterministic caseload data for the caseload, record and referral tests (today 2026-11-24)."""

from __future__ import annotations

from datetime import date

from tests.helpers import factories as f


def build(store) -> dict[str, str]:
    ids: dict[str, str] = {}
    with store.write() as s:
        me = f.worker(s, "Sam Worker", role="manager", initials="SW")
        tom = f.worker(s, "Tom Field", initials="TF")
        dover = f.district(s, "Dover")
        thanet = f.district(s, "Thanet")
        st_marys = f.school(s, "St Mary's Primary", district_id=dover.id)
        castle = f.school(s, "Castle Academy", district_id=thanet.id)
        khan = f.household(s, ref="H-100", name="Khan family")
        amira = f.carer(s, "Amira", "Khan", date(2012, 5, 1), carer_ref="YC-AAA111", school_id=st_marys.id,
                        district_id=dover.id, household_id=khan.id, worker_id=me.id, impact_level="high",
                        last_contact_date=date(2026, 11, 20))
        zain = f.carer(s, "Zain", "Khan", date(2014, 9, 3), carer_ref="YC-AAA112", school_id=st_marys.id,
                       district_id=dover.id, household_id=khan.id)
        ben = f.carer(s, "Ben", "Taylor", date(2010, 3, 1), carer_ref="YC-BBB222", school_id=castle.id,
                      district_id=thanet.id, worker_id=tom.id, impact_level="low")
        chloe = f.carer(s, "Chloe", "Evans", date(2008, 12, 30), carer_ref="YC-CCC333",
                        school_id=castle.id, district_id=thanet.id)  # turns 18 on 30 Dec 2026
        dan = f.carer(s, "Daniel", "Okafor", date(2011, 1, 15), carer_ref="YC-DDD444", status="closed",
                      district_id=dover.id)
        # Amira: allocated 2026-11-02, assessment deadline 2026-11-23 -> overdue by 1 working day.
        f.referral(s, amira.id, date(2026, 10, 26), allocated_date=date(2026, 11, 2), worker_id=me.id,
                   consent="given", source="school")
        # Zain: referred Fri 2026-11-20, unallocated -> allocation due Fri 2026-11-27 (3 working days).
        f.referral(s, zain.id, date(2026, 11, 20), consent="pending", source="parent")
        # Ben: allocated and assessed, open.
        f.referral(s, ben.id, date(2026, 6, 1), allocated_date=date(2026, 6, 3),
                   assessment_completed_date=date(2026, 6, 10), worker_id=tom.id, consent="given")
        # Chloe: referred 2026-11-10, unallocated -> deadline 2026-11-17, overdue by 5.
        f.referral(s, chloe.id, date(2026, 11, 10), consent="pending", source="gp")
        f.referral(s, dan.id, date(2025, 1, 6), closed_date=date(2025, 3, 1),
                   closure_reason="moved_away", consent="given")
        ids.update(me=me.id, tom=tom.id, dover=dover.id, thanet=thanet.id, amira=amira.id, zain=zain.id,
                   ben=ben.id, chloe=chloe.id, dan=dan.id, khan=khan.id)
    return ids
