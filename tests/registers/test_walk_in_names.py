"""Issue 12 item 19 (walk-ins): a walk-in's name with a NUL or a right-to-left override is refused
with a field error, as every other name is (validators.field_text), and no child is made."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import Input

from db.models import Carer
from tests.conftest import on_screen, unlocked, until, until_shows
from tests.helpers.register_data import TODAY, build
from ycworker.common.errors import FormErrors
from ycworker.registers import register as registers

RLO = "\u202e"


def _count(store) -> int:
    with store.read() as s:
        return len(s.exec(select(Carer.id)).all())


@pytest.mark.parametrize(("first", "last", "field", "words"), [
    ("Jay\x00den", "Clarke", "first_name", "control character"),
    ("Jayden", f"Cla{RLO}ekr", "last_name", "direction of the text"),
    ("Jayden", "C" * 101, "last_name", "too long"),
])
def test_a_walk_in_name_with_a_hidden_character_is_a_field_error(store, first, last, field, words):
    ids = build(store, n=2)
    before = _count(store)
    with store.write() as s, pytest.raises(FormErrors) as caught:
        registers.walk_in(s, ids["session"], first, last, "10", today=TODAY, worker_id=ids["me"])
    [error] = caught.value.errors
    assert error.field == field and words in error.message
    assert _count(store) == before


async def test_the_walk_in_form_shows_the_refusal_beside_the_name(make_app, store):
    ids = build(store, n=3)
    before = _count(store)
    store.close()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(pilot)
        await pilot.press("r")
        await until(pilot, lambda: type(app.screen).__name__ == "RegisterScreen"
                    and app.screen.reg is not None, lambda: "the register did not open")
        await pilot.press("w")
        await on_screen(pilot, "WalkInForm")
        form = app.screen
        # typed (pasted) text: a right-to-left override inside the last name
        form.query_one("#first_name", Input).value = "Jayden"
        form.query_one("#last_name", Input).value = f"Cla{RLO}ekr"
        form.query_one("#born", Input).value = "10"
        form.query_one("#born", Input).focus()
        await pilot.press("enter")
        await until_shows(pilot, "Last name has a hidden character")
        assert app.screen is form
        assert form.query_one("#last_name", Input).has_focus
        assert "changes the direction" in str(form.query_one("#last_name-error").render())
    from db.engine import open_store
    from tests.conftest import PASSPHRASE

    reopened = open_store(store.path, PASSPHRASE)
    try:
        assert _count(reopened) == before and ids["session"]
    finally:
        reopened.close()
