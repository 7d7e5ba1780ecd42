"""Issue 12, smaller wrong text: plan actions' due dates say the year; with NO_COLOR a ticked box
and an unticked one look different."""

from __future__ import annotations

from datetime import date

from textual.app import App
from textual.filter import Monochrome
from textual.widgets import Checkbox

from tests.conftest import TODAY, settle, unlocked, until_shows


def test_an_overdue_plan_action_says_the_year(store):
    from db.models import PlanAction
    from tests.helpers import factories as f
    from ycworker.home import day as home

    with store.write() as s:
        me = f.worker(s)
        c = f.carer(s, carer_ref="YC-PLAN02", worker_id=me.id)
        f.referral(s, c.id, referral_date=date(2025, 6, 1), allocated_date=date(2025, 6, 2),
                   worker_id=me.id, consent="given")
        s.add(PlanAction(carer_id=c.id, what="Bus pass", due_date=date(2025, 8, 23)))
        s.add(PlanAction(carer_id=c.id, what="Chill Club", due_date=date(2026, 10, 1)))
        me_id = me.id
    with store.read() as s:
        day = home.worker_day(s, me_id, TODAY, everyone=False)
    assert sorted(i.detail for i in day.plan_actions) == ["Bus pass: due 23 Aug 2025",
                                                          "Chill Club: due 01 Oct 2026"]


async def test_home_shows_the_year_of_an_overdue_plan_action(make_app, store):
    from db.models import PlanAction
    from tests.helpers import factories as f
    from ycworker.common import workers

    with store.write() as s:
        me = f.worker(s, name="Priya Shah")
        c = f.carer(s, "Ava", "Stone", carer_ref="YC-PLAN03", worker_id=me.id)
        f.referral(s, c.id, referral_date=date(2025, 6, 1), allocated_date=date(2025, 6, 2),
                   worker_id=me.id, consent="given")
        s.add(PlanAction(carer_id=c.id, what="Bus pass", due_date=date(2025, 8, 23)))
        workers.choose(s, me.id)
    store.close()
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await unlocked(pilot)
        await until_shows(pilot, "Bus pass: due 23 Aug 2025")


class Boxes(App):
    from ycworker.app import CSS_FILE

    CSS_PATH = str(CSS_FILE)

    def compose(self):
        yield Checkbox("ticked", True, id="on")
        yield Checkbox("not ticked", False, id="off")


def _mark(box: Checkbox, no_color_filter) -> tuple:
    """How the box's X looks once the NO_COLOR filter has run: (visible, reverse, bold)."""
    strip = box.render_line(0)
    segments = [seg for seg in strip if "X" in seg.text]
    assert segments, [seg.text for seg in strip]
    (seg,) = no_color_filter.apply(segments[:1], box.background_colors[1])
    style = seg.style
    fg = style.color.get_truecolor() if style.color else None
    bg = style.bgcolor.get_truecolor() if style.bgcolor else None
    visible = fg is None or bg is None or fg != bg
    return visible, bool(style.reverse), bool(style.bold)


async def test_with_no_color_ticked_and_unticked_boxes_differ(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = Boxes()
    async with app.run_test(size=(60, 10)) as pilot:
        await settle(pilot)
        assert app.no_color
        on, off = app.query_one("#on", Checkbox), app.query_one("#off", Checkbox)
        ticked, unticked = _mark(on, Monochrome()), _mark(off, Monochrome())
        assert ticked == (True, False, True)  # a bold X that shows
        assert unticked == (False, False, False)  # an empty box
