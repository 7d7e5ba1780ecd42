"""``ycworker carer show REF | set REF FIELD VALUE | erase REF`` (records from scripts, team.md).

``show`` prints the carer as one JSON object; ``set`` changes one field as the record screen
does (validated, audited, queued for the team server like any edit); ``erase`` is a manager's,
through the erasure service the Erase screen uses. Exit 0 done; 1 refused or no such carer, with
the sentence on standard error. The acting worker is the one whose passphrase is given.
"""

from __future__ import annotations

import argparse
import json
from datetime import date

from ycworker.cli import open_cli_store
from ycworker.common.context import Context
from ycworker.common.errors import FieldError, UserError


def run(args: argparse.Namespace) -> int:
    from ycworker.protection import workers

    store = open_cli_store(args, must_exist=True)
    try:
        acting = workers.acting_worker(store)
        ctx = Context(today=date.today(), worker_id=acting.id)
        if args.action == "show":
            return _show(store, args.ref, ctx)
        if args.action == "set":
            return _set(store, args.ref, args.field, args.value, ctx)
        workers.require_manager(acting, "erase a person's records")
        return _erase(store, args.ref, acting)
    finally:
        store.close()


def _show(store, ref: str, ctx: Context) -> int:
    from ycworker.caseload import script_record

    print(json.dumps(script_record.show(store, ref, ctx), ensure_ascii=False))
    return 0


def _set(store, ref: str, field: str, value: str, ctx: Context) -> int:
    from ycworker.caseload import script_record

    done = script_record.set_field(store, ref, field, value, ctx)
    if done.changed:
        print(f"{done.carer_ref}: {field} changed.")
    else:
        print(f"{done.carer_ref}: {field} already had that value; nothing changed.")
    return 0


def _erase(store, ref: str, acting) -> int:
    from ycworker.protection import actions

    try:
        found = actions.preview_erasure(store, ref).found
        result = actions.erase_person(store, found.carer_id, acting, confirm=found.carer_ref)
    except FieldError as exc:
        raise UserError(exc.message) from None
    removed = sum(result.plan.counts().values())
    kinds = ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in result.plan.counts().items())
    journal = ("the journal is cleared" if result.wal_cleared
               else "the journal will be cleared when the other ycworker closes")
    print(f"Erased {result.plan.carer_ref}: {removed} rows removed ({kinds}); {journal}.")
    return 0
