"""``ycworker export`` and ``ycworker sync`` on the command line: exit codes and output rules."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from db.engine import open_store
from tests.conftest import PASSPHRASE
from tests.helpers import return_data
from ycworker.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(monkeypatch, db_path):
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("YCWORKER_DB", str(db_path))
    store = open_store(db_path, PASSPHRASE)
    with store.write() as s:
        return_data.seed(s)
    store.close()
    return db_path


def test_export_prints_the_folder_as_the_last_line_and_exits_0(env, tmp_path, capsys):
    assert main(["export", "--quarter", "2025-26-Q2", "--to", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    last = Path(out.rstrip("\n").splitlines()[-1])
    assert last.parent == tmp_path / "out" and last.is_dir()
    assert last.name.startswith("ycworker-return-2025-26-Q2-")
    assert (last / "manifest.json").is_file()


def test_export_with_start_and_end(env, tmp_path, capsys):
    assert main(["export", "--start", "2025-08-01", "--end", "2025-08-31", "--to", str(tmp_path)]) == 0
    last = Path(capsys.readouterr().out.splitlines()[-1])
    assert last.name.startswith("ycworker-return-2025-08-01_2025-08-31-")
    assert "2025-08" in (last / "kpi_summary.csv").read_text("utf-8-sig")


@pytest.mark.parametrize("argv", [
    ["export", "--quarter", "2025-Q2", "--to", "x"],
    ["export", "--quarter", "2025-27-Q2", "--to", "x"],
    ["export", "--start", "2025-09-01", "--end", "2025-08-01", "--to", "x"],
])
def test_export_bad_periods_are_usage_errors(env, argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("ycworker: ") and "Traceback" not in err


@pytest.mark.parametrize("argv", [
    ["export", "--quarter", "2025-26-Q2"],  # no --to
    ["export", "--start", "01/08/2025", "--end", "2025-08-31", "--to", "x"],
    ["sync"],
])
def test_argparse_usage_errors_exit_2(env, argv):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_export_to_a_folder_that_cannot_be_written_exits_1(env, tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    assert main(["export", "--quarter", "2025-26-Q2", "--to", str(blocker)]) == 1
    captured = capsys.readouterr()
    assert "Nothing was written" in captured.err and captured.out == ""
    assert not (env.parent / "outbox").exists() or not any((env.parent / "outbox").iterdir())


def test_export_into_a_read_only_folder_exits_1(env, tmp_path, capsys, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o500)
    if os.geteuid() == 0:
        # root writes through a folder's permission bits; the system call refuses as it would anyone else
        real_mkdir, real_open = os.mkdir, os.open

        def refuse(real):
            def call(path, *args, **kwargs):
                if Path(os.fsdecode(path)).resolve().is_relative_to(ro.resolve()):
                    raise PermissionError(13, "Permission denied", os.fsdecode(path))
                return real(path, *args, **kwargs)
            return call

        monkeypatch.setattr(os, "mkdir", refuse(real_mkdir))
        monkeypatch.setattr(os, "open", refuse(real_open))
    try:
        assert main(["export", "--quarter", "2025-26-Q2", "--to", str(ro)]) == 1
    finally:
        monkeypatch.undo()
        ro.chmod(0o700)
    err = capsys.readouterr().err
    assert "could not be written" in err and "Nothing was sealed" in err
    assert list(ro.iterdir()) == []


def test_sync_copies_once_then_nothing(env, tmp_path, capsys):
    assert main(["export", "--quarter", "2025-26-Q1", "--to", str(tmp_path / "here")]) == 0
    assert main(["export", "--quarter", "2025-26-Q2", "--to", str(tmp_path / "here")]) == 0
    capsys.readouterr()
    usb = tmp_path / "usb"
    assert main(["sync", str(usb)]) == 0
    out = capsys.readouterr().out
    assert out.count("Copied ycworker-return-") == 2 and "Copied 2 return(s)" in out
    assert len(list(usb.iterdir())) == 2
    assert main(["sync", str(usb)]) == 0
    out = capsys.readouterr().out
    assert "Copied ycworker" not in out and "Nothing to copy" in out


def test_the_installed_command_end_to_end(env, tmp_path):
    """The real entry point in a child process: exit code, stdout's last line, no traceback."""
    run_env = {**os.environ, "YCWORKER_PASSPHRASE": PASSPHRASE, "YCWORKER_DB": str(env)}
    code = "import sys; from ycworker.cli import entry_point; sys.argv[0] = 'ycworker'; entry_point()"
    done = subprocess.run([sys.executable, "-c", code, "export", "--quarter", "2025-26-Q2", "--to",
                           str(tmp_path / "out")], capture_output=True, text=True, env=run_env, cwd=ROOT,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    folder = Path(done.stdout.splitlines()[-1])
    assert folder.is_dir() and folder.parent == tmp_path / "out"
    bad = subprocess.run([sys.executable, "-c", code, "export", "--quarter", "Q2", "--to", "x"],
                         capture_output=True, text=True, env=run_env, cwd=ROOT, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_any_start_removes_orphans_a_crash_left_in_the_outbox(env, tmp_path, capsys):
    outbox = env.parent / "outbox"
    orphan = outbox / ".ycworker-return-2025-26-Q2-20250101T000000Z.partial-999999999-abc"
    orphan.mkdir(parents=True)
    (orphan / "kpi_summary.csv").write_text("half")
    keep = outbox / "ycworker-return-2025-26-Q1-20250101T000000Z"
    keep.mkdir()
    assert main(["sync", str(tmp_path / "usb")]) == 0  # any command: the start itself cleans up
    assert not orphan.exists() and keep.exists()


def test_export_prints_an_absolute_path_for_a_relative_to(env, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--quarter", "2025-26-Q2", "--to", "out"]) == 0
    last = Path(capsys.readouterr().out.splitlines()[-1])
    assert last.is_absolute() and last.parent == tmp_path / "out"
