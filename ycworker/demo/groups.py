"""Clubs with members, sessions and register marks; holiday activities with days and bookings.

Clubs per district are sized to the district's carers (about 35 members a club): primary and
secondary youth clubs meet fortnightly, the Chill Club and the young adult carers' group
monthly. Sessions run over the past year and eight weeks ahead; past sessions have a mark for
every member who belonged on the day. Holiday activities follow the school holidays (Easter,
summer, Christmas), some funded by HAF for children on free school meals; bookings never
exceed capacity, and full activities keep a waiting list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from dateutil.easter import easter

from ycworker.demo import places
from ycworker.demo.base import Demo
from ycworker.demo.cases import window_start
from ycworker.demo.people import Person, Service

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# kind: (label, min age, max age, frequency, start, end, members per club)
CLUB_KINDS = {
    "primary": ("Primary Young Carers Club", 5, 11, "fortnightly", time(16, 0), time(17, 30), 34),
    "secondary": ("Secondary Young Carers Club", 11, 18, "fortnightly", time(17, 30), time(19, 30), 38),
    "chill": ("Chill Club", 8, 18, "monthly", time(10, 30), time(13, 0), 45),
    "adult": ("Young Adult Carers Group", 18, 24, "monthly", time(18, 0), time(20, 0), 30),
}
JOIN_CHANCE = {"primary": 0.76, "secondary": 0.72, "chill": 0.38, "adult": 0.55}
CANCEL_REASONS = ("Venue unavailable", "Staff illness", "Snow; roads closed", "Half-term trip instead")
TRANSPORT = ("none", "bus_pass", "volunteer_driver", "taxi")
TRANSPORT_WEIGHTS = (86, 9, 3, 2)
MARK_NOTES = ("Left early for appointment", "Brought a friend's sibling to try it",
              "Quiet today", "Collected by grandparent")
UPCOMING_DAYS = 56


@dataclass
class ClubPlan:
    id: str
    kind: str
    district: int
    worker: str
    first: date
    weekday: int
    nth: int | None
    members: list[tuple[Person, date, date | None, float]] = field(default_factory=list)
    sessions: list[tuple[str, date, time]] = field(default_factory=list)


@dataclass
class GroupTotals:
    clubs: int = 0
    sessions: int = 0
    members: int = 0
    marks: int = 0
    activities: int = 0
    bookings: int = 0
    # carer id -> (joined the club, first trip on a bus pass)
    bus_pass_users: dict[str, tuple[date, date]] = field(default_factory=dict)


def _support_start(p: Person) -> tuple[date, date | None, bool] | None:
    """When the carer's contact with the service began, and ended (None if ongoing)."""
    started = None
    ended: date | None = None
    stepped_down = False
    for r in p.referrals:
        if not r["allocated_date"]:
            continue
        begin = r["assessment_completed_date"] or r["allocated_date"]
        if started is None or begin < started:
            started = begin
        closed = r["closed_date"]
        if closed is None:
            ended = None
            stepped_down = False
        else:
            ended = closed
            stepped_down = r["closure_reason"] in ("stepped_down", "intervention_completed")
    if started is None:
        return None
    return started, (None if stepped_down else ended), stepped_down


