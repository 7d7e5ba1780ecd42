"""One young carer's assessments over time, with their support plan and reviews.

The table lists every assessment (oldest first) with its MACA-YC18 total and PANOC-YC20
subscales; the sparklines show how those moved across the completed ones. From here a worker
starts a needs assessment, records a change of circumstances (a re-assessment is then due), starts
a transition assessment for a carer of 17 or over, opens the support plan, and records a review.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Header, Label, Sparkline, Static

from screens.assessment.form import ask_document, open_assessment
from screens.common.base import AreaScreen
from screens.common.footer import Footer
from screens.common.forms import FormModal, Spec
from ycworker.assessment import actions, assessments, reviews
from ycworker.assessment.history import CarerAssessments


def trend_text(points: list[tuple], fmt) -> str:
    if not points:
        return "none completed yet"
    return " → ".join(fmt(p) for p in points)


class CarerAssessmentsScreen(AreaScreen):
    HELP_TITLE = "A carer's assessments, plan and reviews"
    DEFAULT_CSS = """
    CarerAssessmentsScreen #ca-title { height: auto; padding: 0 1; text-style: bold; background: $boost; }
    CarerAssessmentsScreen #ca-referral { height: auto; padding: 0 1; }
    CarerAssessmentsScreen .ca-box { height: auto; border: round $panel; padding: 0 1; }
    CarerAssessmentsScreen .ca-box:focus-within { border: round $accent; }
    CarerAssessmentsScreen #ca-assessments { height: auto; max-height: 12; }
    CarerAssessmentsScreen #ca-reviews { height: auto; max-height: 8; }
    CarerAssessmentsScreen #ca-trends { height: auto; }
    CarerAssessmentsScreen .ca-trend { width: 1fr; height: auto; }
    CarerAssessmentsScreen .ca-trend Sparkline { height: 2; width: 24; }
    CarerAssessmentsScreen .ca-trend Static { height: auto; color: $text-muted; }
    CarerAssessmentsScreen #ca-plan { height: auto; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", show=True),
        Binding("enter", "open", "Open", show=True),
        Binding("n", "start('initial')", "New needs assessment", show=True),
        Binding("g", "changed", "Circumstances changed", show=True),
        Binding("t", "start('transition')", "Transition assessment", show=True),
        Binding("p", "plan", "Support plan", show=True),
        Binding("v", "review", "New review", show=True),
        Binding("d", "document", "Write out a document", show=False),
        Binding("x", "discard", "Discard an empty draft", show=False),
        Binding("o", "record", "The carer's record", show=False),
        Binding("f5", "refresh", "Refresh", show=False),
    ]

    def __init__(self, carer_id: str):
        super().__init__()
        self.carer_id = carer_id
        self.history: CarerAssessments | None = None
        self.past: list[reviews.ReviewRow] = []
        self._loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Opening…", id="ca-title", markup=False)
        yield Static("", id="ca-referral", markup=False)
        with Vertical(classes="ca-box"):
            yield Label("Assessments (enter opens; n, g, t start one)", classes="section-title")
            yield DataTable(id="ca-assessments", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="ca-trends", classes="ca-box"):
            for key, label in (("maca", "MACA-YC18 total"), ("positive", "PANOC-YC20 positive"),
                               ("negative", "PANOC-YC20 negative")):
                with Vertical(classes="ca-trend"):
                    yield Label(label, classes="section-title")
                    yield Sparkline([], id=f"spark-{key}")
                    yield Static("", id=f"trend-{key}", markup=False)
        with Vertical(classes="ca-box"):
            yield Label("Support plan (p)", classes="section-title")
            yield Static("", id="ca-plan", markup=False)
        with Vertical(classes="ca-box"):
            yield Label("Reviews (v records one; enter on a review corrects it)", classes="section-title")
            yield DataTable(id="ca-reviews", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#ca-assessments", DataTable)
        table.add_columns("Date", "Assessment", "Status", "Impact", "MACA-YC18", "PANOC-YC20 (+ / -)")
        self.query_one("#ca-reviews", DataTable).add_columns("Review", "Outcomes improved", "Satisfied",
                                                              "Next step", "By")
        table.focus()
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self._loaded:
            self.action_refresh()

    def action_refresh(self) -> None:
        self.run_db(actions.open_carer_assessments, self.context(), self.carer_id, then=self.show,
                    what="open the assessments", group="carer-assessments", exclusive=True)

    def show(self, loaded) -> None:
        history, plan, past = loaded
        self.history, self.past, self._loaded = history, past, True
        impact = f" · impact {history.impact_level}" if history.impact_level else " · not assessed yet"
        self.query_one("#ca-title", Static).update(
            f"Assessments, plan and reviews · {history.name} ({history.carer_ref}) · {history.age}{impact}")
        self.query_one("#ca-referral", Static).update(history.referral_text)
        table = self.query_one("#ca-assessments", DataTable)
        keep = table.cursor_row
        table.clear()
        for r in history.rows:
            when = f"{r.when:%d/%m/%Y}" if r.when else ""
            status = "completed" if r.status == "completed" else (
                f"draft, {r.due_text}" if r.due_text else "draft")
            maca = f"{r.maca.total} {r.maca.band}" if r.maca.complete else (
                f"{r.maca.entered}/18 items" if r.maca.started else "")
            pos, neg = r.panoc.subscale("positive"), r.panoc.subscale("negative")
            panoc = ""
            if r.panoc.started:
                panoc = (f"{pos.score}{'!' if pos.concern else ''} / {neg.score}{'!' if neg.concern else ''}"
                         + ("" if r.panoc.complete else f" ({r.panoc.entered}/20)"))
            table.add_row(when, r.kind_label, status, r.impact_level or "", maca, panoc, key=r.id)
        if not history.rows:
            table.add_row("", "No assessment yet: n starts the needs assessment.", "", "", "", "", key="none")
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        maca = history.maca_totals()
        panoc = history.panoc_subscales()
        for key, values, text in (
                ("maca", [t for _d, t in maca], trend_text(maca, lambda p: str(p[1]))),
                ("positive", [p for _d, p, _n in panoc], trend_text(panoc, lambda p: str(p[1]))),
                ("negative", [n for _d, _p, n in panoc], trend_text(panoc, lambda p: str(p[2])))):
            spark = self.query_one(f"#spark-{key}", Sparkline)
            spark.data = values
            spark.styles.width = max(3, 4 * len(values))
            self.query_one(f"#trend-{key}", Static).update(text)
        bits = [f"{plan.open} open action{'s' if plan.open != 1 else ''}"]
        if plan.overdue:
            bits.append(f"{plan.overdue} overdue")
        upcoming = [a for a in plan.actions if a.status == "open"][:3]
        lines = [", ".join(bits) + "."]
        lines += [f" • {a.what} ({a.who}{', due ' + format(a.due_date, '%d/%m/%Y') if a.due_date else ''})"
                  f"{'  OVERDUE' if a.overdue else ''}" for a in upcoming]
        self.query_one("#ca-plan", Static).update("\n".join(lines))
        rt = self.query_one("#ca-reviews", DataTable)
        rt.clear()
        for r in past:
            sat = {True: "yes", False: "no", None: "not asked"}[r.satisfied]
            rt.add_row(f"{r.review_date:%d/%m/%Y}", f"{r.improved} of {r.rated} rated", sat,
                       reviews.NEXT_STEPS.get(r.next_step, r.next_step), r.worker, key=r.id)
        if not past:
            rt.add_row("No review yet (v records one).", "", "", "", "", key="none")

    # -- actions ----------------------------------------------------------------------------------

    def _selected(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        return None if key == "none" else key

    def action_open(self) -> None:
        if self.query_one("#ca-reviews", DataTable).has_focus:
            review_id = self._selected("#ca-reviews")
            if review_id:
                self._open_review(review_id)
            return
        aid = self._selected("#ca-assessments")
        if aid:
            open_assessment(self, aid)

    @on(DataTable.RowSelected)
    def _row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_start(self, kind: str) -> None:
        if self.history is None:
            return
        check = self.history.starts.get(kind)
        if check is not None and not check.ok:
            self.notify(check.why, severity="warning", markup=False)
            return
        self.run_db(actions.start_assessment, self.context(), self.carer_id, kind,
                    then=lambda aid: open_assessment(self, aid), what="start the assessment")

    def action_changed(self) -> None:
        if self.history is None:
            return
        ctx, carer_id = self.context(), self.carer_id
        today = ctx.today

        def save(store, form):
            return actions.record_change(store, ctx, carer_id, form)

        specs = [Spec("changed_on", "Date of the change", value=f"{today:%d/%m/%Y}"),
                 Spec("change", "What changed", placeholder="e.g. Mum back in hospital; moved house")]
        self.app.push_screen(FormModal(
            "Circumstances changed: a re-assessment is due", specs, save,
            note=f"The re-assessment is due {assessments.REASSESSMENT_DAYS} working days after the change."),
            lambda aid: open_assessment(self, aid) if aid else None)

    def action_plan(self) -> None:
        from screens.assessment.plan import PlanScreen

        self.app.push_screen(PlanScreen(self.carer_id))

    def action_review(self) -> None:
        self._open_review(None)

    def _open_review(self, review_id: str | None) -> None:
        from screens.assessment.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.carer_id, review_id))

    def action_document(self) -> None:
        aid = self._selected("#ca-assessments")
        if aid:
            ask_document(self, aid)

    def action_discard(self) -> None:
        aid = self._selected("#ca-assessments")
        if aid:
            def discarded(_ok: object) -> None:
                self.notify("Empty draft discarded.")
                self.action_refresh()

            self.run_db(actions.discard_draft, self.context(), aid, then=discarded, what="discard the draft")

    def action_record(self) -> None:
        self.ycapp.back_to_carer(self.carer_id)

    def action_back(self) -> None:
        self.app.pop_screen()


__all__ = ["CarerAssessmentsScreen"]
