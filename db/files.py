"""Files on disk: private folders and files (0700 / 0600), the umask, and fsync of files and folders.

Used by the store, the keys file and every atomic write; it imports nothing of ycworker's.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path


def secure_folder(folder: Path) -> str | None:
    """Make the folder if it is missing: it, and every parent made with it, 0700.

    A folder that already exists is left exactly as it is (it may be /tmp, a shared folder, the
    user's own choice). Returns a warning sentence for the caller to show when others can read
    or write in it, else None. Raises OSError when it cannot be made."""
    folder = Path(folder)
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for made in reversed(missing):
        with private_umask():
            made.mkdir(mode=0o700, exist_ok=True)
        os.chmod(made, 0o700)  # ours: made just now
    if missing:
        return None
    return folder_warning(folder)


def folder_warning(folder: Path) -> str | None:
    """A sentence when people other than you can read or write in this (existing) folder."""
    try:
        mode = stat.S_IMODE(Path(folder).stat().st_mode)
    except OSError:
        return None
    if not mode & 0o077:
        return None
    who = "can write in" if mode & 0o022 else "can see the files in"
    folder = Path(folder).absolute()
    return (f"Other users of this computer {who} the folder {folder} (permissions "
            f"{mode:04o}). ycworker has not changed it; the database is encrypted, but a private "
            f"folder (chmod 700) keeps its companions and backups out of sight.")


def secure_file(path: Path) -> None:
    """0600 for a file ycworker has just made (never call it on a file the user had)."""
    with contextlib.suppress(OSError):
        if path.exists():
            os.chmod(path, 0o600)


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Files created inside the block are 0600 and folders 0700, whatever the user's umask."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def fsync_file(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def fsync_dir(folder: Path) -> None:
    """fsync a folder, so that a rename or an unlink in it survives a crash (where the system
    allows a folder to be fsync-ed at all: an OSError is ignored)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