def clubs(demo: Demo, svc: Service, totals: GroupTotals) -> None:
    rng, today = demo.rng, demo.today
    year_ago = today - timedelta(days=365)
    horizon = today + timedelta(days=UPCOMING_DAYS)
    # Who joins what, by district and club kind.
    wanting: dict[tuple[int, str], list[tuple[Person, date, date | None]]] = {}
    walk_ins: list[Person] = []
    for p in svc.people:
        if p.walk_in:
            walk_ins.append(p)
            continue
        span = _support_start(p)
        if span is None:
            continue
        start, end, _stepped = span
        joined = start + timedelta(days=rng.randrange(7, 60))
        if joined > today or (end is not None and end <= joined):
            continue
        age = p.age_on(joined)
        kinds = []
        if age <= 10:
            kinds.append("primary")
        elif age <= 17:
            kinds.append("secondary")
        else:
            kinds.append("adult")
        if 8 <= age <= 17:
            kinds.append("chill")
        for kind in kinds:
            if rng.random() < JOIN_CHANCE[kind]:
                wanting.setdefault((p.district, kind), []).append((p, joined, end))
    for p in walk_ins:
        age = p.age_on(today)
        kind = "primary" if age <= 10 else ("secondary" if age <= 17 else "adult")
        wanting.setdefault((p.district, kind), []).append((p, today, None))

    plans: list[ClubPlan] = []
    walk_in_ids = {p.id for p in walk_ins}
    for d, info in enumerate(places.DISTRICTS):
        for kind, (label, lo, hi, freq, start_at, end_at, size) in CLUB_KINDS.items():
            people = wanting.get((d, kind), [])
            n_clubs = max(1, round(len(people) / size))
            used_names: set[str] = set()
            weekdays = [1, 2, 3, 0] if kind != "chill" else [5]
            for k in range(n_clubs):
                town = info.towns[k % len(info.towns)]
                if kind == "chill":
                    weekday, nth = 5, (k % 4) + 1
                    if kind == "chill" and k >= 4:
                        weekday = 6 if k % 2 else 5
                elif kind == "adult":
                    weekday, nth = rng.choice((0, 1, 2, 3)), rng.choice((1, 2, 3, -1))
                else:
                    weekday, nth = weekdays[k % len(weekdays)], None
                name = f"{town} {label}"
                if name in used_names:
                    name = f"{name} ({WEEKDAYS[weekday]})"
                if name in used_names:
                    name = f"{town} {label} {k + 1}"
                used_names.add(name)
                first = today - timedelta(days=rng.randrange(400, 6 * 365))
                if k and rng.random() < 0.15:  # a newer club, opened this year
                    first = today - timedelta(days=rng.randrange(60, 300))
                while first.weekday() != weekday:
                    first += timedelta(days=1)
                worker = rng.choice(svc.district_workers[d])
                venue = f"{town} {rng.choice(places.VENUES)}"
                club_id = demo.add("club", first, {
                    "name": name, "district_id": svc.district_ids[d], "venue": venue, "min_age": lo,
                    "max_age": hi, "frequency": freq, "weekday": weekday,
                    "nth_weekday": nth if freq == "monthly" else None, "month_day": None,
                    "start_time": start_at, "end_time": end_at, "first_date": first, "last_date": None,
                    "worker_id": worker, "active": True,
                })
                plans.append(ClubPlan(club_id, kind, d, worker, first, weekday, nth))
                totals.clubs += 1
            # Share the members between the district's clubs of this kind.
            mine = [pl for pl in plans if pl.district == d and pl.kind == kind]
            for p, joined, end in people:
                plan = rng.choice(mine)
                joined = max(joined, plan.first)
                if end is not None and end <= joined:
                    continue
                keen = rng.uniform(0.35, 0.97)
                plan.members.append((p, joined, end, keen))

    for plan in plans:
        label, lo, hi, freq, start_at, end_at, _size = CLUB_KINDS[plan.kind]
        first_session = max(plan.first, year_ago)
        dates = _session_dates(plan, freq, first_session, horizon)
        for day in dates:
            cancelled = day < today and rng.random() < 0.02
            sid = demo.add("club_session", day - timedelta(days=14) if day > plan.first + timedelta(days=14)
                           else plan.first, {
                "club_id": plan.id, "session_date": day, "start_time": start_at, "end_time": end_at,
                "one_off": False, "cancelled": cancelled,
                "cancel_reason": rng.choice(CANCEL_REASONS) if cancelled else "",
            })
            totals.sessions += 1
            if not cancelled:
                plan.sessions.append((sid, day, start_at))
        # Walk-ins join on the day of a recent session.
        past = [s for s in plan.sessions if s[1] < today]
        fixed = []
        for p, joined, end, keen in plan.members:
            if p.id in walk_in_ids:
                recent = [s for s in past if (today - s[1]).days <= 28] or past[-1:]
                joined = recent[rng.randrange(len(recent))][1] if recent else today
            fixed.append((p, joined, end, keen))
        plan.members = fixed
        for p, joined, end, _keen in plan.members:
            demo.add("club_member", joined, {"club_id": plan.id, "carer_id": p.id, "joined_date": joined,
                                             "left_date": end}, updated=end)
            totals.members += 1
        # The register of every past session: a mark for each member on the day, saved at once.
        # Each member travels the same way most weeks (a walk-in came on foot or was dropped off).
        members = [(p, joined, end, keen,
                    "none" if p.walk_in else rng.choices(TRANSPORT, TRANSPORT_WEIGHTS)[0])
                   for p, joined, end, keen in plan.members]
        new_id, rand, queue = demo.new_id, rng.random, demo.pending["attendance"]
        for sid, day, start_at in past:
            marked = demo.stamp(day, start_at.hour + 1)
            for p, joined, end, keen, usual in members:
                if joined > day or (end is not None and end < day):
                    continue
                first_visit = joined == day
                if first_visit or rand() < keen:
                    status = "late" if rand() < 0.08 else "present"
                    transport = usual
                    if transport == "bus_pass" and p.id not in totals.bus_pass_users:
                        totals.bus_pass_users[p.id] = (joined, day)
                    note = rng.choice(MARK_NOTES) if rand() < 0.06 else ""
                else:
                    status, transport, note = "absent", "none", ""
                queue.append({
                    "id": new_id(), "created_at": marked, "updated_at": marked,
                    "session_id": sid, "carer_id": p.id, "status": status, "transport": transport,
                    "note": note, "walk_in": first_visit and (p.walk_in or rand() < 0.1),
                    "marked_at": marked, "marked_by_id": plan.worker,
                })
                totals.marks += 1
        demo.count_pending()
        demo.maybe_flush()


