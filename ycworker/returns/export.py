"""Build, seal and list the commissioner's quarterly return (shared/spec/commissioner-return.md).

``export_return(store, period, to_dir, today=...)`` computes the figures (``ycworker.returns.kpis``) in one
read transaction, renders the four CSV files (UTF-8 with BOM, CRLF, RFC 4180, formula-safe cells via
``ycworker.common.csv_safe``), ``datapackage.json`` (a Frictionless Data Package: field types, allowed
values, primary and foreign keys) and ``manifest.json`` (period, when, which ycworker, the
working-day calendar, the row count and SHA-256 of every other file), then writes the folder:

1. into ``DIR`` (when given) and into the local outbox beside the database, each staged as a
   hidden ``.<name>.sealing-<pid>`` folder (built in ``atomic.staged_folder``: every file fsynced,
   its hashes checked against the manifest by reading them back, the folder fsynced);
2. a ``SealedReturn`` row and an ``export`` audit entry, in one transaction;
3. only then each staged folder renamed to its name. Every folder a worker can send is listed as
   sealed, or is not there: after a kill, ``reconcile`` (at the next start, export or sync) puts
   a recorded folder in place and removes one nobody recorded; orphaned partial folders are
   removed at the next start (the outbox: ``cli.main``) and at the next export or sync.

A sealed return is never edited: a correction is a new export, with a new folder name
(``ycworker-return-2025-26-Q2-20251014T093000Z``).

Choices where the spec is silent:
* manifest.json lists ``files`` as a list of {name, rows, bytes, sha256}; ``rows`` is the number of
  data rows (header excluded) for a CSV, and the number of resources for datapackage.json.
* When DIR cannot be written nothing is sealed either (exit 1: "nothing could be written").
* Values outside the known code lists (e.g. an unexpected ethnicity code from an old import) are
  added to that field's ``enum`` so the package stays valid; the figures are never altered.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa

from db.models import SealedReturn, utcnow
from ycworker import __version__
from ycworker.common import atomic, audit, csv_safe, workdays
from ycworker.common.errors import UserError
from ycworker.common.paths import outbox_dir
from ycworker.common.periods import Period
from ycworker.returns import extra_files, kpi_results, kpis, narrative, pseudonyms

PREFIX = "ycworker-return-"
KPI_COLUMNS = ("kpi", "breakdown", "breakdown_value", "numerator", "denominator", "value", "unit",
               "target", "target_met")
OUTCOME_COLUMNS = ("outcome", "label", "reviewed", "improved", "value", "target", "target_met")
CARER_COLUMNS = ("person_id", "household_id", "sex", "ethnicity", "age_at_period_end", "district",
                 "impact_level")
REFERRAL_COLUMNS = ("referral_id", "person_id", "referral_date", "referral_source", "consent",
                    "allocated_date", "allocation_deadline", "allocated_in_time",
                    "assessment_completed_date", "assessment_deadline", "assessed_in_time",
                    "closed_date", "closure_reason")
MANIFEST, DATAPACKAGE = "manifest.json", "datapackage.json"
SEXES = ("M", "F", "U")
IMPACT_LEVELS = ("low", "medium", "high")
YN = ("Y", "N")


@dataclass(frozen=True)
class BuiltFile:
    name: str
    data: bytes
    rows: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class ExportResult:
    sealed_id: str
    folder_name: str
    outbox_path: Path
    delivered_path: Path | None
    report: kpis.KpiReport
    files: tuple[BuiltFile, ...]

    @property
    def path(self) -> Path:
        """Where the worker asked for it (DIR), else the outbox copy."""
        return self.delivered_path or self.outbox_path


# -- file contents ---------------------------------------------------------------------------

def folder_name(period: Period, made_at: datetime) -> str:
    return f"{PREFIX}{period.label}-{made_at.strftime('%Y%m%dT%H%M%SZ')}"


def _csv(name: str, header: tuple[str, ...], rows: list[list[object]]) -> BuiltFile:
    return BuiltFile(name, csv_safe.render(header, rows).encode("utf-8-sig"), len(rows))


def build_files(report: kpis.KpiReport, pseudo: pseudonyms.Pseudonymiser) -> list[BuiltFile]:
    """The four CSV files of the return (no names, dates of birth, addresses or free text)."""
    kpi_rows = [f.csv_row() for f in report.figures]
    outcome_rows = [o.csv_row() for o in report.outcomes]
    carer_rows = [[pseudo.person(c.carer_id), pseudo.household(c.household_id, c.carer_id), c.sex,
                   c.ethnicity, c.age, c.district, c.impact_level or ""] for c in report.carers]
    person = {c.carer_id: row[0] for c, row in zip(report.carers, carer_rows, strict=True)}
    ref_rows = []
    for x in report.referrals:
        pid = person.get(x.carer_id)
        if pid is None:
            pid = person[x.carer_id] = pseudo.person(x.carer_id)
        ref_rows.append([pseudo.referral(x.id), pid, x.referral_date, x.source, x.consent,
                         x.allocated_date, x.allocation_deadline, x.allocated_in_time,
                         x.assessment_completed_date, x.assessment_deadline, x.assessed_in_time,
                         x.closed_date, x.closure_reason or ""])
    return [
        _csv("kpi_summary.csv", KPI_COLUMNS, kpi_rows),
        _csv("outcomes.csv", OUTCOME_COLUMNS, outcome_rows),
        _csv("carers.csv", CARER_COLUMNS, carer_rows),
        _csv("referrals.csv", REFERRAL_COLUMNS, ref_rows),
    ]


def _enum(known: tuple[str, ...], seen: set[str]) -> list[str]:
    return list(known) + sorted(v for v in seen if v and v not in known)


def datapackage(report: kpis.KpiReport, name: str, made_at: datetime,
                extra: list[extra_files.ExtraCsv] | None = None) -> dict:
    """A Frictionless (tabular) Data Package describing each CSV (the extra ones too)."""
    refs, carers = report.referrals, report.carers
    dialect = {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True,
               "header": True}

    def text(field: str, desc: str, enum: list[str] | None = None, required: bool = False) -> dict:
        out: dict = {"name": field, "type": "string", "description": desc}
        constraints: dict = {}
        if enum is not None:
            constraints["enum"] = enum
        if required:
            constraints["required"] = True
        if constraints:
            out["constraints"] = constraints
        return out

    def typed(field: str, kind: str, desc: str, required: bool = False, minimum: int | None = None) -> dict:
        out: dict = {"name": field, "type": kind, "description": desc}
        constraints: dict = {}
        if required:
            constraints["required"] = True
        if minimum is not None:
            constraints["minimum"] = minimum
        if constraints:
            out["constraints"] = constraints
        if kind == "date":
            out["format"] = "%Y-%m-%d"
        return out

    def pseudonym(field: str, prefix: str, desc: str, required: bool = True) -> dict:
        out = text(field, desc, required=required)
        out["constraints"]["pattern"] = f"{prefix}-[0-9a-f]{{{pseudonyms.DIGITS}}}"
        return out

    def resource(file: str, title: str, fields: list[dict], pk: list[str] | None = None,
                 fks: list[dict] | None = None) -> dict:
        schema: dict = {"fields": fields, "missingValues": [""]}
        if pk:
            schema["primaryKey"] = pk
        if fks:
            schema["foreignKeys"] = fks
        return {"name": file.removesuffix(".csv"), "path": file, "title": title, "profile":
                "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "dialect": dialect, "schema": schema}

    kpi_fields = [
        text("kpi", "the KPI's code", [k.key for k in kpi_results.KPI_DEFS], True),
        text("breakdown", "'all' or what the figure is broken down by",
             ["all", "district", "source", "month", "sex", "ethnicity", "age_band"], True),
        text("breakdown_value", "the value of the breakdown (empty for 'all')"),
        typed("numerator", "integer", "the count, or the numerator of a percentage", True, 0),
        typed("denominator", "integer", "the denominator of a percentage (empty for a count)", minimum=0),
        typed("value", "number", "the count, or 100 x numerator / denominator to one decimal place "
              "rounded half up (empty when the denominator is 0)", minimum=0),
        text("unit", "count or percent", ["count", "percent"], True),
        typed("target", "integer", "the contract's target percentage", minimum=0),
        text("target_met", "Y or N where the row has a target and a value", list(YN)),
    ]
    outcome_fields = [
        text("outcome", "the outcome measure", list(kpis.OUTCOMES), True),
        text("label", "what the outcome measures", required=True),
        typed("reviewed", "integer", "carers with an outcome review in the period that rated it", True, 0),
        typed("improved", "integer", "of those, how many rated it improved", True, 0),
        typed("value", "number", "100 x improved / reviewed, one decimal place, rounded half up", minimum=0),
        typed("target", "integer", "target percentage", True, 0),
        text("target_met", "Y or N where there is a value", list(YN)),
    ]
    carer_fields = [
        pseudonym("person_id", "P", "pseudonym of the young carer (stable across returns)"),
        pseudonym("household_id", "H", "pseudonym of the household (a carer with none is a household "
                  "of one)"),
        text("sex", "M, F or U", _enum(SEXES, {c.sex for c in carers}), True),
        text("ethnicity", "DfE census ethnicity code", _enum(_ethnicities(), {c.ethnicity for c in carers}),
             True),
        typed("age_at_period_end", "integer", "age in whole years at the end of the period", True),
        text("district", "district or Family Hub area"),
        text("impact_level", "impact of caring at the latest assessment",
             _enum(IMPACT_LEVELS, {c.impact_level or "" for c in carers})),
    ]
    referral_fields = [
        pseudonym("referral_id", "R", "pseudonym of the referral"),
        pseudonym("person_id", "P", "pseudonym of the young carer"),
        typed("referral_date", "date", "when the referral was received", True),
        text("referral_source", "who referred", _enum(kpi_results.SOURCES, {x.source for x in refs}), True),
        text("consent", "parental consent", _enum(kpi_results.CONSENTS, {x.consent for x in refs}), True),
        typed("allocated_date", "date", "when allocated to a worker"),
        typed("allocation_deadline", "date", "5 working days after the referral date", True),
        text("allocated_in_time", "Y, N, or empty while the deadline has not passed (or closed "
             "unallocated on or before it)", list(YN)),
        typed("assessment_completed_date", "date", "when the needs assessment was completed"),
        typed("assessment_deadline", "date", "15 working days after allocation"),
        text("assessed_in_time", "Y, N, or empty while the deadline has not passed (or not "
             "applicable)", list(YN)),
        typed("closed_date", "date", "when the referral was closed"),
        text("closure_reason", "why it was closed",
             _enum(kpi_results.CLOSURE_REASONS, {x.closure_reason or "" for x in refs})),
    ]
    return {
        "profile": "tabular-data-package",
        "name": name.lower(),
        "title": f"Young Carers Service return {report.period.label} "
                 f"({report.period.start.isoformat()} to {report.period.end.isoformat()})",
        "created": made_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "resources": [
            resource("kpi_summary.csv", "KPI figures", kpi_fields),
            resource("outcomes.csv", "Outcome measures (KPI 5)", outcome_fields, ["outcome"]),
            resource("carers.csv", "Young carers counted in KPI 1", carer_fields, ["person_id"],
                     [{"fields": ["person_id"], "reference": {"resource": "referrals",
                                                              "fields": ["person_id"]}}]),
            resource("referrals.csv", "Referrals received, open or with a deadline in the period",
                     referral_fields, ["referral_id"]),
            *(resource(x.name, x.title, [typed(f, kind, desc) if kind != "string" else text(f, desc)
                                         for f, kind, desc in x.fields]) for x in extra or []),
        ],
    }


def _ethnicities() -> tuple[str, ...]:
    from ycworker.caseload.carers import ETHNICITIES

    return tuple(ETHNICITIES)


def _json(data: dict) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


#: Where a laptop's own return was built from (the team server's export says "server" and its log position).
LAPTOP_SOURCE = {"built_from": "laptop"}


def manifest(report: kpis.KpiReport, made_at: datetime, files: list[BuiltFile], name: str,
             source: dict | None = None) -> dict:
    return {
        "return": "Young Carers Service: commissioner's return",
        "folder": name,
        "period": {"label": report.period.label, "start": report.period.start.isoformat(),
                   "end": report.period.end.isoformat()},
        "made_at": made_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "made_by": f"ycworker {__version__}",
        "ycworker_version": __version__,
        "working_day_calendar": workdays.CALENDAR_NAME,
        "source": source or LAPTOP_SOURCE,
        **_settings_in_force(report),
        "files": [{"name": f.name, "rows": f.rows, "bytes": len(f.data), "sha256": f.sha256}
                  for f in files],
    }


def _settings_in_force(report: kpis.KpiReport) -> dict:
    """The profile and the targets the return was counted against (the service's settings)."""
    if report.settings is None:
        return {}
    return {"profile": report.settings.profile, "targets_in_force": report.settings.in_force()}


def assemble(report: kpis.KpiReport, pseudo: pseudonyms.Pseudonymiser, made_at: datetime,
             name: str, source: dict | None = None, extras: extra_files.Extras | None = None
             ) -> list[BuiltFile]:
    """Every file of the folder, manifest last: the spec'd four, the extra files (equality,
    the profile's, narrative.md), datapackage.json, manifest.json."""
    files = build_files(report, pseudo)
    for x in extras.csvs if extras else []:
        files.append(_csv(x.name, x.header, x.rows))
    if extras is not None and extras.narrative is not None:
        files.append(BuiltFile(narrative.FILE, extras.narrative.encode("utf-8"),
                               extras.narrative.count("\n")))
    package = datapackage(report, name, made_at, extras.csvs if extras else None)
    files.append(BuiltFile(DATAPACKAGE, _json(package), len(package["resources"])))
    files.append(BuiltFile(MANIFEST, _json(manifest(report, made_at, files, name, source)), len(files)))
    return files


# -- writing ---------------------------------------------------------------------------------

def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_folder(folder: Path) -> list[str]:
    """What is wrong with a return folder against its manifest ([] when every hash matches)."""
    folder = Path(folder)
    try:
        data = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{MANIFEST} cannot be read ({exc.__class__.__name__})"]
    problems = []
    for f in data.get("files", []):
        path = folder / f["name"]
        if not path.is_file():
            problems.append(f"{f['name']} is missing")
        elif sha256_file(path) != f["sha256"]:
            problems.append(f"{f['name']} does not match its SHA-256 in the manifest")
    return problems


def stage_folder(final: Path, write_files: Callable[[Path], None], manifest_sha: str) -> Path:
    """Build and check a return folder as ``.<name>.sealing-<pid>`` beside ``final``: complete,
    hidden, not yet in place (``atomic.put_in_place`` moves it there)."""
    staged = atomic.sealing_name(final)
    if Path(final).exists():
        raise FileExistsError(f"{final} already exists")
    with atomic.staged_folder(final, rename_to=staged) as tmp:
        write_files(tmp)
        problems = check_folder(tmp)
        if not problems and sha256_file(tmp / MANIFEST) != manifest_sha:
            problems = ["manifest.json changed while it was written"]
        if problems:
            raise OSError("; ".join(problems))
        os.chmod(tmp, 0o700)
    return staged


def write_folder(final: Path, write_files: Callable[[Path], None], manifest_sha: str) -> Path:
    """Stage a return folder beside ``final``, check it, rename it into place."""
    return atomic.put_in_place(stage_folder(final, write_files, manifest_sha), final)


#: Sealing and reconciling in one process never overlap (the app may sync while it exports).
_SEALING = threading.Lock()


def reconcile(store, *folders: Path) -> list[str]:
    """Finish or undo the seals a killed export left (at the next start, export or sync).

    A complete ``.<name>.sealing-<pid>`` folder whose return is recorded as sealed is put in
    place; one that is not recorded (the kill came before the record) is removed, as is one
    that no longer matches its recorded manifest. The outbox, every folder a return was
    delivered to and ``folders`` are looked at. Returns what was done, as sentences."""
    t = sa.inspect(SealedReturn).local_table.c
    with store.read() as s:
        rows = s.connection().execute(sa.select(t.folder_name, t.manifest_sha256, t.synced_to)).all()
    recorded = {name: sha for name, sha, _to in rows}
    places = {outbox_dir(store.path), *(Path(f) for f in folders), *(Path(to) for *_x, to in rows if to)}
    done = []
    with _SEALING:
        for place in places:
            for name, staged, live in atomic.staged_for_sealing(place):
                if live:
                    continue
                final = place / name
                sound = (name in recorded and not final.exists() and not check_folder(staged)
                         and sha256_file(staged / MANIFEST) == recorded[name])
                try:
                    if sound:
                        atomic.put_in_place(staged, final)
                        done.append(f"Put the sealed return {name} in place in {place}.")
                    else:
                        shutil.rmtree(staged)
                        done.append(f"Removed an unsealed copy of {name} from {place}.")
                except OSError:  # a stick pulled out: the next start tries again
                    continue
    return done


def _write_built(files: list[BuiltFile]) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        for f in files:  # the manifest is last in the list, so it is written last
            with (tmp / f.name).open("wb") as fh:
                fh.write(f.data)
                fh.flush()
                os.fsync(fh.fileno())
    return write


def _unique_name(period: Period, made_at: datetime, *folders: Path, taken: set[str]) -> str:
    base = folder_name(period, made_at)
    name, n = base, 1
    while name in taken or any((f / name).exists() for f in folders):
        n += 1
        name = f"{base}-{n}"
    return name


def _ensure_dir(folder: Path) -> None:
    """A missing folder is made 0700 (the outbox, or a --to folder that is not there yet); an
    existing one is left as it is."""
    try:
        atomic.make_folder(folder)
    except OSError as exc:
        raise UserError(f"The folder {folder} cannot be made ({exc.strerror or exc}). Nothing was "
                        "written; choose a folder you can write to.") from None
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder. Nothing was written.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"The folder {folder} cannot be written to. Nothing was written; choose a "
                        "folder you can write to.")


