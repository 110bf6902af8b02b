"""``ExplanationPanel``: "Why these segments" — globally, for one row, and as rules.

Four sections, each a view of its own, composed here:

- :class:`~segwidgets.widgets.explain_profile.ProfileSection`: each segment's
  most distinctive features (from the profile's z-scores, live).
- :class:`~segwidgets.widgets.explain_importance.ImportanceSection`: on
  demand, the features a random-forest surrogate needs to tell the segments
  apart (permutation importance, a bar chart), with the surrogate's held-out
  accuracy (:func:`segwidgets.core.explain.global_importance`).
- :class:`~segwidgets.widgets.explain_row.RowSection`: for centroid
  algorithms, how much each feature pulls one row towards its own centre
  rather than the nearest other one; the contributions sum exactly to the
  margin (:func:`segwidgets.core.explain.row_attribution`). Cheap: it follows
  the model live.
- :class:`~segwidgets.widgets.explain_rules.RulesSection`: a shallow decision
  tree read as rules per segment, with support, precision, coverage and the
  tree's fidelity (:func:`segwidgets.core.explain.segment_rules`).

The surrogate and the rules run in the panel's lane of the model's scheduler
when Run is pressed (the rules again when the depth slider moves), and are
marked stale when the segments change.
"""

from __future__ import annotations

import threading
from typing import Any

import ipywidgets as w
import numpy as np

from ..core.explain import (  # noqa: F401 - re-exported: people's code imports them from here
    MIN_DISTINCT,
    TOP_FEATURES,
    GlobalExplanation,
    RowExplanation,
    SegmentRules,
    distinctive_features,
    global_importance,
    segment_rules,
)
from ..session import Result, Segmentation
from ._base import SPINNER, css, escape, plain_words, report_errors, spinner_style
from ._view import RunPanel
from .explain_importance import ImportanceSection
from .explain_profile import ProfileSection
from .explain_row import MAX_ROW_BARS, RowSection  # noqa: F401 - MAX_ROW_BARS re-exported
from .explain_rules import DEPTHS, RulesSection  # noqa: F401 - DEPTHS re-exported

__all__ = ["ExplanationPanel", "RowExplanation", "distinctive_features"]

STALE_MESSAGE = "Settings changed — press Run to update."
PARTS = ("importance", "rules")

_STYLE = """<style>
.sw-explain-panel table { border-collapse: collapse; font-size: 13px; }
.sw-explain-panel th, .sw-explain-panel td { padding: 3px 8px; text-align: left; vertical-align: top; }
.sw-explain-panel td.sw-num, .sw-explain-panel th.sw-num { text-align: right; white-space: nowrap; }
.sw-explain-panel th { font-weight: 600; }
.sw-explain-panel h4 { margin: 12px 0 4px 0; }
.sw-explain-panel .sw-swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px;
  margin-right: 6px; vertical-align: -1px; }
.sw-explain-panel .sw-stale { opacity: 0.45; }
.sw-explain-panel .sw-explain-message.sw-warning { color: #8a6d00; }
.sw-explain-panel .sw-explain-message.sw-error,
.sw-explain-panel .sw-explain-row-message.sw-error { color: #c62828; font-weight: 600; }
.sw-explain-panel .sw-rule-stats { color: #666; font-size: 0.9em; }
</style>""" + spinner_style("sw-explain-panel")