def _session_dates(plan: ClubPlan, freq: str, start: date, end: date) -> list[date]:
    """The club's meeting days from start to end (fortnightly from its first date, or monthly on
    the nth weekday), leaving out Christmas week and August for the term-time clubs."""
    out = []
    if freq in ("weekly", "fortnightly"):
        step = 7 if freq == "weekly" else 14
        day = plan.first
        if day < start:
            day += timedelta(days=((start - day).days + step - 1) // step * step)
        while day <= end:
            holiday = day.month == 8 or (day.month, day.day) >= (12, 22) or (day.month, day.day) <= (1, 3)
            if not holiday:
                out.append(day)
            day += timedelta(days=step)
        return out
    # monthly on the nth weekday (nth -1: the last)
    nth = plan.nth
    assert nth is not None  # a monthly club has its weekday of the month
    y, m = start.year, start.month
    while True:
        day = _nth_weekday(y, m, plan.weekday, nth)
        if day > end:
            break
        if day >= start and day >= plan.first:
            out.append(day)
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return out


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    if nth == -1:
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        day = nxt - timedelta(days=1)
        while day.weekday() != weekday:
            day -= timedelta(days=1)
        return day
    day = date(year, month, 1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day + timedelta(days=7 * (nth - 1))


# -- holiday activities ------------------------------------------------------------------------

TRIPS = ("Day trip to a wildlife park", "Beach day and fish and chips", "Bowling and pizza",
         "Climbing centre taster", "Trampoline park", "Cinema and lunch", "Farm park day",
         "Crazy golf and picnic", "Ice skating")
# A need asked about and absent is "None" (what the booking form asks workers to type); a blank
# means "not asked" and the day sheet says so. About one booking in twelve was taken without the
# questions (by phone, in a hurry): the blank allergies entry marks those, and their medical,
# medication and dietary needs are blank too. Same number of draws as before, so the rest of a
# seeded demo is unchanged.
DIETARY = ("None", "None", "None", "None", "None", "Vegetarian", "Halal", "No pork", "Gluten free",
           "Vegan", "Dairy free")
ALLERGIES = ("", "None", "None", "None", "None", "None", "None", "Nuts", "Peanuts", "Egg", "Penicillin",
             "Hay fever")
MEDICAL = ("None", "None", "None", "None", "None", "None", "Asthma; inhaler in bag", "Type 1 diabetes; pump",
           "Epilepsy", "Autistic; ear defenders help", "ADHD")
MEDICATION = {"Asthma; inhaler in bag": "Blue inhaler (salbutamol), takes it themselves",
              "Type 1 diabetes; pump": "Insulin by pump; glucose tablets in bag",
              "Epilepsy": "Buccal midazolam: trained staff only"}


def booking_needs(rng, send: bool) -> dict[str, str]:
    """Dietary, allergies, medical and medication for one booking (three draws, in that order)."""
    dietary, allergies = rng.choice(DIETARY), rng.choice(ALLERGIES)
    medical = rng.choice(MEDICAL) if not send else rng.choice(MEDICAL[6:])
    if not allergies:  # not asked
        return {"dietary": "", "allergies": "", "medical": "", "medication": ""}
    return {"dietary": dietary, "allergies": allergies, "medical": medical,
            "medication": MEDICATION.get(medical, "None")}
COLLECTION = ("Collected by mum", "Collected by dad", "Collected by grandparent", "Walks home (12+)",
              "Minibus home", "Collected by older sibling (18+)")
CONTACT_WHO = ("Mum", "Dad", "Nan", "Aunt", "Grandad")
CANCEL_BOOKING = ("Unwell", "Family can't get them there", "Parent in hospital", "Clash with appointment",
                  "Changed their mind")


def _holidays(today: date) -> list[tuple[str, str, date, int]]:
    """(kind, label, first day, days) for each school holiday from the window start to 8 weeks on."""
    start = window_start(today)
    horizon = today + timedelta(days=UPCOMING_DAYS)
    out = []
    for year in range(start.year, horizon.year + 1):
        e = easter(year) + timedelta(days=1)  # Easter Monday; the activities are the Tue-Fri after
        out.append(("easter", f"Easter {year}", e + timedelta(days=1), 4))
        summer = date(year, 7, 28)
        while summer.weekday() != 0:
            summer += timedelta(days=1)
        out.append(("summer", f"Summer {year}", summer, 16))
        xmas = date(year, 12, 19)
        while xmas.weekday() != 0:
            xmas += timedelta(days=1)
        out.append(("christmas", f"Christmas {year}", xmas, 4))
    return [h for h in out if start <= h[2] <= horizon]


def _weekdays_from(first: date, count: int) -> list[date]:
    days: list[date] = []
    d = first
    while len(days) < count:
        if d.weekday() < 4 or (count <= 4 and d.weekday() < 5):  # HAF runs Monday to Thursday
            days.append(d)
        d += timedelta(days=1)
    return days


def activities(demo: Demo, svc: Service, totals: GroupTotals) -> list[tuple[str, date, int]]:
    """Returns (activity id, last day, attendees) of past activities, for event feedback."""
    rng, today = demo.rng, demo.today
    by_district: dict[int, list[Person]] = {}
    known: dict[str, date] = {}
    for p in svc.people:
        by_district.setdefault(p.district, []).append(p)
        dates = [r["referral_date"] for r in p.referrals]
        known[p.id] = min(dates) if dates else (p.since or today)
    past_events = []
    for kind, label, first_day, n_days in _holidays(today):
        for d, info in enumerate(places.DISTRICTS):
            pool = by_district.get(d, [])
            n_acts = 1 + len(pool) // 2500
            for k in range(n_acts):
                town = info.towns[(k + len(label)) % len(info.towns)]
                haf = kind != "christmas" or k % 2 == 1
                if kind == "christmas" and not haf:
                    title, days = f"{town} Young Carers Winter Party", [first_day + timedelta(days=3)]
                    lo, hi, eligible, capacity = 5, 18, "", rng.randrange(30, 61)
                elif haf:
                    n = n_days if kind == "summer" else 4
                    title = f"{town} HAF {kind.capitalize()} Club"
                    days = _weekdays_from(first_day + timedelta(days=7 * (k % 2)), n)
                    lo, hi, eligible, capacity = 5, 16, "", rng.randrange(20, 36)
                else:
                    title = rng.choice(TRIPS)
                    days = [first_day + timedelta(days=rng.randrange(0, 4))]
                    lo, hi, eligible, capacity = 8, 18, "medium,high", rng.randrange(15, 31)
                if kind == "summer" and k % 3 == 2:
                    title = f"{rng.choice(TRIPS)} ({town})"
                    days = [first_day + timedelta(days=rng.randrange(0, 20))]
                    while days[0].weekday() > 4:
                        days[0] += timedelta(days=1)
                    haf, lo, hi, eligible, capacity = False, 8, 18, "medium,high", rng.randrange(15, 31)
                made = days[0] - timedelta(days=rng.randrange(35, 70))
                worker = rng.choice(svc.district_workers[d])
                act_id = demo.add("holiday_activity", made, {
                    "title": title, "venue": f"{town} {rng.choice(places.VENUES)}",
                    "district_id": svc.district_ids[d], "holiday_period": label, "capacity": capacity,
                    "min_age": lo, "max_age": hi, "eligible_impact": eligible, "haf": haf,
                    "funding": ("HAF (Kent County Council)" if haf
                                else rng.choice(("Service budget", "Local grant", "Donation"))),
                    "cost_pence": 0 if haf else rng.choice((0, 0, 500, 1000)), "staff_notes": "",
                    "archived_at": None,
                })
                totals.activities += 1
                day_ids = []
                for day in days:
                    day_ids.append((demo.add("activity_day", made, {
                        "activity_id": act_id, "day_date": day,
                        "start_time": time(10, 0), "end_time": time(14, 0) if haf else time(16, 0),
                    }), day))
                attendees = _bookings(demo, pool, known, act_id, day_ids, made, capacity, lo, hi,
                                      eligible, haf, worker, totals)
                if days[-1] < today:
                    past_events.append((act_id, days[-1], attendees))
        demo.maybe_flush()
    return past_events


def _bookings(demo: Demo, pool: list[Person], known: dict[str, date], act_id: str, day_ids, made: date,
              capacity: int, lo: int, hi: int, eligible: str, haf: bool, worker: str,
              totals: GroupTotals) -> int:
    rng, today = demo.rng, demo.today
    first = day_ids[0][1]
    levels = set(eligible.split(",")) if eligible else None
    candidates = [
        p for p in rng.sample(pool, min(len(pool), capacity * 12))
        if lo <= p.age_on(first) <= hi and known[p.id] <= made + timedelta(days=20)
        and (not haf or p.fsm) and (levels is None or p.impact in levels)
        and not p.walk_in
    ]
    upcoming = first > today
    fill = rng.uniform(0.5, 1.0) if upcoming else rng.uniform(0.75, 1.0)
    booked_n = min(len(candidates), round(capacity * fill))
    waiting_n = min(len(candidates) - booked_n, rng.randrange(2, 9)) if booked_n == capacity else 0
    chosen = candidates[: booked_n + waiting_n]
    rows: list[list[Any]] = []  # [person, status, when]: the status changes below
    for i, p in enumerate(chosen):
        when = made + timedelta(days=rng.randrange(0, max(1, (min(first, today) - made).days)))
        rows.append([p, "booked" if i < booked_n else "waiting", when])
    # Some cancel; the first on the waiting list is offered the place.
    waiting = [r for r in rows if r[1] == "waiting"]
    for r in rows[:booked_n]:
        if rng.random() < 0.07:
            r[1] = "cancelled"
            if waiting:
                w = waiting.pop(0)
                w[1] = "offered"
    attendees = 0
    position = 0
    for p, status, when in rows:
        booking_id = demo.new_id()
        cancelled_at = None
        if status == "cancelled":
            cancel_day = min(today, when + timedelta(days=rng.randrange(1, 20)), first)
            cancelled_at = demo.stamp(cancel_day)
        wait_pos = None
        if status == "waiting":
            position += 1
            wait_pos = position
        offer = None
        if status == "offered":
            offered_day = min(today, first - timedelta(days=rng.randrange(1, 5)))
            offered_day = max(offered_day, when)
            response = "pending" if upcoming and rng.random() < 0.5 else rng.choice(("accepted", "accepted",
                                                                                    "declined"))
            if response == "accepted":
                status = "booked"
            elif response == "declined":
                status = "cancelled"
                cancelled_at = demo.stamp(offered_day)
            offer = (offered_day, response)
        # An "offered" booking holds the place until they answer.
        demo.add("booking", when, {
            "id": booking_id, "activity_id": act_id, "carer_id": p.id, "status": status,
            "waiting_position": wait_pos, **booking_needs(rng, p.send), "photo_consent": rng.random() < 0.86,
            "emergency_contact": f"{rng.choice(CONTACT_WHO)} {places.phone(rng)}",
            "collection": rng.choice(COLLECTION), "transport": rng.choices(TRANSPORT, TRANSPORT_WEIGHTS)[0],
            "cancel_reason": (rng.choice(CANCEL_BOOKING) if status == "cancelled" and not offer
                              else ("Declined the offered place" if status == "cancelled" else "")),
            "booked_by_id": worker, "cancelled_at": cancelled_at,
            "cancelled_by_id": worker if cancelled_at else None,
        })
        if offer:
            offered_day, response = offer
            offered_at = demo.stamp(offered_day)
            demo.add("booking_offer", offered_day, {
                "booking_id": booking_id, "offered_at": offered_at, "offered_by_id": worker,
                "response": response,
                "responded_at": (demo.stamp(min(today, offered_day + timedelta(days=1)))
                                 if response != "pending" else None),
                "responded_by_id": worker if response != "pending" else None,
            })
        totals.bookings += 1
        if status != "booked":
            continue
        went = False
        for day_id, day in day_ids:
            mark = None
            marked_at = None
            if day <= today - timedelta(days=1) or (day == today and rng.random() < 0.5):
                mark = rng.choices(("present", "late", "absent"), (84, 5, 11))[0]
                marked_at = demo.stamp(day, 10)
                went = went or mark != "absent"
            demo.add("booking_day", when, {"booking_id": booking_id, "day_id": day_id, "attendance": mark,
                                           "marked_at": marked_at,
                                           "marked_by_id": worker if marked_at else None})
        attendees += went
    return attendees