#: The tables a return reads (``kpis.compute``, the pseudonym secret in ``setting``, the folder
#: names already sealed, the worker a sealed return's row points at). The check before an export
#: reads every page of these and of their indexes (``integrity.tables_check``): a damaged page in
#: any of them stops the export, while the rest of the file (registers, notes, the audit log: most
#: of a gigabyte at 50,000 carers) is left to the unlock and backup checks. A test runs an export
#: with SQLite's authorizer on and fails if the return reads a table missing here.
RETURN_TABLES = ("referral", "carer", "district", "review", "review_outcome", "feedback",
                 "training_session", "awareness_session", "school", "setting", "sealed_return", "worker",
                 # the service's targets, areas and narrative; Kent's activity file (issue 18)
                 "return_setting", "return_narrative", "area", "area_district", "club_session",
                 "attendance")

#: The steps of an export, in order, as ``export_return`` reports them to its ``progress``.
EXPORT_STEPS = (
    "checking the return's records for damage",
    "counting the figures",
    "writing and sealing the files",
)


def export_return(store, period: Period, to_dir: Path | None, *, today: date,
                  worker_id: str | None = None, now: datetime | None = None, check: bool = True,
                  progress: Callable[[str], None] | None = None, source: dict | None = None,
                  _after_files: Callable[[Path], None] | None = None) -> ExportResult:
    """Build, check and seal a return for the period; copy it into ``to_dir`` when given.

    First the integrity and foreign-key check of the tables the return reads (``check``,
    ``RETURN_TABLES``): a return is never built from a damaged page (writing stops and the message
    says which backup to restore). ``progress`` is told each step as it starts (``EXPORT_STEPS``):
    on a whole service's file the check takes seconds, and the worker should see what is happening.
    """
    step = progress or (lambda _text: None)
    if check:
        from ycworker.protection import integrity

        step(EXPORT_STEPS[0])
        integrity.require_sound(store, before="an export", tables=RETURN_TABLES)
    step(EXPORT_STEPS[1])
    made_at = (now or utcnow()).replace(microsecond=0)
    dest, outbox = _prepare(store, to_dir)

    pseudo = pseudonyms.for_store(store)  # the secret is made (one short write) on first use
    with store.read() as s:  # counting holds no write lock: the app keeps saving meanwhile
        report = kpis.compute(s, period, today)
        extras = extra_files.build(s, report)
        taken = set(s.connection().execute(
            sa.select(sa.inspect(SealedReturn).local_table.c.folder_name)).scalars())
    narrative.refuse_if_flagged(extras.flags)  # nobody on the caseload is named in the narrative
    name = _unique_name(period, made_at, outbox, *( [dest] if dest else []), taken=taken)
    files = assemble(report, pseudo, made_at, name, source, extras)
    step(EXPORT_STEPS[2])
    return _seal(store, period, dest, outbox, name, made_at, files, report, worker_id, _after_files)


