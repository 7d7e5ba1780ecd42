"""Caseload benchmark on the 50,000-carer demo database.

    python -m bench.caseload [--carers 50000] [--import-rows 50000]

* search (service): ``caseload.window`` for every prefix typed of real names, refs and schools;
* search through the UI: the app runs headless (``run_test``); from the key being sent
  (``pilot.press``) to the end of the first compositor refresh that painted the rows of that
  text's result (the frame written to the headless terminal). Goal: median <= 30 ms, p95 <= 100 ms;
* caseload screen open: from ``push_screen(CaseloadScreen())`` to the first painted rows;
* import of an N-row caseload CSV into an empty store vs a raw Core executemany of the same
  carers, households and referrals into another empty store, in the same run. Goal: <= 3x.

    python -m bench.caseload --scale [--scale-carers 5000,50000,200000] [--skip-ui]

prints issue 17's "How cost grows" table: every figure (medians) at each size side by side, with
the growth from 50,000 to 200,000 carers and whether an interactive path keeps it under 1.5x.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import shutil
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench.common import PASSPHRASE, Frames, bench_app, demo_db, settled_at_home, summary, timings
from db.engine import copy_keys

TODAY = date(2026, 11, 24)
SEARCH_GOAL_MEDIAN, SEARCH_GOAL_P95, IMPORT_GOAL = 30.0, 100.0, 3.0
DEADLINE_GOAL = 20.0  # ms, sort by deadline (service), issue 17


def p95(ms: list[float]) -> float:
    ms = sorted(ms)
    return ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]


def search_texts(path: Path, n: int = 8, seed: int = 3) -> list[str]:
    """Things a worker types: a first name and the start of a surname, a ref, a school word."""
    from sqlmodel import select

    from db.engine import open_store
    from db.models import Carer, School

    store = open_store(path, PASSPHRASE)
    try:
        with store.read() as s:
            rng = random.Random(seed)
            people = s.exec(select(Carer.first_name, Carer.last_name, Carer.carer_ref)).all()
            schools = s.exec(select(School.name)).all()
    finally:
        store.close()
    picks = rng.sample(list(people), n)
    texts = [f"{first} {last[:4]}".lower() for first, last, _ref in picks[: n - 2]]
    texts.append(picks[-1][2][:6])
    texts.append(rng.choice(schools).split()[0][:5].lower())
    return texts


def service_timings(path: Path, texts: list[str]) -> list[str]:
    from db.engine import open_store
    from ycworker.caseload import search as caseload

    store = open_store(path, PASSPHRASE)
    try:
        per_key = []
        for text in texts:
            for i in range(1, len(text) + 1):
                q = caseload.CaseloadQuery(text=text[:i])

                def run(q=q):
                    with store.read() as s:
                        caseload.window(s, q, TODAY, 0, 100)

                per_key += timings(run, repeat=3, warmup=1)
        lines = [summary("search window, service only (each prefix typed)", per_key)]
        for label, q in [("open list, name order", caseload.CaseloadQuery()),
                         ("open list, 30,000 rows down", None),
                         ("overdue filter", caseload.CaseloadQuery(overdue=True)),
                         ("turning 18 filter", caseload.CaseloadQuery(turning_18=True)),
                         ("sort by last contact", caseload.CaseloadQuery(sort="last_contact")),
                         ("sort by deadline", caseload.CaseloadQuery(sort="deadline"))]:
            def run(q=q):
                with store.read() as s:
                    if q is None:
                        caseload.window(s, caseload.CaseloadQuery(status="all"), TODAY, 30_000, 100)
                    else:
                        caseload.window(s, q, TODAY, 0, 100)
            ms = timings(run, repeat=10, warmup=1)
            lines.append(summary(f"{label} (service)", ms))
            if label == "sort by deadline":
                lines.append(f"sort by deadline goal <= {DEADLINE_GOAL:.0f} ms: "
                             f"{statistics.median(ms) / DEADLINE_GOAL:.2f}x the goal")
        # Scrolling on in deadline order as the screen does: the page after a held page, by key.
        by_deadline = caseload.CaseloadQuery(sort="deadline", status="all")
        with store.read() as s:
            held = caseload.window(s, by_deadline, TODAY, 29_900, 100, with_total=False)

        def on_by_key():
            with store.read() as s:
                caseload.window(s, by_deadline, TODAY, 30_000, 100, with_total=False, after=held.last_key)
        lines.append(summary("deadline order, everyone, 30,000 rows down, next page by key (service)",
                             timings(on_by_key, repeat=10, warmup=1)))
        return lines
    finally:
        store.close()


async def through_the_ui(path: Path, texts: list[str]):
    from screens.caseload import caseload as caseload_screen
    from screens.caseload import widgets as widgets_caseload

    screen_cls, list_cls = caseload_screen.CaseloadScreen, widgets_caseload.CaseloadList
    real_render, real_refresh, real_show = (list_cls.render_line, screen_cls._compositor_refresh,
                                            screen_cls._show)
    frames = Frames()
    state = {"want": None, "applied": False, "seen": False}

    def show(self, query, window, keep):
        real_show(self, query, window, keep)
        if state["want"] is not None and query.text == state["want"] and query == self.query_state:
            state["applied"] = True

    def render_line(self, y):
        strip = real_render(self, y)
        if state["applied"]:
            state["seen"] = True
        return strip

    def compositor_refresh(self):
        real_refresh(self)
        if state["seen"]:
            frames.painted()
            state.update(want=None, applied=False, seen=False)

    screen_cls._show, list_cls.render_line, screen_cls._compositor_refresh = show, render_line, \
        compositor_refresh
    app = bench_app(path, TODAY)
    key_ms, open_ms, totals = [], [], []
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await settled_at_home(app, pilot)
            for _round in range(6):
                before = len(frames)
                state.update(want="", applied=False, seen=False)
                t0 = time.perf_counter()
                app.push_screen(screen_cls())
                open_ms.append((await frames.after(before) - t0) * 1000)
                await pilot.pause(0.2)
                screen = app.screen
                totals.append(screen.last_window.total)
                if _round < 5:
                    app.pop_screen()
                    await pilot.pause(0.2)
            for text in texts:
                for i, ch in enumerate(text):
                    key = {" ": "space", "-": "minus"}.get(ch, ch)
                    before = len(frames)
                    state.update(want=text[: i + 1], applied=False, seen=False)
                    t0 = time.perf_counter()
                    await pilot.press(key)
                    key_ms.append((await frames.after(before) - t0) * 1000)
                    await pilot.pause(0.02)
                screen.query_one("#caseload-search").value = ""
                await pilot.pause(0.3)
    finally:
        screen_cls._show, list_cls.render_line, screen_cls._compositor_refresh = real_show, real_render, \
            real_refresh
    return key_ms, open_ms, totals[-1] if totals else 0


# -- import ----------------------------------------------------------------------------------------

FIRST = ("Amira", "Ben", "Chloe", "Daniel", "Ella", "Finn", "Grace", "Harry", "Isla", "Jack", "Kai", "Leah",
         "Mia", "Noah", "Olivia", "Priya", "Ruby", "Sam")
LAST = ("Khan", "Smith", "Jones", "Taylor", "Brown", "Williams", "Patel", "Wilson", "Davies", "Evans",
        "Thomas", "Roberts", "Walker", "Wright")
ETHNIC = ("WBRI", "WIRI", "MWBC", "APKN", "ABAN", "BAFR", "CHNE", "OOTH", "NOBT")


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    """``rows`` referrals: most carers once, some twice, in households of one to three."""
    rng = random.Random(seed)
    header = ["carer_ref", "first_name", "last_name", "date_of_birth", "sex", "ethnicity", "district",
              "school", "household_ref", "referral_date", "referral_source", "consent", "allocated_date",
              "assessment_completed_date", "impact_level", "closed_date", "closure_reason"]
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        n, person = 0, 0
        while n < rows:
            person += 1
            first, last = rng.choice(FIRST), rng.choice(LAST)
            dob = date(2004, 1, 1) + timedelta(days=rng.randrange(6500))
            hh = f"HH{person // 2:06d}" if rng.random() < 0.3 else ""
            district = f"District {rng.randrange(12)}"
            school = f"{rng.choice(LAST)} Academy {rng.randrange(200)}"
            sex, eth = rng.choice("MFU"), rng.choice(ETHNIC)
            low = max(dob + timedelta(days=365 * 5), date(2019, 1, 1))
            first_ref = low + timedelta(days=rng.randrange(max(1, (TODAY - low).days - 60)))
            first_ref = min(first_ref, TODAY - timedelta(days=40))
            for k in range(1 if rng.random() < 0.8 else 2):
                ref = first_ref + timedelta(days=200 * k)
                if n >= rows or ref > TODAY - timedelta(days=40):
                    break
                alloc = ref + timedelta(days=rng.randrange(9)) if rng.random() < 0.9 else None
                assess = alloc + timedelta(days=rng.randrange(25)) if alloc and rng.random() < 0.8 else None
                closed = ref + timedelta(days=30 + rng.randrange(10)) if rng.random() < 0.5 else None
                w.writerow([f"R{person:07d}", first, last, dob.strftime("%d/%m/%Y"), sex, eth, district,
                            school, hh, ref.isoformat(), rng.choice(["school", "gp", "parent", "self"]),
                            rng.choice(["given", "given", "pending", "refused"]),
                            alloc.isoformat() if alloc else "", assess.isoformat() if assess else "",
                            rng.choice(["", "low", "medium", "high"]) if assess else "",
                            closed.isoformat() if closed else "", "moved_away" if closed else ""])
                n += 1


def empty_store(folder: Path, name: str):
    from db.engine import open_store

    return open_store(folder / name, PASSPHRASE)


def raw_rows(plan) -> list[tuple[object, list[dict]]]:
    """The same districts, schools, households, carers and referrals as plain dicts (built
    before the clock starts), for the raw executemany baseline."""
    from db.models import Carer, District, Household, Referral, School, new_id, utcnow

    now = utcnow()
    st = {"created_at": now, "updated_at": now}
    districts, schools, households, carers, referrals = {}, {}, {}, {}, []
    hh_rows, carer_rows = [], []
    for r in plan.rows:
        d = districts.setdefault(r.district, {"id": new_id(), "name": r.district, **st})
        if r.school and r.school not in schools:
            schools[r.school] = {"id": new_id(), "name": r.school, "district_id": d["id"], "phase": "",
                                 "on_list": False, "champion_name": "", **st}
        if r.carer_ref not in carers:
            key = r.household_ref or f"one:{r.carer_ref}"
            if key not in households:
                households[key] = {"id": new_id(), "ref": r.household_ref or None,
                                   "name": f"{r.last_name} family", "address": "", "postcode": "",
                                   "phone": "", "district_id": d["id"], **st}
                hh_rows.append(households[key])
            carers[r.carer_ref] = {
                "id": new_id(), "carer_ref": r.carer_ref, "first_name": r.first_name,
                "last_name": r.last_name, "preferred_name": "", "date_of_birth": r.date_of_birth,
                "sex": r.sex, "ethnicity": r.ethnicity, "disability": False,
                "household_id": households[key]["id"],
                "school_id": schools[r.school]["id"] if r.school else None, "district_id": d["id"],
                "worker_id": None, "phone": "", "email": "", "caring_tasks": "", "impact_level": None,
                "status": "open", "needs_referral_details": False, "fsm": False, "send": False, **st}
            carer_rows.append(carers[r.carer_ref])
        referrals.append({
            "id": new_id(), "carer_id": carers[r.carer_ref]["id"], "referral_date": r.referral_date,
            "source": r.source, "referrer_name": "", "referrer_contact": "", "reason": "",
            "consent": r.consent, "consent_date": None, "consent_given_by": "", "worker_id": None,
            "allocated_date": r.allocated_date, "assessment_completed_date": r.assessment_completed_date,
            "impact_level": r.impact_level, "closed_date": r.closed_date,
            "closure_reason": r.closure_reason, "closure_note": "", "reopened_count": 0,
            "import_key": r.import_key, **st})
    return [(District, list(districts.values())), (School, list(schools.values())),
            (Household, hh_rows), (Carer, carer_rows), (Referral, referrals)]


def import_timings(rows: int) -> list[str]:
    from sqlalchemy import insert, text

    from ycworker.caseload.importing import IMPORT_CACHE_KIB, check_text, import_file, read_text

    lines = []
    with tempfile.TemporaryDirectory(prefix="ycw-bench-import-") as tmp:
        folder = Path(tmp)
        path = folder / "caseload.csv"
        write_csv(path, rows)
        plan = check_text(read_text(path), path.name, TODAY)
        assert plan.ok, plan.errors[:5]
        tables = raw_rows(plan)

        raw_store = empty_store(folder, "raw.db")
        t0 = time.perf_counter()
        with raw_store.connect(write=True) as conn:
            conn.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")  # as the import does
            for model, batch in tables:
                if batch:
                    conn.execute(insert(model), batch)
        raw_s = time.perf_counter() - t0
        raw_store.close()

        bare_store = empty_store(folder, "bare.db")
        t0 = time.perf_counter()
        with bare_store.connect(write=True) as conn:
            conn.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
            conn.execute(text("DROP TRIGGER carer_fts_ai"))
            for model, batch in tables:
                if batch:
                    conn.execute(insert(model), batch)
        bare_s = time.perf_counter() - t0
        bare_store.close()

        store = empty_store(folder, "import.db")
        t0 = time.perf_counter()
        result = import_file(store, path, TODAY)
        import_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = import_file(store, path, TODAY)
        again_s = time.perf_counter() - t0
        store.close()
        lines.append(f"import of a {rows:,}-row file: {import_s:.2f} s ({result.carers:,} carers, "
                     f"{result.households:,} households, {result.referrals:,} referrals)")
        lines.append(f"raw executemany of the same rows (same schema, triggers, page cache): {raw_s:.2f} s")
        lines.append(f"raw executemany with the search-index trigger dropped (no index): {bare_s:.2f} s")
        lines.append(f"import / raw = {import_s / raw_s:.2f}x (goal <= {IMPORT_GOAL:.0f}x); "
                     f"import / raw without search index = {import_s / bare_s:.2f}x")
        lines.append(f"re-import of the same file: {again_s:.2f} s, added {again.referrals} referrals")
    return lines


# -- how cost grows -----------------------------------------------------------------------------

GROWTH_GOAL = 1.5  # interactive paths, 50,000 -> 200,000 carers (issue 17)


def scale_figures(path: Path, texts: list[str], skip_ui: bool) -> dict[str, float]:
    """Medians (ms; the file in MB) of every row of the issue's table, on one database."""
    from db.engine import open_store
    from ycworker.caseload import search as caseload

    out: dict[str, float] = {}
    store = open_store(path, PASSPHRASE)
    try:
        def median_of(fn, repeat=10) -> float:
            return statistics.median(timings(fn, repeat=repeat, warmup=1))

        def window(q, offset=0, **kw):
            def run():
                with store.read() as s:
                    caseload.window(s, q, TODAY, offset, 100, **kw)
            return run

        per_key = []
        for text in texts:
            for i in range(1, len(text) + 1):
                per_key += timings(window(caseload.CaseloadQuery(text=text[:i])), repeat=3, warmup=1)
        out["search (service)"] = statistics.median(per_key)
        everyone = caseload.CaseloadQuery(status="all")
        out["list scrolled 30,000 rows down, jump by offset (service)"] = median_of(window(everyone, 30_000))
        with store.read() as s:
            held = caseload.window(s, everyone, TODAY, 29_900, 100, with_total=False)
        out["list scrolled 30,000 rows down, next page by key (service)"] = median_of(
            window(everyone, 30_000, with_total=False, after=held.last_key))
        out["overdue filter (service)"] = median_of(window(caseload.CaseloadQuery(overdue=True)))
        out["turning-18 filter (service)"] = median_of(window(caseload.CaseloadQuery(turning_18=True)))
        out["sort by deadline (service)"] = median_of(window(caseload.CaseloadQuery(sort="deadline")))
        out["sort by last contact (service)"] = median_of(window(caseload.CaseloadQuery(sort="last_contact")))
    finally:
        store.close()
    if not skip_ui:
        key_ms, open_ms, _total = asyncio.run(through_the_ui(path, texts))
        out["search keystroke to painted result"] = statistics.median(key_ms)
        out["caseload screen open"] = statistics.median(open_ms)
    out["database file (MB)"] = path.stat().st_size / 1e6
    return out


