"""Scoring MACA-YC18 and PANOC-YC20 by item number, one key per item.

The cursor sits on an item; 0, 1 or 2 scores it and moves on to the next; Backspace or Delete
clears it; the arrow keys move; Tab goes to the other questionnaire. Totals, subscales and bands
update as each key is pressed, and each score is saved as it is given (off the UI thread, in
order). Only item numbers are shown: the questionnaires' wording is copyright, so the worker
reads the paper copy with the young carer.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Header, Static

from screens.common.autosave import OrderedSaver
from screens.common.base import AreaScreen, plain_error
from screens.common.footer import Footer
from ycworker.assessment import actions, scoring
from ycworker.assessment.scoring import MACA, PANOC

COLUMNS = {MACA: 3, PANOC: 10}
ORDER = [(MACA, i) for i in range(1, 19)] + [(PANOC, i) for i in range(1, 21)]


class ScoreSheet(Widget, can_focus=True):
    """Both questionnaires' items as a grid with a cursor (rendered as text)."""

    DEFAULT_CSS = """
    ScoreSheet { height: auto; padding: 0 1; }
    ScoreSheet:focus { background: $boost; }
    """

    def __init__(self, scores: dict[str, dict[int, int]], *, id: str | None = None):
        super().__init__(id=id)
        self.scores = {i: dict(scores.get(i, {})) for i in scoring.INSTRUMENTS}
        first = next((p for p in ORDER if p[1] not in self.scores[p[0]]), ORDER[0])
        self.cursor: tuple[str, int] = first

    def summary(self, instrument: str) -> scoring.Summary:
        return scoring.summarise(instrument, self.scores[instrument])

    def _cell(self, text: Text, instrument: str, item: int, mark: str = "") -> None:
        score = self.scores[instrument].get(item)
        here = self.cursor == (instrument, item)
        text.append(f"{mark}{item:>2} ", style="bold" if here else "")
        shown = f"[ {score} ]" if score is not None else "[ · ]"
        style = "reverse bold" if here else ("" if score is not None else "dim")
        text.append(shown, style=style)
        text.append("   ")

    def render(self) -> Text:
        text = Text()
        maca, panoc = self.summary(MACA), self.summary(PANOC)
        text.append(f"{scoring.LABELS[MACA]}\n", style="bold")
        for sub in maca.subscales:
            text.append(f"  {sub.label:<26}")
            for item in sub.items:
                self._cell(text, MACA, item)
            text.append(f"{sub.score} of {2 * len(sub.items)}\n")
        text.append(f"  {maca.headline()}\n", style="bold" if maca.started else "dim")
        text.append("\n")
        text.append(f"{scoring.LABELS[PANOC]}", style="bold")
        text.append("   (+ positive item, - negative item)\n", style="dim")
        for start in (1, 11):
            text.append("  ")
            for item in range(start, start + 10):
                self._cell(text, PANOC, item, "+" if item in scoring.PANOC_POSITIVE else "-")
            text.append("\n")
        for sub in panoc.subscales:
            items = " ".join(map(str, sub.items))
            if not sub.entered:
                text.append(f"  {sub.label} (items {items}): not scored\n", style="dim")
                continue
            so_far = "" if sub.complete else f" (so far, {sub.entered} of {len(sub.items)} items)"
            text.append(f"  {sub.label} (items {items}): {sub.score} of 20{so_far}: {sub.band}")
            if sub.concern:
                text.append("  concern", style="bold reverse")
            text.append("\n")
        return text

    # -- moving ----------------------------------------------------------------------------------------

    def move_to(self, instrument: str, item: int) -> None:
        item = max(1, min(scoring.ITEMS[instrument], item))
        self.cursor = (instrument, item)
        self.refresh()

    def step(self, delta: int) -> None:
        i = ORDER.index(self.cursor)
        self.cursor = ORDER[max(0, min(len(ORDER) - 1, i + delta))]
        self.refresh()

    def row(self, delta: int) -> None:
        instrument, item = self.cursor
        target = item + delta * COLUMNS[instrument]
        if 1 <= target <= scoring.ITEMS[instrument]:
            self.move_to(instrument, target)

    def other(self) -> None:
        instrument = PANOC if self.cursor[0] == MACA else MACA
        items = range(1, scoring.ITEMS[instrument] + 1)
        first = next((i for i in items if i not in self.scores[instrument]), 1)
        self.move_to(instrument, first)

    def set(self, score: int | None) -> tuple[str, int]:
        """Score (or clear) the item under the cursor; returns which item it was."""
        instrument, item = self.cursor
        if score is None:
            self.scores[instrument].pop(item, None)
        else:
            self.scores[instrument][item] = score
            if item < scoring.ITEMS[instrument]:
                self.cursor = (instrument, item + 1)
        self.refresh()
        return instrument, item


