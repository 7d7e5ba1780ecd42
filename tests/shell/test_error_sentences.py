"""Issue 12 item 12: no exception text (SQL, bound parameters, secrets) reaches standard error or
a screen: a sentence and a reference; the detail only for a developer (YCWORKER_DEBUG=1)."""

from __future__ import annotations

import errno
import sqlite3

import pytest
import sqlalchemy as sa

from tests.conftest import PASSPHRASE
from ycworker.cli import main
from ycworker.common.errors import describe

HEADER = ("carer_ref,first_name,last_name,date_of_birth,sex,ethnicity,district,school,household_ref,"
          "referral_date,referral_source,consent,allocated_date,assessment_completed_date,impact_level,"
          "closed_date,closure_reason")
ROW = "K1,Amira,Zebulonfamily,01/05/2012,F,ABAN,Dover,St Mary's Primary,H1,2024-01-10,school,given,,,,,"


@pytest.fixture
def env(monkeypatch, db_path):
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("YCWORKER_DB", str(db_path))
    monkeypatch.delenv("YCWORKER_DEBUG", raising=False)
    return db_path


@pytest.fixture
def read_only(monkeypatch):
    """Once the store is open, every connection refuses writes as SQLite does for a read-only
    file (SQLITE_READONLY: 'attempt to write a readonly database'), with the real SQL and
    parameters in the exception."""
    from db import engine as engine_module

    opened = engine_module.open_store

    def open_read_only(*args, **kw):
        store = opened(*args, **kw)

        @sa.event.listens_for(store.engine, "before_cursor_execute")
        def _query_only(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
                conn.connection.dbapi_connection.execute("PRAGMA query_only = ON")
        return store

    monkeypatch.setattr(engine_module, "open_store", open_read_only)


def _assert_clean(err: str, *secrets: str) -> None:
    assert err.strip(), "a sentence is expected"
    for leak in ("INSERT", "SELECT", "UPDATE", "[SQL", "parameters", "Traceback", "something went wrong",
                 *secrets):
        assert leak not in err, f"{leak!r} reached standard error: {err}"
    # a sentence: the store's own (read-only, locked ...) or ours with a reference
    assert err.rstrip().endswith(".") or "(reference " in err


def test_read_only_import_prints_no_sql_and_no_family_name(env, read_only, tmp_path, capsys):
    csv = tmp_path / "caseload.csv"
    csv.write_text(f"{HEADER}\r\n{ROW}\r\n", encoding="utf-8")
    code = main(["import", "caseload", str(csv)])
    err = capsys.readouterr().err
    assert code == 1
    _assert_clean(err, "Zebulonfamily", "Amira", "household")
    assert "read-only" in err


def test_export_never_prints_the_pseudonym_secret(env, read_only, tmp_path, capsys, monkeypatch):
    from ycworker.common import settings

    seen: list[str] = []
    real = settings.secrets.token_hex
    monkeypatch.setattr(settings.secrets, "token_hex", lambda n=32: seen.append(real(n)) or seen[-1])
    code = main(["export", "--quarter", "2025-26-Q1", "--to", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1
    assert seen, "the secret was made (and its INSERT refused)"
    _assert_clean(err, *seen)
    assert "read-only" in err


@pytest.mark.parametrize("driver_text,expected", [
    ("database or disk is full", "disk is full"),
    ("database is locked", "Another ycworker is working"),
    ("attempt to write a readonly database", "read-only"),
])
def test_driver_errors_are_sentences(env, tmp_path, capsys, monkeypatch, driver_text, expected):
    from ycworker.caseload import importing as caseload_import

    def fail(*_a, **_k):
        raise sa.exc.OperationalError("INSERT INTO household (name) VALUES (?)", ("Zebulon family",),
                                      sqlite3.OperationalError(driver_text))

    monkeypatch.setattr(caseload_import, "import_file", fail)
    csv = tmp_path / "caseload.csv"
    csv.write_text(f"{HEADER}\r\n{ROW}\r\n", encoding="utf-8")
    assert main(["import", "caseload", str(csv)]) == 1
    err = capsys.readouterr().err
    _assert_clean(err, "Zebulon")
    assert expected in err


def test_disk_full_oserror_and_debug_detail(env, tmp_path, capsys, monkeypatch):
    from ycworker.protection import backups

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device", "/home/x/Zebulon family.db")

    monkeypatch.setattr(backups, "make_backup", full)
    assert main(["backup"]) == 1
    err = capsys.readouterr().err
    _assert_clean(err, "Zebulon")
    assert "disk is full" in err
    # a developer asks for the detail: then (and only then) it is printed
    assert main(["backup", "--debug"]) == 1
    assert "Zebulon family" in capsys.readouterr().err


def test_the_screen_helper_never_formats_the_exception_text():
    from screens.common.base import plain_error

    error = sa.exc.OperationalError("INSERT INTO carer (first_name) VALUES (?)", ("Zebulon",),
                                    sqlite3.OperationalError("database is locked"))
    try:
        raise error
    except sa.exc.OperationalError as exc:
        text = plain_error(exc, "save")
    assert text.startswith("Could not save.") and "Zebulon" not in text and "INSERT" not in text
    assert "reference OperationalError@test_error_sentences.py" in text
    assert describe(ValueError("secret 1234")).count("secret") == 0

