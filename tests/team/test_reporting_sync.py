"""Issue 18's settings travel with the team: areas and their districts, the return's targets and
profile, and the quarter's narrative, made on one laptop, reach another through the server; the
server's return carries the same extra files as the laptop's own."""

from __future__ import annotations

import json
from datetime import date

from tests.helpers import return_data
from tests.helpers.team import join, sync
from ycworker.common.periods import parse_quarter
from ycworker.returns import setting_actions
from ycworker.returns.export import export_return
from ycworker.team.server.service_return import export_from_server

TODAY = date(2026, 12, 4)
Q1 = parse_quarter("2025-26-Q1")
TEXT = "## Case study: \"Mia\"\n\nMia goes to the club every month now.\n"
EXTRA = ("equality.csv", "kent_referrals.csv", "kent_areas.csv", "kent_activity.csv", "narrative.md")


def test_areas_targets_and_narrative_reach_another_laptop_and_the_servers_return(
        team_server, new_laptop, tmp_path):
    a, b = new_laptop("a"), new_laptop("b")
    with a.write() as s:
        return_data.seed(s)
    join(team_server, a, team_server.manager_code)
    me = a.acting[0]
    grouping = setting_actions.add_area(a, "East Kent", me)
    dover = next(d for d in grouping.districts if d.name == "+Dover")
    setting_actions.put_district(a, dover.id, grouping.areas[0][0], me)
    setting_actions.save_targets(a, {"kpi2_allocated_within_5_working_days": "70", "referrals_monthly": "2"},
                                 "kent", me)
    setting_actions.save_narrative(a, me, Q1.label, TEXT)
    assert sync(team_server, a).pushed >= 5

    join(team_server, b, team_server.invite("Pat Lee", manager=True))
    sync(team_server, b)
    view = setting_actions.load_settings(b)
    assert view.settings.profile == "kent"
    assert view.settings.target("kpi2_allocated_within_5_working_days") == 70
    assert view.settings.target("referrals_monthly") == 2
    grouped = [(d.name, d.area) for d in view.grouping.districts if d.area != "No area"]
    assert grouped == [("+Dover", "East Kent")]
    assert setting_actions.load_narrative(b, Q1.label).text == TEXT

    own = export_return(a, Q1, tmp_path / "laptop", today=TODAY, check=False)
    served = export_from_server(team_server.engine, Q1, tmp_path / "server", today=TODAY)
    for name in EXTRA:
        assert (served.path / name).read_bytes() == (own.path / name).read_bytes(), name
    manifest = json.loads((served.path / "manifest.json").read_text())
    assert manifest["profile"] == "kent"
    assert manifest["targets_in_force"]["kpi2_allocated_within_5_working_days"] == 70
    assert set(EXTRA) <= {f["name"] for f in manifest["files"]}