class ScoringScreen(AreaScreen):
    HELP_TITLE = "Scores: MACA-YC18 and PANOC-YC20"
    DEFAULT_CSS = """
    ScoringScreen #sc-title { height: auto; padding: 0 1; text-style: bold; background: $boost; }
    ScoringScreen #sc-status { height: 1; padding: 0 1; }
    ScoringScreen #sc-status.saved { color: $success; }
    ScoringScreen #sc-status.failed { color: $error; text-style: bold; }
    ScoringScreen #sc-help { height: auto; padding: 1 1 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("0", "score(0)", "Score 0", show=True),
        Binding("1", "score(1)", "Score 1", show=True),
        Binding("2", "score(2)", "Score 2", show=True),
        Binding("backspace", "clear(True)", "Clear", key_display="⌫", show=True),
        Binding("delete", "clear(False)", "Clear this item", show=False),
        Binding("right", "step(1)", "Next item", show=False),
        Binding("left", "step(-1)", "Previous item", show=False),
        Binding("down", "row(1)", "Down", show=False),
        Binding("up", "row(-1)", "Up", show=False),
        Binding("tab", "other", "Other questionnaire", show=True),
        Binding("escape", "back", "Back (saved)", show=True),
    ]

    def __init__(self, assessment_id: str, scores: dict[str, dict[int, int]], *, read_only: bool = False,
                 title: str = ""):
        super().__init__()
        self.assessment_id = assessment_id
        self.read_only = read_only
        self.title_text = title
        self.initial = scores
        self._audited = False
        self._worker_id: str | None = None
        self.saver = OrderedSaver(self, self._write, delay=0, on_saved=self._saved,
                                  on_failed=self._failed, group="scores")

    def compose(self) -> ComposeResult:
        yield Header()
        state = "completed, read-only" if self.read_only else "each key is saved as you press it"
        yield Static(f"Scores · {self.title_text} · {state}", id="sc-title", markup=False)
        yield Static("", id="sc-status", markup=False)
        yield ScoreSheet(self.initial, id="sc-sheet")
        yield Static("Read each item from the paper questionnaire with the young carer and press the "
                     "score they give: 0, 1 or 2 (the cursor moves on). Backspace clears an item; the "
                     "arrow keys move; Tab goes to the other questionnaire. Item wording is not shown "
                     "(copyright).", id="sc-help")
        yield Footer()

    @property
    def sheet(self) -> ScoreSheet:
        return self.query_one("#sc-sheet", ScoreSheet)

    def on_mount(self) -> None:
        worker = self.ycapp.worker_info
        self._worker_id = worker.id if worker else None
        self.sheet.focus()

    # -- saving ------------------------------------------------------------------------------------

    def _write(self, store, batch):
        audit_it = not self._audited
        actions.save_scores(store, self._worker_id, self.assessment_id, batch, audit_it)
        self._audited = True
        return None

    def _status(self, text: str, cls: str = "") -> None:
        status = self.query_one("#sc-status", Static)
        status.set_classes(cls)
        status.update(text, layout=False)

    def _saved(self, _batch, _result) -> None:
        if not self.saver.dirty:
            self._status(f"Saved {datetime.now():%H:%M:%S}", "saved")

    def _failed(self, error: BaseException, _batch) -> None:
        self._status(f"Not saved: {plain_error(error, 'save the score')}", "failed")

    # -- keys ----------------------------------------------------------------------------------------

    def _change(self, score: int | None) -> None:
        if self.read_only:
            self._status("This assessment is completed: its scores are not changed.", "failed")
            return
        instrument, item = self.sheet.set(score)
        self.saver.put(f"{instrument}:{item}", score)

    def action_score(self, score: int) -> None:
        self._change(score)

    def action_clear(self, back: bool = False) -> None:
        """Delete clears the item under the cursor; Backspace on an empty item steps back and
        clears the one before (the usual way to undo the last key)."""
        instrument, item = self.sheet.cursor
        if back and item not in self.sheet.scores[instrument] and item > 1:
            self.sheet.move_to(instrument, item - 1)
        self._change(None)

    def action_step(self, delta: int) -> None:
        self.sheet.step(delta)

    def action_row(self, delta: int) -> None:
        self.sheet.row(delta)

    def action_other(self) -> None:
        self.sheet.other()

    def on_unmount(self) -> None:
        self.saver.flush_now(tell=False)

    def action_back(self) -> None:
        if not self.saver.flush_now():
            self._status(f"Not saved: {plain_error(self.saver.error or Exception('locked'), 'save')}",
                         "failed")
            return
        self.dismiss(self.sheet.scores)


__all__ = ["ScoreSheet", "ScoringScreen"]
