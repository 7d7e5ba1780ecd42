"""Resilience harnesses: SIGKILLs of a saving process, simulated power cuts, two writers.

    python -m bench.resilience [--kills 1000] [--powercuts 500] [--saves 1000]

The tests (tests/test_resilience.py) run the same harnesses at the sizes the issue asks for
(200 kills, 100+ power cuts per mode, 2 x 200 saves); this script runs them bigger and prints
the figures.

1. ``sigkill_runs``: a child process (forked from a warm zygote, see below) saves records one
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
   harness loses some, which shows it can detect a loss. The shim's xSync updates the model
   only (the real fsync would cost time and change nothing the harness reads).

3. ``two_writers``: two processes each save N records (with reads between) on one file at
   the same time, counting "database is locked" errors; the file must end with exactly 2N.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PRELOAD = ["db.engine", "db.models", "sqlmodel", "sqlalchemy"]
ROOT = Path(__file__).resolve().parent.parent


# -- 1. SIGKILL ------------------------------------------------------------------------------
#
# The saver is forked from a warm "zygote": one Python process that imported SQLCipher, the
# engine and the models and configured the ORM mappers once. Each kill then costs a fork, an
# engine, one connection and the first commit (~35 ms) rather than a new interpreter or a
# multiprocessing child that re-imports the parent's __main__ (under pytest: pytest itself).
#
# Protocol, one line each way on the zygote's stdin/stdout: "fork <tag>" -> "pid <n>"; the child
# writes "ok <id>" after each commit returns (a short os.write to a pipe is atomic, so lines of
# the zygote and the child never mix); "reap <n>" -> the zygote waits for the killed child and
# answers "reaped <n>", after every line the child managed to write.

def _saver(path: Path, key_hex: str, tag: str, out_fd: int) -> None:
    """Child: save records forever, reporting each id after its commit returns."""
    from db.engine import Store, _make_engine
    from db.models import District

    store = Store(path=path, engine=_make_engine(path, key_hex))
    i = 0
    while True:
        with store.write() as session:
            row = District(name=f"{tag}-{i}")
            session.add(row)
            row_id = row.id
        os.write(out_fd, f"ok {row_id}\n".encode())
        i += 1


def zygote(path: str, key_hex: str) -> None:
    """The warm launcher (``python -c 'from bench.resilience import zygote; zygote(PATH, KEY)'``)."""
    import sqlcipher3  # noqa: F401
    from sqlalchemy.dialects.sqlite import pysqlcipher  # noqa: F401
    from sqlalchemy.orm import configure_mappers

    import db.engine  # noqa: F401
    import db.models  # noqa: F401

    configure_mappers()
    out = sys.stdout.fileno()
    os.write(out, b"ready\n")
    for line in sys.stdin:
        word, _, arg = line.strip().partition(" ")
        if word == "fork":
            pid = os.fork()
            if pid == 0:
                try:
                    _saver(Path(path), key_hex, arg, out)
                finally:
                    os._exit(1)
            os.write(out, f"pid {pid}\n".encode())
        elif word == "reap":
            os.waitpid(int(arg), 0)
            os.write(out, f"reaped {arg}\n".encode())
        elif word == "quit":
            break


class _Lines:
    """Lines from a pipe, with a timeout (select on the raw descriptor)."""

    def __init__(self, fd: int):
        self.fd = fd
        self.buffer = b""

    def next(self, timeout: float) -> str | None:
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                return None
            chunk = os.read(self.fd, 65536)
            if not chunk:
                raise EOFError("the zygote stopped")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()


@dataclass
class KillReport:
    kills: int = 0
    reported: int = 0
    found: int = 0
    lost: int = 0
    integrity_failures: int = 0
    seconds: float = 0.0
    start_seconds: float = 0.0  # fork to first commit, summed over the kills that waited for one
    waited: int = 0
    check_seconds: float = 0.0  # the integrity_check after each kill
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        per = 1000 / max(1, self.kills)
        return (f"SIGKILL: {self.kills} kills, {self.reported} commits reported before the kill, "
                f"{self.found} rows found, {self.lost} lost, {self.integrity_failures} integrity "
                f"failures ({self.seconds:.1f} s, {self.seconds * per:.0f} ms/kill: "
                f"{self.start_seconds * 1000 / max(1, self.waited):.0f} ms fork to first commit, "
                f"{self.check_seconds * per:.0f} ms integrity_check)")


def sigkill_runs(path: Path, key_hex: str, kills: int = 200, seed: int = 8) -> KillReport:
    """Kill a saving child ``kills`` times; count reported commits against rows found.

    Most kills land a random 0-30 ms after the child's first commit (so it is mid-transaction
    or mid-fsync); one in ten lands while it is still opening the database."""
    from db.engine import _driver_connect, check_file

    rng = random.Random(seed)
    report = KillReport()
    reported: set[str] = set()
    started = time.perf_counter()
    zyg = subprocess.Popen(
        [sys.executable, "-c", "import sys; from bench.resilience import zygote; zygote(*sys.argv[1:])",
         str(path), key_hex],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT, bufsize=0)
    lines = _Lines(zyg.stdout.fileno())

    def ask(text: str) -> None:
        zyg.stdin.write(text.encode() + b"\n")
        zyg.stdin.flush()

    def until(prefix: str, timeout: float = 30.0) -> str:
        while True:
            line = lines.next(timeout)
            if line is None:
                raise TimeoutError(f"the zygote did not answer {prefix!r}")
            if line.startswith("ok "):
                reported.add(line[3:])
            if line.startswith(prefix):
                return line

    try:
        until("ready", 120)
        for n in range(kills):
            forked = time.perf_counter()
            ask(f"fork k{n}")
            pid = int(until("pid ").split()[1])
            if rng.random() < 0.9:
                until("ok ", 10)  # wait for a first commit (recorded by until)
                report.start_seconds += time.perf_counter() - forked
                report.waited += 1
                time.sleep(rng.uniform(0, 0.03))
            else:
                time.sleep(rng.uniform(0, 0.01))
            os.kill(pid, signal.SIGKILL)
            ask(f"reap {pid}")
            until(f"reaped {pid}")
            report.kills += 1
            checking = time.perf_counter()
            problems = check_file(path, key_hex, full=True)
            report.check_seconds += time.perf_counter() - checking
            if problems:
                report.integrity_failures += 1
                report.problems.append(problems[0])
        ask("quit")
    finally:
        zyg.stdin.close()
        try:
            zyg.wait(10)
        except subprocess.TimeoutExpired:
            zyg.kill()
            zyg.wait()
        zyg.stdout.close()
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


def _context():
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


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
            # The model is the disk: a sync moves the file's pending writes into its synced
            # image. The real fsync is skipped (it only cost time: nothing reads the real file
            # after the cut but the crash image built from the model).
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
    with store.read() as session:  # opened and keyed before the race starts
        session.exec(select(func.count()).select_from(District)).one()
    out.put((tag, "ready"))
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
    for _ in procs:  # both have opened the store (key derivation) before the race starts
        out.get(timeout=120)
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
