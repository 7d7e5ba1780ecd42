"""The manager's Team screen at service scale: 30 workers and 50,000 carers.

    python -m bench.team_view [--carers 50000] [--workers 30]

The 50,000-carer demo database (bench/common.py) is copied, given workers up to ``--workers``
with the carers shared among them round-robin, and a report of every worker's laptop as a sync
would have kept it (``team.devices``). Then:

* the service: ``overview.team_overview`` (one grouped read of the carer table);
* the screen: from ``push_screen(TeamScreen())`` to the first frame painted with its rows
  (headless ``run_test``), six times.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import (
    BENCH_TODAY,
    PASSPHRASE,
    Frames,
    bench_app,
    demo_db,
    settled_at_home,
    summary,
    timings,
)
from db.engine import copy_keys


def prepare(source: Path, folder: Path, n_workers: int) -> Path:
    """A copy of the demo database with ``n_workers`` workers sharing its carers and a kept report
    of their laptops."""
    import sqlalchemy as sa
    from sqlmodel import col, select

    from db.engine import open_store
    from db.models import Worker
    from ycworker.common import settings
    from ycworker.team import protocol
    from ycworker.team import sync as team_sync

    path = folder / "team.db"
    shutil.copyfile(source, path)
    copy_keys(source, path)
    store = open_store(path, PASSPHRASE)
    try:
        with store.write() as s:
            have = s.exec(select(Worker).where(col(Worker.active)).order_by(Worker.name)).all()
            for i in range(len(have), n_workers):
                s.add(Worker(name=f"Bench Worker {i + 1:02d}", role="worker", initials=f"B{i + 1:02d}"))
            s.flush()
            ids = [w.id for w in s.exec(select(Worker).where(col(Worker.active)).order_by(Worker.name)).all()]
            conn = s.connection()
            for i, wid in enumerate(ids):  # Core: this copy is no team's, nothing is queued
                conn.execute(sa.text("UPDATE carer SET worker_id = :w WHERE rowid % :n = :i"),
                             {"w": wid, "n": len(ids), "i": i})
            at = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
            report = protocol.TeamResponse(server_time=at, workers=[], devices=[
                protocol.DeviceReport(device_id=f"{i:032x}", worker_id=wid, waiting=i % 5,
                                      enrolled_at=at - timedelta(days=60),
                                      last_sync_at=at - timedelta(hours=i * 7))
                for i, wid in enumerate(ids)])
            settings.put(s, team_sync.DEVICES, report.model_dump_json())
        store.checkpoint()
    finally:
        store.close()
    return path


def service_timing(path: Path) -> tuple[str, int, int]:
    from db.engine import open_store
    from ycworker.common.context import Context
    from ycworker.team import overview

    store = open_store(path, PASSPHRASE)
    try:
        assert store.acting is not None
        ctx = Context(BENCH_TODAY, store.acting[0])
        view = overview.team_overview(store, ctx)
        ms = timings(lambda: overview.team_overview(store, ctx), repeat=20, warmup=2)
        return summary("team overview (service)", ms), len(view.lines), view.open_cases
    finally:
        store.close()


async def screen_timing(path: Path, rounds: int = 6) -> list[float]:
    from screens.team.team_view import TeamScreen

    real_show, real_refresh = TeamScreen.show, TeamScreen._compositor_refresh
    frames = Frames()
    state = {"shown": False}

    def show(self, view):
        real_show(self, view)
        state["shown"] = True

    def compositor_refresh(self):
        real_refresh(self)
        if state["shown"]:
            state["shown"] = False
            frames.painted()

    TeamScreen.show, TeamScreen._compositor_refresh = show, compositor_refresh  # type: ignore[method-assign]
    app = bench_app(path, BENCH_TODAY)
    out: list[float] = []
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await settled_at_home(app, pilot)
            for _ in range(rounds):
                before = len(frames)
                t0 = time.perf_counter()
                app.push_screen(TeamScreen())
                out.append((await frames.after(before) - t0) * 1000)
                await pilot.pause(0.2)
                app.pop_screen()
                await pilot.pause(0.2)
    finally:
        TeamScreen.show, TeamScreen._compositor_refresh = real_show, real_refresh  # type: ignore[method-assign]
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--carers", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=30)
    args = parser.parse_args(argv)
    source = demo_db(args.carers)
    with tempfile.TemporaryDirectory(prefix="ycw-team-view-") as tmp:
        path = prepare(source, Path(tmp), args.workers)
        line, n_lines, n_open = service_timing(path)
        print(f"{n_lines} workers, {n_open:,} open cases of {args.carers:,} carers")
        print(line)
        ms = asyncio.run(screen_timing(path))
        print(summary("Team screen open, push to first frame with its rows (UI)", ms))
        print(f"Team screen open time: median {statistics.median(ms):.0f} ms")


if __name__ == "__main__":
    main()
