"""How long the demo generator takes, and what it makes.

    python -m bench.demo [--carers 50000] [--seed 1]

Generates into a fresh encrypted database in the bench folder (not the cached demo database
of bench.common) and prints the rows per table with the time spent writing each, the time
per stage (making rows and writing them), the commit, the wall and CPU time, and the file size.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from bench.common import PASSPHRASE, bench_dir


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--carers", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from db.engine import open_store
    from ycworker.demo import generate

    path = bench_dir() / f"bench-demo-{args.carers}-{args.seed}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = open_store(path, PASSPHRASE)
    cpu = time.process_time()
    wall = time.perf_counter()
    summary = generate(store, carers=args.carers, seed=args.seed)
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    checkpoint = time.perf_counter()
    store.checkpoint()
    checkpoint = time.perf_counter() - checkpoint
    store.close()

    print(summary)
    print(f"{'table':<22}{'rows':>12}{'write s':>10}{'us/row':>9}")
    for table, count in sorted(summary.rows.items(), key=lambda kv: -kv[1]):
        spent = summary.table_write_seconds.get(table, 0.0)
        print(f"{table:<22}{count:>12,}{spent:>10.2f}{spent / count * 1e6:>9.1f}")
    print("stages (making and writing rows): "
          + ", ".join(f"{k} {v:.1f} s" for k, v in summary.stage_seconds.items()))
    print(f"writing in the driver {summary.write_seconds:.1f} s, commit {summary.commit_seconds:.1f} s, "
          f"checkpoint afterwards {checkpoint:.1f} s")
    size = os.path.getsize(path)
    print(f"generate({args.carers:,} carers): {wall:.1f} s wall, {cpu:.1f} s CPU, "
          f"{summary.total_rows / wall:,.0f} rows/s, file {size / 1e6:,.0f} MB "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
