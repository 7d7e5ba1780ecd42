"""The areas of the app: each one's mode, key, title and main screen (the App builds its modes,
keys, help and palette from this table; a screen never imports another area's screens)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    mode: str
    key: str
    title: str
    module: str
    cls: str
    help: str


AREAS: tuple[Area, ...] = (
    Area("home", "h", "Home", "screens.home.home", "HomeScreen", "Your day: sessions, deadlines, flags"),
    Area("caseload", "c", "Caseload", "screens.caseload.caseload", "CaseloadScreen",
         "Find any young carer; new support requests"),
    Area("assessments", "a", "Assessments", "screens.assessment.assessments", "AssessmentsScreen",
         "Needs assessments, plans and reviews"),
    Area("registers", "r", "Registers", "screens.registers.registers", "RegistersScreen",
         "Clubs and today's registers"),
    Area("bookings", "b", "Bookings", "screens.bookings.activities", "ActivitiesScreen",
         "Holiday activities, bookings and day sheets"),
    Area("returns", "e", "Returns", "screens.returns.returns", "ReturnsScreen",
         "The commissioner's quarterly return and sync"),
    Area("service", "s", "Service log", "screens.service_log.service_log", "ServiceActivityScreen",
         "Awareness, training, feedback, Triple C, safeguarding, bus passes"),
)
