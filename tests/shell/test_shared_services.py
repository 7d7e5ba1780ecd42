"""Shared building blocks: atomic writes, duplicate matching, settings, workers, audit."""

from __future__ import annotations

import os
import stat
from datetime import date

import pytest
from sqlmodel import select

from db.models import AuditEntry
from tests.helpers import factories as f
from ycworker.caseload.duplicates import likely_duplicates, similarity
from ycworker.common import atomic, audit, settings, workers


def test_atomic_write_replaces_whole_file_and_is_private(tmp_path):
    target = tmp_path / "out" / "register.csv"
    atomic.write_text(target, "one\n")
    atomic.write_text(target, "two\nlines\n", newline="\r\n")
    assert target.read_bytes() == b"two\r\nlines\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["register.csv"]


def test_staged_folder_appears_only_when_complete(tmp_path):
    final = tmp_path / "return-1"
    with pytest.raises(RuntimeError), atomic.staged_folder(final) as tmp:
        (tmp / "a.csv").write_text("x")
        raise RuntimeError("crash half way")
    assert not final.exists()
    assert list(tmp_path.iterdir()) == []
    with atomic.staged_folder(final) as tmp:
        (tmp / "a.csv").write_text("x")
        assert not final.exists()
    assert (final / "a.csv").read_text() == "x"
    with pytest.raises(FileExistsError), atomic.staged_folder(final):
        pass


def test_remove_orphans_clears_what_a_crash_left(tmp_path):
    (tmp_path / ".return-2.partial-abc").mkdir()
    (tmp_path / ".x.csv.123.tmp").write_text("half")
    (tmp_path / "return-1").mkdir()
    removed = atomic.remove_orphans(tmp_path)
    assert len(removed) == 2
    assert os.listdir(tmp_path) == ["return-1"]


def test_similarity_ignores_order_case_and_spacing():
    assert similarity("Amira Khan", "khan  amira") == 100
    assert similarity("Mohammed Ali", "Muhammad Ali") > 80
    assert similarity("Amira Khan", "Oliver Smith") < 50


def test_likely_duplicates_need_a_close_birthday_and_a_similar_name(store):
    with store.write() as s:
        school = f.school(s, "Dover Grammar")
        same = f.carer(s, "Mohammed", "Ali", date(2012, 3, 4), school_id=school.id)
        day_out = f.carer(s, "Mohammed", "Ali", date(2012, 3, 5))  # a day out: maybe a slip, shown second
        f.carer(s, "Mohammed", "Ali", date(2012, 3, 7))  # three days out: another child
        f.carer(s, "Jack", "Smith", date(2012, 3, 4))  # same day, other name
        pref = f.carer(s, "Aleksandra", "Nowak", date(2012, 3, 4), preferred_name="Ola")
    with store.read() as s:
        found = likely_duplicates(s, "Muhammad", "Ali", date(2012, 3, 4))
        assert [m.carer_id for m in found] == [same.id, day_out.id]
        assert found[0].school == "Dover Grammar"
        assert found[0].reason == "same date of birth, name 2 letters different"
        assert found[1].reason == "date of birth a day out, name 2 letters different"
        assert [m.carer_id for m in likely_duplicates(s, "Ola", "Nowak", date(2012, 3, 4))] == [pref.id]
        assert likely_duplicates(s, "Zed", "Quinn", date(2012, 3, 4)) == []


def test_settings_defaults_and_a_secret_made_once(store):
    with store.write() as s:
        assert settings.get_int(s, settings.IDLE_LOCK_MINUTES) == 10
        settings.put(s, settings.IDLE_LOCK_MINUTES, "5")
        first = settings.secret(s)
    with store.write() as s:
        assert settings.get_int(s, settings.IDLE_LOCK_MINUTES) == 5
        assert settings.secret(s) == first and len(first) == 32
        assert settings.PSEUDONYM_SECRET not in settings.all_settings(s)


def test_current_worker_is_remembered(store):
    with store.write() as s:
        assert workers.current_worker(s).name == "Duty worker"  # an empty service gets one
        b = f.worker(s, "Bea", role="worker")
        workers.choose(s, b.id)
    with store.read() as s:
        assert workers.current_worker(s).id == b.id


def test_audit_refuses_unknown_actions_and_records_known_ones(store):
    with store.write() as s:
        audit.record(s, "view", "carer", "abc", None)
        with pytest.raises(ValueError):
            audit.record(s, "peek")
    with store.read() as s:
        rows = s.exec(select(AuditEntry.action, AuditEntry.entity, AuditEntry.record_id)).all()
    assert rows == [("view", "carer", "abc")]


def test_field_errors_are_what_a_form_shows_beside_its_fields():
    from ycworker.common.errors import FieldError, FormErrors, field_errors

    one, two = FieldError("a", "A is wrong"), FieldError("b", "B is wrong")
    assert field_errors(FormErrors([one, two])) == [one, two]
    assert field_errors(one) == [one]
    assert field_errors(OSError("disk full")) == []
