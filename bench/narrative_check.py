"""Issue 18: how long the narrative check takes on a county's caseload.

    python -m bench.narrative_check [CARERS]   (default 50,000)

Writes CARERS young carers (names from the demo's lists, random dates of birth, refs) straight into
a temporary encrypted database, then times loading the caseload index (names, dates of birth, refs:
one narrow read) and checking a narrative of about 1,000 words (the demo's, repeated) with one real
carer's name, date of birth and ref typed into it. Prints the median of 5 runs of each."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from random import Random

from db.engine import open_store
from ycworker.demo import names
from ycworker.demo.reporting import NARRATIVE
from ycworker.returns import narrative

COMMUNITIES = [names.BRITISH, names.IRISH, names.PAKISTANI, names.INDIAN, names.EASTERN_EUROPEAN,
               names.BANGLADESHI]
INSERT = ("INSERT INTO carer (id, carer_ref, first_name, last_name, preferred_name, date_of_birth, sex, "
          "ethnicity, disability, caring_tasks, phone, email, status, needs_referral_details, fsm, send, "
          "created_at, updated_at) VALUES (?, ?, ?, ?, '', ?, 'U', 'NOBT', 0, '', '', '', 'open', 0, 0, 0, "
          "'2026-01-01 00:00:00', '2026-01-01 00:00:00')")


def fill(store, carers: int) -> tuple[str, str, date, str]:
    rng = Random(1)
    rows = []
    for n in range(carers):
        community = rng.choice(COMMUNITIES)
        first = names.child_name(rng, community, rng.choice("MF")).split()[0]
        last = names.adult_name(rng, community, True).split()[-1]
        dob = date(2002, 1, 1) + timedelta(days=rng.randrange(365 * 19))
        rows.append((f"{n:032x}", f"YC-{n:06d}", first, last, dob.isoformat()))
    with store.connect(write=True) as conn:
        conn.exec_driver_sql(INSERT, rows)
    _id, ref, first, last, dob = rows[carers // 2]
    return first, last, date.fromisoformat(dob), ref


def main(carers: int = 50_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "bench.db", "bench passphrase for the narrative check")
        try:
            first, last, dob, ref = fill(store, carers)
            text = NARRATIVE * 3 + f"\n{first} {last} was born {dob:%d/%m/%Y} ({ref}).\n"
            loads, checks = [], []
            for _ in range(5):
                started = time.perf_counter()
                with store.read() as s:
                    index = narrative.load_index(s)
                loads.append(time.perf_counter() - started)
                started = time.perf_counter()
                flags = narrative.check(text, index)
                checks.append(time.perf_counter() - started)
            assert {f.kind for f in flags} >= {"name", "date_of_birth", "carer_ref"}, flags
            print(f"{carers:,} carers ({len(index.names):,} name pairs, {len(index.births):,} dates of "
                  f"birth, {len(index.refs):,} refs); narrative {len(text.split()):,} words, "
                  f"{len(text.splitlines())} lines")
            print(f"load the index: median {statistics.median(loads) * 1000:.0f} ms")
            print(f"check the text: median {statistics.median(checks) * 1000:.1f} ms ({len(flags)} flags)")
        finally:
            store.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
