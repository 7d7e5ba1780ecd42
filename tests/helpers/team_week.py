"""A week of a team's work, simulated: the team server app in process over real PostgreSQL, N
encrypted SQLite laptops (copies of the tests' template database, each joined through an
enrolment code), days of offline gaps, edits, collisions, reassignments, an erasure and faults.

Seeded and repeatable; a virtual clock (``Clock``): the laptops' ``now`` (sync, the queue's
``made_at``) and the server's ``now`` are patched for the week, a laptop's with its own skew.
Nothing sleeps. ``Week.run()`` plays the week and the final all-online syncs; ``Week.check()``
asserts the promises of team.md against the simulation's own model (``Model``) and returns the
figures. Used by tests/team/test_team_week.py and (longer) bench/team_week.py.

What the model arranges so that every outcome is known in advance:

* every (carer, field) pair is edited by one laptop only (a worker: ``phone``/``email`` of the
  carers they hold; a manager: ``preferred_name`` of the carers given to them), except the
  deliberate pairs: a **same-field pair** (the carer's worker and a manager both change
  ``first_name`` on the same morning, before either syncs: exactly one conflict) and a
  **different-field pair** (``last_name`` by the worker, ``caring_tasks`` by a manager: both apply);
* a reassigned carer is edited by nobody's worker until the old worker has pushed and dropped it
  and the new one has pulled it;
* values are unique, so "applied once" can be read from the server's change log.

Faults (``FaultyHttp`` wraps the laptop's httpx-like client; the server's ``_field_change``,
``now`` and the laptop's ``save_cursor`` are patched): a request dropped before sending, the
connection cut after the server committed (answer lost), a push delivered twice, two laptops'
pushes reordered, a 500 in the middle of a batch (the server's transaction rolls back), a crash
between applying a pull and saving its cursor (the laptop's file is closed and opened again),
laptop clocks +-3 days out, and PostgreSQL restarted (``pg_ctl restart``) in the middle of a sync.

A server upgrade mid-week (when ``Week`` is given ``upgrade_server``; team.md promise 8): the week
starts on a database one schema revision behind head, the server speaking protocol ``P`` and one
laptop (the "laggard") still on ``P - 1`` (accepted). On ``upgrade_day``, halfway through the
afternoon's syncs, the live database is upgraded to head (Alembic) while the old app keeps serving;
after the next sync the app restarts speaking ``P + 1``: half the laptops upgrade with it, the
others stay on ``P`` and keep syncing (accepted); the laggard, now two versions behind, is told to
upgrade (426) and keeps every change it queued. On ``laptops_upgrade_day`` every laptop upgrades.
The laptop's protocol is the header ``FaultyHttp`` sends.
"""

from __future__ import annotations

import contextlib
import json
import random
import shutil
import subprocess
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlmodel import select

from db import outbox
from db.models import Carer, Referral
from db.models.team import TeamChange
from tests.helpers import factories
from ycworker.common import settings
from ycworker.team import conflicts as team_conflicts
from ycworker.team import enrol
from ycworker.team import sync as team_sync
from ycworker.team.client import TeamClient
from ycworker.team.protocol import PROTOCOL, PROTOCOL_HEADER
from ycworker.team.server import service

URL = "http://testserver"
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday, in 2026-27 Q3
QUARTER = "2026-27-Q3"
RETURN_DAY = date(2027, 1, 8)
FAULTS = ("drop", "cut", "twice", "reorder", "fail500", "crash", "pg_restart")
#: The person erased mid-week: names found nowhere afterwards.
ERASED_FIRST, ERASED_LAST, ERASED_REF = "Zephyrine", "Quillfeather", "YC-ERASE1"
WORKER_FIELDS = ("phone", "email")
MANAGER_FIELD = "preferred_name"
SAME_FIELD = "first_name"
DIFF_FIELDS = ("last_name", "caring_tasks")  # (the worker's, the manager's)
#: Columns a laptop moves on its own (never a change of their own): not compared with the server.
#: What each laptop keeps for itself: the edit stamp and the derived columns (outbox.NOT_A_CHANGE).
NOT_COMPARED = frozenset({"updated_at", "deadline_date", "deadline_kind"})


@dataclass
class WeekConfig:
    laptops: int = 20
    managers: int = 3
    days: int = 7
    carers_per_worker: int = 3
    worker_edits: int = 2  # per worker laptop per day
    manager_edits: int = 4  # per manager laptop per day
    same_pairs: int = 10
    diff_pairs: int = 8
    reassignments: int = 4
    new_carers: int = 4  # made on workers' laptops during the week
    seed: int = 15
    skews: tuple[int, ...] = (3, -3)  # days, for the first workers
    #: (day, fault) injected; every one must fire
    faults: tuple[tuple[int, str], ...] = (
        (1, "drop"), (1, "cut"), (2, "twice"), (2, "fail500"), (3, "reorder"), (3, "crash"),
        (4, "pg_restart"), (5, "cut"), (5, "twice"))
    erase_day: int = 3
    #: the afternoon the server's schema and protocol are upgraded (with ``upgrade_server``)
    upgrade_day: int = 3
    #: the morning every laptop still on an older protocol upgrades
    laptops_upgrade_day: int = 5


class Clock:
    """The week's virtual time: the server's, and a laptop's (the server's plus its skew)."""

    def __init__(self, start: datetime) -> None:
        self.server = start
        self.skew = timedelta(0)

    def laptop_now(self) -> datetime:
        return self.server + self.skew

    def server_now(self) -> datetime:
        return self.server

    def tick(self, seconds: float = 1.0) -> None:
        self.server += timedelta(seconds=seconds)


@dataclass(eq=False)
class Laptop:
    index: int
    name: str
    role: str
    path: Path
    store: Any
    http: FaultyHttp
    skew: timedelta = timedelta(0)
    worker_id: str = ""
    token: str = ""
    #: every team_change this laptop ever queued: id -> (entity, record_id, field)
    seen: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    finished_at: int = -1  # the sync tick of its last finished sync

    @property
    def manager(self) -> bool:
        return self.role == "manager"


