"""Caseload import benchmark (issue 17): a large caseload spreadsheet into an empty store.

    python -m bench.caseload_import [--rows 200000]

* the import: ``importing.import_file`` in a child process of its own on an empty store (a laptop
  that is not enrolled in a team, so the team queue writes nothing: what most services do first),
  timed from the call to its return; the child's peak resident memory (VmHWM, the whole Python
  process, interpreter and libraries included) is printed beside the 300 MB goal;
* the baseline: a raw Core executemany of the same districts, schools, households, carers and
  referrals into another empty store (same schema, triggers and page cache), the rows built before
  the clock starts (``bench.caseload.raw_rows``). Goal: import <= 3x the baseline.

The file is made by ``bench.caseload.write_csv`` (most carers once, some twice, households of one
to three). Each figure is one run; the machine's load is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

from bench.caseload import TODAY, empty_store, raw_rows, write_csv

RATIO_GOAL, RSS_GOAL_MB = 3.0, 300.0


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(folder: Path, csv_path: Path) -> None:
    """Run in a process of its own: import the file into an empty store, print JSON."""
    from ycworker.caseload.importing import import_file

    store = empty_store(folder, "import.db")
    before = peak_rss_mb()
    t0 = time.perf_counter()
    result = import_file(store, csv_path, TODAY)
    seconds = time.perf_counter() - t0
    store.close()
    print(json.dumps({"seconds": seconds, "peak_mb": peak_rss_mb(), "start_mb": before,
                      "carers": result.carers, "households": result.households,
                      "referrals": result.referrals}))


def raw_seconds(folder: Path, csv_path: Path) -> float:
    from sqlalchemy import insert

    from ycworker.caseload.caseload_sheet import check_text, read_text
    from ycworker.caseload.importing import IMPORT_CACHE_KIB

    plan = check_text(read_text(csv_path), csv_path.name, TODAY)
    assert plan.ok, plan.errors[:5]
    tables = raw_rows(plan)
    del plan
    store = empty_store(folder, "raw.db")
    t0 = time.perf_counter()
    with store.connect(write=True) as conn:
        conn.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")  # as the import does
        for model, batch in tables:
            if batch:
                conn.execute(insert(cast(Any, model)), batch)
    seconds = time.perf_counter() - t0
    store.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    with tempfile.TemporaryDirectory(prefix="ycw-bench-import-") as tmp:
        folder = Path(tmp)
        csv_path = folder / "caseload.csv"
        write_csv(csv_path, args.rows)
        size = csv_path.stat().st_size / 1e6
        print(f"caseload import benchmark: a {args.rows:,}-row file ({size:.0f} MB), "
              f"today {TODAY}, not enrolled in a team (nothing queued); {load()}")
        out = subprocess.run([sys.executable, "-m", "bench.caseload_import", "--child", str(folder),
                              str(csv_path)], check=True, capture_output=True, text=True).stdout
        got = json.loads(out.strip().splitlines()[-1])
        print(f"import: {got['seconds']:.1f} s ({got['carers']:,} carers, {got['households']:,} households, "
              f"{got['referrals']:,} referrals); {load()}")
        raw = raw_seconds(folder, csv_path)
        print(f"raw executemany of the same rows (rows built before the clock): {raw:.1f} s; {load()}")
        ratio = got["seconds"] / raw
        print(f"import / raw = {ratio:.2f}x (goal <= {RATIO_GOAL:.0f}x: "
              f"{'met' if ratio <= RATIO_GOAL else 'MISSED'})")
        print(f"import peak RSS (the whole process): {got['peak_mb']:.0f} MB, {got['start_mb']:.0f} MB "
              f"before the import (goal <= {RSS_GOAL_MB:.0f} MB: "
              f"{'met' if got['peak_mb'] <= RSS_GOAL_MB else 'MISSED'})")


if __name__ == "__main__":
    main()
