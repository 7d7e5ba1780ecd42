"""The demo's casework of issue 18: language and access for carers and families, safeguarding
statuses with their meetings, handovers to adult services for those 18 and over, and signposting.

Everything here draws from generators of its own (``side_random``), seeded from a copy of the
demo's, so every other demo row for a seed is the same as before these fields existed.
"""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from ycworker.demo.base import Demo

#: Community -> languages spoken at home (the demo's communities, ycworker.demo.names).
HOME_LANGUAGES = {
    "eastern_european": ("Polish", "Romanian", "Lithuanian", "Bulgarian", "Slovak"),
    "roma": ("Romanian", "Slovak", "Czech"),
    "bangladeshi": ("Bengali", "Sylheti"),
    "pakistani": ("Urdu", "Punjabi", "Pahari"),
    "indian": ("Punjabi", "Gujarati", "Tamil"),
    "south_asian_other": ("Nepali", "Tamil", "Sinhala"),
    "chinese": ("Cantonese", "Mandarin"),
    "black_african": ("Somali", "Tigrinya", "Arabic", "French", "Shona"),
    "other": ("Arabic", "Kurdish", "Dari", "Pashto", "Farsi"),
}
CARER_NEEDS = ("Autistic: give notice of changes, clear literal language",
               "Dyslexic: explain things aloud, no long letters", "Hearing impaired: face them when speaking",
               "Speech and language difficulty: allow extra time", "Selective mutism: may answer in writing")
FAMILY_NEEDS = ("Mum is Deaf and uses BSL", "Dad has aphasia after a stroke: short questions",
                "Letters in easy read, please", "Mum cannot read English: phone rather than write",
                "Grandad is hard of hearing: speak up on the phone")
#: Starting status -> weight; a Child in Need may be stepped up to Child Protection.
STATUS_WEIGHTS = (("early_help", 55), ("child_in_need", 30), ("child_protection", 15))
MEETINGS = {"early_help": "taf_meeting", "child_in_need": "cin_meeting", "child_protection": "core_group"}
ATTENDED = ("Social worker, school DSL, Mum, young carers worker",
            "Early Help worker, class teacher, Dad, school nurse, young carers worker",
            "Social worker, health visitor, Mum, Mum's CPN, young carers worker",
            "Family Hub keyworker, head of year, Gran, young carers worker",
            "Chair, social worker, police, GP (report), school DSL, parents, young carers worker")
ACTIONS = ("Young carers worker to continue fortnightly 1:1 and share attendance with the social worker.",
           "School to give a quiet space at lunch; social worker to refer Mum to adult mental health.",
           "Family Hub to arrange a parenting course; review in six weeks.",
           "Social worker to arrange respite; young carers worker to book the holiday activities.",
           "Referral to the substance misuse service for Dad; school to monitor attendance weekly.")
ASC_OUTCOMES = (("assessed_support", 45), ("pending", 25), ("assessed_no_needs", 15), ("declined", 15))
SIGNPOST_WEIGHTS = {"Kooth": 34, "Youth in Mind+": 12, "School counselling service": 14,
                    "Local food bank": 12, "Early Help Family Hub": 10, "Carers' Resource": 8,
                    "Citizens Advice": 6, "Childline": 4}
SIGNPOST_OUTCOMES = (("referred", 45), ("engaged", 30), ("waiting_list", 12), ("declined", 8),
                     ("not_known", 5))
SIGNPOST_NOTES = ("", "", "", "Signed up during the assessment", "Long waiting list locally",
                  "Mum to call them", "Gave the details to school too")


def side_random(rng: Random, salt: int) -> Random:
    """A generator of its own, seeded from a copy of ``rng`` (which does not move)."""
    copy = Random()
    copy.setstate(rng.getstate())
    return Random(copy.getrandbits(64) ^ salt)


def _weighted(rng: Random, pairs) -> str:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


class Language:
    """Language and access of households and carers (the people stage)."""

    def __init__(self, rng: Random):
        self.side = side_random(rng, 0x1A46)

    def household(self, community: str) -> dict:
        side = self.side
        language, interpreter, needs = "", False, ""
        spoken = HOME_LANGUAGES.get(community)
        if spoken and side.random() < 0.65:
            language = side.choice(spoken)
            interpreter = side.random() < 0.3
        elif side.random() < 0.5:
            language = "English"
        if side.random() < 0.015:
            needs = side.choice(FAMILY_NEEDS)
        return {"first_language": language, "interpreter_needed": interpreter, "communication_needs": needs}

    def carer(self, family: dict, send: bool, age: int) -> dict:
        side = self.side
        language = family["first_language"]
        if language and language != "English" and side.random() < 0.55:
            language = "English"  # schooled here: English first, the family's language at home
        interpreter = bool(family["interpreter_needed"]) and age < 11 and side.random() < 0.25
        needs = side.choice(CARER_NEEDS) if send and side.random() < 0.2 else ""
        return {"first_language": language, "interpreter_needed": interpreter, "communication_needs": needs,
                "asc_referral_date": None, "asc_outcome": None, "yac_handover_date": None}


