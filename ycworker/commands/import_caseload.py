"""``ycworker import caseload FILE``: all or nothing; every error on standard error.

Exit 0 imported; 1 the file was rejected (nothing written); 2 usage error.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from ycworker.cli import open_cli_store
from ycworker.common.errors import UsageError, UserError


def run(args) -> int:
    if getattr(args, "what", "caseload") != "caseload":
        raise UsageError("Only 'ycworker import caseload FILE' is known.")
    path = Path(args.file).expanduser()
    if not path.exists():
        raise UsageError(f"There is no file at {path}.")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give the caseload CSV file.")
    from ycworker.caseload.importing import ImportRejected, import_file

    store = open_cli_store(args)
    try:
        try:
            result = import_file(store, path, date.today())
        except ImportRejected as exc:
            for line in exc.errors:
                print(line, file=sys.stderr)
            n = len(exc.errors)
            raise UserError(f"{path.name} was not imported: {n} problem{'s' if n != 1 else ''} "
                            "(listed above); nothing was written.") from None
        except OSError as exc:
            raise UserError(f"Could not read {path}: {exc.strerror or exc}.") from None
    finally:
        store.close()
    print(result.sentence())
    return 0
