"""``ycworker backup [--to DIR]``: a verified encrypted backup now."""

from __future__ import annotations

from pathlib import Path

from ycworker.cli import open_cli_store


def run(args) -> int:
    from ycworker.protection.backups import make_backup

    store = open_cli_store(args, must_exist=True)
    try:
        folder = Path(args.to).expanduser() if getattr(args, "to", None) else None
        result = make_backup(store, folder=folder, reason="manual")
    finally:
        store.close()
    b = result.backup
    print(f"Backup written and checked: {b.path} ({b.size / 1_048_576:.1f} MB). "
          "It opens with the current passphrase.")
    if result.pruned:
        print(f"Removed {len(result.pruned)} older backup(s) beyond the generations kept.")
    return 0
