"""``ycworker demo --carers N [--seed S]``."""

from __future__ import annotations

import time

from ycworker.cli import open_cli_store
from ycworker.common.errors import UsageError


def run(args) -> int:
    if args.carers < 1:
        raise UsageError("--carers must be 1 or more.")
    from ycworker.demo import DemoRefused, generate

    store = open_cli_store(args)
    try:
        started = time.perf_counter()
        try:
            summary = generate(store, carers=args.carers, seed=args.seed)
        except DemoRefused as exc:
            raise UsageError(str(exc)) from None
        print(f"{summary} in {time.perf_counter() - started:.1f} s: {store.path}")
    finally:
        store.close()
    return 0
