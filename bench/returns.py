"""Return benchmark: a quarter's commissioner's return against a raw CSV dump of the same rows.

    python -m bench.returns [--carers 50000] [--quarter 2026-27-Q2] [--repeat 3]

The demo database (``ycworker demo`` with ``--carers 50000 --seed 1`` and today fixed at
2026-11-24, so the figures repeat) is made once and cached under bench/out/ (git-ignored; delete
it to make it again). Its registers hold about 500,000 attendance marks (printed below; the
return does not read them, they make the file the size a county's laptop holds). Each run works
on a copy, so the sealed returns it makes are thrown away.

In the same run, alternating, ``--repeat`` times each (medians printed):

* (a) ``returns.export_return(store, quarter, DIR)``: every figure counted (``kpis.compute``), the
  four CSV files, datapackage.json and manifest.json built, written under a temporary name in DIR
  and in the outbox, every file fsynced, read back and checked against the manifest, renamed into
  place, the folders fsynced, the return sealed in the database (what ``ycworker export`` does);
* (b) the raw dump: the same rows the return reads (referrals joined to carers and districts with
  the return's own WHERE, review outcomes in the quarter, feedback, training, awareness sessions
  and schools) read straight through the sqlcipher3 driver and written with ``csv.writer``: what
  a commissioner's analyst with a raw ``sqlite3 -csv`` dump would start from.

The goal is (a) <= 2x (b).

Then what a worker waits for (issue 17): (c) key pressed to sealed return, ``export_return`` with
its check before sealing (``integrity.tables_check`` of ``RETURN_TABLES``: every page of the tables
the return reads and of their indexes, and their foreign keys), ``--repeat`` times, median, with
the goal (<= 3 s) beside it, and the check on its own; (d) the same key pressed once the Returns
screen's check ahead has run (``actions.check_ahead``: the check made while the worker reads the
figures, standing for the export's own while nothing is written). ``--full-check`` also times the whole
file's integrity_check + foreign_key_check that preceded an export before issue 17.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import BENCH_TODAY as TODAY
from bench.common import PASSPHRASE, bench_dir, demo_db
from db.engine import copy_keys

GOAL = 2.0
SEALED_GOAL_S = 3.0  # key pressed to sealed return, check included (issue 17)


# The service activity the return counts (it reads these as counts; the dump takes the rows).
SMALL_SQL = {
    "feedback.csv": "SELECT id, feedback_date, satisfied FROM feedback "
                    "WHERE feedback_date BETWEEN :start AND :end",
    "training.csv": "SELECT id, session_date, professionals_trained FROM training_session "
                    "WHERE session_date BETWEEN :start AND :end",
    "awareness.csv": "SELECT id, session_date FROM awareness_session "
                     "WHERE session_date BETWEEN :start AND :end",
    "schools.csv": "SELECT id, on_list, champion_since, champion_until FROM school",
}


def raw_dump(store, period, folder: Path) -> dict[str, int]:
    """(b): the same rows through the driver, written with csv.writer. Rows per file.

    The referral and review reads are the return's own SQL text (``kpis.REFERRALS_SQL`` and
    ``kpis.OUTCOMES_SQL``): the same rows, the same query plans, so the difference between (a)
    and (b) is what the return does on top of reading.
    """
    from ycworker.returns import kpis

    params = kpis.sql_params(period)
    counts = {}
    with store.raw() as conn:
        for name, sql in [("referrals.csv", kpis.REFERRALS_SQL), ("reviews.csv", kpis.OUTCOMES_SQL),
                          *SMALL_SQL.items()]:
            cur = conn.execute(sql, params)
            with (folder / name).open("w", newline="", encoding="utf-8") as fh:
                out = csv.writer(fh)
                out.writerow([c[0] for c in cur.description])
                n = 0
                while True:
                    rows = cur.fetchmany(5000)
                    if not rows:
                        break
                    out.writerows(rows)
                    n += len(rows)
            counts[name] = n
    return counts


def export(store, period, folder: Path, check: bool = False):
    from ycworker.returns import export as returns

    # (a) leaves the check out (it is timed with it in (c)).
    return returns.export_return(store, period, folder, today=TODAY, check=check)


def stages(store, period, folder: Path) -> list[str]:
    """Where the export's time goes (one pass, for the notes)."""
    from ycworker.returns import export as returns
    from ycworker.returns import kpis, pseudonyms
    from ycworker.returns.export import assemble

    lines = []
    t = time.perf_counter()
    with store.read() as s:
        report = kpis.compute(s, period, TODAY)
    t_compute = time.perf_counter() - t
    with store.write() as s:
        pseudo = pseudonyms.for_session(s)
    t = time.perf_counter()
    files = assemble(report, pseudo, returns.utcnow(), "stage-check")
    t_build = time.perf_counter() - t
    lines.append(f"  counting (kpis.compute): {t_compute * 1000:.0f} ms for {len(report.referrals):,} "
                 f"referral rows and {len(report.carers):,} carers")
    size = sum(len(f.data) for f in files)
    lines.append(f"  building the six files (CSV rendering, pseudonyms, data package, manifest): "
                 f"{t_build * 1000:.0f} ms, {size / 1e6:.1f} MB")
    return lines


def register_marks(store) -> int:
    with store.raw() as conn:
        return conn.execute("SELECT count(*) FROM attendance").fetchone()[0]