def _prepare(store, to_dir: Path | None) -> tuple[Path | None, Path]:
    """The folders a return goes to (made when missing, orphans of killed exports cleared)."""
    outbox = outbox_dir(store.path)
    dest = Path(to_dir).expanduser() if to_dir is not None else None
    if dest is not None:
        _ensure_dir(dest)
        atomic.remove_orphans(dest)
    _ensure_dir(outbox)
    atomic.remove_orphans(outbox)
    reconcile(store, *([dest] if dest else []))
    return dest, outbox


def _seal(store, period: Period, dest: Path | None, outbox: Path, name: str, made_at: datetime,
          files: list[BuiltFile], report: kpis.KpiReport, worker_id: str | None,
          _after_files: Callable[[Path], None] | None = None) -> ExportResult:
    """Stage every copy (complete, hidden, checked), record the seal, then put each in place."""
    manifest_sha = files[-1].sha256
    writer = _write_built(files)
    if _after_files is not None:  # tests: fail in the middle of a build
        inner = writer

        def writer(tmp: Path) -> None:
            inner(tmp)
            _after_files(tmp)

    # Staged (complete, hidden), recorded, then put in place: see atomic's "sealing" notes.
    staged: list[tuple[Path, Path]] = []
    delivered = None
    sealed_path = outbox / name
    with _SEALING:
        try:
            if dest is not None:
                delivered = dest / name
                staged.append((stage_folder(delivered, writer, manifest_sha), delivered))
            staged.append((stage_folder(sealed_path, writer, manifest_sha), sealed_path))
            with store.write() as s:
                row = SealedReturn(label=period.label, period_start=period.start, period_end=period.end,
                                   folder_name=name, path=str(sealed_path), manifest_sha256=manifest_sha,
                                   made_by_id=worker_id, created_at=made_at, updated_at=made_at)
                if dest is not None:  # delivered: staged there above
                    row.synced_to, row.synced_at = str(dest.resolve()), made_at
                s.add(row)
                s.flush()
                audit.record(s, "export", "sealed_return", row.id, worker_id)
                sealed_id = row.id
        except BaseException as exc:
            for path, _final in staged:
                shutil.rmtree(path, ignore_errors=True)
            if isinstance(exc, OSError):
                why = exc.strerror or "the files did not check out"
                raise UserError(f"The return could not be written ({why}). Nothing was sealed; try "
                                "again or choose another folder.") from None
            raise
        try:  # recorded: a kill from here on is finished at the next start (reconcile)
            for path, final in staged:
                atomic.put_in_place(path, final)
        except OSError:
            raise UserError(f"The return {name} is sealed but could not be put in its folder yet; "
                            "ycworker puts it there when it next starts.") from None
    return ExportResult(sealed_id, name, sealed_path, delivered, report, tuple(files))


