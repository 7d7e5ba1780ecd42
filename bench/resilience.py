"""Resilience harnesses: SIGKILLs of a saving process, simulated power cuts, two writers.

    python -m bench.resilience [--kills 1000] [--powercuts 500] [--saves 1000]

The tests (tests/test_resilience.py) run the same harnesses at the sizes the issue asks for
(200 kills, 100+ power cuts per mode, 2 x 200 saves); this script runs them bigger and prints
the figures.

1. ``sigkill_runs``: a child process (forkserver, modules preloaded) saves records one
   transaction at a time through ``db.engine.Store`` (SQLCipher, WAL, synchronous=FULL) and
   reports each committed id down a pipe; the parent SIGKILLs it at a random moment, then opens
   the file afresh: every reported id must be there and integrity_check must say ok.

2. ``powercut_runs``: an APSW VFS shim passes every write through to the real file and also
   keeps, per file, the image as of the last fsync plus the writes made since. A "power cut"
   builds each file from its synced image plus a random subset of the unsynced writes (the
   rest are lost, as a disk cache would lose them), then opens the result. APSW bundles its own
   SQLite; the harness tests SQLite's durability rule on a plain file (not SQLCipher, whose
   pages go through the same pager). The shim has no shared-memory methods, so the connection
   uses locking_mode=EXCLUSIVE (WAL index in heap memory), which changes nothing on disk.
   With synchronous=FULL no committed record may be lost; with synchronous=NORMAL the same
   harness loses some, which shows it can detect a loss.

3. ``two_writers``: two processes each save N records (with reads between) on one file at
   the same time, counting "database is locked" errors; the file must end with exactly 2N.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PRELOAD = ["db.engine", "db.models", "sqlmodel", "sqlalchemy"]


# -- 1. SIGKILL ------------------------------------------------------------------------------

def _saver(path: str, key_hex: str, conn, tag: str) -> None:
    """Child: save records forever, reporting each id after its commit returns."""
    from db.engine import Store, _make_engine
    from db.models import District

    store = Store(path=Path(path), engine=_make_engine(Path(path), key_hex))
    i = 0
    while True:
        with store.write() as session:
            row = District(name=f"{tag}-{i}")
            session.add(row)
            row_id = row.id
        conn.send_bytes(row_id.encode())
        i += 1


@dataclass
class KillReport:
    kills: int = 0
    reported: int = 0
    found: int = 0
    lost: int = 0
    integrity_failures: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"SIGKILL: {self.kills} kills, {self.reported} commits reported before the kill, "
                f"{self.found} rows found, {self.lost} lost, {self.integrity_failures} integrity "
                f"failures ({self.seconds:.1f} s, {self.seconds / max(1, self.kills) * 1000:.0f} ms/kill)")


def _context():
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def sigkill_runs(path: Path, key_hex: str, kills: int = 200, seed: int = 8) -> KillReport:
    """Kill a saving child ``kills`` times; count reported commits against rows found."""
    from db.engine import _driver_connect, check_file

    rng = random.Random(seed)
    ctx = _context()
    report = KillReport()
    reported: set[str] = set()
    started = time.perf_counter()
    for n in range(kills):
        receiver, sender = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_saver, args=(str(path), key_hex, sender, f"k{n}"), daemon=True)
        child.start()
        sender.close()
        # wait for a first commit most of the time, sometimes kill while it is still opening
        if rng.random() < 0.9 and receiver.poll(10):
            reported.add(receiver.recv_bytes().decode())
        time.sleep(rng.uniform(0, 0.03))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        while True:
            try:
                if not receiver.poll(0):
                    break
                reported.add(receiver.recv_bytes().decode())
            except (EOFError, OSError):
                break
        receiver.close()
        report.kills += 1
        problems = check_file(path, key_hex, full=True)
        if problems:
            report.integrity_failures += 1
            report.problems.append(problems[0])
    conn = _driver_connect(path, key_hex)
    try:
        found = {r[0] for r in conn.execute("SELECT id FROM district").fetchall()}
    finally:
        conn.close()
    report.reported = len(reported)
    report.found = len(found)
    report.lost = len(reported - found)
    report.seconds = time.perf_counter() - started
    return report


# -- 2. power cuts ---------------------------------------------------------------------------

class _Disk:
    """What the disk holds: per file, the synced image and the writes since the last sync."""

    def __init__(self) -> None:
        self.synced: dict[str, bytearray] = {}
        self.pending: dict[str, list[tuple]] = {}

    @staticmethod
    def apply(image: bytearray, op: tuple) -> None:
        if op[0] == "write":
            _, offset, data = op
            if len(image) < offset:
                image.extend(b"\0" * (offset - len(image)))
            image[offset:offset + len(data)] = data
        else:
            del image[op[1]:]

    def record(self, name: str, op: tuple) -> None:
        self.synced.setdefault(name, bytearray())
        self.pending.setdefault(name, []).append(op)

    def sync(self, name: str) -> None:
        image = self.synced.setdefault(name, bytearray())
        for op in self.pending.pop(name, []):
            self.apply(image, op)

    def delete(self, name: str) -> None:
        """A deleted file is gone (a rollback journal's deletion is its commit point)."""
        self.synced.pop(name, None)
        self.pending.pop(name, None)

    def crash_image(self, rng: random.Random, keep: float) -> dict[str, bytes]:
        """Synced images plus a random subset of the unsynced writes, in their order."""
        out = {}
        for name, image in self.synced.items():
            image = bytearray(image)
            for op in self.pending.get(name, []):
                if rng.random() < keep:
                    self.apply(image, op)
            out[name] = bytes(image)
        return out


def _shim(disk: _Disk, vfs_name: str):
    import apsw

    class File(apsw.VFSFile):
        def __init__(self, name, flags):
            self.path = name.filename() if isinstance(name, apsw.URIFilename) else name
            super().__init__("", name, flags)

        def xWrite(self, data, offset):
            super().xWrite(data, offset)
            if self.path:
                disk.record(self.path, ("write", offset, bytes(data)))

        def xTruncate(self, size):
            super().xTruncate(size)
            if self.path:
                disk.record(self.path, ("truncate", size))

        def xSync(self, flags):
            super().xSync(flags)
            if self.path:
                disk.sync(self.path)

    class Vfs(apsw.VFS):
        def __init__(self):
            super().__init__(vfs_name, "")

        def xOpen(self, name, flags):
            return File(name, flags)

        def xDelete(self, filename, syncdir):
            super().xDelete(filename, syncdir)
            disk.delete(filename)

    return Vfs()


@dataclass
class PowercutReport:
    synchronous: str
    runs: int = 0
    committed: int = 0
    lost: int = 0
    runs_with_loss: int = 0
    integrity_failures: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        return (f"power cuts, synchronous={self.synchronous}: {self.runs} runs, {self.committed} "
                f"committed, {self.lost} lost ({self.runs_with_loss} runs lost some), "
                f"{self.integrity_failures} integrity failures ({self.seconds:.1f} s)")


def powercut_run(folder: Path, synchronous: str, rng: random.Random, n: int) -> tuple[int, int, bool]:
    """One run: commit records, cut the power, reopen. Returns (committed, found, integrity ok)."""
    import apsw

    disk = _Disk()
    name = f"powercut{n}"
    vfs = _shim(disk, name)
    path = str(folder / f"run{n}.db")
    conn = apsw.Connection(path, vfs=name)
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {synchronous}")
        conn.execute(f"PRAGMA wal_autocheckpoint = {rng.choice([4, 16, 1000])}")
        conn.execute("CREATE TABLE rec(id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        committed = 0
        for _ in range(rng.randint(5, 60)):
            rows = rng.randint(1, 4)
            with conn:  # one transaction: committed when the block returns
                for _ in range(rows):
                    conn.execute("INSERT INTO rec(body) VALUES (?)", ("x" * rng.randint(10, 3000),))
            committed += rows
        if rng.random() < 0.5:  # the power goes mid-transaction
            conn.execute("BEGIN")
            conn.execute("INSERT INTO rec(body) VALUES (?)", ("uncommitted" * 400,))
        image = disk.crash_image(rng, keep=rng.random())
    finally:
        del conn  # the process "dies": nothing more reaches the disk image we took
        vfs.unregister()
    crashed = folder / f"crash{n}"
    crashed.mkdir()
    for original, data in image.items():
        (crashed / Path(original).name).write_bytes(data)
    check = apsw.Connection(str(crashed / f"run{n}.db"))
    try:
        ok = check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    except apsw.Error:
        ok = False
    try:
        found = check.execute("SELECT count(*) FROM rec").fetchall()[0][0]
    except apsw.SQLError:  # the table itself was never made durable: everything is lost
        found = 0
    except apsw.Error:
        found = 0
    finally:
        check.close()
    return committed, found, ok


def powercut_runs(runs: int = 100, synchronous: str = "FULL", seed: int = 1) -> PowercutReport:
    rng = random.Random(seed)
    report = PowercutReport(synchronous)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ycw-powercut-") as tmp:
        for n in range(runs):
            committed, found, ok = powercut_run(Path(tmp), synchronous, rng, n)
            report.runs += 1
            report.committed += committed
            lost = max(0, committed - found)
            report.lost += lost
            report.runs_with_loss += lost > 0
            report.integrity_failures += not ok
    report.seconds = time.perf_counter() - started
    return report


# -- 3. two writers --------------------------------------------------------------------------

def _writer(path: str, passphrase: str, saves: int, tag: str, go, out) -> None:
    from sqlalchemy.exc import OperationalError
    from sqlmodel import func, select

    from db.engine import open_store
    from db.models import District

    store = open_store(path, passphrase, migrate=False)
    locked = other = 0
    go.wait()
    for i in range(saves):
        try:
            with store.write() as session:
                session.add(District(name=f"{tag}-{i}"))
            with store.read() as session:
                session.exec(select(func.count()).select_from(District)).one()
        except OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                locked += 1
            else:
                other += 1
    store.close()
    out.put((tag, locked, other))


@dataclass
class TwoWriterReport:
    saves_each: int
    expected: int
    found: int
    locked_errors: int
    other_errors: int
    seconds: float

    def line(self) -> str:
        return (f"two processes x {self.saves_each} saves: {self.found}/{self.expected} rows, "
                f"{self.locked_errors} 'database is locked' errors, {self.other_errors} other errors "
                f"({self.seconds:.1f} s, {self.seconds / self.expected * 1000:.1f} ms/save)")


def two_writers(path: Path, passphrase: str, saves: int = 200) -> TwoWriterReport:
    from db.engine import _driver_connect, key_for_file

    ctx = _context()
    go, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(str(path), passphrase, saves, tag, go, out))
             for tag in ("left", "right")]
    for p in procs:
        p.start()
    time.sleep(0.5)  # both have opened the store (key derivation) before the race starts
    started = time.perf_counter()
    go.set()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join()
    seconds = time.perf_counter() - started
    conn = _driver_connect(path, key_for_file(path, passphrase))
    try:
        found = conn.execute(
            "SELECT count(*) FROM district WHERE name LIKE 'left-%' OR name LIKE 'right-%'"
        ).fetchone()[0]
    finally:
        conn.close()
    return TwoWriterReport(saves, 2 * saves, found, sum(r[1] for r in results),
                           sum(r[2] for r in results), seconds)


# -- the script ------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--powercuts", type=int, default=500)
    parser.add_argument("--saves", type=int, default=1000)
    args = parser.parse_args()
    from db.engine import open_store

    passphrase = "resilience bench"
    with tempfile.TemporaryDirectory(prefix="ycw-resilience-") as tmp:
        path = Path(tmp) / "kill.db"
        store = open_store(path, passphrase)
        key = store.key_hex
        store.close()
        print(sigkill_runs(path, key, kills=args.kills).line())
        for mode in ("FULL", "NORMAL"):
            print(powercut_runs(args.powercuts, mode).line())
        path2 = Path(tmp) / "two.db"
        open_store(path2, passphrase).close()
        print(two_writers(path2, passphrase, args.saves).line())


if __name__ == "__main__":
    main()
