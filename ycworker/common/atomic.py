"""Atomic files and folders: write under a temporary name, fsync, rename, fsync the folder.

A crash leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from db.files import fsync_dir, secure_folder

_STARTED = time.time() - 1  # this process's start, give or take (see _building)


def make_folder(folder: Path) -> None:
    """Make ``folder`` (and any missing parents) 0700 when it is missing; an existing folder is
    left exactly as it is (it may be /tmp, a USB stick, the worker's own choice). Raises OSError
    when it cannot be made."""
    secure_folder(Path(folder))


def write_bytes(path: Path, data: bytes, mode: int = 0o600) -> Path:
    path = Path(path)
    make_folder(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)
    return path


def write_text(path: Path, text: str, *, encoding: str = "utf-8", newline: str | None = None,
               mode: int = 0o600) -> Path:
    if newline is not None:
        text = text.replace("\r\n", "\n").replace("\n", newline)
    return write_bytes(path, text.encode(encoding), mode)


@contextlib.contextmanager
def staged_folder(final: Path, rename_to: Path | None = None) -> Iterator[Path]:
    """Build a folder under a temporary name beside ``final``; renamed into place on success
    (to ``rename_to`` instead when given: e.g. a sealing name, see below).

    The folder is 0700 and every file in it 0600 (they hold pseudonymised records, and ``final``
    may be a shared folder or a USB stick), whatever the umask or the writer used.

    Temporary folders are named ``.<final>.partial-<pid>-*`` so a later start can find and remove
    orphans (``remove_orphans``) while leaving alone a folder another live process is building.
    """
    final = Path(final)
    if final.exists():
        raise FileExistsError(f"{final} already exists")
    make_folder(final.parent)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.partial-{os.getpid()}-", dir=final.parent))
    try:
        yield tmp
        for child in tmp.iterdir():
            if child.is_file():
                os.chmod(child, 0o600)
                with child.open("rb") as fh:
                    os.fsync(fh.fileno())
        fsync_dir(tmp)
        os.rename(tmp, rename_to or final)
        fsync_dir(final.parent)
    except BaseException:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _building(path: Path) -> bool:
    """True when a ``.partial-<pid>-`` folder belongs to a process still running here.

    Our own pid counts only for a folder made since this process started (a pid can come back
    after a crash and a restart).
    """
    pid_text = path.name.rpartition(".partial-")[2].partition("-")[0]
    if not pid_text.isdigit():
        return False
    if int(pid_text) == os.getpid():
        try:
            return path.stat().st_mtime >= _STARTED
        except OSError:
            return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def remove_orphans(folder: Path) -> list[Path]:
    """Remove temporary folders and files a crash left behind in ``folder``.

    A ``.partial-<pid>-`` folder whose process is still running is being built, not orphaned.
    """
    import shutil

    removed: list[Path] = []
    if not Path(folder).is_dir():
        return removed
    for child in Path(folder).iterdir():
        if child.name.startswith(".") and ".partial-" in child.name and _building(child):
            continue
        if child.name.startswith(".") and (".partial-" in child.name or child.name.endswith(".tmp")):
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
            removed.append(child)
    return removed


# -- sealing: complete, recorded, then in place ------------------------------------------------
# A sealed folder is built and checked under ``.<name>.sealing-<pid>`` (complete, but hidden and
# not yet anyone's to send), the seal is recorded in the database, and only then is the folder
# renamed to ``<name>``. A kill before the record leaves a hidden folder nobody recorded (removed
# at the next start); a kill after it leaves a recorded one (put in place at the next start). So
# every folder a worker can send is listed as sealed, or is not there.

SEALING = ".sealing-"


def sealing_name(final: Path) -> Path:
    final = Path(final)
    return final.with_name(f".{final.name}{SEALING}{os.getpid()}")


def staged_for_sealing(folder: Path) -> list[tuple[str, Path, bool]]:
    """The ``.<name>.sealing-<pid>`` folders in ``folder``: (name, path, still being made by a
    live process other than this one)."""
    found = []
    with contextlib.suppress(OSError):
        for child in Path(folder).iterdir():
            head, sep, pid = child.name.rpartition(SEALING)
            if not sep or not head.startswith(".") or not pid.isdigit() or not child.is_dir():
                continue
            live = int(pid) != os.getpid() and _pid_alive(int(pid))
            found.append((head[1:], child, live))
    return found


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def put_in_place(staged: Path, final: Path) -> Path:
    """Rename a complete staged folder to its final name (same folder: atomic), fsync the folder."""
    if Path(final).exists():
        raise FileExistsError(f"{final} already exists")
    os.rename(staged, final)
    fsync_dir(Path(final).parent)
    return Path(final)
