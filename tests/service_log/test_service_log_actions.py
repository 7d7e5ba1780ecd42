"""The service log's use-case functions: each owns its transaction; opening a carer's entry is audited."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from db.models import AuditEntry
from tests.helpers import factories as f
from ycworker.common.context import Context
from ycworker.service_log import actions
from ycworker.service_log import entries as service_log

TODAY = date(2026, 11, 24)


def views(store) -> list[tuple]:
    a = AuditEntry.__table__.c
    with store.read() as s:
        return [tuple(r) for r in s.connection().execute(
            sa.select(a.entity, a.record_id, a.worker_id).where(a.action == "view"))]


def test_every_kind_has_its_service():
    from screens.service_log.forms import KINDS

    assert {k.key for k in KINDS} == set(actions.SERVICES)


def test_save_list_and_open_a_safeguarding_entry_audits_the_view(store):
    with store.write() as s:
        wid = f.worker(s).id
        f.carer(s, carer_ref="YC-004242")
    ctx = Context(TODAY, wid)
    entry = actions.save_entry(store, {"entry_date": "06/11/2026", "theme": "Online safety",
                                       "action": "DSL told", "carer": "YC-004242"},
                               kind_key="safeguarding", entry_id=None, context=ctx)
    listing = actions.load_listing(store, "safeguarding", service_log.window("all", TODAY), TODAY, True)
    assert [r.id for r in listing.rows] == [entry]
    assert views(store) == []
    opened = actions.open_entry(store, "safeguarding", entry, wid)
    assert opened.values["theme"] == "Online safety" and opened.districts == []
    assert views(store) == [("safeguarding_entry", entry, wid)]


def test_a_new_entry_opens_empty_with_districts_where_needed(store):
    with store.write() as s:
        f.district(s, "Dover")
    opened = actions.open_entry(store, "awareness", None, None)
    assert opened.values == {}
    assert any("Dover" in label for label, _key in opened.districts)
    assert actions.open_entry(store, "training", None, None).districts == []
