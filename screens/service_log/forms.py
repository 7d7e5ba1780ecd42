"""The service log's kinds of entry: their columns, how a row reads, and their add/change forms.

Each ``Kind`` names the service module that lists, checks and saves it; the forms are the shared
``FormModal`` (every field's error beside it, what was typed kept, ctrl+s saves).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text

from screens.common.forms import Spec
from ycworker.service_log import awareness, bus_passes, feedback, safeguarding, schools, training, triple_c
from ycworker.service_log import entries as service_log

YES_NO = (("Yes", "yes"), ("No", "no"))


def _opts(choices: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((label, key) for key, label in choices.items())


def pick(value: str, options) -> str:
    """The value when it is one of the options, else blank (a Select refuses anything else)."""
    return value if value in {v for _label, v in options} else ""


def choice(name: str, label: str, v: dict[str, str], options, default: str = "",
           placeholder: str = "") -> Spec:
    """A Select field showing the saved value when it is one of the options."""
    return Spec(name, label, "select", pick(v.get(name, default), options), tuple(options),
                placeholder=placeholder)


def typed(name: str, label: str, v: dict[str, str], placeholder: str = "") -> Spec:
    """A text field showing the saved (or typed) value."""
    return Spec(name, label, value=v.get(name, ""), placeholder=placeholder)


def uk(d: date | None) -> str:
    return service_log.uk(d)


def one_line(text: str, width: int = 60) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@dataclass(frozen=True)
class Kind:
    key: str
    title: str  # the tab
    noun: str  # "awareness session"
    columns: tuple[tuple[str, int], ...]
    cells: Callable[[Any, date], list]
    specs: Callable[[dict[str, str], list[tuple[str, str]]], list[Spec]]
    dated: bool = True  # False: not listed by a date window (schools)


# -- awareness --------------------------------------------------------------------------------------

def _awareness_cells(r: awareness.AwarenessRow, today: date) -> list:
    return [uk(r.session_date), awareness.AUDIENCES.get(r.audience, r.audience), str(r.headcount),
            Text(r.school or r.district), Text(one_line(r.notes, 50))]


def _awareness_specs(v: dict[str, str], districts) -> list[Spec]:
    return [
        typed("session_date", "Date", v, "DD/MM/YYYY"),
        choice("audience", "Audience", v, _opts(awareness.AUDIENCES)),
        typed("headcount", "Headcount", v, "how many were there"),
        typed("school", "School (if at one)", v, "the school's name as on the schools list"),
        choice("district", "District", v, tuple(districts),
             placeholder="the school's, if blank"),
        typed("notes", "Notes", v, "e.g. Assembly for Years 7-9"),
    ]


# -- training ---------------------------------------------------------------------------------------

def _training_cells(r: training.TrainingRow, today: date) -> list:
    return [uk(r.session_date), Text(one_line(r.title, 50)), Text(one_line(r.audience, 30)),
            str(r.professionals_trained)]


def _training_specs(v: dict[str, str], districts) -> list[Spec]:
    return [
        typed("session_date", "Date", v, "DD/MM/YYYY"),
        typed("title", "Title", v, "e.g. Identifying young carers"),
        typed("audience", "Who it was for", v, "e.g. DSLs, GPs"),
        typed("professionals_trained", "Professionals trained", v, "how many attended"),
    ]


# -- schools ----------------------------------------------------------------------------------------

def _school_cells(r: schools.SchoolRow, today: date) -> list:
    status = r.status(today)
    champion = Text(status, style="green" if r.has_champion(today) else "")
    return [Text(r.name), Text(r.district), schools.PHASES.get(r.phase, r.phase),
            "yes" if r.on_list else "no", champion, Text(r.champion_name)]


def _school_specs(v: dict[str, str], districts) -> list[Spec]:
    return [
        typed("name", "School or college", v, "its name"),
        choice("district", "District", v, tuple(districts)),
        choice("phase", "Phase", v, _opts(schools.PHASES)),
        choice("on_list", "On the service's list", v, YES_NO, "yes"),
        typed("champion_name", "Young Carer Champion", v, "their name (for you; never in the return)"),
        typed("champion_since", "Champion since", v, "DD/MM/YYYY"),
        typed("champion_until", "Champion until", v, "blank while they are in post"),
    ]


# -- feedback ---------------------------------------------------------------------------------------

def _feedback_cells(r: feedback.FeedbackRow, today: date) -> list:
    answer = Text("✓ satisfied", style="green") if r.satisfied else Text("✗ not satisfied", style="bold")
    return [uk(r.feedback_date), answer, feedback.SOURCES.get(r.source, r.source), r.carer_ref,
            Text(one_line(r.comment, 60))]


def _feedback_specs(v: dict[str, str], districts) -> list[Spec]:
    return [
        typed("feedback_date", "Date", v, "DD/MM/YYYY"),
        choice("satisfied", "Satisfied with the service", v, YES_NO),
        choice("source", "Where it came from", v, _opts(feedback.SOURCES)),
        typed("carer", "Young carer's ref", v, "blank if anonymous"),
        typed("comment", "Comment", v, "what they said (optional)"),
    ]


# -- Compliments, Comments and Complaints ---------------------------------------------------------

def _triple_c_cells(r: triple_c.TripleCRow, today: date) -> list:
    if r.days_to_respond is not None:
        days = Text(f"{r.days_to_respond} working day{'s' if r.days_to_respond != 1 else ''}")
    elif r.waiting_days is not None:
        days = Text(f"waiting {r.waiting_days} working day{'s' if r.waiting_days != 1 else ''}",
                    style="bold red" if r.kind == "complaint" else "bold")
    else:
        days = Text("")
    return [uk(r.entry_date), triple_c.KINDS.get(r.kind, r.kind), triple_c.FROM.get(r.received_from, ""),
            Text(one_line(r.theme, 24)), Text(one_line(r.response, 40)), uk(r.responded_date), days]


def _triple_c_specs(v: dict[str, str], districts) -> list[Spec]:
    return [
        choice("kind", "Type", v, _opts(triple_c.KINDS)),
        typed("entry_date", "Received", v, "DD/MM/YYYY"),
        choice("received_from", "From", v, _opts(triple_c.FROM)),
        typed("theme", "Theme", v, "e.g. Waiting time, Club, Transport"),
        typed("detail", "What was said", v, "in a sentence or two"),
        typed("response", "Response", v, "what the service did or said"),
        typed("responded_date", "Responded on", v, "DD/MM/YYYY (blank until answered)"),
    ]


# -- safeguarding -----------------------------------------------------------------------------------

def _safeguarding_cells(r: safeguarding.SafeguardingRow, today: date) -> list:
    return [uk(r.entry_date), Text(one_line(r.theme, 40)), Text(one_line(r.action, 70)), r.carer_ref]


def _safeguarding_specs(v: dict[str, str], districts) -> list[Spec]:
    return [
        typed("entry_date", "Date", v, "DD/MM/YYYY"),
        typed("theme", "Theme", v, "e.g. " + ", ".join(safeguarding.THEMES[:3])),
        typed("action", "Action taken", v, "e.g. Discussed with DSL; referral to Front Door"),
        typed("carer", "Young carer's ref", v, "optional; the log shows the ref only"),
    ]


# -- bus passes -------------------------------------------------------------------------------------

def _bus_cells(r: bus_passes.BusPassRow, today: date) -> list:
    if r.issued_date is not None:
        days = Text(f"issued in {r.days} day{'s' if r.days != 1 else ''}")
    else:
        days = Text(f"waiting {r.days} day{'s' if r.days != 1 else ''}", style="bold")
    return [r.carer_ref, Text(r.name), uk(r.applied_date), uk(r.issued_date), days]


def _bus_specs(v: dict[str, str], districts) -> list[Spec]:
    return [
        typed("carer", "Young carer's ref", v, "as on their record"),
        typed("applied_date", "Applied", v, "DD/MM/YYYY"),
        typed("issued_date", "Issued", v, "DD/MM/YYYY (blank until issued)"),
    ]


KINDS: tuple[Kind, ...] = (
    Kind("awareness", "Awareness", "awareness session",
         (("Date", 10), ("Audience", 14), ("Headcount", 9), ("School or district", 52), ("Notes", 50)),
         _awareness_cells, _awareness_specs),
    Kind("training", "Training", "training session",
         (("Date", 10), ("Title", 50), ("Who for", 30), ("Trained", 8)),
         _training_cells, _training_specs),
    Kind("schools", "Schools", "school",
         (("School or college", 34), ("District", 16), ("Phase", 10), ("On list", 7), ("Champion", 30),
          ("Champion's name", 24)),
         _school_cells, _school_specs, dated=False),
    Kind("feedback", "Feedback", "feedback response",
         (("Date", 10), ("Answer", 16), ("From", 8), ("Carer", 12), ("Comment", 60)),
         _feedback_cells, _feedback_specs),
    Kind("triple_c", "Compliments, comments, complaints", "compliment, comment or complaint",
         (("Received", 10), ("Type", 10), ("From", 15), ("Theme", 24), ("Response", 40),
          ("Responded", 10), ("Days to respond", 22)),
         _triple_c_cells, _triple_c_specs),
    Kind("safeguarding", "Safeguarding themes", "safeguarding entry",
         (("Date", 10), ("Theme", 40), ("Action", 70), ("Carer", 12)),
         _safeguarding_cells, _safeguarding_specs),
    Kind("bus_passes", "Bus passes", "bus pass application",
         (("Carer", 12), ("Name", 30), ("Applied", 10), ("Issued", 10), ("", 20)),
         _bus_cells, _bus_specs),
)
KIND_BY_KEY = {k.key: k for k in KINDS}

