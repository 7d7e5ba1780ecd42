"""The service's reporting settings (0013): its areas (groups of districts), the return's targets and
profile, and each quarter's narrative. All are the service's, not one carer's: every laptop of a team
holds them (team server SHARED)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field

from db.models.base import Record


class Area(Record, table=True):
    """A group of districts the service (and its commissioner) reports by, e.g. "East Kent"."""

    name: str = Field(unique=True)


class AreaDistrict(Record, table=True):
    """A district's area: at most one row per district (none: the district is in no area). The id is
    derived from the district's (ycworker.returns.areas.link_id), so two laptops write one record."""

    __tablename__ = "area_district"
    district_id: str = Field(foreign_key="district.id", unique=True)
    area_id: str = Field(foreign_key="area.id", index=True)


class ReturnSetting(Record, table=True):
    """One setting of the return: a KPI's target (``target.<kpi>``) or the profile (``profile``).
    The id is derived from the key (ycworker.returns.targets.setting_id), so two laptops setting the
    same key write the same record."""

    __tablename__ = "return_setting"
    key: str = Field(unique=True)
    value: str
    updated_by_id: str | None = Field(default=None, foreign_key="worker.id")


class ReturnNarrative(Record, table=True):
    """The words around a quarter's figures: case studies (pseudonymous) and youth voice."""

    __tablename__ = "return_narrative"
    label: str = Field(unique=True)  # the period's label, e.g. 2025-26-Q2
    text: str = ""
    # names a manager confirmed are not people on the caseload (lowercase "first last", one a line)
    confirmed_names: str = ""
    updated_by_id: str | None = Field(default=None, foreign_key="worker.id")
    saved_at: datetime | None = None
