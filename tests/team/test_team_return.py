"""The service's return on a manager's laptop (issue 16, "One return for the service"): the team
server builds it (POST /v1/return) with exactly the files `ycworker team export` writes on the same
data; the laptop seals those files as they are, its manifest saying "server" and the log position;
and before an export the manager is warned of conflicts touching the period's records and of
laptops not synced since it ended (nothing of the kind on a laptop never enrolled)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from db.server import tables as st
from tests.helpers import return_data
from tests.helpers.team import client_of, join, run_sync, set_field, sync
from ycworker.cli import main
from ycworker.common.periods import parse_quarter
from ycworker.returns import export, kpis, report_json
from ycworker.team import team_return
from ycworker.team.client import TeamClient, TeamError

DATA_FILES = ("kpi_summary.csv", "outcomes.csv", "carers.csv", "referrals.csv")
Q1 = parse_quarter("2025-26-Q1")


def _files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in DATA_FILES}


@pytest.fixture
def manager_laptop(team_server, new_laptop):
    """A manager's laptop that recorded the seeded service and synced it up."""
    a = new_laptop("a")
    with a.write() as s:
        seeded = return_data.seed(s)
    join(team_server, a, team_server.manager_code)
    a.seeded = seeded  # type: ignore[attr-defined]
    return a


def _set_last_sync(server, worker_name: str, when: datetime | None) -> None:
    with server.engine.begin() as conn:
        wid = conn.execute(sa.select(st.worker.c.id).where(st.worker.c.name == worker_name)).scalar_one()
        conn.execute(st.device.update().where(st.device.c.worker_id == wid).values(last_sync_at=when))


def test_the_servers_return_equals_what_team_export_writes(team_server, manager_laptop, tmp_path, capsys):
    served = team_return.fetch(manager_laptop, Q1, client_of(team_server, manager_laptop))

    assert main(["team", "export", "--database-url", team_server.url, "--quarter", Q1.label,
                 "--to", str(tmp_path / "cli")]) == 0
    written = Path(capsys.readouterr().out.strip().splitlines()[-1])
    by_name = {f.name: f.data for f in served.files}
    assert {name: by_name[name] for name in DATA_FILES} == _files(written)
    assert [f.name for f in served.files][-1] == "manifest.json"
    cli_manifest = json.loads((written / "manifest.json").read_text())
    manifest = json.loads(by_name["manifest.json"])
    assert manifest["source"] == cli_manifest["source"]
    assert manifest["source"]["built_from"] == "server"
    assert manifest["source"]["change_log_position"] == served.change_log_position > 0
    assert manifest["period"] == cli_manifest["period"]
    # the figures the laptop shows are the ones in the files
    rows = by_name["kpi_summary.csv"].decode("utf-8-sig").splitlines()
    received = next(r for r in rows if r.startswith("referrals_received,all,"))
    assert received.split(",")[3] == str(served.report.figure("referrals_received").numerator)
    assert served.source_line.startswith(f"Built from the team server, change {served.change_log_position:,}")


def test_the_servers_return_is_sealed_on_the_laptop_as_built(team_server, manager_laptop, tmp_path):
    served = team_return.fetch(manager_laptop, Q1, client_of(team_server, manager_laptop))
    steps: list[str] = []
    result = team_return.seal_served(manager_laptop, served, tmp_path / "usb", manager_laptop.acting[0],
                                       steps.append)

    assert steps == list(export.SERVER_EXPORT_STEPS)
    assert result.delivered_path == tmp_path / "usb" / served.folder_name
    for folder in (result.delivered_path, result.outbox_path):
        assert export.check_folder(folder) == []
        assert {p.name for p in folder.iterdir()} == {f.name for f in served.files}
        assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # nothing half-built left
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["source"]["built_from"] == "server"
        assert manifest["source"]["change_log_position"] == served.change_log_position
    from ycworker.returns.actions import list_sealed

    assert [r.folder_name for r in list_sealed(manager_laptop)] == [served.folder_name]
    with pytest.raises(Exception, match="already sealed"):  # sealed once; a new build is a new return
        team_return.seal_served(manager_laptop, served, None)


def test_a_laptops_own_return_says_it_was_built_on_the_laptop(manager_laptop, tmp_path):
    own = export.export_return(manager_laptop, Q1, tmp_path / "own", today=date(2026, 12, 4))
    assert json.loads((own.path / "manifest.json").read_text())["source"] == {"built_from": "laptop"}