class ExplanationPanel(RunPanel, w.VBox):
    """Why these segments: distinctive features, a surrogate's importances, one row, rules.

    Data Attributes:
        model: Segmentation — observed: ``result``, ``selection``; never set.
        importance: GlobalExplanation | None — the last surrogate result shown.
        rules: list[SegmentRules] | None — the last rules shown.
        rules_depth: int | None — the depth ``rules`` were computed with.
        row_result: RowExplanation | None — the row explained now (None when there
            is nothing exact to show: a non-centroid algorithm, a bad row number ...).
        stale: bool — whether the segments changed since ``importance``/``rules`` were computed.
        run_button: Button (css ``sw-explain-run``) — computes the importances and the rules.
        cancel_button: Button (css ``sw-explain-cancel``) — stops a run between its two parts.
        progress: IntProgress (css ``sw-explain-progress``) — parts finished of the run.
        message: HTML (css ``sw-explain-message``) — what is happening, stale notes, errors.
        profile_view: ProfileSection, an HTML (css ``sw-explain-profile``) — each segment's
            most distinctive features.
        importance_figure: bqplot Figure (css ``sw-explain-importance``) — horizontal bars.
        importance_text: HTML (css ``sw-explain-accuracy``) — held-out accuracy, in words.
        row_input: IntText (css ``sw-explain-row``) — row position in ``model.data``.
        row_message: HTML (css ``sw-explain-row-message``) — the row's sentence or why there is none.
        row_table: HTML (css ``sw-explain-contributions``) — per-feature contributions.
        row_figure: bqplot Figure (css ``sw-explain-row-chart``).
        depth: IntSlider 1–4 (css ``sw-explain-depth``) — depth of the rule tree.
        rules_view: HTML (css ``sw-explain-rules``) — rules per segment and the tree's fidelity.
        importance_section, row_section, rules_section: the sections holding those widgets.

    Style Attributes:
        background: bool (default: True) — compute in the panel's lane; False runs in the caller's thread.
    """

    cancel_words = ""  # the panel says what it stopped itself

    def __init__(self, model: Segmentation, *, background: bool = True, **kwargs: Any) -> None:
        self.model = model
        self.importance: GlobalExplanation | None = None
        self.rules: list[SegmentRules] | None = None
        self.rules_depth: int | None = None
        self._importance_for: Any = None  # the key (see ``key``) each part was computed for
        self._rules_for: Any = None
        self._pending: tuple[str, ...] = ()
        self._errors: dict[str, str] = {}
        self._shown: Result | None = None
        self._lock = threading.RLock()
        self._init_run("explain", "Run", background)
        self.run_button.tooltip = "Train the surrogate forest and the rule tree"
        self.progress.layout.visibility = "hidden"
        self.profile_view = ProfileSection(model)
        self.importance_section = ImportanceSection()
        self.row_section = RowSection(model)
        self.rules_section = RulesSection()
        for section, names in (
            (self.importance_section, ("importance_text", "importance_figure", "importance_bars", "importance_box")),
            (self.row_section, ("row_input", "row_message", "row_table", "row_figure", "row_bars", "row_box")),
            (self.rules_section, ("depth", "rules_view")),
        ):
            for name in names:  # the sections' widgets, under the names people's code and browser tests use
                setattr(self, name, getattr(section, name))
        controls = self.controls.row()
        controls.children += (self.message,)
        super().__init__([
            w.HTML(_STYLE + "<b>Why these segments</b>"), controls,
            w.HTML("<h4>What sets each segment apart</h4>"), self.profile_view,
            w.HTML("<h4>Which features tell the segments apart</h4>"), self.importance_section,
            w.HTML("<h4>Why one row is in its segment</h4>"), self.row_section,
            w.HTML("<h4>The segments as rules</h4>"), self.rules_section,
        ], **kwargs)
        self.add_class(css("explain-panel"))
        self.depth.observe(self._on_depth, "value")
        self.watch(self._on_result, "result")
        self._shown = model.result
        self._say("Press Run to explain the segments with a surrogate model and rules.")

    # ---------------------------------------------------------- the row section
    @property
    def row_result(self) -> RowExplanation | None:
        return self.row_section.row_result

    def explain_row(self, row: int) -> RowExplanation | str:
        """Explain one row of ``model.data``, or say in words why it cannot be."""
        return self.row_section.explain_row(row)

    def row_sentence(self, result: RowExplanation) -> str:
        """The row's explanation in one or two sentences."""
        return self.row_section.row_sentence(result)

    # ------------------------------------------------------------- running
    @staticmethod
    def key(result: Result | None) -> Any:
        """The importances and rules depend on the labels: the fit and its hand edits, and whether it is a preview."""
        return None if result is None else (result.key, result.preview)

    @property
    def stale(self) -> bool:
        now = self.key(self.model.result)
        return any(done is not None and done != now for done in (self._importance_for, self._rules_for))

    def run(self, wait: bool = False) -> None:
        """Train the surrogate and the rule tree (in the panel's lane unless ``background=False``).

        ``wait`` blocks until both have finished.
        """
        self._start(PARTS, wait=wait)

    def _start(self, parts: tuple[str, ...], wait: bool = False) -> None:
        model, result = self.model, self.model.result
        if result is None or model.data is None or not result.features:
            self._say("Load data and segment it first; then the segments can be explained.", "error")
            return
        if self.running and "importance" in self._pending:
            parts = PARTS  # the lane runs one job at a time: the forest under way starts again
        rows = np.flatnonzero(result.labels >= 0)
        frame, labels = model.data.iloc[rows][list(result.features)], np.asarray(result.labels)[rows]
        seed, depth = int(result.seed), int(self.depth.value)
        compute = {"importance": lambda: global_importance(frame, labels, seed=seed),
                   "rules": lambda: segment_rules(frame, labels, max_depth=depth, seed=seed)}

        def work(job: Any, progress: Any) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for finished, part in enumerate(parts, 1):
                if job.cancelled or self.cancel_requested:
                    break
                try:
                    out[part] = compute[part]()
                except Exception as exc:  # noqa: BLE001 - said in words; the other part still shows
                    out[part] = exc
                progress(finished, len(parts))
            return out

        with self._lock:
            self._pending = parts
            for part in parts:
                self._errors.pop(part, None)
            self.progress.layout.visibility = "visible"
            self._say_progress()
        self.start(work, lambda out: self._finish(parts, out, depth), self._failed,
                   total=len(parts), wait=wait)

    def _finish(self, parts: tuple[str, ...], out: dict[str, Any], depth: int) -> None:
        with self._lock:
            for part, value in out.items():
                if isinstance(value, BaseException):
                    what = "The surrogate model" if part == "importance" else "The rules"
                    self._errors[part] = f"{what} could not be computed: {plain_words(value)}"
                elif part == "importance":
                    self.importance, self._importance_for = value, self.computed_for
                else:
                    self.rules, self.rules_depth, self._rules_for = value, depth, self.computed_for
            self._pending = ()
            self.progress.layout.visibility = "hidden"
            self._render_results("Cancelled." if len(out) < len(parts) else "")

    def _failed(self, exc: BaseException) -> None:
        with self._lock:
            self._pending = ()
            self.progress.layout.visibility = "hidden"
            self._say(plain_words(exc), "error")

    # ----------------------------------------------------------- observers
    @report_errors
    def _on_depth(self, change: Any = None) -> None:
        if self.rules is not None or "rules" in self._pending:
            self._start(("rules",))

    @report_errors
    def _on_result(self, change: dict) -> None:
        new, old = change["new"], self._shown
        if new is not None and new.same_look(old):
            return  # metrics or the map changed: what is shown still holds
        self._render_results()

    # ------------------------------------------------------------- drawing
    def _say(self, text: str, kind: str = "", busy: bool = False) -> None:
        self.message.value = (SPINNER if busy else "") + escape(text)
        for name in ("sw-warning", "sw-error"):
            self.message.remove_class(name)
        if kind:
            self.message.add_class(f"sw-{kind}")

    def _say_progress(self) -> None:
        doing = []
        if "importance" in self._pending:
            doing.append("training a random forest to reproduce the segments")
        if "rules" in self._pending:
            doing.append(f"growing a rule tree of depth {self.depth.value}")
        text = " and ".join(doing)
        self._say(text[:1].upper() + text[1:] + "…", busy=True)

    def _render_results(self, note: str = "") -> None:
        """Draw the importances and rules held, greyed out where stale, and say where things stand."""
        with self._lock:
            self._shown = result = self.model.result
            now = self.key(result)
            if self.importance is not None:
                self.importance_section.show(self.importance, self._importance_for != now)
            if "importance" in self._errors:
                self.importance_section.show_error(self._errors["importance"])
            if self.rules is not None:
                self.rules_section.show(self.rules, self.rules_depth or 0, self._rules_for != now, result)
            if "rules" in self._errors:
                self.rules_section.show_error(self._errors["rules"])
            if self._pending:
                self._say_progress()
            elif note:
                self._say(note, "warning")
            elif self._errors:
                self._say(" ".join(self._errors.values()), "error")
            elif self.stale:
                self._say(STALE_MESSAGE, "warning")
            elif self.importance is not None or self.rules is not None:
                notes = list(dict.fromkeys(
                    (self.importance.notes if self.importance else []) + (self.rules[0].notes if self.rules else [])))
                self._say(" ".join(notes) or "Up to date with the segments shown.", "warning" if notes else "")

    def close(self) -> None:
        """Cancel a run under way, stop the sections and the panel observing the model, close it."""
        self.profile_view.close()
        self.row_section.close()
        super().close()