#: The steps of sealing a return the team server built, as ``seal_built`` reports them.
SERVER_EXPORT_STEPS = ("checking the files the team server built", "writing and sealing the files")


def seal_built(store, period: Period, to_dir: Path | None, files: list[BuiltFile], name: str,
               made_at: datetime, report: kpis.KpiReport, *, worker_id: str | None = None,
               progress: Callable[[str], None] | None = None) -> ExportResult:
    """Seal a return another ycworker built (the team server's, for a manager's laptop) exactly as
    ``export_return`` seals its own: the same staging, checks, record and audit. The files must be
    a whole folder, manifest last, every file's hash as the manifest says; nothing is rebuilt."""
    step = progress or (lambda _text: None)
    step(SERVER_EXPORT_STEPS[0])
    if not files or files[-1].name != MANIFEST:
        raise UserError("The team server's return has no manifest; nothing was sealed. Build it again.")
    try:
        listed = {f["name"]: f["sha256"] for f in json.loads(files[-1].data)["files"]}
    except (ValueError, KeyError, TypeError):
        raise UserError("The team server's return could not be read; nothing was sealed. Build it "
                        "again.") from None
    if listed != {f.name: f.sha256 for f in files[:-1]}:
        raise UserError("The team server's return did not check out against its manifest; nothing was "
                        "sealed. Build it again.")
    dest, outbox = _prepare(store, to_dir)
    with store.read() as s:
        taken = set(s.connection().execute(
            sa.select(sa.inspect(SealedReturn).local_table.c.folder_name)).scalars())
    if name in taken or (outbox / name).exists() or (dest is not None and (dest / name).exists()):
        raise UserError(f"The return {name} is already sealed on this laptop; build it again from the "
                        "team server for a new one.")
    step(SERVER_EXPORT_STEPS[1])
    return _seal(store, period, dest, outbox, name, made_at.replace(microsecond=0), files, report, worker_id)
