"""Issue 18: how long the narrative check takes on a county's caseload.

    python -m bench.narrative_check [CARERS]   (default 50,000)

Makes a demo service of CARERS young carers in a temporary encrypted database, then times loading
the caseload index (names, dates of birth, refs: one narrow read) and checking a narrative of about
2,000 words (the demo's, repeated) with one real carer's name, date of birth and ref typed into it.
Prints the median of 5 runs of each."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlmodel import select

from db.engine import open_store
from db.models import Carer
from ycworker import demo
from ycworker.demo.reporting import NARRATIVE
from ycworker.returns import narrative


def main(carers: int = 50_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "bench.db", "bench passphrase for the narrative check")
        try:
            demo.generate(store, carers, today=date(2026, 11, 24))
            with store.read() as s:
                someone = s.exec(select(Carer).limit(1)).one()
            text = NARRATIVE * 5 + (f"\n{someone.first_name} {someone.last_name} was born "
                                    f"{someone.date_of_birth:%d/%m/%Y} ({someone.carer_ref}).\n")
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
