"""Team sync at a service's size (issue 15): the first sync of a demo service both ways, a day's
edits both ways, and the same rows copied raw with PostgreSQL COPY for scale.

    python -m bench.team [--carers 5000] [--edits 300] [--seed 1]

Starts its own throwaway PostgreSQL (as bench/team_week.py and the tests do), runs the server app in
process (a TestClient). Laptop A is filled by ``ycworker demo`` and joins as the first manager (its
first sync pushes everything); laptop B, empty, joins as a second manager (its first sync pulls
everything). Then ``--edits`` field edits on A are pushed and pulled by B. Last, the server's
``field`` table is dumped with COPY TO STDOUT into memory and loaded with COPY FROM STDIN into an
empty table of the same shape. Prints each time and the ratios to the COPY round trip.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min, {os.cpu_count()} cpus)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--carers", type=int, default=5000)
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    import sqlalchemy as sa
    from fastapi.testclient import TestClient
    from sqlmodel import select

    from db.engine import open_store
    from db.keyslots import KdfCost
    from db.models import Carer
    from db.server.migrate import make_engine, upgrade
    from tests.team.conftest import _Postgres
    from ycworker import demo
    from ycworker.common import settings
    from ycworker.team import enrol
    from ycworker.team import sync as team_sync
    from ycworker.team.client import TeamClient
    from ycworker.team.server import service
    from ycworker.team.server.app import create_app

    print(f"load at start: {_load()}")
    passphrase = "team bench"
    url_a = "http://testserver"
    logging.getLogger("ycworker.team.server").setLevel(logging.CRITICAL)
    started = time.perf_counter()
    t: dict[str, float] = {}
    n: dict[str, int] = {}
    pg = _Postgres()
    pg.start()
    try:
        url = pg.url("postgres")
        engine = make_engine(url)
        upgrade(engine)
        code = service.init_service(engine, "Bench Young Carers")
        with tempfile.TemporaryDirectory(prefix="ycw-team-bench-") as tmp:
            template = Path(tmp) / "template" / "template.db"
            template.parent.mkdir()
            store = open_store(template, passphrase, kdf=KdfCost(n=2**10), name="Duty worker")
            store.checkpoint()
            store.close()

            def laptop(name: str):
                folder = Path(tmp) / name
                folder.mkdir(mode=0o700)
                path = folder / "ycworker.db"
                shutil.copyfile(template, path)
                shutil.copyfile(f"{template}.keys", f"{path}.keys")
                return open_store(path, passphrase)

            app = create_app(url)
            with TestClient(app, raise_server_exceptions=False) as client:
                a, b = laptop("a"), laptop("b")
                try:
                    t0 = time.perf_counter()
                    summary = demo.generate(a, args.carers, args.seed)
                    t["demo generate (not sync)"] = time.perf_counter() - t0
                    print(f"demo: {summary}")

                    def join(store, invite: str):
                        t0 = time.perf_counter()
                        joined = enrol.join(store, TeamClient(client), url_a, invite, passphrase=passphrase)
                        seconds = time.perf_counter() - t0
                        assert joined.first_sync.finished, joined.first_sync.problem
                        return joined.first_sync, seconds

                    def sync(store):
                        with store.read() as session:
                            token = settings.get(session, team_sync.TOKEN)
                        t0 = time.perf_counter()
                        result = team_sync.sync(store, TeamClient(client, token))
                        seconds = time.perf_counter() - t0
                        assert result.finished, result.problem
                        return result, seconds

                    first_a, t["first sync push (A joins)"] = join(a, code)
                    n["first push: pushed"] = first_a.pushed
                    first_b, t["first sync pull (B joins)"] = join(
                        b, service.invite(engine, "Second manager", manager=True))
                    n["first pull: pulled"] = first_b.pulled

                    # A day's work: edits through the ORM, in a few transactions.
                    with a.read() as session:
                        ids = list(session.exec(select(Carer.id).order_by(Carer.id)
                                                .limit((args.edits + 1) // 2)))
                    edits = 0
                    batches = [ids[i::4] for i in range(4)]
                    for day_part, batch in enumerate(batches):
                        with a.write() as session:
                            for carer_id in batch:
                                carer = session.get(Carer, carer_id)
                                carer.preferred_name = f"Pref {day_part} {carer_id[:6]}"
                                edits += 1
                                if edits < args.edits:
                                    carer.caring_tasks = f"Shopping and meds, part {day_part}"
                                    edits += 1
                                session.add(carer)
                    n["day: field edits made"] = edits
                    day_a, t["day push (A syncs)"] = sync(a)
                    n["day push: pushed"] = day_a.pushed
                    day_b, t["day pull (B syncs)"] = sync(b)
                    n["day pull: pulled"] = day_b.pulled
                finally:
                    a.close()
                    b.close()
            app.state.engine.dispose()

        # The same rows, raw: COPY the server's field table out to memory and into an empty twin.
        with engine.connect() as conn:
            n["server field rows"] = conn.execute(sa.text("SELECT count(*) FROM field")).scalar_one()
            n["server change_log rows"] = conn.execute(
                sa.text("SELECT count(*) FROM change_log")).scalar_one()
            n["server record rows"] = conn.execute(sa.text("SELECT count(*) FROM record")).scalar_one()
        raw = engine.raw_connection()
        try:
            pg_conn = raw.driver_connection
            with pg_conn.cursor() as cur:
                cur.execute("CREATE TABLE field_copy (LIKE field INCLUDING ALL)")
            pg_conn.commit()
            buffer = bytearray()
            t0 = time.perf_counter()
            with pg_conn.cursor() as cur, cur.copy("COPY field TO STDOUT") as copy:
                for data in copy:
                    buffer += data
            pg_conn.commit()
            t["COPY field TO STDOUT"] = time.perf_counter() - t0
            t1 = time.perf_counter()
            with pg_conn.cursor() as cur:
                with cur.copy("COPY field_copy FROM STDIN") as copy:
                    copy.write(bytes(buffer))
                cur.execute("SELECT count(*) FROM field_copy")
                n["COPY rows loaded"] = cur.fetchone()[0]
            pg_conn.commit()
            t["COPY FROM STDIN into field_copy"] = time.perf_counter() - t1
            t["COPY round trip"] = time.perf_counter() - t0
            n["COPY bytes"] = len(buffer)
        finally:
            raw.close()
        engine.dispose()
    finally:
        pg.stop()

    print(f"{args.carers} carers, seed {args.seed}")
    for key, value in n.items():
        print(f"  {key}: {value:,}")
    for key, seconds in t.items():
        print(f"  {key}: {seconds:.2f} s")
    copy_rt = t["COPY round trip"]
    rows = n["server field rows"]
    print(f"  first sync pull / COPY round trip: {t['first sync pull (B joins)'] / copy_rt:.1f}x")
    print(f"  first sync push / COPY round trip: {t['first sync push (A joins)'] / copy_rt:.1f}x")
    print(f"  first sync push: {1e6 * t['first sync push (A joins)'] / rows:.0f} us per field row;"
          f" pull: {1e6 * t['first sync pull (B joins)'] / rows:.0f} us; COPY: {1e6 * copy_rt / rows:.1f} us")
    print(f"  total (with PostgreSQL start and demo): {time.perf_counter() - started:.1f} s")
    print(f"load at end: {_load()}")


if __name__ == "__main__":
    main()
