"""Shared by the benchmark scripts: a cached demo database and simple timing helpers.

Run a benchmark from the repository root, e.g. ``python -m bench.startup``. The demo database
is made once per (carers, seed, schema revision) under $YCWORKER_BENCH_DIR (default bench/out/,
git-ignored), as of a fixed day (BENCH_TODAY) so every run and every script sees the same
service; it is reused until the schema moves on. Delete the folder to make it again.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

PASSPHRASE = "bench passphrase"


ROOT = Path(__file__).resolve().parent.parent
BENCH_TODAY = date(2026, 11, 24)  # a Tuesday; the demo service is generated as of this day


def bench_dir() -> Path:
    path = Path(os.environ.get("YCWORKER_BENCH_DIR", str(ROOT / "bench" / "out")))
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def demo_db(carers: int = 50_000, seed: int = 1) -> Path:
    """The path of a demo database with that many carers, made on first use."""
    from db.engine import open_store
    from db.migrate import head_revision
    from ycworker.demo import generate

    path = bench_dir() / f"demo-{carers}-{seed}-r{head_revision()}.db"
    if path.exists():
        return path
    tmp = path.with_suffix(".building")
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    store = open_store(tmp, PASSPHRASE)
    started = time.perf_counter()
    generate(store, carers=carers, seed=seed, today=BENCH_TODAY)
    store.checkpoint()
    store.close()
    print(f"(made demo database of {carers:,} carers in {time.perf_counter() - started:.1f} s)")
    from db.keyslots import keys_path

    os.replace(keys_path(tmp), keys_path(path))  # the key slots go with the file
    os.replace(tmp, path)
    return path


def open_demo(carers: int = 50_000, seed: int = 1):
    from db.engine import open_store

    return open_store(demo_db(carers, seed), PASSPHRASE)


def timings(fn: Callable[[], object], repeat: int = 50, warmup: int = 3) -> list[float]:
    """Milliseconds per call."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def summary(label: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return (f"{label}: median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, "
            f"min {ms[0]:.1f} ms, max {ms[-1]:.1f} ms (n={len(ms)})")


def bench_app(path: Path, today: date = BENCH_TODAY):
    """The App on a benchmark database, without the daily backup: a first unlock of the day
    would otherwise copy and check the 1 GB file in the background while the figures are taken
    (see ``settled_at_home``)."""
    from ycworker.app import create_app

    return create_app(path, passphrase=PASSPHRASE, today=today, auto_backup=False)


async def settled_at_home(app, pilot, timeout: float = 120.0) -> float:
    """Wait for the home screen, then for the background work after unlock (the quick check
    of a large file starts 3 s after home and takes about 10 s at 50,000 carers), so that what
    is measured next is a worker's steady state. Returns the seconds waited for that work."""
    for _ in range(int(timeout / 0.05)):
        await pilot.pause(0.05)
        if app.unlocked and app.current_mode == "home":
            break
    started = time.perf_counter()
    await pilot.pause(app.AFTER_UNLOCK_DELAY + 0.5)
    while time.perf_counter() - started < timeout and any(
            w.group == "after-unlock" and not w.is_finished for w in app.workers):
        await pilot.pause(0.1)
    await pilot.pause(0.3)
    return time.perf_counter() - started


class Frames:
    """Moments at which a benchmark saw the frame it waits for painted. The UI side calls
    ``painted()``; the timing side awaits ``after(n)``, the moment of frame n, without polling
    (waiting costs the UI no CPU)."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self._arrived = None

    def __len__(self) -> int:
        return len(self.times)

    def painted(self) -> None:
        self.times.append(time.perf_counter())
        if self._arrived is not None:
            self._arrived.set()

    async def after(self, before: int, timeout: float = 30.0) -> float:
        import asyncio

        if self._arrived is None:
            self._arrived = asyncio.Event()
        while len(self.times) <= before:
            self._arrived.clear()
            await asyncio.wait_for(self._arrived.wait(), timeout)
        return self.times[before]
