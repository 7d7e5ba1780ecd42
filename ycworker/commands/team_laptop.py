"""``ycworker team join|sync|status|conflicts|resolve``: this laptop's side of the team (team.md).

``sync``'s last line of standard output is JSON ``{"pushed", "pulled", "conflicts", "refused"}``;
exit 0 done, 1 could not finish (nothing lost: the changes still wait), 4 done with conflicts
waiting for a person. Sentences go to standard error.
"""

from __future__ import annotations

import argparse
import json
import sys

from ycworker.cli import open_cli_store
from ycworker.common.errors import UserError

EXIT_CONFLICTS = 4


def run(args: argparse.Namespace) -> int:
    handler = {"join": _join, "sync": _sync, "status": _status, "conflicts": _conflicts,
               "resolve": _resolve}[args.action]
    store = open_cli_store(args, must_exist=args.action != "join")
    try:
        return handler(args, store)
    finally:
        store.close()


def _say(sentence: str) -> None:
    print(f"ycworker: {sentence}", file=sys.stderr)


def _join(args: argparse.Namespace, store) -> int:
    from ycworker.team import enrol
    from ycworker.team.client import TeamClient, TeamError

    client = TeamClient.connect(args.url)
    try:
        joined = enrol.join(store, client, args.url, args.code,
                            passphrase=getattr(args, "passphrase_given", None))
    except TeamError as exc:
        raise UserError(exc.sentence) from None
    finally:
        client.close()
    _say(f"This laptop joined {joined.service_name} as {joined.worker_name} ({joined.role}).")
    first = joined.first_sync
    print(json.dumps(first.counts()))
    if first.clock_warning:
        _say(first.clock_warning)
    if not first.finished:
        _say(f"The first sync could not finish: {first.problem} Run ycworker team sync later.")
        return 1
    return 0


def _sync(args: argparse.Namespace, store) -> int:
    from ycworker.team import sync

    result = sync.sync(store)
    if result.clock_warning:
        _say(result.clock_warning)
    if result.problem:
        _say(result.problem)
    elif result.conflicts:
        n = result.conflicts
        _say(f"{n} conflict{'s' if n != 1 else ''} wait{'s' if n == 1 else ''} for a person: "
             "see ycworker team conflicts.")
    print(json.dumps(result.counts()))
    if not result.finished:
        return 1
    return EXIT_CONFLICTS if result.conflicts else 0


def _status(args: argparse.Namespace, store) -> int:
    from ycworker.team import status, sync

    now = status.status(store)
    if not now.enrolled:
        _say(sync.NOT_ENROLLED)
    print(json.dumps(now.as_dict()))
    return 0


def _conflicts(args: argparse.Namespace, store) -> int:
    from ycworker.team import conflicts

    for line in conflicts.open_conflicts(store):
        print(json.dumps(line.as_json(), ensure_ascii=False))
    return 0


def _resolve(args: argparse.Namespace, store) -> int:
    from ycworker.team import conflicts

    by = store.acting[0] if store.acting else None
    conflicts.resolve(store, args.id, args.keep, by=by)
    kept = "the server's value" if args.keep == "server" else "this laptop's value"
    waits = conflicts.send_now(store)
    if waits is None:
        _say(f"Settled: {kept} is kept, and the team server has the choice.")
    else:
        _say(f"Settled here: {kept} is kept. {waits}")
    return 0
