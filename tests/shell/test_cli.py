"""The command line: usage errors, passphrase handling, exit codes (shared/spec/cli.md)."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

from tests.conftest import PASSPHRASE
from ycworker.cli import main


@pytest.fixture
def env(monkeypatch, db_path):
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("YCWORKER_DB", str(db_path))
    return db_path


def test_help_exits_zero(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "import", "export", "sync", "backup", "restore"):
        assert command in out


@pytest.mark.parametrize(
    "argv,message",
    [
        (["export", "--to", "x"], "Give --quarter"),
        (["export", "--quarter", "2021-22-Q1", "--start", "2021-04-01", "--end", "2021-05-01", "--to", "x"],
         "not both"),
        (["export", "--start", "2021-04-01", "--to", "x"], "Give --quarter"),
    ],
)
def test_export_usage_errors_exit_2(argv, message, capsys, env):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_unknown_command_exits_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2


def test_wrong_passphrase_exits_3_and_leaves_the_file(monkeypatch, env, capsys):
    monkeypatch.setenv("YCWORKER_PASSPHRASE", "wrong passphrase")
    before = hashlib.sha256(env.read_bytes()).hexdigest()
    assert main(["demo", "--carers", "5"]) == 3
    err = capsys.readouterr().err
    assert "passphrase does not open" in err and "Traceback" not in err
    assert hashlib.sha256(env.read_bytes()).hexdigest() == before


def test_db_flag_beats_the_environment(monkeypatch, env, tmp_path, capsys):
    monkeypatch.setenv("YCWORKER_PASSPHRASE", "wrong passphrase")
    # --db names a new file, so the "wrong" passphrase simply becomes its passphrase.
    target = tmp_path / "other" / "yc.db"
    main(["demo", "--carers", "1", "--db", str(target)])
    assert target.exists()


def test_no_passphrase_and_no_terminal_is_a_sentence(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "ycworker", "demo", "--carers", "1", "--db", str(tmp_path / "x.db")],
        capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert "YCWORKER_PASSPHRASE" in result.stderr and "Traceback" not in result.stderr