@dataclass
class CarerModel:
    id: str
    ref: str
    holder: str  # worker id
    manager: str  # the manager laptop's worker id that edits its preferred_name
    referral_id: str
    referral_in_quarter: bool
    erased: bool = False
    #: nobody's worker edits it before this sync tick (a move not yet complete)
    editable_after: int = -1
    moving: tuple[str, str, str, int] | None = None  # (old, new, by manager, pushed at tick or -1)
    reserved: bool = False  # in a pair, moved, or the erased one


@dataclass
class Model:
    carers: dict[str, CarerModel] = field(default_factory=dict)
    expected: dict[tuple[str, str], str] = field(default_factory=dict)  # (carer, field) -> value
    same_pairs: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # carer, w, vw, m, vm
    diff_pairs: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    moves: list[tuple[str, str, str]] = field(default_factory=list)  # carer, old, new
    erased: CarerModel | None = None
    edits: int = 0


class Crash(Exception):
    """The laptop's process died (injected between applying a pull page and saving its cursor)."""


class FaultyHttp:
    """An httpx-like client over the server app that injects the fault armed for it."""

    def __init__(self, inner: Any, week: Week, laptop_name: str) -> None:
        self.inner, self.week, self.name = inner, week, laptop_name
        self.armed: list[str] = []
        self.partner: Laptop | None = None  # for "reorder"
        self.protocol: int | None = None  # the laptop's protocol version (None: this ycworker's)

    def close(self) -> None:  # the week's client outlives each sync
        pass

    def post(self, path: str, *, content: str | bytes = b"", headers: dict | None = None, **kw: Any):
        if self.protocol is not None:
            headers = {**(headers or {}), PROTOCOL_HEADER: str(self.protocol)}
        send = lambda: self.inner.post(path, content=content, headers=headers, **kw)  # noqa: E731
        if not self.armed:
            return send()
        fault = self.armed[0]
        body = json.loads(content) if content else {}
        changes = body.get("changes") or []
        if fault == "pg_restart" and path == "/v1/pull":
            def restart_then_send():
                self.week.restart_postgres()
                return send()
            return self._fired(fault, restart_then_send)
        if fault == "crash" and path == "/v1/pull":
            def crash():
                self.week.crash_next = True  # the first page is applied, then the laptop dies
                return send()
            return self._fired(fault, crash)
        if path != "/v1/push" or not changes or fault in ("crash", "pg_restart"):
            return send()
        if fault == "drop":
            return self._fired(fault, lambda: _raise(httpx.ConnectError("dropped before sending")))
        if fault == "cut":
            def cut():
                response = send()
                assert response.status_code == 200, response.text
                raise httpx.ReadError("connection cut after the server committed")
            return self._fired(fault, cut)
        if fault == "twice":
            def twice():
                first = send()
                second = send()
                assert first.json() == second.json(), "a push delivered twice answered differently"
                return second
            return self._fired(fault, twice)
        if fault == "reorder":
            partner = self.partner
            assert partner is not None

            def reorder():
                self.week.sync(partner)  # the partner's push, made later, arrives first
                return send()
            return self._fired(fault, reorder)
        if fault == "fail500":
            if sum(1 for c in changes if c["field"] not in ("*", "-", "erased")) < 2:
                return send()  # not a batch with a middle: wait for one

            def fail():
                self.week.fail_field_change_at = 2
                try:
                    response = send()
                finally:
                    self.week.fail_field_change_at = None
                assert response.status_code == 500, response.text
                return response
            return self._fired(fault, fail)
        raise AssertionError(f"unknown fault {fault}")

    def _fired(self, fault: str, action: Callable[[], Any]) -> Any:
        self.armed.pop(0)
        self.week.fired[fault] += 1
        return action()


def _raise(exc: Exception) -> Any:
    raise exc


