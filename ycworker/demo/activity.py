"""The service activity the return counts: awareness sessions, training, feedback, the
Compliments, Comments and Complaints log, safeguarding themes and bus passes."""

from __future__ import annotations

from datetime import date, timedelta

from ycworker.demo import places
from ycworker.demo.base import Demo
from ycworker.demo.cases import window_start
from ycworker.demo.people import Service

AUDIENCES = (("pupils", 58), ("school_staff", 20), ("professionals", 10), ("community", 8), ("other", 4))
AWARENESS_NOTES = {
    "pupils": ("Assembly for Years 7-9.", "Assembly for KS2.", "Tutor-time session.",
               "Young Carers Action Day assembly."),
    "school_staff": ("Staff briefing on spotting young carers.", "INSET session.",
                     "Pastoral team briefing."),
    "professionals": ("Talk at the GP practice meeting.", "Early Help team meeting.",
                      "School nurses' forum."),
    "community": ("Stall at the community fair.", "Talk at the mosque community hall.",
                  "Parents' coffee morning."),
    "other": ("Library drop-in.", "Talk to the youth council."),
}
TRAININGS = (("Identifying young carers: training for DSLs", "teachers and DSLs"),
             ("Young carers in primary care", "GPs and practice staff"),
             ("Hidden harm: parental substance misuse", "social workers"),
             ("Whole-family working with young carers", "Early Help workers"),
             ("Young carers and SEND siblings", "SENCos"),
             ("Think Carer: hospital discharge", "hospital staff"),
             ("Transition to adulthood for young carers", "adult social care staff"))
TRIPLE_C = {
    "compliment": (("Club", "My daughter loves the Chill Club; thank you."),
                   ("Worker", "Our worker has been a lifeline this year."),
                   ("Holiday activity", "The summer trip was brilliant."),
                   ("School", "The school says the champion scheme is working well.")),
    "comment": (("Club", "Could the club run in the holidays too?"),
                ("Transport", "Bus pass took a long time to arrive."),
                ("Communication", "Would like texts rather than letters.")),
    "complaint": (("Waiting time", "Waited three weeks for a first visit."),
                  ("Cancellation", "Session cancelled at short notice."),
                  ("Communication", "No one called back after a message.")),
}
SAFEGUARDING = (("Parental mental health crisis", "Referred to Front Door; plan shared with school."),
                ("Domestic abuse in the home", "Discussed with DSL; Operation Encompass notified."),
                ("Parental substance misuse", "Early Help referral made."),
                ("Neglect concerns", "Referral to children's social care."),
                ("Self-harm", "GP and CAMHS informed with consent."),
                ("Online safety", "Safety plan made with carer and parent."),
                ("Missing education", "Attendance officer informed."),
                ("Child criminal exploitation concern", "Shared with police and social care."),
                ("Excessive caring (personal care)", "Adult social care asked to review the care package."))


