"""The schools list and each school's Young Carer Champion (KPI 9).

A school is on the service's list (``on_list``) when the service works with it; schools typed on
a carer's record or brought in by an import start off the list. KPI 9 is the share of the schools
on the list that have a champion at the end of the period: ``champion_since`` on or before it and
no ``champion_until`` on or before it (``ycworker.returns.kpis``). The champion's name is for the worker;
the return carries counts only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import District, School
from ycworker.common.percent import percent_text
from ycworker.service_log import entries as log

PHASES = {"primary": "Primary", "secondary": "Secondary", "college": "College", "special": "Special",
          "other": "Other"}


@dataclass(frozen=True)
class SchoolRow:
    id: str
    name: str
    district: str
    phase: str
    on_list: bool
    champion_name: str
    champion_since: date | None
    champion_until: date | None

    def has_champion(self, on: date) -> bool:
        return (self.champion_since is not None and self.champion_since <= on
                and (self.champion_until is None or self.champion_until > on))

    def status(self, on: date) -> str:
        """'Champion since 01/03/2024', 'No champion since 31/08/2025', 'Champion from ...', 'No champion'."""
        if self.has_champion(on):
            return f"Champion since {log.uk(self.champion_since)}"
        if self.champion_until is not None and self.champion_until <= on:
            return f"No champion since {log.uk(self.champion_until)}"
        if self.champion_since is not None and self.champion_since > on:
            return f"Champion from {log.uk(self.champion_since)}"
        return "No champion"


def list_schools(session: Session, today: date, *, everyone: bool = False,
                 limit: int = log.LIMIT) -> log.Listing:
    s = School
    where = [] if everyone else [col(s.on_list).is_(True)]
    q = (sa_select(col(s.id), col(s.name), col(District.name), col(s.phase), col(s.on_list),
                   col(s.champion_name), col(s.champion_since), col(s.champion_until))
         .outerjoin(District, col(District.id) == s.district_id).where(*where)
         .order_by(col(s.on_list).desc(), func.lower(s.name)).limit(limit))
    rows = [SchoolRow(i, n, d or "", p, bool(o), c, since, until) for i, n, d, p, o, c, since, until
            in session.execute(q)]
    total = session.exec(select(func.count()).select_from(s).where(*where)).one()
    listed = session.exec(select(func.count()).select_from(s).where(col(s.on_list).is_(True))).one()
    champions = session.exec(select(func.count()).select_from(s).where(
        col(s.on_list).is_(True), col(s.champion_since).is_not(None), col(s.champion_since) <= today,
        or_(col(s.champion_until).is_(None), col(s.champion_until) > today))).one()
    share = percent_text(champions, listed)
    summary = (f"{listed} school{'s' if listed != 1 else ''} on the list, {champions} with a Young Carer "
               f"Champion today" + (f": {share}% (KPI 9, target 95%)" if share else " (KPI 9, target 95%)"))
    if everyone:
        summary += f"; showing all {total} schools, including those off the list"
    return log.Listing(rows, total, summary)


def form_for(session: Session, entry_id: str) -> dict[str, str]:
    row = log.get(session, School, entry_id, "school")
    return {"name": row.name, "district": row.district_id or "", "phase": row.phase,
            "on_list": "yes" if row.on_list else "no", "champion_name": row.champion_name,
            "champion_since": log.uk(row.champion_since), "champion_until": log.uk(row.champion_until)}


def save(session: Session, form: dict[str, str], today: date, entry_id: str | None = None,
         worker_id: str | None = None) -> str:
    check = log.Checker()
    name = check(log.field_text, "name", form.get("name", ""), "The school's name", required=True)
    district_id = check(log.check_district, session, "district", form.get("district", ""))
    phase = check(log.field_key, "phase", form.get("phase", ""), PHASES, "Phase", required=False)
    on_list = check(log.field_yes_no, "on_list", form.get("on_list", "") or "yes", "On the service's list")
    champion = check(log.field_text, "champion_name", form.get("champion_name", ""), "The champion's name")
    since = check(log.field_date, "champion_since", form.get("champion_since", ""), today, required=False,
                  label="Champion since")
    until = check(log.field_date, "champion_until", form.get("champion_until", ""), today, required=False,
                  label="Champion until", not_before=since, not_before_label="the champion's start")
    if champion and since is None and not check.failed("champion_since"):
        check.add("champion_since", "Give the date the champion started (DD/MM/YYYY): KPI 9 counts "
                                    "champions from that date.")
    if until is not None and since is None and not check.failed("champion_since"):
        check.add("champion_since", "A champion who has stopped needs the date they started too.")
    if name and not check.failed("name"):
        clash = session.exec(select(School.id).where(func.lower(School.name) == name.lower(),
                                                     School.id != (entry_id or ""))).first()
        if clash is not None:
            check.add("name", f"'{name[:40]}' is already on the schools list; change that one instead.")
    check.done()
    values = {"name": name, "district_id": district_id, "phase": phase, "on_list": on_list,
              "champion_name": champion, "champion_since": since, "champion_until": until}
    return log.save(session, School, entry_id, values, worker_id, "school")
