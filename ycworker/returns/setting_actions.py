"""Use-case functions for the return's settings, areas and narrative (the Returns screen's
settings, area view and narrative writer). Each owns one transaction; a manager's work is refused
to anyone else with a sentence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from db.engine import Store
from ycworker.common.periods import Period
from ycworker.common.workers import WorkerInfo
from ycworker.protection.workers import require_manager
from ycworker.returns import areas, kent, kpis, narrative, targets


def _require_manager(store: Store, worker_id: str | None, what: str) -> None:
    """The worker who unlocked the store (their slot's role), else the worker named."""
    from db.models import Worker

    if store.acting is not None:
        require_manager(WorkerInfo(*store.acting), what)
        return
    with store.read() as session:
        row = session.get(Worker, worker_id) if worker_id else None
        acting = WorkerInfo(row.id, row.name, row.role) if row is not None else None
    require_manager(acting, what)


@dataclass(frozen=True)
class SettingsView:
    settings: targets.ReturnSettings
    grouping: areas.Grouping


def load_settings(store: Store) -> SettingsView:
    with store.read() as s:
        return SettingsView(targets.load(s), areas.grouping(s))


def save_targets(store: Store, typed: dict[str, str], profile: str, worker_id: str | None
                 ) -> targets.ReturnSettings:
    """Save the typed targets and the profile (FormErrors names each bad field; nothing saved then)."""
    _require_manager(store, worker_id, "change the return's targets")
    with store.write() as s:
        return targets.save(s, typed, profile, worker_id)


def add_area(store: Store, name: str, worker_id: str | None) -> areas.Grouping:
    _require_manager(store, worker_id, "change the areas")
    with store.write() as s:
        areas.add_area(s, name, worker_id)
        return areas.grouping(s)


def put_district(store: Store, district_id: str, area_id: str | None, worker_id: str | None
                 ) -> areas.Grouping:
    _require_manager(store, worker_id, "change the areas")
    with store.write() as s:
        areas.put_district(s, district_id, area_id, worker_id)
        return areas.grouping(s)


def area_view(store: Store, period: Period, today: date) -> list[kent.AreaRow]:
    """The period's figures for the county, each area and each district."""
    with store.read() as s:
        return kent.area_rows(kpis.compute(s, period, today), areas.grouping(s))


def load_narrative(store: Store, label: str) -> narrative.NarrativeView:
    with store.read() as s:
        return narrative.view(s, label)


def save_narrative(store: Store, worker_id: str | None, label: str, text: str, audit_it: bool = False
                   ) -> None:
    with store.write() as s:
        narrative.save_text(s, label, text, worker_id, audit_it=audit_it)


def check_narrative(store: Store, label: str) -> list[narrative.Flag]:
    with store.read() as s:
        return narrative.view(s, label).flags


def confirm_names(store: Store, label: str, keys: list[str], worker_id: str | None
                  ) -> list[narrative.Flag]:
    """A manager confirms flagged names are not people on the caseload; what is still flagged."""
    _require_manager(store, worker_id, "confirm that a name is not a young carer's")
    with store.write() as s:
        narrative.confirm_names(s, label, keys, worker_id)
        return narrative.view(s, label).flags
