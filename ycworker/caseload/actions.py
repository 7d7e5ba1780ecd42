"""Caseload use cases: one function per user action, each owning its one transaction.

The screens in ``screens/caseload/`` call these through ``run_db``; none opens a transaction.
Each takes the store first, then what the action needs (a ``Context`` where it needs today or
the acting worker), and returns plain data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import col, select

from db.models import Assessment
from ycworker.caseload import carers, duplicates, importing, reallocate, record, referrals, search
from ycworker.caseload.importing import Imported, Plan
from ycworker.caseload.record import CarerRecord
from ycworker.caseload.search import CaseloadQuery, FilterChoices, Window
from ycworker.common.context import Context

# -- the caseload list ------------------------------------------------------------------------------


def caseload_window(store: Any, query: CaseloadQuery, ctx: Context, offset: int, limit: int,
                    with_total: bool, after: tuple | None = None) -> Window:
    """Rows from ``offset``; in deadline order ``after`` (the previous page's last ``sort_key``)
    reads on by key instead of skipping ``offset`` rows. A worker who may not see everyone's
    cases gets their own caseload whatever the query asks (``reallocate.scoped``)."""
    with store.read() as session:
        query = reallocate.scoped(store, session, query, ctx.worker_id)
        return search.window(session, query, ctx.today, offset, limit, with_total=with_total, after=after)


def caseload_count(store: Any, query: CaseloadQuery, ctx: Context) -> int:
    with store.read() as session:
        return search.count(session, reallocate.scoped(store, session, query, ctx.worker_id), ctx.today)


def caseload_scope(store: Any, ctx: Context) -> bool:
    """Whether the acting worker may see every worker's cases ("everyone") in the caseload."""
    with store.read() as session:
        return reallocate.may_see_everyone(store, session, ctx.worker_id)


def filter_choices(store: Any) -> FilterChoices:
    with store.read() as session:
        return search.filter_choices(session)


def draft_to_resume(store: Any, carer_id: str) -> str | None:
    """The id of the carer's most recently changed draft assessment (ctrl+o on the caseload resumes
    it), if any."""
    with store.read() as session:
        draft: str | None = session.exec(
            select(Assessment.id)
            .where(Assessment.carer_id == carer_id, Assessment.status == "draft")
            .order_by(col(Assessment.updated_at).desc())).first()
    return draft


# -- a carer's record -------------------------------------------------------------------------------


def open_record(store: Any, carer_id: str, ctx: Context, audit_view: bool) -> CarerRecord:
    """Everything the record screen shows. Opening a record is an audited write; a refresh of a
    record already on screen is a plain read."""
    if not audit_view:
        with store.read() as session:
            return record.load_record(session, carer_id, ctx.today, ctx.worker_id, audit_view=False)
    with store.write() as session:
        return record.load_record(session, carer_id, ctx.today, ctx.worker_id)


def save_field(store: Any, carer_id: str, name: str, raw: str, ctx: Context) -> str:
    """One field of the record checked and saved; returns the value as it will now be shown."""
    with store.write() as session:
        return carers.update_field(session, carer_id, name, raw, ctx.today, ctx.worker_id)


def add_contact(store: Any, carer_id: str, form: dict[str, str], ctx: Context) -> str:
    with store.write() as session:
        return carers.add_contact(session, carer_id, form, ctx.today, ctx.worker_id)


def household_cared_for(store: Any, carer_id: str) -> list[tuple[str, str]]:
    with store.read() as session:
        return carers.household_cared_for(session, carer_id)


def add_cared_for(store: Any, carer_id: str, form: dict[str, object], ctx: Context) -> str:
    with store.write() as session:
        return carers.add_cared_for(session, carer_id, form, ctx.worker_id)


def add_sibling(store: Any, carer_id: str, sibling_ref: str, ctx: Context) -> str:
    with store.write() as session:
        return carers.add_sibling(session, carer_id, sibling_ref, ctx.worker_id)


# -- support requests -------------------------------------------------------------------------------


def workers_to_allocate(store: Any) -> list[tuple[str, str]]:
    with store.read() as session:
        return referrals.workers_to_allocate(session)


def allocate(store: Any, referral_id: str, form: dict[str, str], ctx: Context) -> bool:
    with store.write() as session:
        referrals.allocate(session, referral_id, form, ctx.today, ctx.worker_id)
    return True


def record_consent(store: Any, referral_id: str, form: dict[str, str], ctx: Context) -> bool:
    with store.write() as session:
        referrals.record_consent(session, referral_id, form, ctx.today, ctx.worker_id)
    return True


def close_request(store: Any, referral_id: str, form: dict[str, str], ctx: Context) -> bool:
    """Close a support request; closing a carer's last open request closes the case."""
    with store.write() as session:
        referrals.close(session, referral_id, form, ctx.today, ctx.worker_id)
    return True


def reopen_request(store: Any, referral_id: str, ctx: Context) -> bool:
    with store.write() as session:
        referrals.reopen(session, referral_id, ctx.today, ctx.worker_id)
    return True


def check_request(store: Any, form: dict[str, str], ctx: Context) -> list[duplicates.Match]:
    """The short form checked (every problem raised together), then the people already known
    who may be the same young carer."""
    with store.read() as session:
        clean = referrals.check_request(session, form, ctx.today)
        return referrals.duplicates_for(session, clean)


def save_request(store: Any, form: dict[str, str], ctx: Context,
                 attach_to: str | None) -> referrals.Created:
    with store.write() as session:
        return referrals.create_request(session, form, ctx.today, ctx.worker_id, attach_to=attach_to)


# -- importing a caseload spreadsheet ---------------------------------------------------------------


def check_import(store: Any, path: str, ctx: Context) -> Plan:
    """The preview of a spreadsheet: every error, or what would be added. Writes nothing."""
    with store.read() as session:
        return importing.check_file(session, Path(path).expanduser(), ctx.today)


def import_caseload(store: Any, path: str, ctx: Context) -> Imported:
    """The whole file imported in one transaction, or nothing (raises ImportRejected)."""
    return importing.import_file(store, Path(path).expanduser(), ctx.today, ctx.worker_id)
