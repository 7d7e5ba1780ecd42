"""Carry sealed returns from the local outbox to a USB stick or shared folder.

``sync_to(store, target)`` copies every sealed return that ``target`` lacks: each one under a
temporary ``.<name>.partial-*`` folder (the CSV and JSON files first, ``manifest.json`` last), every
file's SHA-256 checked there against the manifest, then the folder renamed into place and fsynced.
A return already in ``target`` is left alone, so a second run copies nothing. The outbox copy is
checked against the manifest hash recorded when it was sealed before anything is copied; a damaged
outbox copy is reported, never spread. A copy already in ``target`` is checked the same way and
reported (never overwritten) when it no longer matches. Each copied return gets
``synced_to``/``synced_at`` and a ``sync`` audit entry.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import sqlalchemy as sa

from db.models import SealedReturn, utcnow
from ycworker.common import atomic, audit
from ycworker.common.errors import UserError
from ycworker.common.paths import outbox_dir
from ycworker.returns.export import MANIFEST, check_folder, reconcile, sha256_file, write_folder


@dataclass
class SyncResult:
    target: Path
    copied: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # sentences

    def lines(self) -> list[str]:
        out = [f"Copied {name}" for name in self.copied]
        out += [f"Not copied: {p}" for p in self.problems]
        if self.copied:
            out.append(f"Copied {len(self.copied)} return(s) to {self.target}.")
        elif self.problems:
            out.append(f"Nothing copied to {self.target}; see the problems above.")
        else:
            out.append(f"Nothing to copy: {self.target} already has every sealed return "
                       f"({len(self.already)}).")
        return out


def _copy_files(src: Path) -> Callable[[Path], None]:
    names = [f["name"] for f in json.loads((src / MANIFEST).read_text("utf-8"))["files"]]

    def write(tmp: Path) -> None:
        for name in [*names, MANIFEST]:  # manifest last
            shutil.copyfile(src / name, tmp / name)
            with (tmp / name).open("rb") as fh:
                os.fsync(fh.fileno())
    return write


def sync_to(store, target: Path, worker_id: str | None = None) -> SyncResult:
    target = Path(target).expanduser()
    try:
        atomic.make_folder(target)  # 0700 when made here; an existing folder is left as it is
    except OSError as exc:
        raise UserError(f"The folder {target} cannot be made ({exc.strerror or exc}). Is the USB stick "
                        "plugged in?") from None
    if not target.is_dir() or not os.access(target, os.W_OK | os.X_OK):
        raise UserError(f"The folder {target} cannot be written to. Nothing was copied.")
    atomic.remove_orphans(target)
    reconcile(store, target)  # a killed export's seals: finished or undone before copying
    sealed = cast(sa.Table, sa.inspect(SealedReturn).local_table)
    t = sealed.c
    with store.read() as s:
        rows = s.connection().execute(
            sa.select(t.id, t.folder_name, t.path, t.manifest_sha256).order_by(t.created_at, t.folder_name)
        ).all()
    result = SyncResult(target)
    for rid, name, path, manifest_sha in rows:
        there = target / name
        if there.exists():
            damaged = check_folder(there)
            if not damaged and sha256_file(there / MANIFEST) != manifest_sha:
                damaged = ["its manifest.json is not the one that was sealed"]
            if damaged:  # never overwritten: the worker decides what to do with it
                result.problems.append(f"{name} is already in {target} but that copy is damaged "
                                       f"({'; '.join(damaged)}). Delete it there and sync again.")
            else:
                result.already.append(name)
            continue
        src = Path(path)
        if not src.is_dir():  # the database (and its outbox) may have moved since it was sealed
            src = outbox_dir(store.path) / name
        if not (src / MANIFEST).is_file():
            result.problems.append(f"{name}: the sealed copy is missing from the outbox ({src}).")
            continue
        problems = check_folder(src)
        if not problems and sha256_file(src / MANIFEST) != manifest_sha:
            problems = ["manifest.json is not the one that was sealed"]
        if problems:
            result.problems.append(f"{name}: the sealed copy is damaged ({'; '.join(problems)}).")
            continue
        try:
            write_folder(target / name, _copy_files(src), manifest_sha)
        except OSError as exc:
            result.problems.append(f"{name}: could not be written ({exc.strerror or exc}).")
            continue
        with store.write() as s:
            s.connection().execute(sa.update(sealed).where(t.id == rid).values(
                synced_to=str(target.resolve()), synced_at=utcnow(), updated_at=utcnow()))
            audit.record(s, "sync", "sealed_return", rid, worker_id)
        result.copied.append(name)
    return result
