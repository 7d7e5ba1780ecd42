"""The duplicate check on the 50,000-carer demo database (read only).

    python -m bench.duplicates [--carers 50000] [--repeat 200]

For ``repeat`` carers picked at random (fixed seed), ``likely_duplicates`` is timed for:

* typo: their name with one letter added to the last name, their date of birth (and school);
* swapped: the same typo, the date of birth with day and month swapped (those whose swap is a date);
* unknown: a name nobody has, a random date of birth, no school.

Each figure is milliseconds per check (one read transaction per check, as the referral form does).
"""

from __future__ import annotations

import argparse
import inspect
import random
import time
from datetime import date, timedelta
from typing import Any

from bench.common import PASSPHRASE, demo_db, summary
from db.engine import open_store


def main() -> None:
    from sqlalchemy import select as sa_select
    from sqlmodel import col

    from db.models import Carer, School
    from ycworker.caseload import duplicates

    parser = argparse.ArgumentParser()
    parser.add_argument("--carers", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    store = open_store(demo_db(args.carers), PASSPHRASE)
    takes_school = "school" in inspect.signature(duplicates.likely_duplicates).parameters
    try:
        with store.read() as s:
            people = s.execute(
                sa_select(col(Carer.first_name), col(Carer.last_name), col(Carer.date_of_birth),
                          col(School.name))
                .join(School, col(School.id) == Carer.school_id, isouter=True)
                .order_by(col(Carer.id))
            ).all()
        rng = random.Random(5)
        picked = rng.sample(people, args.repeat)
        found = {"typo": 0, "swapped": 0, "unknown": 0}
        tried = dict.fromkeys(found, 0)
        ms: dict[str, list[float]] = {k: [] for k in found}
        for first, last, dob, school in picked:
            cases = {
                "typo": (first, last + "e", dob, school or ""),
                "unknown": ("Zebedee", "Quillfeather", date(2012, 1, 1) + timedelta(days=rng.randrange(3000)),
                            ""),
            }
            if dob.day <= 12 and dob.day != dob.month:  # only where the swap is another real date
                cases["swapped"] = (first, last + "e", date(dob.year, dob.day, dob.month), school or "")
            for what, (f, la, d, sch) in cases.items():
                tried[what] += 1
                extra: dict[str, Any] = {"school": sch} if takes_school else {}
                t = time.perf_counter()
                with store.read() as s:
                    matches = duplicates.likely_duplicates(s, f, la, d, **extra)
                ms[what].append((time.perf_counter() - t) * 1000)
                found[what] += bool(matches)
        print(f"duplicate check, {args.carers:,}-carer demo, {args.repeat} carers"
              f" ({'with' if takes_school else 'without'} the school)")
        for what in ms:
            print(summary(f"  {what}", ms[what]) + f"; found a match for {found[what]}/{tried[what]}")
    finally:
        store.close()


if __name__ == "__main__":
    main()