class Casework:
    """Safeguarding, handovers and signposting for each carer (the cases stage, as each settles)."""

    def __init__(self, demo: Demo, rng: Random):
        self.demo = demo
        self.today = demo.today
        self.side = side_random(rng, 0x5AFE)
        listed = demo.conn.execute(sa.text("SELECT name, id FROM signposting_organisation")).all()
        orgs: dict[str, str] = {name: oid for name, oid in listed}
        self.orgs = [(orgs[name], w) for name, w in SIGNPOST_WEIGHTS.items() if name in orgs]

    def person(self, p, row: dict) -> None:
        if not p.referrals:
            return
        first = min(r["referral_date"] for r in p.referrals)
        closed = [r["closed_date"] for r in p.referrals if r["closed_date"]]
        end = max(closed) if p.status == "closed" and closed else self.today
        if end <= first:
            return
        side = self.side
        if side.random() < 0.055:
            self._safeguarding(p, first, end)
        if side.random() < 0.25 and any(r["assessment_completed_date"] for r in p.referrals):
            for _ in range(1 if side.random() < 0.75 else 2):
                self._signpost(p, first, end)
        self._handover(p, row)

    def _add(self, table: str, when: date, row: dict) -> None:
        """Queue a row with its id and stamps from this stage's own generator (the demo's ``add``
        would draw them from the demo's, and move every row made after it)."""
        side = self.side
        seconds = 28_800 + side.randrange(36_000)
        stamp = f"{when.isoformat()} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.000000"
        row.update(id=f"{side.getrandbits(128):032x}", created_at=stamp, updated_at=stamp)
        self.demo.queue(table, row)

    def _day(self, start: date, end: date) -> date:
        return start + timedelta(days=self.side.randrange(0, max(1, (end - start).days + 1)))

    def _safeguarding(self, p, first: date, end: date) -> None:
        side = self.side
        status = _weighted(side, STATUS_WEIGHTS)
        start = self._day(first, end)
        steps = [status]
        if status == "child_in_need" and side.random() < 0.2:
            steps.append("child_protection")
        in_force = p.status == "open" and side.random() < 0.6
        for n, step in enumerate(steps):
            last = n == len(steps) - 1
            stop: date | None = None
            if not last:
                stop = min(end, start + timedelta(days=side.randrange(30, 180)))
            elif not in_force:
                stop = min(end, start + timedelta(days=side.randrange(60, 400)))
            if stop is not None and stop <= start:
                stop = start + timedelta(days=1)
                if stop > self.today:
                    stop = None
            self._add("safeguarding_status", start, {"carer_id": p.id, "status": step, "start_date": start,
                                                     "end_date": stop, "worker_id": p.worker_id})
            meeting = start
            until = stop or self.today
            kind = "cp_conference" if step == "child_protection" else MEETINGS[step]
            while meeting <= until:
                self._add("safeguarding_meeting", meeting, {
                    "carer_id": p.id, "meeting_date": meeting, "kind": kind,
                    "attended": side.choice(ATTENDED), "actions": side.choice(ACTIONS),
                    "worker_id": p.worker_id})
                kind = MEETINGS[step] if step != "child_protection" else (
                    "cp_review" if side.random() < 0.3 else "core_group")
                meeting += timedelta(days=side.randrange(28, 84))
            if stop is None:
                break
            start = stop + timedelta(days=1)
            if start > self.today:
                break

    def _signpost(self, p, first: date, end: date) -> None:
        side = self.side
        org = side.choices([o for o, _w in self.orgs], [w for _o, w in self.orgs])[0] if self.orgs else None
        if org is None:
            return
        day = self._day(first, end)
        self._add("signposting", day, {"carer_id": p.id, "organisation_id": org, "signposted_date": day,
                                           "outcome": _weighted(side, SIGNPOST_OUTCOMES),
                                           "note": side.choice(SIGNPOST_NOTES), "worker_id": p.worker_id})

    def _handover(self, p, row: dict) -> None:
        eighteen = p.dob + relativedelta(years=18)
        if eighteen > self.today or self.side.random() > 0.6:
            return
        side = self.side
        referred = p.dob + relativedelta(years=17, months=side.randrange(6, 15))
        if referred <= self.today:
            row["asc_referral_date"] = referred
            row["asc_outcome"] = _weighted(side, ASC_OUTCOMES)
        if side.random() < 0.55:
            handed = eighteen + timedelta(days=side.randrange(0, 90))
            if handed <= self.today:
                row["yac_handover_date"] = handed
