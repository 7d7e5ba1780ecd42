"""Register benchmark: keypress to re-painted mark, and register open time, on the demo database.

    python -m bench.register [--carers 50000] [--members 40]

A copy of the cached demo database (bench/common.demo_db) gets one more club meeting today with
40 members drawn from its carers. The app runs headless through ``run_test``:

* open: from ``app.open_register(session_id)`` to the end of the first compositor refresh that
  rendered the register's rows (the database read runs in a thread worker);
* mark: from the key being sent (``pilot.press``) to the end of the first compositor refresh that
  rendered that child's row with the new mark (the frame written to the headless terminal);
* save: from the key to the mark committed in the thread worker (not on the paint path).

Figures are printed as median / p95; the goal for a mark is 16 ms (one frame at 60 Hz).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from datetime import date
from datetime import time as dtime
from pathlib import Path

from bench.common import PASSPHRASE, Frames, bench_app, demo_db, settled_at_home, summary, timings
from db.engine import copy_keys

GOAL_MS = 16.0


def add_bench_club(path: Path, members: int, today: date) -> tuple[str, str]:
    """A club meeting today with ``members`` carers; returns (session_id, worker_id)."""
    from sqlmodel import select

    from db.engine import open_store
    from db.models import Carer, Worker
    from ycworker.common import settings
    from ycworker.registers import clubs

    store = open_store(path, PASSPHRASE)
    try:
        with store.write() as s:
            worker_id = s.exec(select(Worker.id).where(Worker.active).order_by(Worker.name)).first()
            form = clubs.ClubForm(name="Bench Club", venue="Bench Hall", min_age="5", max_age="24",
                                  frequency="weekly", weekday=today.weekday(), start_time="16:00",
                                  end_time="18:00", first_date=f"{today:%d/%m/%Y}")
            club_id = clubs.save_club(s, form, worker_id=worker_id, today=today)
            # Spread over the whole table, not the first rows made.
            every = s.exec(select(Carer.id).order_by(Carer.carer_ref)).all()
            ids = every[:: max(1, len(every) // members)][:members]
            for cid in ids:
                clubs.add_member(s, club_id, cid, today=today)
            session_id = next(x.id for x in clubs.sessions_on(s, today, worker_id) if x.club_id == club_id)
            settings.put(s, settings.LAST_WORKER, worker_id)
        store.checkpoint()
        return session_id, worker_id
    finally:
        store.close()


def service_timings(path: Path, session_id: str, worker_id: str, today: date) -> list[str]:
    from db.engine import open_store
    from ycworker.registers import register as registers

    store = open_store(path, PASSPHRASE)
    try:
        def load():
            with store.read() as s:
                registers.load_register(s, session_id)

        reg = None
        with store.read() as s:
            reg = registers.load_register(s, session_id)
        child = reg.rows[0].carer_id

        def mark():
            with store.write() as s:
                registers.mark(s, session_id, child, "present", today=today, worker_id=worker_id)

        return [summary("load_register (service, read)", timings(load, repeat=30)),
                summary("mark (service, one committed write)", timings(mark, repeat=30))]
    finally:
        store.close()


async def through_the_ui(path: Path, session_id: str, today: date, members: int):
    from screens.registers import register as register_screen
    from screens.registers import register_list
    from ycworker.registers import register as registers

    frames = Frames()
    saved_at: list[float] = []
    # target: (carer_id, status) a press should show; "open": waiting for the first rows.
    state: dict = {"target": None, "seen": False, "open": False}
    screen_cls, list_cls = register_screen.RegisterScreen, register_list.RegisterList
    real_render_line, real_refresh = list_cls.render_line, screen_cls._compositor_refresh
    real_saved = screen_cls.saved

    def render_line(self, y):
        strip = real_render_line(self, y)
        i = y + round(self.scroll_y)
        if 0 <= i < len(self.rows):
            target = state["target"]
            if state["open"] or (target and self.rows[i].carer_id == target[0]
                                 and self.rows[i].status == target[1]):
                state["seen"] = True
        return strip

    def compositor_refresh(self):
        real_refresh(self)  # the frame is written to the (headless) terminal here
        if state["seen"]:
            frames.painted()
            state.update(seen=False, target=None, open=False)

    def saved(self, batch):
        saved_at.append(time.perf_counter())
        real_saved(self, batch)

    list_cls.render_line, screen_cls._compositor_refresh, screen_cls.saved = (
        render_line, compositor_refresh, saved)
    app = bench_app(path, today)
    open_ms, mark_ms, save_ms = [], [], []
    counts = None
    try:
        async with app.run_test(size=(120, 60)) as pilot:
            await settled_at_home(app, pilot)
            for round_ in range(5):
                before = len(frames)
                state.update(open=True, seen=False)
                t0 = time.perf_counter()
                app.open_register(session_id)
                open_ms.append((await frames.after(before) - t0) * 1000)
                await pilot.pause(0.3)
                screen = app.screen
                assert len(screen.reg.rows) == members, len(screen.reg.rows)
                if round_ < 4:
                    app.pop_screen()
                    await pilot.pause(0.3)
            # Two passes: space marks present and moves on; then l (late) and down, row by row.
            for key in ["space"] * members + ["ctrl+home"] + ["l", "down"] * members:
                if key in ("down", "ctrl+home"):
                    await pilot.press(key)
                    continue
                row = screen.current()
                before, saves_before = len(frames), len(saved_at)
                state.update(target=(row.carer_id, "present" if key == "space" else "late"), seen=False)
                t0 = time.perf_counter()
                await pilot.press(key)
                mark_ms.append((await frames.after(before) - t0) * 1000)
                for _ in range(2000):
                    if len(saved_at) > saves_before:
                        break
                    await asyncio.sleep(0.001)
                if len(saved_at) > saves_before:
                    save_ms.append((saved_at[saves_before] - t0) * 1000)
            await pilot.pause(0.5)
            await app.workers.wait_for_complete()
            counts = registers.headcount(screen.reg.rows)
    finally:
        list_cls.render_line, screen_cls._compositor_refresh, screen_cls.saved = (
            real_render_line, real_refresh, real_saved)
    return open_ms, mark_ms, save_ms, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--carers", type=int, default=50_000)
    parser.add_argument("--members", type=int, default=40)
    args = parser.parse_args()
    today = date(2026, 11, 24)
    source = demo_db(args.carers)
    with tempfile.TemporaryDirectory(prefix="ycw-bench-register-") as tmp:
        path = Path(tmp) / "ycworker.db"
        shutil.copyfile(source, path)
        copy_keys(source, path)  # the key slots go with the copy
        path.chmod(0o600)
        session_id, worker_id = add_bench_club(path, args.members, today)
        print(f"register benchmark: {args.members} members, {args.carers:,}-carer demo database, "
              f"today {today} ({dtime(16, 0):%H:%M} session)")
        for line in service_timings(path, session_id, worker_id, today):
            print(line)
        open_ms, mark_ms, save_ms, counts = asyncio.run(
            through_the_ui(path, session_id, today, args.members))
        print(summary("register open (open_register to painted rows)", open_ms))
        print(summary("keypress to re-painted mark", mark_ms))
        print(summary("keypress to mark committed (thread worker)", save_ms))
        med = sorted(mark_ms)[len(mark_ms) // 2]
        print(f"mark goal {GOAL_MS:.0f} ms: median is {med / GOAL_MS:.2f}x the goal; final headcount "
              f"{counts.describe() if counts else '?'}")


if __name__ == "__main__":
    main()
