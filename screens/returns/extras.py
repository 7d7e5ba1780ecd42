"""The Returns screen's extra lines (issue 18): the equality breakdown of the carers supported, with
percentages, and where the quarter's narrative stands. Kept apart from returns.py so the screen's
own code stays as it was."""

from __future__ import annotations

from ycworker.returns import equality
from ycworker.returns.kpi_results import CarerRow
from ycworker.returns.narrative import NarrativeView

ORDER = (("sex", "Sex"), ("age_band", "Age"))  # ethnic group and disability are in the headline


def equality_text(carers: list[CarerRow]) -> str:
    """'Equality of the 120 carers supported: 84.4% white British / 9.3% BME ...' then sex and age
    bands on one line ('Sex: Female 66 (55.0%) · Male 54 (45.0%) | Age: ...'); every ethnicity code
    is in equality.csv."""
    if not carers:
        return "Equality: no carers supported in the period."
    shares = equality.shares(carers)
    lines = [f"Equality of the {len(carers)} carers supported: {equality.headline(carers)}"]
    groups = []
    for key, title in ORDER:
        parts = [f"{s.label} {s.count} ({s.percent}%)" for s in shares if s.breakdown == key]
        groups.append(f"{title}: " + " · ".join(parts))
    lines.append("  " + " | ".join(groups) + " · equality.csv has every ethnicity")
    return "\n".join(lines)


def narrative_line(view: NarrativeView | None) -> str:
    if view is None:
        return ""
    if not view.text.strip():
        return f"Narrative for {view.label}: none written yet · n writes it"
    words = len(view.text.split())
    if view.flags:
        return (f"Narrative for {view.label}: {words} words · {len(view.flags)} line(s) name someone on "
                "the caseload: the export refuses until they are changed · n opens it")
    return f"Narrative for {view.label}: {words} words, checked · n opens it"


# -- the Returns screen's extra lines and keys ------------------------------------------------------

def show(screen, result) -> None:
    """Fill the equality and narrative lines of the Returns screen from a counted return."""
    from textual.widgets import Static

    screen.query_one("#ret-equality", Static).update(equality_text(result.report.carers))
    screen.query_one("#ret-narrative", Static).update(narrative_line(result.narrative))


def open_narrative(screen) -> None:
    from screens.returns.narrative import NarrativeScreen

    if screen.period is not None:
        screen.app.push_screen(NarrativeScreen(screen.period))


def open_area_view(screen) -> None:
    from screens.returns.area_view import AreaViewScreen

    if screen.period is not None:
        screen.app.push_screen(AreaViewScreen(screen.period, screen.ycapp.today()))


def open_settings(screen) -> None:
    from screens.returns.settings import ReturnSettingsScreen

    worker = screen.ycapp.worker_info
    if not (worker and worker.is_manager):
        screen.app.notify("Only a manager can change the return's targets, profile and areas.",
                          severity="warning", timeout=6)
        return
    screen.app.push_screen(ReturnSettingsScreen())
