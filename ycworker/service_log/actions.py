"""The service log's use-case functions: list a kind of entry, open one, save one (one transaction each).

Each kind of entry names the service module that lists, shows and saves it; the screen calls
one of these functions per user action and gets plain data back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from db.engine import Store
from ycworker.common.context import Context
from ycworker.service_log import awareness, bus_passes, feedback, safeguarding, schools, training, triple_c
from ycworker.service_log import entries as service_log


@dataclass(frozen=True)
class KindService:
    """How one kind of service log entry is listed, opened and saved."""

    save: Callable[..., str]
    listing: Callable[..., service_log.Listing]  # (session, window, today, everyone)
    form_for: Callable[..., dict[str, str]]
    needs_districts: bool = False
    audits_view: bool = False  # form_for takes the worker: viewing an entry is an audited write


def _plain(fn: Callable[..., service_log.Listing]) -> Callable[..., service_log.Listing]:
    return lambda s, w, today, everyone: fn(s, w)


def _with_today(fn: Callable[..., service_log.Listing]) -> Callable[..., service_log.Listing]:
    return lambda s, w, today, everyone: fn(s, w, today)


SERVICES: dict[str, KindService] = {
    "awareness": KindService(awareness.save, _plain(awareness.list_sessions), awareness.form_for,
                             needs_districts=True),
    "training": KindService(training.save, _plain(training.list_sessions), training.form_for),
    "schools": KindService(schools.save,
                           lambda s, w, today, everyone: schools.list_schools(s, today, everyone=everyone),
                           schools.form_for, needs_districts=True),
    "feedback": KindService(feedback.save, _plain(feedback.list_feedback), feedback.form_for),
    "triple_c": KindService(triple_c.save, _with_today(triple_c.list_entries), triple_c.form_for),
    "safeguarding": KindService(safeguarding.save, _plain(safeguarding.list_entries), safeguarding.form_for,
                                audits_view=True),
    "bus_passes": KindService(bus_passes.save, _with_today(bus_passes.list_passes), bus_passes.form_for,
                              audits_view=True),
}


@dataclass(frozen=True)
class OpenedEntry:
    """What an add/change form shows: the entry's saved values ({} for a new one) and the district options."""

    values: dict[str, str]
    districts: list[tuple[str, str]]


def load_listing(store: Store, kind_key: str, w: service_log.Window, today: date,
                 everyone: bool) -> service_log.Listing:
    """The entries of one kind in the window (everyone's, or the worker's own)."""
    kind = SERVICES[kind_key]
    with store.read() as s:
        return kind.listing(s, w, today, everyone)


def open_entry(store: Store, kind_key: str, entry_id: str | None, worker_id: str | None) -> OpenedEntry:
    """The form's values and district options; viewing a carer's entry is audited (a write)."""
    kind = SERVICES[kind_key]
    opener = store.write if (kind.audits_view and entry_id) else store.read
    with opener() as s:
        districts = service_log.district_options(s) if kind.needs_districts else []
        if entry_id is None:
            return OpenedEntry({}, districts)
        values = kind.form_for(s, entry_id, worker_id) if kind.audits_view else kind.form_for(s, entry_id)
        return OpenedEntry(values, districts)


def save_entry(store: Store, form: dict[str, Any], *, kind_key: str, entry_id: str | None,
               context: Context) -> str:
    """Check and save an entry of one kind (new when ``entry_id`` is None); its id."""
    kind = SERVICES[kind_key]
    with store.write() as s:
        return kind.save(s, {k: str(v) for k, v in form.items()}, context.today, entry_id=entry_id,
                         worker_id=context.worker_id)
