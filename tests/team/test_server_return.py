"""One return for the service (team.md promise 6): ``team export`` builds the quarter's return from
the server's data, every laptop's synced work included, with the laptop's files and pseudonyms."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from tests.helpers import factories, return_data
from tests.helpers.team import join, sync
from ycworker.cli import main
from ycworker.common.periods import parse_quarter
from ycworker.returns.export import export_return
from ycworker.team.server.service_return import export_from_server

DATA_FILES = ("kpi_summary.csv", "outcomes.csv", "carers.csv", "referrals.csv")
TODAY = date(2026, 12, 4)


def _files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in DATA_FILES}


def test_the_servers_return_equals_the_laptops_own_with_the_same_pseudonyms(
        team_server, new_laptop, tmp_path):
    a = new_laptop("a")
    with a.write() as s:
        return_data.seed(s)
    join(team_server, a, team_server.manager_code)  # the laptop's caseload goes up at its first sync
    period = parse_quarter("2025-26-Q1")

    own = export_return(a, period, tmp_path / "laptop", today=TODAY)
    served = export_from_server(team_server.engine, period, tmp_path / "server", today=TODAY)

    assert _files(served.path) == _files(own.path)
    assert len((served.path / "carers.csv").read_text().splitlines()) > 1
    manifest = json.loads((served.path / "manifest.json").read_text())
    assert manifest["source"]["built_from"] == "server"
    assert manifest["source"]["change_log_position"] > 0
    assert json.loads((own.path / "manifest.json").read_text())["source"] == {"built_from": "laptop"}


def test_the_servers_return_counts_another_laptops_synced_work(team_server, new_laptop, tmp_path):
    a, b = new_laptop("a"), new_laptop("b")
    with a.write() as s:
        return_data.seed(s)
    join(team_server, a, team_server.manager_code)
    join(team_server, b, team_server.invite("Pat Lee", manager=True))
    with b.write() as s:
        carer = factories.carer(s, carer_ref="YC-NEW001", date_of_birth=date(2012, 6, 1))
        factories.referral(s, carer.id, date(2025, 5, 20), source="school", consent="given")
    assert sync(team_server, b).pushed >= 2
    period = parse_quarter("2025-26-Q1")

    before_pull = export_return(a, period, tmp_path / "a-before", today=TODAY)
    served = export_from_server(team_server.engine, period, tmp_path / "server", today=TODAY)
    rows = (served.path / "referrals.csv").read_text().splitlines()
    assert len(rows) == len((before_pull.path / "referrals.csv").read_text().splitlines()) + 1

    sync(team_server, a)  # laptop A now holds B's work too: the same return, the same pseudonyms
    after_pull = export_return(a, period, tmp_path / "a-after", today=TODAY)
    assert _files(after_pull.path) == _files(served.path)


def test_an_erased_person_is_in_no_return_from_the_server(team_server, new_laptop, tmp_path):
    from ycworker.common.workers import WorkerInfo
    from ycworker.protection import erasure

    a = new_laptop("a")
    with a.write() as s:
        seeded = return_data.seed(s)
    join(team_server, a, team_server.manager_code)
    period = parse_quarter("2025-26-Q1")
    before = export_from_server(team_server.engine, period, tmp_path / "before", today=TODAY)
    assert sum(1 for _ in (before.path / "carers.csv").open()) > 1
    plan = erasure.preview(a, seeded["a"])
    assert a.acting is not None
    me = WorkerInfo(id=a.acting[0], name=a.acting[1], role=a.acting[2])
    erasure.erase_carer(a, seeded["a"], by=me, confirm=plan.carer_ref.lower())
    sync(team_server, a)
    after = export_from_server(team_server.engine, period, tmp_path / "after", today=TODAY)
    own = export_return(a, period, tmp_path / "own", today=TODAY)
    assert _files(after.path) == _files(own.path)
    assert _files(after.path) != _files(before.path)


def test_team_export_command_prints_the_folder_last(capsys, team_server, new_laptop, tmp_path):
    a = new_laptop("a")
    with a.write() as s:
        return_data.seed(s)
    join(team_server, a, team_server.manager_code)
    code = main(["team", "export", "--database-url", team_server.url, "--quarter", "2025-26-Q1",
                 "--to", str(tmp_path / "out")])
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 0
    folder = Path(out[-1])
    assert folder.parent == (tmp_path / "out").resolve() and (folder / "manifest.json").exists()
    assert main(["team", "export", "--database-url", team_server.url, "--quarter", "2025-26-Q9",
                 "--to", str(tmp_path / "out")]) == 2
