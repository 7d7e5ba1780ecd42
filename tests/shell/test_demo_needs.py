"""Issue 12 item 7 (demo data): a blank need now means "not asked" on the day sheet, so the demo
stores "None" for a child asked and with none, and leaves a few bookings not asked; a need that
says none is not an alert at the top of the day sheet."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest
from sqlalchemy import text

from db.engine import open_store
from tests.conftest import PASSPHRASE, TODAY
from ycworker.bookings import day_sheet
from ycworker.demo import generate


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory, template_db):
    path = tmp_path_factory.mktemp("demo_e") / "ycworker.db"
    shutil.copyfile(template_db, path)
    shutil.copyfile(f"{template_db}.keys", f"{path}.keys")  # its key slots
    store = open_store(path, PASSPHRASE)
    generate(store, 300, seed=7, today=TODAY)
    yield store
    store.close()


def _needs(store):
    with store.read() as s:
        return s.connection().execute(text(
            "SELECT dietary, allergies, medical, medication FROM booking")).all()


def test_the_demo_stores_none_for_none_and_leaves_a_few_not_asked(demo_store):
    needs = _needs(demo_store)
    assert len(needs) > 100
    not_asked = [n for n in needs if n[1] == ""]
    asked = [n for n in needs if n[1] != ""]
    # A few bookings taken without the questions: every need blank on them.
    assert 0 < len(not_asked) < len(needs) * 0.2
    assert all(n == ("", "", "", "") for n in not_asked)
    # Asked: every need says something, "None" for most.
    assert all(all(v.strip() for v in n) for n in asked)
    for column in range(4):
        assert Counter(n[column] for n in asked).most_common(1)[0][0] == "None"
    # Medication follows the medical need it belongs to.
    assert any(m.startswith("Blue inhaler") for *_x, m in asked)


def test_a_demo_day_sheet_lists_only_real_needs_at_the_top(demo_store):
    with demo_store.read() as s:
        days = s.connection().execute(text(
            "SELECT d.id FROM activity_day d JOIN booking_day bd ON bd.day_id = d.id "
            "JOIN booking b ON b.id = bd.booking_id WHERE b.status = 'booked' "
            "GROUP BY d.id ORDER BY count(*) DESC LIMIT 5")).scalars().all()
    assert days
    with demo_store.write() as s:
        sheets = [day_sheet.build(s, day) for day in days]
    children = [c for sheet in sheets for c in sheet.children]
    alerts = [c for sheet in sheets for c in sheet.alerts]
    assert 0 < len(alerts) < len(children)
    assert all(day_sheet.is_need(c.allergies) or day_sheet.is_need(c.medical)
               or day_sheet.is_need(c.medication) for c in alerts)
    text_ = "\n".join(day_sheet.render_markdown(sheet) for sheet in sheets)
    assert "- Allergies: None" in text_ and "- Allergies: not asked" in text_


@pytest.mark.parametrize(("value", "need"), [
    ("", False), ("None", False), (" none. ", False), ("N/A", False), ("nil", False),
    ("Peanuts", True), ("Nuts", True), ("Asthma; inhaler in bag", True),
])
def test_none_and_blank_are_not_needs(value, need):
    assert day_sheet.is_need(value) is need
