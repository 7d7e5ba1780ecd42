"""The service's areas: named groups of its districts (Kent's area-based commissioning officers
"offer a district specific view"). A manager adds an area and puts a district in it (or in none);
the Returns screen's area view and Kent's files count by area, then district.

A district belongs to at most one area (an ``area_district`` row; none: in no area); a district in
no area is counted under "No area" (CHOICE: nothing is lost from the county's total while the
grouping is unfinished).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import Session, col, select

from db.models import Area, AreaDistrict, District, utcnow
from ycworker.common import audit
from ycworker.common.errors import FieldError

NO_AREA = "No area"


@dataclass(frozen=True)
class DistrictInArea:
    id: str
    name: str
    area_id: str | None
    area: str  # the area's name, NO_AREA when none


@dataclass(frozen=True)
class Grouping:
    areas: list[tuple[str, str]]  # (id, name), by name
    districts: list[DistrictInArea]  # by area name (no area last), then district name

    def area_of(self) -> dict[str, str]:
        """district name -> area name (the return's rows carry district names)."""
        return {d.name: d.area for d in self.districts}


def grouping(session: Session) -> Grouping:
    areas = [(a.id, a.name) for a in session.exec(select(Area).order_by(col(Area.name))).all()]
    names = dict(areas)
    link = {x.district_id: x.area_id for x in session.exec(select(AreaDistrict)).all()}
    districts = [DistrictInArea(d.id, d.name, link.get(d.id), names.get(link.get(d.id) or "", NO_AREA))
                 for d in session.exec(select(District)).all()]
    districts.sort(key=lambda d: (d.area == NO_AREA, d.area.lower(), d.name.lower()))
    return Grouping(areas, districts)


def add_area(session: Session, name: str, worker_id: str | None) -> str:
    """A new area (its id). The name must be new (case ignored)."""
    clean = " ".join(name.split())
    if not clean:
        raise FieldError("area", "Type the area's name, e.g. East Kent.")
    if clean.lower() == NO_AREA.lower():
        raise FieldError("area", f"\"{NO_AREA}\" is kept for districts not yet in an area; choose "
                                 "another name.")
    taken = {a.name.lower(): a.name for a in session.exec(select(Area)).all()}
    if clean.lower() in taken:
        raise FieldError("area", f"There is already an area called {taken[clean.lower()]}.")
    area = Area(name=clean)
    session.add(area)
    session.flush()
    audit.record(session, "create", "area", area.id, worker_id)
    return area.id


def put_district(session: Session, district_id: str, area_id: str | None, worker_id: str | None) -> None:
    """Put a district in an area (``None``: in no area)."""
    district = session.get(District, district_id)
    if district is None:
        raise FieldError("district", "That district is no longer on the list; choose another.")
    if area_id is not None and session.get(Area, area_id) is None:
        raise FieldError("area", "That area is no longer on the list; choose another.")
    row = session.get(AreaDistrict, link_id(district_id)) or session.exec(
        select(AreaDistrict).where(AreaDistrict.district_id == district_id)).first()
    if row is not None and row.area_id == area_id:
        return
    if area_id is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        row = AreaDistrict(id=link_id(district_id), district_id=district_id, area_id=area_id)
        session.add(row)
    else:
        row.area_id, row.updated_at = area_id, utcnow()
        session.add(row)
    session.flush()
    audit.record(session, "update", "area_district", district_id, worker_id)


def link_id(district_id: str) -> str:
    """The id of a district's area link: the same on every laptop (name-based UUID)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"ycworker:area_district:{district_id}").hex
