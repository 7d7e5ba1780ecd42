"""Launch to first paint: ycworker on a 50,000-carer demo database vs a bare Textual app.

    python -m bench.startup [--carers 50000] [--runs 7]

Each run is a fresh interpreter (the way a worker starts the app), timed from just before
the process is spawned to the app's Ready event (its first frame), headless. Runs alternate
between the two apps so machine noise hits both alike. Also reports "usable": the home
screen painted with the worker's day, passphrase from the environment (unlock, key
derivation, schema check and the home queries included).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import PASSPHRASE, demo_db

ROOT = Path(__file__).resolve().parent.parent
HOME_GOAL_MS = 600  # issue 17


def run_probe(*args: str) -> float:
    env = dict(os.environ, YCWORKER_PASSPHRASE=PASSPHRASE, PROBE_T0=repr(time.time()))
    out = subprocess.run([sys.executable, "-m", "bench.paint_probe", *args], capture_output=True,
                         text=True, cwd=ROOT, env=env, timeout=120)
    for line in out.stdout.splitlines():
        if line.startswith("painted "):
            return float(line.split()[1]) * 1000
    raise RuntimeError(f"probe {args} printed no paint: {out.stdout[-500:]} {out.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--carers", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    db = str(demo_db(args.carers))
    run_probe("bare")  # warm the OS file cache for both
    run_probe("ycworker", db)
    bare, first, home = [], [], []
    for _ in range(args.runs):
        bare.append(run_probe("bare"))
        first.append(run_probe("ycworker", db))
        home.append(run_probe("ycworker-home", db))
    b, f, h = (statistics.median(x) for x in (bare, first, home))
    print(f"carers: {args.carers:,}; runs: {args.runs}; headless, {os.cpu_count()} cores; "
          f"load average after: {Path('/proc/loadavg').read_text().split()[:3]}")
    print(f"bare Textual app, launch to first paint: median {b:.0f} ms (min {min(bare):.0f})")
    print(f"ycworker, launch to first paint:         median {f:.0f} ms (min {min(first):.0f})")
    print(f"ycworker, launch to home with data:      median {h:.0f} ms (min {min(home):.0f}) "
          f"(goal <= {HOME_GOAL_MS} ms on a quiet 2-core machine, key derivation included)")
    print(f"ratio first paint ycworker / bare: {f / b:.2f}x (goal <= 1.5x)")
    print(f"ratio usable home / bare first paint: {h / b:.2f}x")


if __name__ == "__main__":
    main()
