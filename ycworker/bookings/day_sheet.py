"""The day sheet: what the staff running one day of an activity need on paper.

At the top, every child with an allergy, a medical need or medication (the things that cannot
wait until someone finds the right page), then each booked child in name order with their
needs, photo consent, emergency contact, home phone, who collects them and how they travel.
Exported as Markdown (print it, or read it on a phone) and as CSV, both written atomically.
Viewing and exporting a sheet is audited (no personal data in the audit entry).

A blank need was not asked (the booking form says "none" is typed), so the sheet says "not
asked" for it, never "none": staff then know to ask at drop-off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from db.models import ActivityDay, Booking, BookingDay, Carer, HolidayActivity, Household
from ycworker.bookings.activities import age_on, describe_school_year, school_year
from ycworker.bookings.bookings import TRANSPORT_LABELS
from ycworker.caseload import language
from ycworker.common import atomic, audit, csv_safe
from ycworker.common.errors import FieldError


@dataclass(frozen=True)
class SheetChild:
    name: str
    carer_ref: str
    date_of_birth: date
    age: int
    school_year: str
    fsm: bool
    send: bool
    dietary: str
    allergies: str
    medical: str
    medication: str
    photo_consent: bool | None
    emergency_contact: str
    home_phone: str
    collection: str
    transport: str
    attendance: str | None
    access: str = ""  # language and access: "interpreter: Polish", "communication needs" or ""

    @property
    def has_alert(self) -> bool:
        """Something recorded that staff must know: not blank (not asked) and not "none"."""
        return any(is_need(v) for v in (self.allergies, self.medical, self.medication))

    def photo_text(self) -> str:
        if self.photo_consent is None:
            return "not asked"
        return "yes" if self.photo_consent else "NO PHOTOS"


@dataclass
class DaySheet:
    activity_id: str
    day_id: str
    title: str
    venue: str
    day_date: date
    start_time: time | None
    end_time: time | None
    capacity: int
    staff_notes: str
    haf: bool
    children: list[SheetChild] = field(default_factory=list)

    @property
    def alerts(self) -> list[SheetChild]:
        return [c for c in self.children if c.has_alert]

    def when(self) -> str:
        text = f"{self.day_date:%A %d %B %Y}"
        if self.start_time and self.end_time:
            text += f", {self.start_time:%H:%M}-{self.end_time:%H:%M}"
        return text


def build(session: Session, day_id: str, worker_id: str | None = None) -> DaySheet:
    """The sheet for one day of an activity (booked children only). Records a 'view'."""
    head = session.execute(
        sa_select(col(ActivityDay.activity_id), col(ActivityDay.day_date), col(ActivityDay.start_time),
                  col(ActivityDay.end_time), col(HolidayActivity.title), col(HolidayActivity.venue),
                  col(HolidayActivity.capacity), col(HolidayActivity.staff_notes), col(HolidayActivity.haf))
        .join(HolidayActivity, col(HolidayActivity.id) == ActivityDay.activity_id)
        .where(col(ActivityDay.id) == day_id)
    ).first()
    if head is None:
        raise FieldError("day", "That day is no longer part of the activity.")
    sheet = DaySheet(head[0], day_id, head[4], head[5], head[1], head[2], head[3], head[6], head[7], head[8])
    rows = session.execute(
        sa_select(col(Carer.first_name), col(Carer.last_name), col(Carer.preferred_name),
                  col(Carer.carer_ref), col(Carer.date_of_birth), col(Carer.fsm), col(Carer.send),
                  col(Booking.dietary), col(Booking.allergies), col(Booking.medical), col(Booking.medication),
                  col(Booking.photo_consent), col(Booking.emergency_contact), col(Household.phone),
                  col(Carer.phone), col(Booking.collection), col(Booking.transport),
                  col(BookingDay.attendance), col(Carer.id))
        .select_from(BookingDay)
        .join(Booking, col(Booking.id) == BookingDay.booking_id)
        .join(Carer, col(Carer.id) == Booking.carer_id)
        .outerjoin(Household, col(Household.id) == Carer.household_id)
        .where(col(BookingDay.day_id) == day_id, col(Booking.status) == "booked")
        .order_by(col(Carer.last_name), col(Carer.first_name), col(Carer.carer_ref))
    ).all()
    access = language.markers(session, [r[18] for r in rows])
    for r in rows:
        dob = r[4]
        sheet.children.append(SheetChild(
            name=f"{r[2] or r[0]} {r[1]}", carer_ref=r[3], date_of_birth=dob, age=age_on(dob, sheet.day_date),
            school_year=describe_school_year(school_year(dob, sheet.day_date)), fsm=bool(r[5]),
            send=bool(r[6]), dietary=r[7], allergies=r[8], medical=r[9], medication=r[10],
            photo_consent=r[11], emergency_contact=r[12], home_phone=r[13] or r[14] or "", collection=r[15],
            transport=TRANSPORT_LABELS.get(r[16], r[16]), attendance=r[17], access=access.get(r[18], ""),
        ))
    audit.record(session, "view", "day_sheet", day_id, worker_id)
    return sheet


def _md(text: str) -> str:
    """One line of Markdown-safe text (table pipes and line breaks escaped)."""
    return " ".join(text.split()).replace("|", "\\|") if text else ""


NOT_ASKED = "not asked"
#: What a worker types for "asked, and there is none" (the booking form asks for "none").
NO_NEED = frozenset({"none", "no", "nil", "n/a", "na", "none known", "no known allergies", "nka"})


def is_need(value: str) -> bool:
    """True when the text records a need; blank (not asked) and "none" are not needs."""
    text = " ".join((value or "").split()).strip(" .").lower()
    return bool(text) and text not in NO_NEED


def need_text(value: str) -> str:
    """A need as the sheet shows it: what was recorded, or "not asked" when blank."""
    return _md(value) or NOT_ASKED


def render_markdown(sheet: DaySheet) -> str:
    lines = [
        f"# {sheet.title}: day sheet",
        "",
        f"**{sheet.when()}**" + (f" at {sheet.venue}" if sheet.venue else ""),
        "",
        f"{len(sheet.children)} booked of {sheet.capacity} places"
        + (" · HAF" if sheet.haf else "")
        + f" · {sum(c.fsm for c in sheet.children)} FSM · {sum(c.send for c in sheet.children)} SEND",
        "",
    ]
    if sheet.staff_notes:
        lines += ["## Notes for staff", "", sheet.staff_notes.strip(), ""]
    lines += ["## Allergies, medical needs and medication", ""]
    if sheet.alerts:
        lines += ["| child | allergies | medical | medication |", "|---|---|---|---|"]
        lines += [f"| {_md(c.name)} | {need_text(c.allergies)} | {need_text(c.medical)} | "
                  f"{need_text(c.medication)} |" for c in sheet.alerts]
    else:
        lines.append("None recorded for the children booked today.")
    talking = [c for c in sheet.children if c.access]
    if talking:
        lines += ["", "**Language and access:** "
                  + ", ".join(f"{_md(c.name)} ({_md(c.access)})" for c in talking)]
    no_photos = [c.name for c in sheet.children if c.photo_consent is False]
    if no_photos:
        lines += ["", f"**No photographs:** {', '.join(no_photos)}"]
    lines += ["", "## Children", ""]
    if not sheet.children:
        lines.append("No children are booked on this day.")
    for c in sheet.children:
        flags = [f for f, on in (("FSM", c.fsm), ("SEND", c.send)) if on]
        lines += [
            f"### {c.name} ({c.carer_ref})" + (f" [{c.access}]" if c.access else ""),
            "",
            f"- Age {c.age}, {c.school_year}" + (f" · {' · '.join(flags)}" if flags else ""),
            f"- Allergies: {need_text(c.allergies)}",
            f"- Medical: {need_text(c.medical)}",
            f"- Medication: {need_text(c.medication)}",
            f"- Dietary: {need_text(c.dietary)}",
            f"- Photo consent: {c.photo_text()}",
            f"- Emergency contact: {_md(c.emergency_contact) or 'NONE RECORDED: ask at drop-off'}",
            f"- Home phone: {_md(c.home_phone) or 'not recorded'}",
            f"- Collection: {_md(c.collection) or 'not recorded'}",
            f"- Transport: {c.transport}",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


CSV_HEADER = (
    "name", "carer_ref", "age", "school_year", "fsm", "send", "allergies", "medical", "medication",
    "dietary", "photo_consent", "emergency_contact", "home_phone", "collection", "transport", "attendance",
)


def csv_rows(sheet: DaySheet) -> list[tuple]:
    return [
        (c.name, c.carer_ref, c.age, c.school_year, c.fsm, c.send, c.allergies, c.medical, c.medication,
         c.dietary, c.photo_text(), c.emergency_contact, c.home_phone, c.collection, c.transport,
         c.attendance or "")
        for c in sheet.children
    ]


def file_stem(sheet: DaySheet) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in sheet.title.lower()).strip("-")
    while "--" in safe:
        safe = safe.replace("--", "-")
    return f"day-sheet-{sheet.day_date.isoformat()}-{safe or 'activity'}"


def export(session: Session, day_id: str, folder: Path, worker_id: str | None) -> list[Path]:
    """Write the sheet as Markdown and CSV into ``folder`` (atomically, private files).
    Returns the two paths. Records an 'export' in the same transaction."""
    sheet = build(session, day_id, worker_id)
    folder = Path(folder)
    stem = file_stem(sheet)
    md = atomic.write_text(folder / f"{stem}.md", render_markdown(sheet))
    csv_path = folder / f"{stem}.csv"
    csv_safe.write(csv_path, CSV_HEADER, csv_rows(sheet))
    audit.record(session, "export", "day_sheet", day_id, worker_id)
    return [md, csv_path]


__all__ = ["CSV_HEADER", "DaySheet", "SheetChild", "build", "csv_rows", "export", "render_markdown"]
