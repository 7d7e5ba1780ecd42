"""``ycworker team ACTION``: the server's commands (``team_server``) and the laptop's (``team_laptop``)."""

from __future__ import annotations

import argparse

#: Actions run against the server's PostgreSQL (no laptop database is opened).
SERVER_ACTIONS = frozenset({"init", "invite", "remove", "serve", "export"})


def run(args: argparse.Namespace) -> int:
    if args.action in SERVER_ACTIONS:
        from ycworker.commands import team_server

        return team_server.run(args)
    from ycworker.commands import team_laptop

    return team_laptop.run(args)