class Week:
    """The simulation. ``server_client`` is a TestClient over the team app that does not re-raise
    server exceptions (a 500 is an answer); ``engine`` reads the server's database."""

    def __init__(self, *, server_client: Any, engine: sa.Engine, manager_code: str, template_db: Path,
                 folder: Path, passphrase: str, restart_postgres: Callable[[], None],
                 config: WeekConfig | None = None, progress: Callable[[str], None] | None = None,
                 upgrade_server: Callable[[int], Any] | None = None, protocol: int = PROTOCOL) -> None:
        """``upgrade_server(protocol)``: the server app restarted speaking ``protocol`` (a new
        client over it); given, the week plays the upgrade (the module's docstring) on a database
        one revision behind head, the server starting on ``protocol``."""
        self.client = server_client
        self.engine = engine
        self.manager_code = manager_code
        self.template_db = Path(template_db)
        self.folder = Path(folder)
        self.passphrase = passphrase
        self._restart = restart_postgres
        self.config = config or WeekConfig()
        self.rng = random.Random(self.config.seed)
        self.clock = Clock(START)
        self.laptops: list[Laptop] = []
        self.model = Model()
        self.fired: Counter[str] = Counter()
        self.fail_field_change_at: int | None = None
        self._field_calls = 0
        self.tick = 0  # counts syncs
        self.events: list[tuple[int, str, str]] = []  # (tick, laptop, what): for explaining a failure
        self.timings: dict[str, float] = {}
        self.syncs = 0
        self.unfinished = Counter[str]()
        self.crashes = 0
        self.crash_next = False
        self.restarts = 0
        self.progress = progress or (lambda _line: None)
        self._counter = 0
        self._upgrade_server = upgrade_server
        self.server_protocol = protocol
        self.laggard_index = self.config.laptops - 1 if upgrade_server else -1  # a worker's laptop
        self.upgraded = False
        self.upgrade_figures: dict[str, Any] = {}

    # -- patches ----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def patched(self) -> Iterator[None]:
        """The virtual clock and the fault hooks, for the week (restored after)."""
        real_field_change = service._field_change
        real_save_cursor = team_sync.save_cursor
        week = self

        def field_change(conn, caller, ch):
            if week.fail_field_change_at is not None:
                week._field_calls += 1
                if week._field_calls >= week.fail_field_change_at:
                    week._field_calls = 0
                    raise RuntimeError("injected failure in the middle of a batch")
            return real_field_change(conn, caller, ch)

        def save_cursor(session, cursor):
            real_save_cursor(session, cursor)
            if week.crash_next:
                week.crash_next = False
                raise Crash("power cut between applying a pull page and saving its cursor")

        self.crash_next = False
        saved = [(team_sync, "now", self.clock.laptop_now), (outbox, "utcnow", self.clock.laptop_now),
                 (service, "now", self.clock.server_now), (service, "_field_change", field_change),
                 (team_sync, "save_cursor", save_cursor)]
        old = [(mod, name, getattr(mod, name)) for mod, name, _ in saved]
        try:
            for mod, name, value in saved:
                setattr(mod, name, value)
            yield
        finally:
            for mod, name, value in old:
                setattr(mod, name, value)

    @contextlib.contextmanager
    def as_laptop(self, laptop: Laptop) -> Iterator[None]:
        before = self.clock.skew
        self.clock.skew = laptop.skew
        try:
            yield
        finally:
            self.clock.skew = before

    def restart_postgres(self) -> None:
        self._restart()
        self.restarts += 1

    # -- laptops ----------------------------------------------------------------------------------

    def _new_store(self, name: str) -> tuple[Path, Any]:
        from db.engine import open_store

        folder = self.folder / name
        folder.mkdir(mode=0o700, parents=True)
        path = folder / "ycworker.db"
        shutil.copyfile(self.template_db, path)
        shutil.copyfile(f"{self.template_db}.keys", f"{path}.keys")
        path.chmod(0o600)
        Path(f"{path}.keys").chmod(0o600)
        return path, open_store(path, self.passphrase)

    def _join(self, index: int, name: str, role: str, code: str, skew_days: int = 0) -> Laptop:
        path, store = self._new_store(f"laptop{index:02d}")
        http = FaultyHttp(self.client, self, name)
        if self._upgrade_server is not None:
            http.protocol = self.server_protocol - (index == self.laggard_index)
        laptop = Laptop(index, name, role, path, store, http, timedelta(days=skew_days))
        self.laptops.append(laptop)
        with self.as_laptop(laptop):
            joined = enrol.join(store, TeamClient(http), URL, code, passphrase=self.passphrase)
        assert joined.first_sync.finished, joined.first_sync.problem
        assert joined.role == role
        with store.read() as session:
            laptop.token = settings.get(session, team_sync.TOKEN) or ""
            laptop.worker_id = settings.get(session, team_sync.WORKER) or ""
        self.tick += 1
        laptop.finished_at = self.tick
        return laptop

    def _reopen(self, laptop: Laptop) -> None:
        from db.engine import open_store

        laptop.store.close()
        laptop.store = open_store(laptop.path, self.passphrase)

    def sync(self, laptop: Laptop) -> team_sync.SyncResult | None:
        """One sync as the laptop's worker would start it (None: the laptop crashed in it)."""
        with laptop.store.read() as session:
            for row in session.exec(select(TeamChange)):
                laptop.seen.setdefault(row.id, (row.entity, row.record_id, row.field))
        self.clock.tick(30)
        self.syncs += 1
        try:
            with self.as_laptop(laptop):
                result = team_sync.sync(laptop.store, TeamClient(laptop.http, laptop.token))
        except Crash:
            self.crashes += 1
            self._reopen(laptop)  # the laptop starts again: its file as the crash left it
            return None
        self.tick += 1  # in the order syncs end (a reordered push's partner ends first)
        done = "finished" if result.finished else result.problem
        self.events.append((self.tick, laptop.name, f"sync {done}"))
        if result.finished:
            laptop.finished_at = self.tick
            self._after_finished(laptop)
            if self.upgraded and laptop.http.protocol == self.server_protocol - 1:
                self.upgrade_figures["previous_protocol_syncs"] = (
                    self.upgrade_figures.get("previous_protocol_syncs", 0) + 1)
        else:
            self.unfinished[result.problem or "?"] += 1
        return result

    def sync_until_done(self, laptop: Laptop, tries: int = 3) -> team_sync.SyncResult:
        for _ in range(tries):
            result = self.sync(laptop)
            if result is not None and result.finished:
                return result
        raise AssertionError(f"{laptop.name} could not finish a sync in {tries} tries: {result}")

    def _after_finished(self, laptop: Laptop) -> None:
        """Moves: pushed once their manager finished a sync; complete once the old worker has."""
        for carer in self.model.carers.values():
            if carer.moving is None:
                continue
            old, new, by, pushed = carer.moving
            if pushed < 0 and laptop.worker_id == by:
                carer.moving = (old, new, by, self.tick)
            elif pushed >= 0 and laptop.worker_id == old:
                carer.holder = new
                carer.moving = None
                carer.editable_after = self.tick  # the new holder edits after its next sync

    def laptop_of(self, worker_id: str) -> Laptop:
        return next(lp for lp in self.laptops if lp.worker_id == worker_id)

    # -- edits ------------------------------------------------------------------------------------

    def _value(self, laptop: Laptop, fname: str) -> str:
        self._counter += 1
        return f"{fname[:3]}-{laptop.index}-{self._counter}"

    def _edit(self, laptop: Laptop, carer_id: str, fname: str, value: str) -> bool:
        with self.as_laptop(laptop), laptop.store.write() as session:
            row = session.get(Carer, carer_id)
            if row is None:
                return False
            setattr(row, fname, value)
            session.add(row)
        self.model.edits += 1
        self.events.append((self.tick, laptop.name, f"edit {carer_id} {fname}={value}"))
        return True

    def _may_edit(self, laptop: Laptop, carer: CarerModel) -> bool:
        return (not carer.erased and carer.moving is None and carer.holder == laptop.worker_id
                and laptop.finished_at > carer.editable_after)

    def _random_edits(self, laptop: Laptop) -> None:
        cfg = self.config
        if laptop.manager:
            mine = [c for c in self.model.carers.values() if c.manager == laptop.worker_id and not c.erased]
            fields: tuple[str, ...] = (MANAGER_FIELD,)
            n = cfg.manager_edits
        else:
            mine = [c for c in self.model.carers.values() if self._may_edit(laptop, c)]
            fields, n = WORKER_FIELDS, cfg.worker_edits
        for _ in range(n):
            if not mine:
                return
            carer = self.rng.choice(mine)
            fname = self.rng.choice(fields)
            value = self._value(laptop, fname)
            if self._edit(laptop, carer.id, fname, value):
                self.model.expected[(carer.id, fname)] = value

    def _pairs_today(self, day: int, online: set[int]) -> list[tuple[str, CarerModel, Laptop, Laptop]]:
        cfg = self.config
        days = cfg.days - 1 or 1
        want_same = cfg.same_pairs * (day + 1) // days - cfg.same_pairs * day // days if day < days else 0
        want_diff = cfg.diff_pairs * (day + 1) // days - cfg.diff_pairs * day // days if day < days else 0
        managers = [lp for lp in self.laptops if lp.manager and lp.index in online] or [
            lp for lp in self.laptops if lp.manager]
        free = [c for c in self.model.carers.values() if not c.reserved and c.moving is None
                and not c.erased and any(lp.worker_id == c.holder for lp in self.laptops)
                and self._may_edit(self.laptop_of(c.holder), c)
                and self.laptop_of(c.holder).index != self.laggard_index]
        self.rng.shuffle(free)
        free.sort(key=lambda c: self.laptop_of(c.holder).index in online)  # online holders first
        pairs = []
        for kind, n in (("same", want_same), ("diff", want_diff)):
            for _ in range(n):
                if not free:
                    break
                carer = free.pop()
                manager = self.rng.choice(managers)
                if not _holds(manager, carer.id):  # not pulled there yet
                    continue
                carer.reserved = True
                pairs.append((kind, carer, self.laptop_of(carer.holder), manager))
        return pairs

    def _make_pair(self, kind: str, carer: CarerModel, worker: Laptop, manager: Laptop) -> None:
        if kind == "same":
            vw, vm = self._value(worker, SAME_FIELD), self._value(manager, SAME_FIELD)
            assert self._edit(worker, carer.id, SAME_FIELD, vw)
            assert self._edit(manager, carer.id, SAME_FIELD, vm)
            self.model.same_pairs.append((carer.id, worker.worker_id, vw, manager.worker_id, vm))
        else:
            vw, vm = self._value(worker, DIFF_FIELDS[0]), self._value(manager, DIFF_FIELDS[1])
            assert self._edit(worker, carer.id, DIFF_FIELDS[0], vw)
            assert self._edit(manager, carer.id, DIFF_FIELDS[1], vm)
            self.model.expected[(carer.id, DIFF_FIELDS[0])] = vw
            self.model.expected[(carer.id, DIFF_FIELDS[1])] = vm
            self.model.diff_pairs.append((carer.id, worker.worker_id, vw, manager.worker_id, vm))

    def _reassign(self, manager: Laptop) -> None:
        workers = [lp for lp in self.laptops if not lp.manager]
        movable = [c for c in self.model.carers.values() if not c.reserved and c.moving is None
                   and not c.erased and self._may_edit(self.laptop_of(c.holder), c)]
        if not movable:
            return
        carer = self.rng.choice(movable)
        new = self.rng.choice([w for w in workers if w.worker_id != carer.holder])
        if not self._edit(manager, carer.id, "worker_id", new.worker_id):
            return
        carer.reserved = True
        carer.moving = (carer.holder, new.worker_id, manager.worker_id, -1)
        self.model.moves.append((carer.id, carer.holder, new.worker_id))

    def _erase(self, manager: Laptop, online: set[int]) -> None:
        from ycworker.common.workers import WorkerInfo
        from ycworker.protection import erasure

        carer = self.model.erased
        assert carer is not None
        holder = self.laptop_of(carer.holder)
        # the holder edits the person this morning, offline: its change meets the tombstone later
        assert holder.index not in online
        value = self._value(holder, "phone")
        assert self._edit(holder, carer.id, "phone", value)
        with self.as_laptop(manager):
            me = WorkerInfo(id=manager.worker_id, name=manager.name, role="manager")
            erasure.erase_carer(manager.store, carer.id, by=me, confirm=carer.ref.lower())
        carer.erased = True

    # -- the week ---------------------------------------------------------------------------------

    def setup(self) -> None:
        cfg = self.config
        t0 = time.perf_counter()
        first = self._join(0, "", "manager", self.manager_code)
        first.name = first.store.acting[1] if first.store.acting else "Manager"
        for i in range(1, cfg.managers):
            code = service.invite(self.engine, f"Manager {i}", manager=True)
            self._join(i, f"Manager {i}", "manager", code)
        codes = [(i, f"Worker {i}") for i in range(cfg.managers, cfg.laptops)]
        invited = [(i, name, service.invite(self.engine, name)) for i, name in codes]
        # the first manager's laptop holds the caseload and sends it up before the others join
        managers = [lp.worker_id for lp in self.laptops]
        self.sync_until_done(first)  # hears of the workers just invited
        with first.store.write() as session:
            workers = {name: wid for wid, name in session.exec(sa.text("SELECT id, name FROM worker"))}
        with self.as_laptop(first), first.store.write() as session:
            district = factories.district(session, "Harbourside")
            n = 0
            for _i, name, _code in invited:
                wid = workers[name]
                for _ in range(cfg.carers_per_worker):
                    n += 1
                    self._new_carer(session, wid, managers[n % len(managers)], n, district.id)
            self._new_carer(session, workers[invited[0][1]], managers[0], 0, district.id, erased=True)
        self.sync_until_done(first)
        for k, (i, name, code) in enumerate(invited):
            skew = cfg.skews[k] if k < len(cfg.skews) else 0
            self._join(i, name, "worker", code, skew)
        for lp in self.laptops[1:cfg.managers]:
            self.sync_until_done(lp)
        self.timings["setup"] = time.perf_counter() - t0

    def _new_carer(self, session: Any, worker_id: str, manager_id: str, n: int, district_id: str, *,
                   erased: bool = False, referral_day: date | None = None) -> CarerModel:
        in_quarter = referral_day is not None or erased or n % 4 != 0
        if erased:
            c = factories.carer(session, first_name=ERASED_FIRST, last_name=ERASED_LAST, carer_ref=ERASED_REF,
                                worker_id=worker_id, district_id=district_id, sex="F", ethnicity="WBRI")
        else:
            c = factories.carer(session, first_name=f"First{n}", last_name=f"Last{n}",
                                carer_ref=f"YC-W{n:05d}",
                                worker_id=worker_id, district_id=district_id, sex="M" if n % 2 else "F",
                                ethnicity="WBRI", date_of_birth=date(2010 + n % 5, 1 + n % 12, 1 + n % 28))
        if referral_day is not None:
            r = factories.referral(session, c.id, referral_day, source="school", consent="given",
                                   allocated_date=referral_day)
        elif in_quarter:
            received = date(2026, 10, 1 + n % 28)
            r = factories.referral(session, c.id, received, source="school", consent="given",
                                   allocated_date=received + timedelta(days=1),
                                   reason=f"{ERASED_LAST} note" if erased else "")
        else:  # a referral of the previous quarter, closed before this one began
            r = factories.referral(session, c.id, date(2026, 6, 1 + n % 28), source="gp", consent="given",
                                   allocated_date=date(2026, 6, 29), closed_date=date(2026, 7, 10),
                                   closure_reason="stepped_down")
        model = CarerModel(c.id, c.carer_ref, worker_id, manager_id, r.id, in_quarter,
                           reserved=erased)
        self.model.carers[c.id] = model
        if erased:
            self.model.erased = model
        return model

    def _schedule(self) -> dict[int, set[int]]:
        """Who is online each day: managers most days, workers with an offline gap of 1-3 days."""
        cfg = self.config
        online: dict[int, set[int]] = {d: set(range(cfg.laptops)) for d in range(cfg.days)}
        for lp in self.laptops:
            if lp.index == 0:
                continue
            length = self.rng.randint(1, 3 if not lp.manager else 1)
            start = self.rng.randrange(0, max(1, cfg.days - length))
            for d in range(start, min(cfg.days, start + length)):
                online[d].discard(lp.index)
        erased = self.model.erased
        assert erased is not None
        holder = self.laptop_of(erased.holder).index
        online[cfg.erase_day].discard(holder)
        online[cfg.erase_day].add(0)
        if self._upgrade_server is not None:
            assert self.laggard_index != holder
            online[cfg.upgrade_day].add(self.laggard_index)  # online after the restart, to hear 426
        return online

    def run(self) -> None:
        cfg = self.config
        t0 = time.perf_counter()
        schedule = self._schedule()
        faults = defaultdict(list)
        for day, fault in cfg.faults:
            faults[day].append(fault)
        for day in range(cfg.days):
            self.clock.server = START + timedelta(days=day)
            online = schedule[day]
            self.progress(f"day {day + 1}: {len(online)} of {len(self.laptops)} laptops online")
            # morning: everyone works, online or not
            pairs = self._pairs_today(day, online)
            for lp in self.laptops:
                self._random_edits(lp)
            for kind, carer, worker, manager in pairs:
                self._make_pair(kind, carer, worker, manager)
            managers = [lp for lp in self.laptops if lp.manager]
            if day < cfg.days - 2:
                per_day = -(-cfg.reassignments // max(1, cfg.days - 2))
                for _ in range(per_day):
                    if len(self.model.moves) < cfg.reassignments:
                        self._reassign(self.rng.choice(managers))
            if day == cfg.erase_day:
                self._erase(self.laptops[0], online)
            if day in (1, 3) and cfg.new_carers:
                self._new_carers_on_workers(day, cfg.new_carers // 2)
            # afternoon: the online laptops sync, in an order of the day
            self.clock.server = START + timedelta(days=day, hours=8)
            order = [lp for lp in self.laptops if lp.index in online]
            self.rng.shuffle(order)
            self._arm(faults[day], order, pairs)
            upgrading = self._upgrade_server is not None and day == cfg.upgrade_day
            if self._upgrade_server is not None and day == cfg.laptops_upgrade_day:
                self._laptops_upgrade()
            if upgrading:  # the laggard syncs after the restart
                order.sort(key=lambda lp: lp.index == self.laggard_index)
            for i, lp in enumerate(order):
                if upgrading and i == len(order) // 2:
                    self._upgrade_schema()
                elif upgrading and i == len(order) // 2 + 1:
                    self._restart_server()
                if self.upgraded and lp.http.protocol is not None and (
                        lp.http.protocol < self.server_protocol - 1):
                    self._sync_too_old(lp)
                    continue
                result = self.sync(lp)
                if result is None or not result.finished:
                    self.sync(lp)  # the worker presses sync again
            for lp in order:
                assert not lp.http.armed, f"day {day + 1}: {lp.http.armed} armed on {lp.name} never fired"
        self.timings["week"] = time.perf_counter() - t0
        self.finish()

    # -- the server upgrade -------------------------------------------------------------------------

    def _upgrade_schema(self) -> None:
        """Alembic to head on the live database; the app of the previous revision keeps serving."""
        from db.server.migrate import current_revision, head_revision, upgrade

        before = current_revision(self.engine)
        assert before != head_revision(), "the week must start one server schema revision behind"
        upgrade(self.engine)
        assert current_revision(self.engine) == head_revision()
        self.upgrade_figures["schema"] = f"{before} -> {head_revision()}"
        self.progress(f"server schema upgraded {before} -> {head_revision()} on the live database")

    def _restart_server(self) -> None:
        """The app restarted speaking the next protocol; half the laptops upgrade with it."""
        assert self._upgrade_server is not None
        new = self.server_protocol + 1
        self.client = self._upgrade_server(new)
        self.upgrade_figures["protocol"] = f"{self.server_protocol} -> {new}"
        self.server_protocol = new
        self.upgraded = True
        for lp in self.laptops:
            lp.http.inner = self.client
            if lp.index % 2 == 0 and lp.index != self.laggard_index:
                lp.http.protocol = new
        self.progress(f"server restarted on protocol {new}")

    def _sync_too_old(self, laptop: Laptop) -> None:
        """A laptop two protocols behind syncs: told to upgrade (426), nothing it queued lost."""
        carer = next((c for c in self.model.carers.values() if self._may_edit(laptop, c)), None)
        assert carer is not None, f"{laptop.name} holds no carer to edit"
        value = self._value(laptop, "phone")
        assert self._edit(laptop, carer.id, "phone", value)
        self.model.expected[(carer.id, "phone")] = value
        with laptop.store.read() as session:
            queued = {r.id for r in session.exec(select(TeamChange)) if r.status in team_sync.PENDING}
        assert queued
        result = self.sync(laptop)
        assert result is not None and not result.finished
        assert result.problem is not None and "Update ycworker" in result.problem, result.problem
        with laptop.store.read() as session:
            still = {r.id for r in session.exec(select(TeamChange)) if r.status in team_sync.PENDING}
        assert still == queued, "a laptop told to upgrade lost or settled changes it had queued"
        with self.engine.connect() as conn:
            heard = conn.execute(sa.text("SELECT count(*) FROM change_outcome WHERE change_id = ANY(:ids)"),
                                 {"ids": list(queued)}).scalar()
        assert heard == 0
        self.upgrade_figures["told_to_upgrade"] = self.upgrade_figures.get("told_to_upgrade", 0) + 1
        self.upgrade_figures["kept_while_too_old"] = len(queued)

    def _laptops_upgrade(self) -> None:
        """The morning the remaining laptops upgrade: first, what the server saw them speak."""
        with self.engine.connect() as conn:
            self.upgrade_figures["protocols_seen_before"] = dict(conn.execute(sa.text(
                "SELECT protocol_version, count(*) FROM device WHERE protocol_version IS NOT NULL "
                "GROUP BY 1 ORDER BY 1")).all())
        for lp in self.laptops:
            lp.http.protocol = self.server_protocol

    def _new_carers_on_workers(self, day: int, n: int) -> None:
        workers = [lp for lp in self.laptops if not lp.manager and lp.skew == timedelta(0)]
        managers = [lp.worker_id for lp in self.laptops if lp.manager]
        for k in range(n):
            lp = workers[(day * 7 + k * 3) % len(workers)]
            with self.as_laptop(lp), lp.store.write() as session:
                district = session.exec(sa.text("SELECT id FROM district ORDER BY name LIMIT 1")).one()[0]
                carer = self._new_carer(session, lp.worker_id, managers[k % len(managers)],
                                        900 + day * 10 + k,
                                        district, referral_day=(START + timedelta(days=day)).date())
                carer.editable_after = -1

    def _arm(self, faults: list[str], order: list[Laptop], pairs: list) -> None:
        for fault in faults:
            if fault == "reorder":
                both = [(c, w, m) for kind, c, w, m in pairs if kind == "same" and w in order and m in order]
                assert both, "no same-field pair with both laptops online to reorder"
                _carer, worker, manager = both[0]
                first, second = (worker, manager) if order.index(worker) < order.index(manager) else (
                    manager, worker)
                first.http.partner = second  # the second's push arrives before the first's
                first.http.armed.append(fault)
            else:
                candidates = [lp for lp in order if not lp.http.armed and lp.index != self.laggard_index]
                if fault == "fail500":
                    candidates = [lp for lp in candidates if lp.manager]
                self.rng.choice(candidates).http.armed.append(fault)

    def finish(self) -> None:
        """Every laptop online: sync until quiet, settle each conflict on the laptop that made it
        (alternately keeping the server's value and the laptop's), sync until quiet again."""
        t0 = time.perf_counter()
        self.clock.server = START + timedelta(days=self.config.days, hours=1)
        for _ in range(2):
            for lp in self.laptops:
                self.sync_until_done(lp, tries=1)
        self.resolved: dict[str, str] = {}
        with self.engine.connect() as conn:
            open_conflicts = conn.execute(sa.text(
                "SELECT id, laptop_by FROM conflict WHERE settled_at IS NULL ORDER BY id")).all()
        for k, (cid, by) in enumerate(open_conflicts):
            keep = ("server", "laptop")[k % 2]
            lp = self.laptop_of(by)
            with self.as_laptop(lp):
                team_conflicts.resolve(lp.store, cid, keep, by=lp.worker_id)
            self.resolved[cid] = keep
        for _ in range(2):
            for lp in self.laptops:
                self.sync_until_done(lp, tries=1)
        self.timings["final syncs"] = time.perf_counter() - t0

    def close(self) -> None:
        for lp in self.laptops:
            with contextlib.suppress(Exception):
                lp.store.close()

    def _explain(self, stray: list[dict]) -> str:
        lines = []
        names = {lp.worker_id: lp.name for lp in self.laptops}
        with self.engine.connect() as conn:
            for c in stray:
                carer = self.model.carers.get(c["record_id"])
                log = conn.execute(sa.text(
                    "SELECT seq, field, value, rev, by FROM change_log WHERE record_id = :r "
                    "AND field IN (:f, 'worker_id', '*') ORDER BY seq"),
                    {"r": c["record_id"], "f": c["field"]}).all()
                base = conn.execute(sa.text("SELECT rev FROM change_outcome WHERE change_id = :i"),
                                    {"i": c["change_id"]}).scalar()
                lines.append(f"{c['field']} server={c['server_value']} laptop={c['laptop_value']} "
                             f"base={c['base_value']} record rev at the conflict={base} "
                             f"by={names.get(c['laptop_by'])} model={carer}")
                lines += [f"  {seq} {f} {str(v)[:60]} rev={rev} by={names.get(by)}"
                          for seq, f, v, rev, by in log]
                who = {names.get(c["laptop_by"])} | {names.get(by) for *_x, by in log}
                lines += [f"  t{t} {n}: {w}" for t, n, w in self.events
                          if c["record_id"] in w or (n in who and w.startswith("sync"))]
        return "\n".join(lines)

    # -- the checks -------------------------------------------------------------------------------

    def check(self, return_dir: Path) -> dict[str, Any]:
        t0 = time.perf_counter()
        figures: dict[str, Any] = {}
        model = self.model
        erased = model.erased
        assert erased is not None
        erased_ids = {erased.id, erased.referral_id}
        for fault in FAULTS:
            assert self.fired[fault] >= 1, f"the fault {fault!r} never fired"

        with self.engine.connect() as conn:
            outcomes: dict[str, str] = {
                k: v for k, v in conn.execute(sa.text("SELECT change_id, outcome FROM change_outcome"))}
            per_id = conn.execute(sa.text(
                "SELECT change_id, count(*) FROM change_outcome GROUP BY change_id "
                "HAVING count(*) > 1")).all()
            conflicts = conn.execute(sa.text(
                "SELECT id, entity, record_id, field, server_value, laptop_value, laptop_by, choice, "
                "settled_at, "
                "base_value, change_id FROM conflict")).mappings().all()
            twice = conn.execute(sa.text(
                "SELECT entity, record_id, field, value, count(*) FROM change_log "
                "WHERE field NOT IN ('*', '-', 'erased') GROUP BY 1, 2, 3, 4 HAVING count(*) > 1")).all()
            live = conn.execute(sa.text(
                "SELECT r.entity, r.record_id, r.carer_id, r.worker_id FROM record r "
                "WHERE r.deleted_at IS NULL AND r.entity IN ('carer', 'referral')")).mappings().all()
            fields: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
            for e, r, f, v in conn.execute(sa.text(
                    "SELECT entity, record_id, field, value FROM field "
                    "WHERE entity IN ('carer', 'referral')")):
                fields[(e, r)][f] = json.loads(v) if v is not None else None
            erased_left = conn.execute(sa.text(
                "SELECT 'field', record_id FROM field WHERE record_id = ANY(:ids) UNION ALL "
                "SELECT 'log', record_id FROM change_log WHERE record_id = ANY(:ids) AND field <> 'erased' "
                "UNION ALL SELECT 'log value', record_id FROM change_log WHERE value LIKE :name "
                "UNION ALL SELECT 'field value', record_id FROM field "
                "WHERE value LIKE :name OR value LIKE :ref "
                "UNION ALL SELECT 'conflict', record_id FROM conflict WHERE record_id = ANY(:ids) "
                "UNION ALL SELECT 'record', record_id FROM record WHERE record_id = ANY(:ids)"),
                {"ids": list(erased_ids), "name": f"%{ERASED_LAST}%", "ref": f"%{ERASED_REF}%"}).all()

        # 1. every change made on every laptop: exactly one outcome, kept by the server; none waiting
        assert per_id == [], per_id
        seen_all: set[str] = set()
        owners = {c.id: c for c in model.carers.values()} | {c.referral_id: c for c in model.carers.values()}
        tally: Counter[str] = Counter()
        for lp in self.laptops:
            with lp.store.read() as session:
                rows = {r.id: r for r in session.exec(select(TeamChange))}
                session.expunge_all()
            for cid, (entity, rid, fname) in lp.seen.items():
                seen_all.add(cid)
                if rid in erased_ids:
                    assert cid not in rows, f"{lp.name} still holds a change of the erased person"
                    continue
                row = rows.get(cid)
                if row is None:  # settled, then the case moved away: the drop took its history
                    owner = owners.get(rid)
                    assert owner is not None and owner.holder != lp.worker_id and not lp.manager, (
                        f"{lp.name} lost its change {entity}.{fname} of {rid}")
                    assert outcomes.get(cid) in ("applied", "conflict"), (lp.name, fname, outcomes.get(cid))
                    tally[outcomes[cid]] += 1
                    continue
                assert row.status in ("applied", "conflict", "refused"), (lp.name, row.status, fname)
                assert outcomes.get(cid) == row.status, (lp.name, fname, row.status, outcomes.get(cid))
                tally[row.status] += 1
            assert all(r.status not in team_sync.PENDING for r in rows.values()), f"{lp.name}: changes wait"
        unseen = set(outcomes) - seen_all
        assert not unseen, f"{len(unseen)} outcomes on the server for changes no laptop made"
        refused = [cid for cid, o in outcomes.items() if o == "refused"]
        assert refused, "the erased person's waiting change was not refused"
        assert tally["refused"] == 0, "a change of someone not erased was refused"
        figures["changes"] = dict(tally, refused_erased=len(refused))
        figures["edits"] = model.edits

        # 2. applied once however often delivered; every same-field pair one conflict, diff merged
        assert twice == [], f"applied more than once: {twice[:5]}"
        by_carer_field = Counter((c["record_id"], c["field"]) for c in conflicts)
        pair_keys = {(c, SAME_FIELD) for c, *_ in model.same_pairs}
        stray = [dict(c) for c in conflicts if (c["record_id"], c["field"]) not in pair_keys]
        assert not stray, f"conflicts no pair made: {self._explain(stray)}"
        assert sum(by_carer_field.values()) == len(model.same_pairs), (by_carer_field, len(model.same_pairs))
        for carer_id, _w, vw, _m, vm in model.same_pairs:
            assert by_carer_field[(carer_id, SAME_FIELD)] == 1, carer_id
            c = next(c for c in conflicts if c["record_id"] == carer_id)
            assert {json.loads(c["server_value"]), json.loads(c["laptop_value"])} == {vw, vm}
            assert c["settled_at"] is not None
            kept = c["laptop_value"] if c["choice"] == "laptop" else c["server_value"]
            model.expected[(carer_id, SAME_FIELD)] = json.loads(kept)
        for carer_id, *_ in model.diff_pairs:
            assert (carer_id, DIFF_FIELDS[0]) not in by_carer_field
        figures["same_field_pairs"] = len(model.same_pairs)
        figures["different_field_pairs"] = len(model.diff_pairs)
        figures["conflicts"] = len(conflicts)

        # 3. the server holds what the model says; each laptop equals the server within its scope
        server_carers = {r["record_id"]: r for r in live if r["entity"] == "carer"}
        server_referrals = {r["record_id"]: r for r in live if r["entity"] == "referral"}
        live_model = {cid: c for cid, c in model.carers.items() if not c.erased}
        assert set(server_carers) == set(live_model)
        for cid, cm in live_model.items():
            assert server_carers[cid]["worker_id"] == cm.holder, f"{cm.ref} is not with its worker"
        for (cid, fname), value in model.expected.items():
            if cid in live_model:
                assert fields[("carer", cid)].get(fname) == value, (model.carers[cid].ref, fname, value,
                                                                     fields[("carer", cid)].get(fname))
        for lp in self.laptops:
            scope = set(live_model) if lp.manager else {
                cid for cid, c in live_model.items() if c.holder == lp.worker_id}
            want_c = {cid: fields[("carer", cid)] for cid in scope}
            want_r = {rid: fields[("referral", rid)] for rid, r in server_referrals.items()
                      if r["carer_id"] in scope}
            got_c, got_r = _rows(lp.store, Carer), _rows(lp.store, Referral)
            assert set(got_c) == set(want_c), f"{lp.name} holds other carers than its scope"
            assert set(got_r) == set(want_r), f"{lp.name} holds other referrals than its scope"
            for want, got in ((want_c, got_c), (want_r, got_r)):
                for rid, values in want.items():
                    differs = {k: (v, got[rid].get(k)) for k, v in values.items()
                               if k not in NOT_COMPARED and got[rid].get(k) != v}
                    assert not differs, f"{lp.name} differs from the server: {differs}"
            with lp.store.read() as session:
                assert team_sync.open_conflicts(session) == 0, f"{lp.name} has open conflicts"
                warning = settings.get(session, team_sync.CLOCK) or None
            assert (warning is not None) == (lp.skew != timedelta(0)), (lp.name, lp.skew, warning)
        figures["moves"] = len(model.moves)

        # 4. the erased person is nowhere
        assert erased_left == [], erased_left
        for lp in self.laptops:
            found = _text_search(lp.store, (ERASED_FIRST, ERASED_LAST, ERASED_REF, erased.id))
            # the erasure's own audit entry names the id only ("erase carer <id>": nothing personal)
            found = [(t, n) for t, n in found if not (t == "audit_log" and n == erased.id)]
            assert not found, f"{lp.name} still holds the erased person: {found}"

        # 5. the service's return from the server equals the model's count
        from ycworker.common.periods import parse_quarter
        from ycworker.team.server.service_return import export_from_server

        t1 = time.perf_counter()
        made = export_from_server(self.engine, parse_quarter(QUARTER), return_dir, today=RETURN_DAY)
        self.timings["return"] = time.perf_counter() - t1
        carers_rows = _csv_rows(made.path / "carers.csv")
        referral_rows = _csv_rows(made.path / "referrals.csv")
        counted = sum(1 for cm in live_model.values() if cm.referral_in_quarter)
        assert len(carers_rows) == counted, (len(carers_rows), counted)
        assert len(referral_rows) == counted, (len(referral_rows), counted)
        assert not any(erased.referral_id in r for r in referral_rows)
        figures["return_carers"] = len(carers_rows)
        figures["return_referrals"] = len(referral_rows)
        figures.update(syncs=self.syncs, unfinished=dict(self.unfinished), faults=dict(self.fired),
                       crashes=self.crashes, postgres_restarts=self.restarts)

        # 6. the server upgrade: every laptop speaks the server's protocol now, and it knows so
        if self._upgrade_server is not None:
            assert self.upgraded, "the server upgrade never happened"
            with self.engine.connect() as conn:
                spoken = conn.execute(sa.text(
                    "SELECT protocol_version, count(*) FROM device GROUP BY 1")).all()
            assert spoken == [(self.server_protocol, len(self.laptops))], spoken
            figures["upgrade"] = dict(self.upgrade_figures)
        self.timings["checks"] = time.perf_counter() - t0
        return figures


def _holds(laptop: Laptop, carer_id: str) -> bool:
    with laptop.store.read() as session:
        return session.get(Carer, carer_id) is not None


def _rows(store: Any, model: type) -> dict[str, dict[str, Any]]:
    table = model.__table__  # type: ignore[attr-defined]
    with store.connect() as conn:
        return {r["id"]: {k: outbox.plain(v) for k, v in r.items()}
                for r in (dict(m) for m in conn.execute(sa.select(table)).mappings())}


def _text_search(store: Any, needles: tuple[str, ...]) -> list[tuple[str, str]]:
    """Every (table, needle) where a text value of any table of the laptop holds a needle."""
    found: list[tuple[str, str]] = []
    with store.connect() as conn:
        tables = [r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE '%_fts_%'")]
        for table in tables:
            for row in conn.exec_driver_sql(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, str):
                        found.extend((table, n) for n in needles if n in value)
    return found


def _csv_rows(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines[1:] if line.strip()]


def pg_restarter(pg: Any) -> Callable[[], None]:
    """``pg_ctl restart`` of the tests' throwaway PostgreSQL (tests/team/conftest.py's object)."""
    def restart() -> None:
        result = subprocess.run([*pg.prefix, str(pg.bindir / "pg_ctl"), "-D", str(pg.data), "-l",
                                 str(pg.root / "log"), "-m", "fast", "-w", "-t", "60", "restart"],
                                capture_output=True, text=True)
        assert result.returncode == 0, f"pg_ctl restart failed: {result.stderr or result.stdout}"
    return restart
