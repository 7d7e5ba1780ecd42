"""An assessment written out as a readable document for the family's file (Markdown or HTML).

The file is written atomically (``ycworker.common.atomic``: a temporary name, fsync, rename) into the
folder the worker picks, named by the carer ref, the kind and the date, never by the carer's name
(``needs-assessment-YC-ABC123-2026-11-24.md``); an existing file is never overwritten (``-2``,
``-3``... is added). Scores are written by item number only (the questionnaires' wording is
copyright). The last folder used is remembered in the store's settings.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from sqlmodel import Session

from ycworker.assessment import assessments, scoring, sections
from ycworker.assessment.assessments import AssessmentView
from ycworker.common import atomic, audit, settings
from ycworker.common.errors import FieldError

FORMATS = {"md": "Markdown (.md)", "html": "Web page (.html)"}
FOLDER_SETTING = "assessment_document_folder"
SLUG = {"initial": "needs-assessment", "reassessment": "re-assessment", "transition": "transition-assessment"}


def _yes_no(value: bool | None) -> str:
    return "not recorded" if value is None else ("yes" if value else "no")


def _facts(view: AssessmentView) -> list[tuple[str, str]]:
    facts = [("Young carer", f"{view.carer_name} ({view.carer_ref}), born {view.date_of_birth:%d/%m/%Y}"),
             ("Assessment", view.kind_label),
             ("Started", f"{view.started_date:%d/%m/%Y}" if view.started_date else "not recorded")]
    if view.status == "completed":
        done = f"{view.completed_date:%d/%m/%Y}" if view.completed_date else "date not recorded"
        facts.append(("Completed", f"{done}{' by ' + view.completed_by if view.completed_by else ''}"))
    else:
        facts.append(("Status", "draft (not completed)"))
    if view.kind == "reassessment":
        when = f" on {view.circumstances_changed_on:%d/%m/%Y}" if view.circumstances_changed_on else ""
        facts.append(("Circumstances changed" + when, view.circumstances_change or "not recorded"))
    who = ", ".join(sections.PARTICIPANTS.get(p, p) for p in view.participants) or "not recorded"
    facts += [("Who took part", who),
              ("Information shared in advance", _yes_no(view.info_shared_in_advance)),
              ("In a form the carer could use", _yes_no(view.info_in_usable_form))]
    combined = _yes_no(view.combined_with_other)
    if view.combined_with_other and view.combined_with:
        combined += f" ({view.combined_with})"
    facts += [("Combined with another assessment", combined),
              ("Impact level", view.impact_level or "not decided")]
    return facts


def _score_lines(summary: scoring.Summary) -> tuple[str, list[tuple[str, str]], str]:
    """(headline, [(subscale, score text)], item list) of one instrument."""
    subs = []
    for s in summary.subscales:
        top = 2 * len(s.items)
        extra = f": {s.band}{' (concern)' if s.concern else ''}" if s.band else ""
        subs.append((f"{s.label} (items {', '.join(map(str, s.items))})", f"{s.score} of {top}{extra}"))
    items = ", ".join(f"{i}: {summary.scores[i]}" if i in summary.scores else f"{i}: -"
                      for i in range(1, summary.items + 1))
    return summary.headline(), subs, items


def render_markdown(view: AssessmentView) -> str:
    out = [f"# {view.kind_label}: {view.carer_name}", ""]
    out += [f"- **{label}:** {value}" for label, value in _facts(view)]
    for s in sections.sections_for(view.kind):
        out += ["", f"## {s.label}", ""]
        text = view.sections.get(s.key, "").strip()
        out.append(text if text else "_Not recorded._")
    for instrument in scoring.INSTRUMENTS:
        summary = view.summary(instrument)
        if not summary.started:
            continue
        headline, subs, items = _score_lines(summary)
        out += ["", f"## {scoring.LABELS[instrument]}", "", headline, "", "| subscale | score |", "|---|---|"]
        out += [f"| {label} | {score} |" for label, score in subs]
        out += ["", f"Item scores (0, 1 or 2; - not answered): {items}"]
    out += ["", "---", "Written by ycworker. Scores by item number only."]
    return "\n".join(out) + "\n"


def render_html(view: AssessmentView) -> str:
    e = html.escape
    title = f"{view.kind_label}: {view.carer_name}"
    out = ["<!DOCTYPE html>", '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
           f"<title>{e(title)}</title>",
           "<style>body{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.5}"
           "th,td{text-align:left;padding:0 1em 0 0}p.text{white-space:pre-wrap}</style>",
           "</head>", "<body>", f"<h1>{e(title)}</h1>", "<table>"]
    out += [f"<tr><th>{e(label)}</th><td>{e(value)}</td></tr>" for label, value in _facts(view)]
    out.append("</table>")
    for s in sections.sections_for(view.kind):
        text = view.sections.get(s.key, "").strip()
        out.append(f"<h2>{e(s.label)}</h2>")
        out.append(f'<p class="text">{e(text)}</p>' if text else "<p><em>Not recorded.</em></p>")
    for instrument in scoring.INSTRUMENTS:
        summary = view.summary(instrument)
        if not summary.started:
            continue
        headline, subs, items = _score_lines(summary)
        out += [f"<h2>{e(scoring.LABELS[instrument])}</h2>", f"<p>{e(headline)}</p>",
                "<table><tr><th>Subscale</th><th>Score</th></tr>"]
        out += [f"<tr><td>{e(label)}</td><td>{e(score)}</td></tr>" for label, score in subs]
        out += ["</table>", f"<p>Item scores (0, 1 or 2; - not answered): {e(items)}</p>"]
    out += ["<hr><p>Written by ycworker. Scores by item number only.</p>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def file_name(view: AssessmentView, fmt: str, day: date) -> str:
    when = view.completed_date or day
    return f"{SLUG.get(view.kind, 'assessment')}-{view.carer_ref}-{when:%Y-%m-%d}.{fmt}"


def default_folder(session: Session) -> str:
    saved = settings.get(session, FOLDER_SETTING)
    if saved:
        return saved
    docs = Path.home() / "Documents"
    return str(docs if docs.is_dir() else Path.home())


def write(session: Session, assessment_id: str, folder: str, fmt: str, today: date,
          worker_id: str | None = None) -> Path:
    """Write the document into ``folder``; returns its path. Raises FieldError on a bad folder."""
    if fmt not in FORMATS:
        raise FieldError("format", "Choose Markdown or a web page.")
    raw = (folder or "").strip()
    if not raw:
        raise FieldError("folder", "Give the folder to write it in.")
    target = Path(raw).expanduser()
    if not target.is_dir():
        raise FieldError("folder", f"There is no folder '{raw}' (make it first, or pick another).")
    view = assessments.load(session, assessment_id, today, worker_id, audit_view=False)
    text = render_markdown(view) if fmt == "md" else render_html(view)
    name = file_name(view, fmt, today)
    path = target / name
    n = 1
    while path.exists():
        n += 1
        path = target / name.replace(f".{fmt}", f"-{n}.{fmt}")
    try:
        atomic.write_text(path, text)
    except OSError as exc:
        raise FieldError("folder", f"Could not write there: {exc.strerror or exc}.") from None
    settings.put(session, FOLDER_SETTING, str(target))
    audit.record(session, "export", "assessment", assessment_id, worker_id)
    return path


__all__ = ["FORMATS", "default_folder", "file_name", "render_html", "render_markdown", "write"]