INTERACTIVE = ("search (service)", "search keystroke to painted result", "caseload screen open",
               "list scrolled 30,000 rows down, next page by key (service)", "overdue filter (service)",
               "turning-18 filter (service)", "sort by deadline (service)", "sort by last contact (service)")


def scale_table(sizes: list[int], skip_ui: bool) -> list[str]:
    results: dict[int, dict[str, float]] = {}
    for n in sizes:
        source = demo_db(n)
        with tempfile.TemporaryDirectory(prefix="ycw-bench-scale-", dir=source.parent) as tmp:
            path = Path(tmp) / "ycworker.db"
            shutil.copyfile(source, path)
            copy_keys(source, path)
            path.chmod(0o600)
            results[n] = scale_figures(path, search_texts(path), skip_ui)
    labels = list(next(iter(results.values())))
    head = f"{'path':<62}" + "".join(f"{n:>12,}" for n in sizes)
    grow = 50_000 in results and 200_000 in results
    lines = [f"how cost grows (medians, ms; today {TODAY})", head + ("   50k->200k" if grow else "")]
    for label in labels:
        line = f"{label:<62}" + "".join(f"{results[n][label]:>12.1f}" for n in sizes)
        if grow:
            g = results[200_000][label] / results[50_000][label]
            flag = "" if label not in INTERACTIVE else (" ok" if g < GROWTH_GOAL else
                                                         f" over the {GROWTH_GOAL}x goal")
            line += f"{g:>11.2f}x{flag}"
        lines.append(line)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--carers", type=int, default=50_000)
    parser.add_argument("--import-rows", type=int, default=50_000)
    parser.add_argument("--skip-ui", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--scale", action="store_true", help="the 'How cost grows' table (issue 17)")
    parser.add_argument("--scale-carers", default="5000,50000,200000")
    args = parser.parse_args()
    if args.scale:
        for line in scale_table([int(n) for n in args.scale_carers.split(",")], args.skip_ui):
            print(line)
        return
    source = demo_db(args.carers)
    with tempfile.TemporaryDirectory(prefix="ycw-bench-caseload-") as tmp:
        path = Path(tmp) / "ycworker.db"
        shutil.copyfile(source, path)
        copy_keys(source, path)  # the key slots go with the copy
        path.chmod(0o600)
        texts = search_texts(path)
        print(f"caseload benchmark: {args.carers:,}-carer demo database, today {TODAY}; typing {texts}")
        for line in service_timings(path, texts):
            print(line)
        if not args.skip_ui:
            key_ms, open_ms, total = asyncio.run(through_the_ui(path, texts))
            print(summary(f"caseload screen open (push to painted rows; {total:,} open carers)", open_ms))
            print(summary("search keystroke to painted result (through the UI)", key_ms))
            med, high = statistics.median(key_ms), p95(key_ms)
            print(f"search goal median <= {SEARCH_GOAL_MEDIAN:.0f} ms: {med / SEARCH_GOAL_MEDIAN:.2f}x the "
                  f"goal; p95 <= {SEARCH_GOAL_P95:.0f} ms: {high / SEARCH_GOAL_P95:.2f}x the goal")
    if not args.skip_import:
        for line in import_timings(args.import_rows):
            print(line)


if __name__ == "__main__":
    main()
