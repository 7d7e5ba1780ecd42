"""The team week, longer: more laptops, days and edits than tests/team/test_team_week.py, with
every fault of issue 15, and the figures printed.

    python -m bench.team_week [--laptops 30] [--days 14] [--worker-edits 4] [--manager-edits 8]
                              [--seed 15]

Starts its own throwaway PostgreSQL (as the tests do: ``pg_ctl`` on PATH or under
``/usr/lib/postgresql/*/bin``), runs the server app in process (a TestClient), plays the week
(tests/helpers/team_week.py) and checks every promise at the end; prints the counts and the time
of each phase. A failed check raises with what differed.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--laptops", type=int, default=30)
    parser.add_argument("--managers", type=int, default=4)
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--carers-per-worker", type=int, default=6)
    parser.add_argument("--worker-edits", type=int, default=4)
    parser.add_argument("--manager-edits", type=int, default=8)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from db.engine import open_store
    from db.keyslots import KdfCost
    from db.server.migrate import make_engine, upgrade
    from tests.helpers.team_week import Week, WeekConfig, pg_restarter
    from tests.team.conftest import _Postgres
    from ycworker.team.server import service
    from ycworker.team.server.app import create_app

    passphrase = "team week bench"
    edits = args.laptops * args.days * (args.worker_edits + args.manager_edits) // 2
    config = WeekConfig(
        laptops=args.laptops, managers=args.managers, days=args.days,
        carers_per_worker=args.carers_per_worker,
        worker_edits=args.worker_edits, manager_edits=args.manager_edits, seed=args.seed,
        same_pairs=max(10, edits * 5 // 200), diff_pairs=max(8, edits // 40), reassignments=args.days,
        new_carers=args.laptops // 3,
        faults=tuple((d, f) for d in range(1, args.days - 1, 4) for f in (
            "drop", "cut", "twice", "fail500", "reorder", "crash", "pg_restart")),
        erase_day=args.days // 2)
    logging.getLogger("ycworker.team.server").setLevel(logging.CRITICAL)  # the injected 500s
    started = time.perf_counter()
    pg = _Postgres()
    pg.start()
    try:
        url = pg.url("postgres")
        engine = make_engine(url)
        upgrade(engine)
        code = service.init_service(engine, "Bench Young Carers")
        with tempfile.TemporaryDirectory(prefix="ycw-team-week-") as tmp:
            template = Path(tmp) / "template" / "template.db"
            template.parent.mkdir()
            store = open_store(template, passphrase, kdf=KdfCost(n=2**10), name="Duty worker")
            store.checkpoint()
            store.close()
            app = create_app(url)
            with TestClient(app, raise_server_exceptions=False) as client:
                week = Week(server_client=client, engine=engine, manager_code=code, template_db=template,
                            folder=Path(tmp) / "laptops", passphrase=passphrase,
                            restart_postgres=pg_restarter(pg), config=config, progress=print)
                try:
                    with week.patched():
                        week.setup()
                        week.run()
                    figures = week.check(Path(tmp) / "return")
                finally:
                    week.close()
            app.state.engine.dispose()
        engine.dispose()
    finally:
        pg.stop()
    print(f"{args.laptops} laptops, {args.days} days, seed {args.seed}: every check passed")
    for key, value in figures.items():
        print(f"  {key}: {value}")
    for phase, seconds in week.timings.items():
        print(f"  {phase}: {seconds:.1f} s")
    syncing = week.timings["week"] + week.timings["final syncs"]
    print(f"  per sync: {1000 * syncing / figures['syncs']:.0f} ms"
          f" over {figures['syncs']} syncs")
    print(f"  total (with PostgreSQL start): {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
