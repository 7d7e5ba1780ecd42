"""What a Young Carer's Needs Assessment asks: its sections by kind, who took part, the yes/no and
text answers, and their labels.

The sections follow the law (Children Act 1989 s.17ZA-17ZB and the Young Carers (Needs
Assessments) Regulations 2015): the amount, nature and type of care; how far the family relies
on it; its impact on well-being, education and development; tasks that are excessive or
inappropriate for the carer's age; the carer's wishes, feelings and the outcomes they want;
taking part (or wishing to) in education, training, recreation and work. A transition
assessment adds the carer's needs and plans after 18. Who took part, whether information was
shared in advance in a form the carer could use, and whether it was combined with another
assessment are fields of the assessment; so is the resulting impact level.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    hint: str
    kinds: tuple[str, ...] = ("initial", "reassessment", "transition")


SECTIONS: tuple[Section, ...] = (
    Section("care_provided", "The care they give: amount, nature and type",
            "What they do, for whom, how often and for how long (a typical day and week)."),
    Section("reliance", "How far the family relies on their care",
            "Who else helps; what would happen if they did not do it."),
    Section("impact", "Impact on well-being, education and development",
            "Sleep, health, mood, friendships, school attendance and progress."),
    Section("excessive_tasks", "Tasks excessive or inappropriate for their age",
            "Personal care, medication, emotional support, interpreting... or 'none found'."),
    Section("wishes", "Their wishes, feelings and the outcomes they want",
            "In their own words where possible: what they want to change."),
    Section("education", "Education, training, recreation and work",
            "What they take part in, or wish to; what gets in the way."),
    Section("transition", "After 18: their needs and plans (Care Act s.63)",
            "Whether they are likely to have needs as an adult carer, what they are, and their "
            "plans for work, education and caring after 18.", ("transition",)),
)
SECTION_KEYS = tuple(s.key for s in SECTIONS)
SECTION_BY_KEY = {s.key: s for s in SECTIONS}
KINDS = {"initial": "Needs assessment", "reassessment": "Re-assessment",
         "transition": "Transition assessment (Care Act s.63)"}
PARTICIPANTS = {"carer": "The young carer", "parents": "Parents", "cared_for": "The person cared for",
                "others": "Others (e.g. school, health)"}
IMPACT_LEVELS = ("low", "medium", "high")
YES_NO_FIELDS = {
    "info_shared_in_advance": "Information shared in advance",
    "info_in_usable_form": "In a form the carer could use",
    "combined_with_other": "Combined with another assessment",
}
TEXT_FIELDS = {"combined_with": ("Combined with", 200),
               "circumstances_change": ("What changed", 4000)}
FIELD_LABELS = {"impact_level": "Impact level", "participants": "Who took part",
                **YES_NO_FIELDS, **{k: v[0] for k, v in TEXT_FIELDS.items()}}
SECTION_LIMIT = 20_000  # characters in one section


def sections_for(kind: str) -> tuple[Section, ...]:
    return tuple(s for s in SECTIONS if kind in s.kinds)


__all__ = [
    "FIELD_LABELS", "IMPACT_LEVELS", "KINDS", "PARTICIPANTS", "SECTIONS", "SECTION_BY_KEY", "SECTION_KEYS",
    "SECTION_LIMIT", "TEXT_FIELDS", "YES_NO_FIELDS", "Section", "sections_for",
]
