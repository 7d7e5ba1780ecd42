"""Districts, schools, workers, households, young carers and the people they care for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ycworker.demo import names, places
from ycworker.demo.base import Demo
from ycworker.demo.casework import Language

# Ages 5-24 as a real cohort: a peak at 11-15, fewer at 5-7 and 19-24.
AGE_WEIGHTS = {
    5: 1.0, 6: 1.6, 7: 2.4, 8: 3.6, 9: 4.8, 10: 6.0, 11: 7.6, 12: 8.6, 13: 9.0, 14: 9.0, 15: 8.4,
    16: 6.8, 17: 5.4, 18: 3.6, 19: 2.4, 20: 1.8, 21: 1.4, 22: 1.1, 23: 0.9, 24: 0.7,
}
SIBLING_HOUSEHOLD_SHARE = 0.114  # households with 2-3 carers: ~22% of carers have a sibling carer

REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

CONDITIONS = ("physical_disability", "long_term_illness", "mental_health", "substance_misuse",
              "learning_disability_send", "other")
# (relationship, weight, condition weights in CONDITIONS order)
CARED_FOR_KINDS = (
    ("mother", 46, (24, 26, 46, 10, 4, 5)),
    ("father", 15, (28, 26, 34, 18, 3, 5)),
    ("sibling", 22, (12, 10, 8, 0, 80, 4)),
    ("grandparent", 10, (40, 44, 10, 3, 2, 6)),
    ("other", 7, (25, 25, 35, 12, 8, 8)),
)
CONDITION_NOTES = {
    "physical_disability": ("Uses a wheelchair at home", "Limited mobility after a stroke",
                            "Has MS; needs help with stairs", "Sight loss; needs help getting out"),
    "long_term_illness": ("Has cancer treatment every three weeks", "Type 1 diabetes, hard to manage",
                          "COPD; breathless on bad days", "Kidney dialysis three times a week",
                          "Long Covid; very tired most days", "Epilepsy; seizures most weeks"),
    "mental_health": ("Depression and anxiety", "Bipolar disorder; hospital stays in the past",
                      "Severe anxiety; rarely leaves the house", "PTSD", "Eating disorder"),
    "substance_misuse": ("Alcohol misuse", "Drug use; in treatment", "Drinks heavily most evenings"),
    "learning_disability_send": ("Autistic; needs routine and supervision", "ADHD and learning disability",
                                 "Down syndrome", "Cerebral palsy; non-verbal", "EHCP for complex needs"),
    "other": ("Recovering from an operation", "Dementia in the early stages", "Hearing loss"),
}
TASKS = ("cooking", "shopping", "cleaning", "laundry", "medication reminders", "emotional support",
         "looking after younger siblings", "interpreting at appointments", "helping with personal care",
         "keeping an eye on them at night", "getting siblings to school", "managing money")

YOUNG_TASKS = ("tidying up", "fetching things", "emotional support", "keeping them company",
               "helping with younger siblings", "getting drinks and snacks", "calling for help if needed")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(slots=True)
class Person:
    """What the later stages need to know about a carer (kept in memory, not read back)."""

    id: str
    dob: date
    sex: str
    district: int
    household_id: str
    school_id: str | None
    fsm: bool
    send: bool
    community: str
    household_size: int
    conditions: tuple[str, ...] = ()
    cared_for_relationship: str = "mother"
    first_name: str = ""
    row: dict = field(default_factory=dict)  # the carer row, queued once the case stage settles it
    links: list = field(default_factory=list)  # care_relationship rows, queued with it
    since: date | None = None
    walk_in: bool = False
    # set by the cases stage
    referrals: list = field(default_factory=list)
    worker_id: str | None = None
    status: str = "open"
    impact: str | None = None
    last_contact: date | None = None

    def age_on(self, d: date) -> int:
        return d.year - self.dob.year - ((d.month, d.day) < (self.dob.month, self.dob.day))


@dataclass
class Service:
    district_ids: list[str]
    district_towns: list[tuple[str, ...]]
    schools: dict[tuple[int, str], list[str]]  # (district, phase) -> school ids
    workers: list[tuple[str, str, str, int | None]]  # id, name, role, district
    district_workers: list[list[str]]  # worker ids by district
    people: list[Person]
    refs: set[str]


def _year_back(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def service(demo: Demo, existing_districts: dict[str, str]) -> Service:
    rng, today = demo.rng, demo.today
    opened = _year_back(today, 6)
    district_ids = []
    for info in places.DISTRICTS:
        if info.name in existing_districts:
            district_ids.append(existing_districts[info.name])
        else:
            district_ids.append(demo.add("district", opened, {"name": info.name}))

    n_workers = max(8, min(12, 8 + demo.carers // 12_500))
    workers = []
    district_workers: list[list[str]] = [[] for _ in places.DISTRICTS]
    for i, name in enumerate(places.WORKER_NAMES[:n_workers]):
        role = "manager" if i == 0 or (i == 1 and n_workers >= 10) else "worker"
        district = None if role == "manager" else (i - 1) % len(places.DISTRICTS)
        first, last = name.split(" ", 1)
        wid = demo.add("worker", opened, {
            "name": name, "initials": first[0] + last[0], "role": role,
            "district_id": district_ids[district] if district is not None else None, "active": True,
        })
        workers.append((wid, name, role, district))
    # Districts without their own worker are covered by the workers of the nearest ones.
    case_workers = [w[0] for w in workers if w[2] == "worker"]
    for (wid, _n, role, district) in workers:
        if role == "worker" and district is not None:  # a worker always has a district
            district_workers[district].append(wid)
    for i, lst in enumerate(district_workers):
        if not lst:
            lst.extend([case_workers[i % len(case_workers)], case_workers[(i + 3) % len(case_workers)]])

    schools: dict[tuple[int, str], list[str]] = {}
    for d, info in enumerate(places.DISTRICTS):
        used = set()
        plan = [("primary", 9), ("secondary", 4), ("college", 1), ("special", 1)]
        for phase, count in plan:
            for _ in range(count):
                town = rng.choice(info.towns)
                for _try in range(20):
                    if phase == "primary":
                        name = f"{town} {rng.choice(places.SCHOOL_WORDS)} Primary School"
                    elif phase == "secondary":
                        words = rng.choice(places.SCHOOL_WORDS)
                        name = f"{town} {words} {rng.choice(places.SECONDARY_WORDS)}"
                    elif phase == "college":
                        name = f"{info.name} College ({town} campus)"
                    else:
                        name = f"{town} {rng.choice(('Oaks', 'Ridge', 'Willows', 'Foreland'))} Special School"
                    if name not in used:
                        break
                used.add(name)
                champion = rng.random() < 0.62
                row = {"name": name, "district_id": district_ids[d], "phase": phase, "on_list": True,
                       "champion_name": "", "champion_since": None, "champion_until": None}
                if champion:
                    row["champion_name"] = (f"{rng.choice(places.CHAMPION_TITLES)} "
                                            f"{rng.choice(names.BRITISH.women + names.BRITISH.men)[0]} "
                                            f"{rng.choice(names.BRITISH.surnames)}")
                    row["champion_since"] = today - timedelta(days=rng.randrange(30, 5 * 365))
                    if rng.random() < 0.06:  # the champion left; a gap the service is chasing
                        row["champion_until"] = today - timedelta(days=rng.randrange(10, 200))
                sid = demo.add("school", opened, row)
                schools.setdefault((d, phase), []).append(sid)

    return Service(district_ids, [info.towns for info in places.DISTRICTS], schools, workers,
                   district_workers, [], set())


def _carer_ref(demo: Demo, refs: set[str]) -> str:
    while True:
        bits = demo.rng.getrandbits(30)
        ref = "YC-" + "".join(REF_ALPHABET[(bits >> (5 * i)) & 31] for i in range(6))
        if ref not in refs:
            refs.add(ref)
            return ref


def _dob(demo: Demo, age: int) -> date:
    hi = _year_back(demo.today, age)
    lo = _year_back(demo.today, age + 1) + timedelta(days=1)
    return lo + timedelta(days=demo.rng.randrange((hi - lo).days + 1))


def _school(svc: Service, rng, district: int, age: int, send: bool) -> str | None:
    if send and rng.random() < 0.15:
        phase = "special"
    elif age <= 10:
        phase = "primary"
    elif age <= 15:
        phase = "secondary"
    elif age <= 17:
        phase = "secondary" if rng.random() < 0.45 else "college"
    elif age <= 19 and rng.random() < 0.6:
        phase = "college"
    else:
        return None
    return rng.choice(svc.schools[(district, phase)])


def people(demo: Demo, svc: Service) -> None:
    """Households of one to three carers, each with the people they look after."""
    rng, today = demo.rng, demo.today
    ages = list(AGE_WEIGHTS)
    age_w = list(AGE_WEIGHTS.values())
    d_weights = [info.weight for info in places.DISTRICTS]
    mixes = []
    for info in places.DISTRICTS:
        keys = list(names.BASE_MIX)
        mixes.append((keys, [names.BASE_MIX[k] * info.tilt.get(k, 1.0) for k in keys]))
    kinds = [k[0] for k in CARED_FOR_KINDS]
    kind_w = [k[1] for k in CARED_FOR_KINDS]
    made = 0
    n = demo.carers
    household_no = 0
    access = Language(rng)  # language and access (0012), from a generator of its own
    while made < n:
        size = 1
        if n - made >= 2 and rng.random() < SIBLING_HOUSEHOLD_SHARE:
            size = 2 if rng.random() < 0.8 or n - made < 3 else 3
        household_no += 1
        d = rng.choices(range(len(places.DISTRICTS)), d_weights)[0]
        info = places.DISTRICTS[d]
        keys, weights = mixes[d]
        community = names.COMMUNITIES[rng.choices(keys, weights)[0]]
        code = names.pick_code(rng, community)
        surname = (names.mixed_surname(rng, code) if community.key == "mixed"
                   else rng.choice(community.surnames))
        town = rng.choice(info.towns)
        # The eldest carer's age; siblings are younger by 1-6 years.
        eldest = rng.choices(ages, age_w)[0]
        if size > 1 and eldest < 7:
            eldest = rng.randrange(9, 16)
        since = today - timedelta(days=rng.randrange(30, 6 * 365))
        hh_id = demo.add("household", since, {
            "ref": f"HH-{household_no:06d}", "name": f"{surname} family",
            "address": places.address(rng, town), "postcode": places.postcode(rng, info),
            "phone": places.phone(rng, mobile=rng.random() < 0.8), "district_id": svc.district_ids[d],
            **(family := access.household(community.key)),
        })
        fsm_family = rng.random() < 0.38

        # The people cared for: one, sometimes two (a parent and a sibling with SEND, say).
        cared = []
        n_cared = 1 if rng.random() < 0.76 else 2
        chosen_kinds: list[str] = []
        for _ in range(n_cared):
            kind = rng.choices(kinds, kind_w)[0]
            if kind in chosen_kinds and kind in ("mother", "father"):
                kind = "sibling" if kind == "mother" else "grandparent"
            chosen_kinds.append(kind)
            cond_w = CARED_FOR_KINDS[kinds.index(kind)][2]
            conds = [rng.choices(CONDITIONS, cond_w)[0]]
            if rng.random() < 0.32:
                extra = rng.choices(CONDITIONS, cond_w)[0]
                if extra not in conds:
                    conds.append(extra)
            if kind == "mother":
                first, label = names.adult_name(rng, community, True), "mother"
            elif kind == "father":
                first, label = names.adult_name(rng, community, False), "father"
            elif kind == "grandparent":
                first, label = names.adult_name(rng, community, rng.random() < 0.6), "grandparent"
            elif kind == "sibling":
                boy = rng.random() < 0.6  # SEND is diagnosed more often in boys
                first = names.child_name(rng, community, "M" if boy else "F")
                label = "brother" if boy else "sister"
            else:
                first, label = names.adult_name(rng, community, rng.random() < 0.6), "other"
            note = "; ".join(rng.choice(CONDITION_NOTES[c]) for c in conds)
            if label == "other":
                note = f"{rng.choice(('Stepdad', 'Aunt', 'Mum’s partner', 'Uncle'))}. {note}"
            cf_id = demo.add("cared_for", since, {"household_id": hh_id, "name": f"{first} {surname}",
                                                   "notes": note})
            for c in conds:
                demo.add("cared_for_condition", since, {"cared_for_id": cf_id, "condition": c})
            cared.append((cf_id, label, tuple(conds)))

        age = eldest
        for k in range(size):
            if k:
                age = max(5, age - rng.randrange(1, 7))
            roll = rng.random()
            sex = "F" if roll < 0.55 else ("M" if roll < 0.985 else "U")
            first = names.child_name(rng, community, sex)
            last = surname if rng.random() < 0.93 else rng.choice(community.surnames)
            send = rng.random() < 0.13
            school = _school(svc, rng, d, age, send)
            dob = _dob(demo, age)
            # Most carers care for everyone in the list; a sibling cared for is not cared for by themself.
            tasks = rng.sample(TASKS if age >= 10 else YOUNG_TASKS, rng.randrange(2, 5 if age >= 10 else 4))
            sibling_cared_for = any(label in ("brother", "sister") for _c, label, _x in cared)
            if sibling_cared_for and "looking after younger siblings" not in tasks:
                tasks[-1] = "looking after a brother or sister with SEND"
            preferred = ""
            if rng.random() < 0.05:
                preferred = {"Oliver": "Ollie", "Alexander": "Alex", "Thomas": "Tom", "William": "Will",
                             "Isabella": "Bella", "Jessica": "Jess", "Muhammad": "Mo", "Daniel": "Dan",
                             "Rebecca": "Becky", "Samuel": "Sam", "Katie": "Kate"}.get(first, "")
            carer_id = demo.new_id()
            row = demo.row(since, {
                "id": carer_id, "carer_ref": _carer_ref(demo, svc.refs), "first_name": first,
                "last_name": last, "preferred_name": preferred, "date_of_birth": dob, "sex": sex,
                "ethnicity": code if rng.random() > 0.015 else rng.choice(("REFU", "NOBT")),
                "disability": rng.random() < 0.07, "household_id": hh_id, "school_id": school,
                "district_id": svc.district_ids[d], "worker_id": None,
                "phone": places.phone(rng) if age >= 11 and rng.random() < 0.6 else "",
                "email": "", "caring_tasks": _sentence(", ".join(tasks)), "impact_level": None,
                "status": "open", "needs_referral_details": False, "fsm": fsm_family and age <= 18,
                "send": send, "last_contact_date": None, "archived_at": None,
                **access.carer(family, send, age),
            })
            rel_conds: list[str] = []
            main_rel = "mother"
            links = []
            for j, (cf_id, label, cared_conds) in enumerate(cared):
                links.append(demo.row(since, {"carer_id": carer_id, "cared_for_id": cf_id,
                                              "relationship": label}))
                rel_conds.extend(cared_conds)
                if j == 0:
                    main_rel = label
            svc.people.append(Person(
                id=carer_id, dob=dob, sex=sex, district=d, household_id=hh_id, school_id=school,
                fsm=fsm_family and age <= 18, send=send, community=community.key, household_size=size,
                conditions=tuple(dict.fromkeys(rel_conds)), cared_for_relationship=main_rel,
                first_name=first, row=row, links=links, since=since,
            ))
            made += 1