def service_activity(demo: Demo, svc: Service, past_events: list[tuple[str, date, int]],
                     bus_pass_users: dict[str, tuple[date, date]]) -> None:
    rng, today = demo.rng, demo.today
    start = window_start(today)
    months = []
    y, m = start.year, start.month
    while date(y, m, 1) <= today:
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    scale = max(1, demo.carers // 10_000)
    schools = [(d, sid) for (d, _phase), ids in svc.schools.items() for sid in ids]

    def day_in(y: int, m: int) -> date | None:
        last = (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).day
        for _ in range(10):
            d = date(y, m, rng.randrange(1, last + 1))
            if d.weekday() < 5 and d <= today:
                return d
        return None

    audiences = [a for a, _w in AUDIENCES]
    audience_w = [w for _a, w in AUDIENCES]
    for y, m in months:
        term = m != 8
        # Awareness sessions: a few per district a month in term time.
        for d in range(len(places.DISTRICTS)):
            for _ in range(rng.randrange(1, 4) * scale if term else 0):
                day = day_in(y, m)
                if day is None:
                    continue
                audience = rng.choices(audiences, audience_w)[0]
                school = None
                if audience in ("pupils", "school_staff"):
                    school = rng.choice([s for dd, s in schools if dd == d])
                headcount = rng.randrange(40, 320) if audience == "pupils" else rng.randrange(6, 45)
                demo.add("awareness_session", day, {
                    "session_date": day, "audience": audience, "headcount": headcount, "school_id": school,
                    "district_id": svc.district_ids[d], "worker_id": rng.choice(svc.district_workers[d]),
                    "notes": rng.choice(AWARENESS_NOTES[audience]),
                })
        # Training for professionals: two to four a month across the county.
        for _ in range(rng.randrange(2, 5) * scale if term else 0):
            day = day_in(y, m)
            if day is None:
                continue
            title, audience = rng.choice(TRAININGS)
            demo.add("training_session", day, {
                "session_date": day, "title": title, "audience": audience,
                "professionals_trained": rng.randrange(6, 41), "worker_id": rng.choice(svc.workers)[0],
            })
        # Surveys: a handful of responses a month, about 90% satisfied.
        for _ in range(rng.randrange(3, 9) * scale):
            day = day_in(y, m)
            if day is None:
                continue
            satisfied = rng.random() < 0.9
            demo.add("feedback", day, {
                "feedback_date": day, "carer_id": None, "satisfied": satisfied,
                "comment": rng.choice(("", "", "Helpful and kind.", "More clubs please.") if satisfied
                                      else ("", "Hard to get hold of anyone.")),
                "source": "survey",
            })
        # Compliments, comments and complaints.
        for _ in range(rng.randrange(2, 7) * scale):
            day = day_in(y, m)
            if day is None:
                continue
            kind = rng.choices(("compliment", "comment", "complaint"), (60, 27, 13))[0]
            theme, detail = rng.choice(TRIPLE_C[kind])
            responded = None
            response = ""
            if kind != "compliment":
                responded = day + timedelta(days=rng.randrange(1, 15))
                if responded > today:
                    responded = None
                else:
                    response = rng.choice(("Apologised and explained; resolved.", "Passed to the manager; "
                                           "changes made.", "Called the family back."))
            elif rng.random() < 0.5:
                responded, response = day + timedelta(days=rng.randrange(1, 8)), "Shared with the team."
                if responded > today:
                    responded, response = None, ""
            demo.add("triple_c_entry", day, {"entry_date": day, "kind": kind, "theme": theme,
                                             "detail": detail, "response": response,
                                             "responded_date": responded}, updated=responded)

    # Safeguarding themes: about one a year for every 60 carers.
    open_people = [p for p in svc.people if p.referrals and p.worker_id]
    span = (today - start).days
    for _ in range(max(3, demo.carers * span // 365 // 60)):
        p = rng.choice(open_people) if open_people else None
        first = min(r["referral_date"] for r in p.referrals) if p else start
        if (today - first).days < 1:
            continue
        day = first + timedelta(days=rng.randrange((today - first).days))
        theme, action = rng.choice(SAFEGUARDING)
        demo.add("safeguarding_entry", day, {"entry_date": day, "theme": theme, "action": action,
                                             "carer_id": p.id if p else None,
                                             "worker_id": p.worker_id if p else None})

    # Event feedback after holiday activities.
    for _act_id, last_day, attendees in past_events:
        for _ in range(min(attendees, rng.randrange(2, 8))):
            day = min(today, last_day + timedelta(days=rng.randrange(0, 5)))
            satisfied = rng.random() < 0.93
            demo.add("feedback", day, {"feedback_date": day, "carer_id": None, "satisfied": satisfied,
                                       "comment": rng.choice(("", "Best day of the holidays!", "Great food.")
                                                             if satisfied else ("Too long on the coach.",)),
                                       "source": "event"})

    # Bus passes for carers who travel to clubs by bus.
    for carer_id, (joined, first_trip) in bus_pass_users.items():
        # Applied for around joining the club (never before the referral), issued by the first trip.
        applied = max(joined - timedelta(days=7), first_trip - timedelta(days=rng.randrange(14, 50)))
        issued = min(first_trip, applied + timedelta(days=rng.randrange(7, 30)))
        demo.add("bus_pass", applied, {"carer_id": carer_id, "applied_date": applied, "issued_date": issued},
                 updated=issued)
    # A few applications still waiting.
    waiting = [p for p in svc.people if p.status == "open" and p.id not in bus_pass_users and p.referrals]
    for p in rng.sample(waiting, min(len(waiting), max(2, demo.carers // 2000))):
        applied = today - timedelta(days=rng.randrange(1, 25))
        demo.add("bus_pass", applied, {"carer_id": p.id, "applied_date": applied, "issued_date": None})