def main() -> None:
    from db.engine import open_store
    from ycworker.common.periods import parse_quarter

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--carers", type=int, default=50_000)
    parser.add_argument("--quarter", default="2026-27-Q2")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--full-check", action="store_true",
                        help="also time the whole file's check (what an export ran before issue 17)")
    args = parser.parse_args()
    period = parse_quarter(args.quarter)
    source = demo_db(args.carers)
    with tempfile.TemporaryDirectory(prefix="ycw-bench-returns-", dir=bench_dir()) as tmp:
        tmp_path = Path(tmp)
        path = tmp_path / "data" / "ycworker.db"
        path.parent.mkdir(mode=0o700)
        shutil.copyfile(source, path)
        copy_keys(source, path)  # the key slots go with the copy
        path.chmod(0o600)
        store = open_store(path, PASSPHRASE)
        try:
            marks = register_marks(store)
            with store.raw() as conn:
                carers = conn.execute("SELECT count(*) FROM carer").fetchone()[0]
                referrals = conn.execute("SELECT count(*) FROM referral").fetchone()[0]
            print(f"returns benchmark: {args.quarter} ({period.start} to {period.end}) on a demo database of "
                  f"{carers:,} carers, {referrals:,} referrals, {marks:,} attendance marks "
                  f"({path.stat().st_size / 1e6:.0f} MB), today {TODAY}")
            export(store, period, tmp_path / "warm")  # warms the page cache and makes the secret
            raw_dump(store, period, (tmp_path / "warm-raw").mkdir() or tmp_path / "warm-raw")
            export_s, raw_s = [], []
            counts: dict[str, int] = {}
            result = None
            for i in range(args.repeat):
                raw_dir = tmp_path / f"raw-{i}"
                raw_dir.mkdir()
                t = time.perf_counter()
                counts = raw_dump(store, period, raw_dir)
                raw_s.append(time.perf_counter() - t)
                t = time.perf_counter()
                result = export(store, period, tmp_path / f"usb-{i}")
                export_s.append(time.perf_counter() - t)
            rows = {f.name: f.rows for f in result.files}
            print(f"(b) raw dump through sqlcipher3 + csv.writer: median "
                  f"{statistics.median(raw_s) * 1000:.0f} ms "
                  f"(runs {', '.join(f'{x * 1000:.0f}' for x in raw_s)} ms); rows "
                  + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
            print(f"(a) export_return to DIR and the outbox: median "
                  f"{statistics.median(export_s) * 1000:.0f} ms "
                  f"(runs {', '.join(f'{x * 1000:.0f}' for x in export_s)} ms); rows "
                  + ", ".join(f"{k} {v:,}" for k, v in rows.items() if k.endswith(".csv")))
            for line in stages(store, period, tmp_path):
                print(line)
            ratio = statistics.median(export_s) / statistics.median(raw_s)
            verdict = "met" if ratio <= GOAL else "MISSED"
            print(f"ratio (a)/(b): {ratio:.2f}x; goal <= {GOAL:.0f}x: {verdict}")
            from ycworker.protection import integrity
            from ycworker.returns.actions import check_ahead
            from ycworker.returns.export import RETURN_TABLES

            check_s, sealed_s, ahead_s = [], [], []
            sound = True
            for i in range(args.repeat):
                t = time.perf_counter()
                sound = integrity.tables_check(store, RETURN_TABLES).ok and sound
                check_s.append(time.perf_counter() - t)
                t = time.perf_counter()
                export(store, period, tmp_path / f"key-{i}", check=True)
                sealed_s.append(time.perf_counter() - t)
                assert check_ahead(store), "the check ahead found the file damaged"  # as Returns opens
                t = time.perf_counter()
                export(store, period, tmp_path / f"ahead-{i}", check=True)
                ahead_s.append(time.perf_counter() - t)
            print(f"the check before sealing ({len(RETURN_TABLES)} tables the return reads and their "
                  f"indexes: quick_check + foreign_key_check): median "
                  f"{statistics.median(check_s) * 1000:.0f} ms "
                  f"(runs {', '.join(f'{x * 1000:.0f}' for x in check_s)} ms; "
                  f"{'ok' if sound else 'DAMAGED'})")
            sealed = statistics.median(sealed_s)
            print(f"(c) key pressed to sealed return (export_return with its check): median "
                  f"{sealed * 1000:.0f} ms (runs {', '.join(f'{x * 1000:.0f}' for x in sealed_s)} ms); "
                  f"goal <= {SEALED_GOAL_S:.0f} s: {'met' if sealed <= SEALED_GOAL_S else 'MISSED'}")
            ahead = statistics.median(ahead_s)
            print(f"(d) key pressed to sealed return after the Returns screen's check ahead (the check "
                  f"ran while the figures were read; nothing written since): median {ahead * 1000:.0f} ms "
                  f"(runs {', '.join(f'{x * 1000:.0f}' for x in ahead_s)} ms); "
                  f"goal <= {SEALED_GOAL_S:.0f} s: {'met' if ahead <= SEALED_GOAL_S else 'MISSED'}")
            if args.full_check:
                t = time.perf_counter()
                whole = integrity.full_check(store).ok
                checked = time.perf_counter() - t
                print(f"for comparison, the whole file's integrity_check + foreign_key_check (before "
                      f"issue 17): {checked * 1000:.0f} ms ({'ok' if whole else 'DAMAGED'})")
        finally:
            store.close()


if __name__ == "__main__":
    main()
