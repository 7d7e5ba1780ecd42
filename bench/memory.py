"""Memory after visiting every area: ycworker on a 50,000-carer demo database, headless.

    python -m bench.memory [--carers 50000] [--runs 3] [--trace]

Each run is a fresh interpreter (as a worker starts the app): the App unlocks with the passphrase
given, settles at home (the background check after unlock done), then goes to every area in
turn with its alt+letter key, waiting each time for the area's reads to finish and its screen to
be painted; then, the App settled (``TRIM_DELAY`` after the last change of area), it reads
VmRSS (resident now) and VmHWM (the peak) from /proc/self/status. A bare
Textual app's RSS is measured in the same runs, for the ratio. ``--trace`` also prints, for one
run, where the Python objects still alive were allocated (tracemalloc: slower, and it costs
memory itself, so its run is not one of the figures).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
from pathlib import Path

from bench.common import demo_db

ROOT = Path(__file__).resolve().parent.parent
GOAL_MB = 150


def status_mb() -> dict[str, float]:
    """VmRSS and VmHWM of this process, in MB."""
    out: dict[str, float] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024  # kB
    return out


async def _busy(app) -> bool:
    return any(not w.is_finished and w.group != "after-unlock" for w in app.workers)


async def visit(db: str, trace: bool) -> dict:
    from bench.common import bench_app, settled_at_home
    from screens.areas import AREAS

    if trace:
        import tracemalloc

        tracemalloc.start(12)
    app = bench_app(Path(db))
    seen: dict[str, float] = {}
    async with app.run_test(size=(160, 45)) as pilot:
        await settled_at_home(app, pilot)
        seen["home"] = status_mb()["VmRSS"]
        for area in [*AREAS[1:], AREAS[0]]:
            await pilot.press(f"alt+{area.key}")
            for _ in range(1200):  # up to a minute for the area's reads
                await pilot.pause(0.05)
                if app.current_mode == area.mode and not await _busy(app):
                    break
            else:
                raise RuntimeError(f"{area.title} did not settle within a minute")
            await pilot.pause(0.3)  # its last frame
            seen[area.mode if area.mode != "home" else "home again"] = status_mb()["VmRSS"]
        await pilot.pause(app.TRIM_DELAY + 1.0)  # the App settles (it trims the heap after a change)
        if trace:
            import gc
            import tracemalloc

            gc.collect()
            snapshot = tracemalloc.take_snapshot()
            for stat in snapshot.statistics("filename")[:25]:
                print(f"  {stat.size / 2**20:6.1f} MB  {stat.count:8,} blocks  {stat.traceback[0].filename}")
            print(f"  traced total: {sum(s.size for s in snapshot.statistics('filename')) / 2**20:.1f} MB")
    return {"areas": seen, **status_mb()}


def bare() -> dict:
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        def compose(self):
            yield Header()
            yield Static("Hello")
            yield Footer()

    async def run() -> None:
        async with Bare().run_test(size=(160, 45)) as pilot:
            await pilot.pause(0.3)

    asyncio.run(run())
    return status_mb()


def child(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.memory", "--child", *args], capture_output=True,
                         text=True, cwd=ROOT, timeout=600)
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"the run printed no figures: {out.stdout[-1500:]} {out.stderr[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--carers", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args()
    if args.child:
        if args.child[0] == "bare":
            print(json.dumps(bare()))
        else:
            print(json.dumps(asyncio.run(visit(args.child[1], args.child[0] == "trace"))), flush=True)
        return
    db = str(demo_db(args.carers))
    print(f"load before: {Path('/proc/loadavg').read_text().strip()}")
    bares, runs = [], []
    for _ in range(args.runs):
        bares.append(child("bare")["VmRSS"])
        runs.append(child("visit", db))
    if args.trace:
        out = subprocess.run([sys.executable, "-m", "bench.memory", "--child", "trace", db],
                             capture_output=True, text=True, cwd=ROOT, timeout=900)
        print("where the live Python objects were allocated (tracemalloc, one run):")
        print("\n".join(line for line in out.stdout.splitlines() if not line.startswith("{")))
    print(f"load after:  {Path('/proc/loadavg').read_text().strip()}")
    rss = statistics.median(r["VmRSS"] for r in runs)
    hwm = statistics.median(r["VmHWM"] for r in runs)
    b = statistics.median(bares)
    print(f"carers: {args.carers:,}; runs: {args.runs}; headless 160x45")
    print("RSS after each area (MB, median): " + ", ".join(
        f"{k} {statistics.median(r['areas'][k] for r in runs):.0f}" for k in runs[0]["areas"]))
    print(f"bare Textual app RSS:                 {b:.0f} MB")
    print(f"ycworker RSS after every area:        median {rss:.0f} MB (goal <= {GOAL_MB} MB), "
          f"{rss / b:.1f}x the bare app")
    print(f"ycworker peak RSS (VmHWM) over the run: median {hwm:.0f} MB")


if __name__ == "__main__":
    main()
