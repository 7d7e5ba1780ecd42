"""The return's targets and profile: the service's settings, edited by a manager.

The targets used to be typed into the KPI definitions; they are now read from ``return_setting``
(``target.<kpi>``), with Bradford's contract values as defaults, so a return made before anyone
edits them is exactly what it was. ``profile`` says which commissioner's extra files the return
carries: ``bradford`` (only the spec'd files, plus the equality and narrative files every return
has) or ``kent`` (also Kent's referral, area/district and activity files). The spec'd Bradford
files are the same whichever profile is chosen; only their ``target`` column follows the settings.

Each setting's record id is derived from its key (``setting_id``), so two laptops of a team
setting the same target write the same record and the team's sync merges them as one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import Session, select

from db.models import ReturnSetting, utcnow
from ycworker.common import audit
from ycworker.common.errors import FieldError, FormErrors

PROFILE = "profile"
PROFILES = {"bradford": "Bradford (the spec'd KPI return)", "kent": "Kent (Bradford's files plus Kent's)"}
DEFAULT_PROFILE = "bradford"


@dataclass(frozen=True)
class TargetDef:
    key: str  # the setting's key without "target."; a KPI's code where it is one
    label: str
    default: int
    unit: str  # percent | count
    maximum: int
    profile: str = "bradford"


TARGETS: tuple[TargetDef, ...] = (
    TargetDef("kpi2_allocated_within_5_working_days", "KPI 2 allocated within 5 working days", 80,
              "percent", 100),
    TargetDef("kpi3_assessed_within_15_working_days", "KPI 3 assessed within 15 working days", 80,
              "percent", 100),
    TargetDef("kpi6_satisfied", "KPI 6 satisfied with the service", 90, "percent", 100),
    TargetDef("kpi9_schools_with_champion", "KPI 9 schools with a champion", 95, "percent", 100),
    TargetDef("outcomes", "KPI 5 outcomes improved", 60, "percent", 100),
    # Kent: referrals against an annual target and a monthly one (Kent's papers: 7,507 and 110).
    TargetDef("referrals_annual", "Referrals a year (Kent)", 7507, "count", 1_000_000, "kent"),
    TargetDef("referrals_monthly", "Referrals a month (Kent)", 110, "count", 100_000, "kent"),
)
TARGET_BY_KEY = {t.key: t for t in TARGETS}


def setting_id(key: str) -> str:
    """The record id of a setting: the same on every laptop (a name-based UUID of the key)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"ycworker:return_setting:{key}").hex


@dataclass(frozen=True)
class ReturnSettings:
    profile: str
    targets: dict[str, int]  # every TargetDef key -> the value in force

    def target(self, key: str) -> int:
        return self.targets[key]

    def in_force(self) -> dict[str, int]:
        """The targets the return follows (the profile's), for the manifest."""
        wanted = {"bradford"} | {self.profile}
        return {t.key: self.targets[t.key] for t in TARGETS if t.profile in wanted}


def _stored(session: Session) -> dict[str, str]:
    return {r.key: r.value for r in session.exec(select(ReturnSetting)).all()}


def load(session: Session) -> ReturnSettings:
    stored = _stored(session)
    targets = {}
    for t in TARGETS:
        raw = stored.get(f"target.{t.key}")
        targets[t.key] = int(raw) if raw is not None and raw.strip().isdigit() else t.default
    profile = stored.get(PROFILE, DEFAULT_PROFILE)
    return ReturnSettings(profile if profile in PROFILES else DEFAULT_PROFILE, targets)


def check_target(key: str, raw: str) -> int:
    """A typed target, or a FieldError saying what to type."""
    t = TARGET_BY_KEY[key]
    text = raw.strip().replace(",", "")
    if not text:
        raise FieldError(key, "Type a whole number for this target.")
    if not text.isdigit():
        raise FieldError(key, "Type a whole number, e.g. 80 (no % sign or decimals).")
    value = int(text)
    if value > t.maximum:
        raise FieldError(key, f"A {'percentage' if t.unit == 'percent' else 'target'} cannot be "
                              f"more than {t.maximum:,}.")
    return value


def _put(session: Session, key: str, value: str, worker_id: str | None) -> bool:
    row = session.get(ReturnSetting, setting_id(key))
    if row is None:
        row = session.exec(select(ReturnSetting).where(ReturnSetting.key == key)).first()
    if row is None:
        session.add(ReturnSetting(id=setting_id(key), key=key, value=value, updated_by_id=worker_id))
        return True
    if row.value == value:
        return False
    row.value, row.updated_by_id, row.updated_at = value, worker_id, utcnow()
    session.add(row)
    return True


def save(session: Session, typed: dict[str, str], profile: str, worker_id: str | None) -> ReturnSettings:
    """Save the typed targets and the profile together, or raise FormErrors naming each bad field
    (nothing is saved then)."""
    errors: list[FieldError] = []
    values: dict[str, int] = {}
    for key, raw in typed.items():
        try:
            values[key] = check_target(key, raw)
        except FieldError as exc:
            errors.append(exc)
    if profile not in PROFILES:
        errors.append(FieldError("profile", "Choose Bradford or Kent."))
    if errors:
        raise FormErrors(errors)
    changed = [key for key, value in values.items() if _put(session, f"target.{key}", str(value), worker_id)]
    if _put(session, PROFILE, profile, worker_id):
        changed.append(PROFILE)
    if changed:
        session.flush()
        audit.record(session, "update", "return_setting", ",".join(changed), worker_id)
    return load(session)
