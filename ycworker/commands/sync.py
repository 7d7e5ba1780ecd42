"""``ycworker sync DIR``: copy every sealed return in the outbox that DIR lacks; say what was copied.

Exit 0 when everything DIR lacked was copied (or nothing was needed); 1 when DIR cannot be
written or a sealed copy in the outbox is damaged (reason on standard error).
"""

from __future__ import annotations

import sys

from ycworker.cli import open_cli_store


def run(args) -> int:
    from ycworker.returns.sync import sync_to

    store = open_cli_store(args)
    try:
        result = sync_to(store, args.dir)
    finally:
        store.close()
    for line in result.lines():
        print(line, file=sys.stderr if line.startswith("Not copied") else sys.stdout)
    return 1 if result.problems else 0