def test_a_tampered_server_return_is_not_sealed(team_server, manager_laptop, tmp_path):
    served = team_return.fetch(manager_laptop, Q1, client_of(team_server, manager_laptop))
    files = [export.BuiltFile(f.name, f.data + b"x" if f.name == "carers.csv" else f.data, f.rows)
             for f in served.files]
    bad = team_return.ServedReturn(**{**served.__dict__, "files": files})
    with pytest.raises(Exception, match="did not check out"):
        team_return.seal_served(manager_laptop, bad, tmp_path / "usb")
    assert not (tmp_path / "usb").exists() or not list((tmp_path / "usb").iterdir())


def test_only_a_manager_may_ask_the_server_for_the_return(team_server, manager_laptop, new_laptop):
    w = new_laptop("w")
    join(team_server, w, team_server.invite("Kim Worker"))
    with pytest.raises(TeamError) as refused:
        team_return.fetch(w, Q1, client_of(team_server, w))
    assert refused.value.status == 403
    assert refused.value.sentence == "Only a manager can build the service's return from the team server."
    with pytest.raises(TeamError) as unreachable:
        team_return.fetch(manager_laptop, Q1, TeamClient.connect("http://127.0.0.1:9", "token"))
    assert unreachable.value.kind == "unreachable"


def test_warnings_count_conflicts_on_the_periods_records_and_name_laptops_not_synced(
        team_server, manager_laptop, new_laptop):
    b = new_laptop("b")
    join(team_server, b, team_server.invite("Pat Lee", manager=True))
    # a conflict on a carer the Q1 return counts (YC-ABC123) and one on a carer it does not (YC-ABC125)
    for ref in ("YC-ABC123", "YC-ABC125"):
        set_field(manager_laptop, ref, "preferred_name", "From A")
        set_field(b, ref, "preferred_name", "From B")
    sync(team_server, manager_laptop)
    assert run_sync(team_server, b).conflicts == 2
    join(team_server, new_laptop("c"), team_server.invite("Jo Bloggs"))
    _set_last_sync(team_server, "Jo Bloggs", datetime(2025, 6, 15, 9, 30, tzinfo=UTC))
    _set_last_sync(team_server, "Pat Lee", datetime(2025, 7, 1, 8, 0, tzinfo=UTC))  # after Q1 ended
    today = date(2026, 12, 4)

    served = team_return.fetch(b, Q1, client_of(team_server, b))
    warned = team_return.export_warnings(b, Q1, served.report, today, served)
    assert warned.conflicts == 1
    assert [(d.worker, d.last_sync) for d in warned.not_synced] == [
        ("Jo Bloggs", datetime(2025, 6, 15, 9, 30, tzinfo=UTC))]
    assert warned.lines() == [
        "1 conflict waiting to be settled touches this period's records (ctrl+g lists them).",
        "1 laptop has not synced since the period ended:",
        f"  Jo Bloggs ({warned.not_synced[0].device}): last synced 15/06/2025 09:30 UTC",
    ]
    # the laptop's own return: the same warnings, the laptops' syncs asked of the server
    with b.read() as s:
        own_report = kpis.compute(s, Q1, today)
    local = team_return.export_warnings(b, Q1, own_report, today, None, client_of(team_server, b))
    assert (local.conflicts, [d.worker for d in local.not_synced]) == (1, ["Jo Bloggs"])
    # a period not yet over has no laptops "not synced since it ended"
    assert team_return.not_synced_since(served.devices, Q1, Q1.end) == []
    # the server out of reach: said, not guessed
    away = team_return.export_warnings(b, Q1, own_report, today, None,
                                       TeamClient.connect("http://127.0.0.1:9", "token"))
    assert away.unknown == team_return.NOT_KNOWN and away.conflicts == 1


def test_a_laptop_never_enrolled_has_no_team_warnings(new_laptop):
    solo = new_laptop("solo")
    with solo.write() as s:
        return_data.seed(s)
    with solo.read() as s:
        report = kpis.compute(s, Q1, date(2026, 12, 4))
    warned = team_return.export_warnings(solo, Q1, report, date(2026, 12, 4))
    assert not warned.any and warned.lines() == []
    assert team_return.can_build_from_server(solo, manager=True) is False


def test_the_figures_round_trip_as_json(manager_laptop):
    with manager_laptop.read() as s:
        report = kpis.compute(s, Q1, date(2026, 12, 4))
    again = report_json.load(json.loads(json.dumps(report_json.dump(report))))
    assert again == report
