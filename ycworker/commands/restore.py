"""``ycworker restore FILE``: replace the database with a verified backup."""

from __future__ import annotations

from pathlib import Path

from ycworker.errors import UserError


def run(args) -> int:
    from db.engine import StoreError, WrongPassphrase, open_store
    from ycworker import audit, integrity, passphrase
    from ycworker.backups import restore
    from ycworker.paths import resolve_db

    path = resolve_db(getattr(args, "db", None))
    backup = Path(args.file).expanduser()
    secret = passphrase.prompt(new=False)
    result = restore(path, backup, secret)
    try:
        store = open_store(path, secret)
    except (WrongPassphrase, StoreError) as exc:
        raise UserError(f"The backup was restored but does not open: {exc}") from None
    try:
        check = integrity.quick_check(store)
        if check.ok:
            with store.write() as session:
                audit.record(session, "restore", "database", "")
    finally:
        store.close()
    print(f"Restored {path} from {result.restored_from.name} (checked: {check.summary()}).")
    if result.kept_copy:
        print(f"The file it replaced is kept as {result.kept_copy}.")
    return 0 if check.ok else 1
