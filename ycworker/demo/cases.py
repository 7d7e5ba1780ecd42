"""Referrals with realistic timings, needs assessments with instrument scores, support plans,
reviews with outcome ratings, contacts, and the carer's case fields that follow from them.

Each carer is settled in turn: their referrals (and perhaps a re-referral) are laid out from
the referral date to today using working days, then the carer row itself is queued with the
status, worker, impact level and last contact those referrals give.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

from ycworker.caseload import deadlines
from ycworker.common import workdays
from ycworker.demo import casework, places
from ycworker.demo.base import Demo
from ycworker.demo.case_words import (
    CLOSURE_NOTES,
    CLOSURE_WEIGHTS,
    CONDITION_WORD,
    CONTACT_NOTES,
    CORE_SECTIONS,
    EARLY_CLOSURE,
    HAPPY_COMMENTS,
    OUTCOMES,
    PLAN_ACTIONS,
    RATING_WEIGHTS,
    RATINGS,
    REFERRERS,
    RELATION_WORD,
    SECTIONS,
    SIGNS,
    SOURCE_WEIGHTS,
    SOURCES,
    SURNAMES,
    UNHAPPY_COMMENTS,
)
from ycworker.demo.people import Person, Service


@dataclass
class CaseTotals:
    referrals: int = 0
    assessments: int = 0
    reviews: int = 0


def financial_year_start(d: date) -> int:
    return d.year if d.month >= 4 else d.year - 1


def window_start(today: date) -> date:
    """Referrals run from the start of the financial year two years back, up to today."""
    return date(financial_year_start(today) - 2, 4, 1)


def _weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


class CaseMaker:
    def __init__(self, demo: Demo, svc: Service):
        self.demo = demo
        self.svc = svc
        self.rng = demo.rng
        self.today = demo.today
        self.start = window_start(demo.today)
        self.totals = CaseTotals()
        self.worker_names = {w[0]: w[1] for w in svc.workers}
        # Delivery modes and review dates (migration 0010) draw from their own generator, seeded from
        # a copy of the demo's, so every row the demo made before them is the same for a seed.
        side = Random()
        side.setstate(self.rng.getstate())
        self.side = Random(side.getrandbits(64))
        self.planned: set[str] = set()  # carers with a support plan
        # Safeguarding, handovers at 18 and signposting (0012): a generator of their own too.
        self.casework = casework.Casework(demo, self.rng)

    # -- the whole caseload -------------------------------------------------------------------
    def run(self, walk_ins: int) -> CaseTotals:
        rng, today = self.rng, self.today
        span = (today - self.start).days
        people = self.svc.people
        walk_in_at = set(rng.sample(range(len(people)), min(walk_ins, len(people))))
        for i, p in enumerate(people):
            if i in walk_in_at and p.age_on(today) >= 8:
                self._walk_in(p)
            else:
                # Referral dates: a little more in recent months (the service is growing).
                first = self.start + timedelta(days=int(span * (rng.random() ** 0.85)))
                fifth = _birthday(p.dob, 5)
                if first < fifth:
                    first = min(today, fifth + timedelta(days=rng.randrange(30, 400)))
                self._case(p, first)
            self._settle(p)
            self.demo.maybe_flush()
        return self.totals

    def _walk_in(self, p: Person) -> None:
        """Came to a club without a referral: quick-added, details to follow."""
        p.walk_in = True
        p.row["needs_referral_details"] = True
        p.status = "open"

    def _case(self, p: Person, first: date) -> None:
        rng, today = self.rng, self.today
        r = first
        worker = rng.choice(self.svc.district_workers[p.district])
        while True:
            closed = self._referral(p, r, worker)
            if closed is None or rng.random() > 0.14:
                break
            r = closed + timedelta(days=rng.randrange(45, 400))
            if r > today:
                break
            if rng.random() < 0.3:
                worker = rng.choice(self.svc.district_workers[p.district])

    # -- one referral -------------------------------------------------------------------------
    def _referral(self, p: Person, r: date, worker: str) -> date | None:
        """Lay out one referral from r; returns its closed date (None while it is open)."""
        demo, rng, today = self.demo, self.rng, self.today
        source = rng.choices(SOURCES, SOURCE_WEIGHTS)[0]
        referrer = rng.choice(REFERRERS[source])
        if source in ("self", "parent"):
            referrer_name, contact = referrer, places.phone(rng)
        else:
            referrer_name = f"{referrer}, {rng.choice(('Mrs', 'Mr', 'Ms', 'Dr'))} {rng.choice(SURNAMES)}"
            contact = places.phone(rng, mobile=False)
        rel = RELATION_WORD.get(p.cared_for_relationship, "a relative")
        cond = CONDITION_WORD[p.conditions[0]] if p.conditions else "health needs"
        if cond == "SEND" and rel not in ("brother", "sister"):
            cond = "a learning disability"
        reason = f"Cares for {rel} who has {cond}; {rng.choice(SIGNS)}."
        ref = {
            "id": demo.new_id(), "carer_id": p.id, "referral_date": r, "source": source,
            "referrer_name": referrer_name, "referrer_contact": contact, "reason": reason,
            "consent": "pending", "consent_date": None, "consent_given_by": "", "worker_id": None,
            "allocated_date": None, "assessment_completed_date": None, "impact_level": None,
            "closed_date": None, "closure_reason": None, "closure_note": "", "reopened_count": 0,
            "import_key": None,
        }
        self.totals.referrals += 1
        p.referrals.append(ref)
        last_change = r
        age = p.age_on(r)
        by = rng.choice(("Mum", "Dad", "Parent", "Carer"))
        if age >= 16 and rng.random() < 0.3:
            by = "Self (16+)"

        roll = rng.random()
        consent_day = r + timedelta(days=rng.randrange(0, 6) if roll >= 0.065 else rng.randrange(3, 20))
        if consent_day > today:
            demo.add("referral", r, ref)
            return None
        if roll < 0.065:  # consent refused: closed, consent_not_given
            ref.update(consent="refused", consent_date=consent_day, consent_given_by="",
                       closed_date=consent_day, closure_reason="consent_not_given",
                       closure_note=rng.choice(CLOSURE_NOTES["consent_not_given"]))
            demo.add("referral", r, ref, updated=consent_day)
            return consent_day
        ref.update(consent="given", consent_date=consent_day, consent_given_by=by)
        last_change = consent_day

        # Allocation: most within 5 working days, some late; a few recent ones still waiting.
        if rng.random() < 0.86:
            lag = rng.choices((1, 2, 3, 4, 5), (14, 24, 24, 18, 10))[0]
        else:
            lag = rng.randrange(6, 15)
        allocated = workdays.working_days_after(r, lag)
        if allocated < consent_day:
            allocated = consent_day
        waiting = workdays.working_days_between(r, today) <= 12 and rng.random() < 0.3
        if allocated > today or waiting:
            demo.add("referral", r, ref, updated=last_change)
            return None
        ref.update(worker_id=worker, allocated_date=allocated)
        last_change = allocated
        self._contact(p, worker, allocated, "phone_call")

        # A few close before any assessment (not a young carer, moved away, ...).
        if rng.random() < 0.06:
            closed = allocated + timedelta(days=rng.randrange(5, 40))
            if closed <= today:
                reason = _weighted(rng, EARLY_CLOSURE)
                ref.update(closed_date=closed, closure_reason=reason,
                           closure_note=rng.choice(CLOSURE_NOTES[reason]))
                demo.add("referral", r, ref, updated=closed)
                return closed

        lag = rng.randrange(3, 16) if rng.random() < 0.85 else rng.randrange(16, 31)
        done = workdays.working_days_after(allocated, lag)
        if done > today:
            started = workdays.working_days_after(allocated, rng.randrange(2, 6))
            if started <= today:
                self._assessment(p, ref, worker, "initial", started, None)
                self._contact(p, worker, started, "home_visit")
            demo.add("referral", r, ref, updated=last_change)
            return None
        started = max(allocated, done - timedelta(days=rng.randrange(0, 12)))
        impact = self._assessment(p, ref, worker, "initial", started, done)
        assert impact is not None  # a completed assessment has its impact level
        ref.update(assessment_completed_date=done, impact_level=impact)
        last_change = done
        self._contact(p, worker, started, "home_visit")

        # Support, reviews and closure.
        length = {"high": (150, 420), "medium": (100, 320), "low": (40, 220)}[impact]
        closed = done + timedelta(days=rng.randrange(*length))
        reason = _weighted(rng, CLOSURE_WEIGHTS)
        if p.age_on(closed) >= 18 and rng.random() < 0.5:
            reason = "aged_out" if p.age_on(closed) >= 24 or rng.random() < 0.5 else "intervention_completed"
        end = min(closed, today)
        self._support(p, ref, worker, impact, done, end, closed if closed <= today else None, reason)
        if closed <= today:
            notes = CLOSURE_NOTES[reason]
            if reason == "aged_out":
                notes = notes[:1] if p.age_on(closed) >= 25 else notes[1:]
            ref.update(closed_date=closed, closure_reason=reason, closure_note=rng.choice(notes))
            last_change = closed
            demo.add("referral", r, ref, updated=last_change)
            return closed
        # Open and long-running: sometimes circumstances change and a re-assessment follows.
        if (today - done).days > 150 and rng.random() < 0.12:
            again = done + timedelta(days=rng.randrange(90, (today - done).days))
            impact = self._assessment(p, ref, worker, "reassessment", again - timedelta(days=3), again)
            ref["impact_level"] = impact
            last_change = again
        # Transition assessment for 17-year-olds (Care Act s.63).
        if p.age_on(today) == 17 and rng.random() < 0.45:
            started = max(done, today - timedelta(days=rng.randrange(1, 60)))
            finished = started + timedelta(days=rng.randrange(5, 30)) if rng.random() < 0.5 else None
            self._assessment(p, ref, worker, "transition", started,
                             finished if finished and finished <= today else None)
        demo.add("referral", r, ref, updated=last_change)
        return None

    # -- assessments ----------------------------------------------------------------------------
    def _assessment(self, p: Person, ref: dict, worker: str, kind: str, started: date,
                    completed: date | None) -> str | None:
        demo, rng = self.demo, self.rng
        severe = ("mental_health" in p.conditions or "substance_misuse" in p.conditions)
        impact = rng.choices(("low", "medium", "high"), (32, 38, 30) if severe else (45, 35, 20))[0]
        age = p.age_on(started)
        participants = ["carer", "parents"] if rng.random() < 0.8 else ["carer"]
        if rng.random() < 0.3:
            participants.append("cared_for")
        if rng.random() < 0.15:
            participants.append("others")
        row = {
            "carer_id": p.id, "referral_id": ref["id"], "kind": kind,
            "status": "completed" if completed else "draft", "started_date": started,
            "completed_date": completed, "completed_by_id": worker if completed else None,
            "circumstances_change": (rng.choice(("Parent's health got worse.", "Parent now in hospital.",
                                                  "Moved house; new school.", "A new baby in the family."))
                                     if kind == "reassessment" else ""),
            "participants": ", ".join(participants), "info_shared_in_advance": rng.random() < 0.85,
            "info_in_usable_form": rng.random() < 0.9, "combined_with_other": rng.random() < 0.1,
            "combined_with": "", "impact_level": None,
        }
        if row["combined_with_other"]:
            row["combined_with"] = rng.choice(("Early Help assessment", "Child in need assessment",
                                               "Adult carer's assessment"))
        aid = demo.new_id()
        row["id"] = aid
        scores: list[tuple[str, int, int]] = []
        if completed and age >= 8 and rng.random() < 0.72:
            if rng.random() < 0.78:
                maca, total = _maca(rng, impact)
                impact = "low" if total <= 9 else ("medium" if total <= 13 else "high")
                scores += [("MACA-YC18", i + 1, s) for i, s in enumerate(maca)]
            else:
                scores += [("PANOC-YC20", i + 1, s) for i, s in enumerate(_panoc(rng, impact))]
        elif not completed and rng.random() < 0.4:  # a draft part-way through its scores
            maca, _total = _maca(rng, impact)
            cut = rng.randrange(3, 18)
            scores += [("MACA-YC18", i + 1, s) for i, s in enumerate(maca[:cut])]
        if completed:
            row["impact_level"] = impact
        demo.add("assessment", started, row, updated=completed)
        when = completed or started
        stamp = demo.stamp(when)
        for instrument, item, score in scores:
            demo.queue("assessment_score", {"id": demo.new_id(), "created_at": stamp, "updated_at": stamp,
                                            "assessment_id": aid, "instrument": instrument, "item": item,
                                            "score": score})
        # Sections as typed: the core ones always, the rest when there was something to say.
        tasks = p.row.get("caring_tasks", "")
        tasks = tasks[:1].lower() + tasks[1:] if tasks else "jobs at home"
        rel = RELATION_WORD.get(p.cared_for_relationship, "a relative")
        stamp = demo.stamp(when)
        for n, (key, texts) in enumerate(SECTIONS):
            if completed:
                if key not in CORE_SECTIONS and rng.random() > 0.3:
                    continue
            elif n >= 2 or rng.random() < 0.3:
                break
            text = rng.choice(texts).replace("{tasks}", tasks).replace("{rel}", rel)
            demo.queue("assessment_section", {"id": demo.new_id(), "created_at": stamp, "updated_at": stamp,
                                              "assessment_id": aid, "section": key, "text": text})
        if completed:
            self.totals.assessments += 1
            self._plan(p, aid, impact, completed)
            return impact
        return None

    def _plan(self, p: Person, assessment_id: str, impact: str, start: date) -> None:
        demo, rng, today = self.demo, self.rng, self.today
        self.planned.add(p.id)
        wanted = {"high": 4, "medium": 3, "low": 2}[impact]
        actions = [a for a in PLAN_ACTIONS if impact == "high" or a[2] > 0]
        for what, who, _w in rng.sample(actions, min(wanted, len(actions))):
            if what.startswith("Join the"):
                what = "Join the district club" if rng.random() < 0.5 else "Join the Chill Club"
            due = start + timedelta(days=rng.randrange(14, 100))
            status, done = "open", None
            if due < today:
                roll = rng.random()
                if roll < 0.78:
                    status, done = "done", min(today, due - timedelta(days=rng.randrange(-10, 20)))
                elif roll < 0.83:
                    status = "dropped"
            elif rng.random() < 0.25:
                days = rng.randrange(1, max(2, (today - start).days + 1))
                status, done = "done", min(today, start + timedelta(days=days))
            if done is not None and done < start:
                done = start
            demo.add("plan_action", start, {"carer_id": p.id, "assessment_id": assessment_id, "what": what,
                                            "who": who, "due_date": due, "status": status, "done_date": done},
                     updated=done)

    # -- support ----------------------------------------------------------------------------------
    def _support(self, p: Person, ref: dict, worker: str, impact: str, start: date, end: date,
                 closed: date | None, reason: str) -> None:
        rng = self.rng
        every = {"high": (14, 28), "medium": (30, 55), "low": (50, 90)}[impact]
        d = start + timedelta(days=rng.randrange(*every))
        kinds = ("one_to_one", "phone_call", "school_visit", "note")
        weights = {"high": (60, 20, 15, 5), "medium": (35, 30, 25, 10), "low": (15, 35, 35, 15)}[impact]
        made = 0
        while d < end and made < 5:
            self._contact(p, worker, d, rng.choices(kinds, weights)[0])
            d += timedelta(days=rng.randrange(*every))
            made += 1
        # Reviews: about every four months, and one at a planned closure.
        review_days: list[date] = []
        d = start + timedelta(days=rng.randrange(90, 130))
        while d < end and len(review_days) < 1:
            review_days.append(d)
            d += timedelta(days=rng.randrange(100, 140))
        closing = closed is not None and reason in ("intervention_completed", "stepped_down", "aged_out")
        if closing and closed is not None:
            last = closed - timedelta(days=rng.randrange(0, 8))
            if review_days and (last - review_days[-1]).days < 30:
                review_days.pop()
            review_days.append(max(start, last))
        for i, day in enumerate(review_days):
            final = closing and i == len(review_days) - 1
            step = ("step_down" if reason == "stepped_down" else "close") if final else "continue"
            self._review(p, ref, worker, day, step, i)

    def _review(self, p: Person, ref: dict, worker: str, day: date, step: str, nth: int) -> None:
        demo, rng = self.demo, self.rng
        satisfied = rng.random() < 0.92
        comment = ""
        if rng.random() < 0.4:
            comment = rng.choice(HAPPY_COMMENTS if satisfied else UNHAPPY_COMMENTS)
        review_id = demo.add("review", day, {
            "carer_id": p.id, "referral_id": ref["id"], "review_date": day, "worker_id": worker,
            "satisfied": satisfied, "satisfaction_comment": comment, "next_step": step,
            "notes": rng.choice(("Goals reviewed with carer.", "Reviewed with carer and parent.",
                                 "Plan updated.", "Good progress.")),
            "completed_at": demo.stamp(day),
        })
        # Later reviews show more improvement.
        shift = min(nth, 2) * 6
        weights = (RATING_WEIGHTS[0] + shift, RATING_WEIGHTS[1] - shift // 2, RATING_WEIGHTS[2],
                   RATING_WEIGHTS[3] - shift // 2)
        stamp = demo.stamp(day)
        young = p.age_on(day) < 14
        # A closing review rates all nine outcomes; an interim one the few the plan is working on.
        rated = OUTCOMES if step != "continue" else sorted(rng.sample(OUTCOMES, rng.randrange(3, 6)))
        for outcome, rating in zip(rated, rng.choices(RATINGS, weights, k=len(rated)), strict=True):
            if outcome == "OUT07" and young and rng.random() < 0.7:
                rating = "not_applicable"
            demo.queue("review_outcome", {"id": demo.new_id(), "created_at": stamp, "updated_at": stamp,
                                          "review_id": review_id, "outcome": outcome, "rating": rating})
        if rng.random() < 0.7:
            demo.add("feedback", day, {"feedback_date": day, "carer_id": p.id, "satisfied": satisfied,
                                       "comment": comment, "source": "review"})
        self.totals.reviews += 1

    def _contact(self, p: Person, worker: str, day: date, kind: str) -> None:
        rng = self.rng
        minutes = {"one_to_one": 60, "phone_call": 15, "school_visit": 45, "home_visit": 90, "note": 0}[kind]
        if minutes:
            minutes = max(5, minutes + rng.randrange(-10, 31, 5))
        self.demo.add("contact", day, {"carer_id": p.id, "worker_id": worker, "contact_date": day,
                                       "kind": kind, "duration_minutes": minutes,
                                       "note": rng.choice(CONTACT_NOTES[kind]),
                                       "mode": self._mode(kind, day)})
        if p.last_contact is None or day > p.last_contact:
            p.last_contact = day

    def _mode(self, kind: str, day: date) -> str | None:
        """How a contact was delivered: mostly face to face; calls by phone; some video and online
        groups, more of them in the Covid years; a few older contacts not recorded."""
        if kind == "note":
            return None
        side = self.side
        if side.random() < 0.04:
            return None  # recorded before the mode was asked
        if kind == "phone_call":
            return "phone" if side.random() < 0.85 else side.choice(("text_message", "video"))
        if kind in ("school_visit", "home_visit"):
            return "face_to_face"
        covid = day < date(2022, 4, 1)
        return _weighted(side, (("face_to_face", 62 if covid else 80), ("video", 18 if covid else 8),
                                ("phone", 8), ("online_group", 8 if covid else 2), ("text_message", 4)))

    def _review_due(self, p: Person) -> date | None:
        """An open case with a plan: its next review, spread around today (about one in five overdue)."""
        if p.status != "open" or p.id not in self.planned:
            return None
        side = self.side
        if side.random() < 0.2:
            return self.today - timedelta(days=side.randrange(1, 45))
        return self.today + timedelta(days=side.randrange(0, 84))

    # -- the carer row ----------------------------------------------------------------------------
    def _settle(self, p: Person) -> None:
        """Queue the carer with the case fields their referrals give, then their links."""
        row = p.row
        if p.referrals:
            latest = max(p.referrals, key=lambda r: r["referral_date"])
            first = min(r["referral_date"] for r in p.referrals)
            p.status = "closed" if all(r["closed_date"] for r in p.referrals) else "open"
            p.worker_id = latest["worker_id"]
            impacts = [r for r in p.referrals if r["impact_level"]]
            p.impact = max(impacts, key=lambda r: r["referral_date"])["impact_level"] if impacts else None
            stamp = self.demo.stamp(first)
            row["created_at"] = stamp
            row["updated_at"] = self.demo.stamp(max(self.today, first)) if p.last_contact else stamp
            for link in p.links:
                link["created_at"] = link["updated_at"] = stamp
        else:
            when = self.today - timedelta(days=self.rng.randrange(1, 20))
            row["created_at"] = row["updated_at"] = self.demo.stamp(when)
            for link in p.links:
                link["created_at"] = link["updated_at"] = row["created_at"]
            p.since = when
        pending = deadlines.earliest((r["referral_date"], r["allocated_date"], r["assessment_completed_date"],
                                      r["closed_date"], r["consent"]) for r in p.referrals)
        row.update(status=p.status, worker_id=p.worker_id, impact_level=p.impact,
                   last_contact_date=p.last_contact, review_due_date=self._review_due(p),
                   deadline_date=pending[1] if pending else None,
                   deadline_kind=pending[0] if pending else None)
        self.demo.queue("carer", row)
        self.casework.person(p, row)
        for link in p.links:
            self.demo.queue("care_relationship", link)


def _birthday(dob: date, years: int) -> date:
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:
        return dob.replace(year=dob.year + years, day=28)


def _maca(rng, impact: str) -> tuple[list[int], int]:
    """18 item scores whose total falls in the band of the impact level."""
    lo, hi, p_lo, p_hi = {"low": (1, 9, 0.1, 0.22), "medium": (10, 13, 0.3, 0.37),
                          "high": (14, 30, 0.45, 0.62)}[impact]
    for _ in range(30):
        p = rng.uniform(p_lo, p_hi)
        items = [(rng.random() < p) + (rng.random() < p * 0.8) for _ in range(18)]
        total = sum(items)
        if lo <= total <= hi:
            return items, total
    return items, sum(items)


def _panoc(rng, impact: str) -> list[int]:
    """20 item scores: odd items lean positive for low impact, even items lean negative for high."""
    pos = {"low": 0.7, "medium": 0.55, "high": 0.4}[impact]
    neg = {"low": 0.15, "medium": 0.3, "high": 0.5}[impact]
    out = []
    for i in range(20):
        p = pos if i % 2 == 0 else neg
        out.append((rng.random() < p) + (rng.random() < p * 0.7))
    return out
