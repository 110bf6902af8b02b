"""``ExplanationPanel``: "Why these segments" — globally, for one row, and as rules.

Three sections:

- Global: each segment's most distinctive features (from the profile's
  z-scores, live) and, on demand, the features a random-forest surrogate
  needs to tell the segments apart (permutation importance, a bar chart),
  with the surrogate's held-out accuracy
  (:func:`segwidgets.core.explain.global_importance`).
- One row: for centroid algorithms, how much each feature pulls the row
  towards its own centre rather than the nearest other one; the
  contributions sum exactly to the margin
  (:func:`segwidgets.core.explain.row_attribution`). Cheap: it follows the
  model live.
- Rules: a shallow decision tree read as rules per segment, with support,
  precision, coverage and the tree's fidelity
  (:func:`segwidgets.core.explain.segment_rules`).

The surrogate and the rules run on background threads when Run is pressed
(the rules again when the depth slider moves), and are marked stale when the
segments change.
"""

from __future__ import annotations

import hashlib
import math
import threading
from dataclasses import dataclass
from typing import Any

import bqplot as bq
import ipywidgets as w
import numpy as np
import pandas as pd

from ..core.algorithms import ALGORITHMS
from ..core.explain import (
    GlobalExplanation,
    RowAttribution,
    SegmentRules,
    global_importance,
    row_attribution,
    segment_rules,
)
from ..core.naming import category_lift, pretty_feature_name, split_category_column
from ..session import Segmentation
from ._background import BackgroundJob, plain_words
from ._base import (
    SPINNER,
    css,
    escape,
    format_count,
    format_share,
    format_significant,
    report_errors,
    spinner_style,
)

STALE_MESSAGE = "Settings changed — press Run to update."
#: Distinctive features listed per segment in the global view.
TOP_FEATURES = 3
#: A z-score (or category lift) below this in size is "close to the average".
MIN_DISTINCT = 0.25
#: Bars drawn in the per-row chart (largest contributions first).
MAX_ROW_BARS = 12
#: Rule tree depths offered by the slider.
DEPTHS = (1, 4)

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


def _signed(value: float, decimals: int = 1) -> str:
    """``+2.1`` / ``−0.8`` (a real minus sign)."""
    text = f"{abs(value):.{decimals}f}"
    return ("−" if value < 0 and float(text) != 0 else "+") + text


@dataclass
class RowExplanation:
    """Why one row of the table is in its segment rather than the nearest other one.

    Attributes:
        row: position of the row in ``model.data``.
        prepared_row: position of the row in ``model.prepared.X``.
        segment: the row's stable segment id.
        other_segment: stable id of the nearest other segment (-1 if no row is in it).
        attribution: the core result (raw centre indices, squared distances).
        contributions: per preprocessed feature, largest in size first; they sum to ``margin``.
    """

    row: int
    prepared_row: int
    segment: int
    other_segment: int
    attribution: RowAttribution
    contributions: pd.Series

    @property
    def margin(self) -> float:
        """Squared distance to the other centre minus to the own centre (scaled features)."""
        return self.attribution.margin


def distinctive_features(profile: Any, segment: int, top: int = TOP_FEATURES) -> list[tuple[str, float, str]]:
    """The segment's most distinctive features: ``(feature, score, text)``, largest in size first.

    Numeric and yes/no features score by z-score; a category value by its
    lift over its share of all rows (:func:`~segwidgets.core.naming.category_lift`).
    Features closer to the average than ``MIN_DISTINCT`` are left out.
    """
    items: list[tuple[str, float, str]] = []
    if segment in profile.zscores.index:
        for feature, z in profile.zscores.loc[segment].items():
            z = float(z)
            if math.isfinite(z) and abs(z) >= MIN_DISTINCT:
                arrow = "↑" if z > 0 else "↓"
                items.append((str(feature), z, f"{pretty_feature_name(feature)} {arrow} {_signed(z)} sd"))
    shares = profile.category_shares
    if segment in shares.index and len(shares.columns):
        for column, share in shares.loc[segment].items():
            overall = float(profile.overall_shares.get(column, math.nan))
            lift = category_lift(float(share), overall)
            if math.isfinite(lift) and lift >= MIN_DISTINCT:  # what the segment has more of
                feature, value = split_category_column(column)
                items.append((str(column), lift, f"{pretty_feature_name(feature)} = {value} "
                                                 f"{format_share(float(share))} (all rows {format_share(overall)})"))
    items.sort(key=lambda item: -abs(item[1]))
    return items[:top]


class ExplanationPanel(w.VBox):
    """Why these segments: distinctive features, a surrogate's importances, one row, rules.

    Data Attributes:
        model: Segmentation — observed: ``revision``, ``selection``; never set.
        importance: GlobalExplanation | None — the last surrogate result shown.
        rules: list[SegmentRules] | None — the last rules shown.
        rules_depth: int | None — the depth ``rules`` were computed with.
        row_result: RowExplanation | None — the row explained now (None when there
            is nothing exact to show: a non-centroid algorithm, a bad row number ...).
        stale: bool — whether the segments changed since ``importance``/``rules`` were computed.
        run_button: Button (css ``sw-explain-run``) — computes the importances and the rules.
        progress: IntProgress (css ``sw-explain-progress``) — parts finished of the run.
        message: HTML (css ``sw-explain-message``) — what is happening, stale notes, errors.
        profile_view: HTML (css ``sw-explain-profile``) — each segment's most distinctive features.
        importance_figure: bqplot Figure (css ``sw-explain-importance``) — horizontal bars.
        importance_text: HTML (css ``sw-explain-accuracy``) — held-out accuracy, in words.
        row_input: IntText (css ``sw-explain-row``) — row position in ``model.data``.
        row_message: HTML (css ``sw-explain-row-message``) — the row's sentence or why there is none.
        row_table: HTML (css ``sw-explain-contributions``) — per-feature contributions.
        row_figure: bqplot Figure (css ``sw-explain-row-chart``).
        depth: IntSlider 1–4 (css ``sw-explain-depth``) — depth of the rule tree.
        rules_view: HTML (css ``sw-explain-rules``) — rules per segment and the tree's fidelity.

    Style Attributes:
        background: bool (default: True) — compute on threads; False runs in the caller's thread.
    """

    def __init__(self, model: Segmentation, *, background: bool = True, **kwargs: Any) -> None:
        self.model = model
        self.background = bool(background)
        self.importance: GlobalExplanation | None = None
        self.rules: list[SegmentRules] | None = None
        self.rules_depth: int | None = None
        self.row_result: RowExplanation | None = None
        self.stale = False
        self._importance_sig: tuple | None = None
        self._rules_sig: tuple | None = None
        self._lock = threading.RLock()
        self._pending: set[str] = set()
        self._errors: dict[str, str] = {}
        self._importance_job = BackgroundJob(self.background, name="segwidgets-importance")
        self._rules_job = BackgroundJob(self.background, name="segwidgets-rules")
        self._mapping_key: tuple | None = None
        self._mapping: dict[int, int] = {}

        # ---- global
        self.run_button = w.Button(description="Run", icon="play", button_style="primary",
                                   tooltip="Train the surrogate forest and the rule tree",
                                   layout=w.Layout(width="auto"))
        self.run_button.add_class(css("explain-run"))
        self.progress = w.IntProgress(value=0, min=0, max=2, layout=w.Layout(width="120px"))
        self.progress.add_class(css("explain-progress"))
        self.progress.layout.visibility = "hidden"
        self.message = w.HTML()
        self.message.add_class(css("explain-message"))
        self.profile_view = w.HTML()
        self.profile_view.add_class(css("explain-profile"))
        self._imp_x = bq.OrdinalScale()
        self._imp_y = bq.LinearScale(min=0.0)
        self.importance_bars = bq.Bars(
            x=["–"], y=[0.0], orientation="horizontal", colors=["#4e79a7"],
            scales={"x": self._imp_x, "y": self._imp_y},
        )
        self.importance_figure = bq.Figure(
            marks=[self.importance_bars],
            axes=[bq.Axis(scale=self._imp_x, side="left", grid_lines="none"),
                  bq.Axis(scale=self._imp_y, side="bottom", tick_format=".0%",
                          label="drop in held-out accuracy when the feature is shuffled",
                          num_ticks=5)],
            animation_duration=0,
            fig_margin={"top": 10, "bottom": 45, "left": 140, "right": 20},
            layout=w.Layout(width="520px", height="200px"),
        )
        self.importance_figure.add_class(css("explain-importance"))
        # a bqplot figure created inside a hidden element draws empty once shown:
        # figures enter their box when there is something to draw, and leave it when not
        self.importance_box = w.Box()
        self.importance_text = w.HTML()
        self.importance_text.add_class(css("explain-accuracy"))

        # ---- one row
        self.row_input = w.IntText(value=self._default_row(), description="Row",
                                   layout=w.Layout(width="180px"),
                                   style={"description_width": "40px"})
        self.row_input.add_class(css("explain-row"))
        self.row_message = w.HTML()
        self.row_message.add_class(css("explain-row-message"))
        self.row_table = w.HTML()
        self.row_table.add_class(css("explain-contributions"))
        self._row_x = bq.OrdinalScale()
        self._row_y = bq.LinearScale()
        self.row_bars = bq.Bars(
            x=["–"], y=[0.0], orientation="horizontal", colors=["#4e79a7"], color_mode="element",
            scales={"x": self._row_x, "y": self._row_y},
        )
        self.row_figure = bq.Figure(
            marks=[self.row_bars],
            axes=[bq.Axis(scale=self._row_x, side="left", grid_lines="none"),
                  bq.Axis(scale=self._row_y, side="bottom", num_ticks=5,
                          label="pull towards its own segment (squared scaled distance)")],
            animation_duration=0,
            fig_margin={"top": 10, "bottom": 45, "left": 140, "right": 20},
            layout=w.Layout(width="520px", height="200px"),
        )
        self.row_figure.add_class(css("explain-row-chart"))
        self.row_box = w.Box()

        # ---- rules
        self.depth = w.IntSlider(value=2, min=DEPTHS[0], max=DEPTHS[1], description="Depth",
                                 continuous_update=False, layout=w.Layout(width="260px"),
                                 style={"description_width": "50px"})
        self.depth.add_class(css("explain-depth"))
        self.rules_view = w.HTML("<i>Press Run to read the segments as rules.</i>")
        self.rules_view.add_class(css("explain-rules"))

        super().__init__(
            [
                w.HTML(_STYLE + "<b>Why these segments</b>"),
                w.HBox([self.run_button, self.progress, self.message],
                       layout=w.Layout(align_items="center")),
                w.HTML("<h4>What sets each segment apart</h4>"),
                self.profile_view,
                w.HTML("<h4>Which features tell the segments apart</h4>"),
                self.importance_text,
                self.importance_box,
                w.HTML("<h4>Why one row is in its segment</h4>"),
                self.row_input,
                self.row_message,
                w.HBox([self.row_box, self.row_table], layout=w.Layout(flex_flow="row wrap")),
                w.HTML("<h4>The segments as rules</h4>"),
                self.depth,
                self.rules_view,
            ],
            **kwargs,
        )
        self.add_class(css("explain-panel"))
        self.run_button.on_click(self._on_run)
        self.depth.observe(self._on_depth, "value")
        self.row_input.observe(self._on_row, "value")
        model.observe(self._on_revision, "revision")
        model.observe(self._on_selection, "selection")
        self.importance_text.value = ("<i>Press Run to train a surrogate model and measure which "
                                      "features it needs.</i>")
        self._say("Press Run to explain the segments with a surrogate model and rules.")
        self._render_profile()
        self._render_row()

    # ------------------------------------------------------------- inputs
    def _default_row(self) -> int:
        selection = self.model.selection
        if selection is not None and len(selection):
            return int(selection[0])
        return 0

    def _design(self) -> tuple[pd.DataFrame, np.ndarray]:
        """The segmented rows' original feature columns and their stable segment ids."""
        model = self.model
        if model.data is None or model.labels is None or not model.features:
            raise _Nothing("Load data and segment it first; then the segments can be explained.")
        rows = np.flatnonzero(model.labels >= 0)
        return model.data.iloc[rows][list(model.features)], model.labels[rows]

    def _signature(self) -> tuple:
        model = self.model
        labels = model.labels
        digest = None if labels is None else hashlib.blake2b(
            np.ascontiguousarray(labels).tobytes(), digest_size=16).hexdigest()
        return (id(model.data), tuple(model.features), digest)

    # ------------------------------------------------------------- running
    def run(self, wait: bool = False) -> None:
        """Train the surrogate and the rule tree (on threads unless ``background=False``).

        ``wait`` blocks until both have finished.
        """
        self._start(("importance", "rules"), wait=wait)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the runs under way have finished; False if ``timeout`` ran out first."""
        return self._importance_job.wait(timeout) and self._rules_job.wait(timeout)

    def _start(self, parts: tuple[str, ...], wait: bool = False) -> None:
        try:
            X_frame, labels = self._design()
        except _Nothing as exc:
            self._say(str(exc), "error")
            return
        signature = self._signature()
        seed = int(self.model.seed)
        depth = int(self.depth.value)
        with self._lock:
            if not self._pending:
                self.progress.value = 0
                self.progress.max = 0
            for part in parts:
                if part not in self._pending:
                    self.progress.max += 1
                self._pending.add(part)
                self._errors.pop(part, None)
            self.progress.layout.visibility = "visible"
            self._say_progress()
        if "importance" in parts:
            self._importance_job.start(
                lambda: global_importance(X_frame, labels, seed=seed),
                lambda result: self._finish("importance", result, signature),
                lambda exc: self._fail("importance", exc),
                wait=wait,
            )
        if "rules" in parts:
            self._rules_job.start(
                lambda: segment_rules(X_frame, labels, max_depth=depth, seed=seed),
                lambda result: self._finish("rules", result, signature, depth),
                lambda exc: self._fail("rules", exc),
                wait=wait,
            )

    def _finish(self, part: str, result: Any, signature: tuple, depth: int | None = None) -> None:
        with self._lock:
            if part == "importance":
                self.importance, self._importance_sig = result, signature
            else:
                self.rules, self._rules_sig, self.rules_depth = result, signature, depth
            self._done(part)
            self._render_results()

    def _fail(self, part: str, exc: BaseException) -> None:
        with self._lock:
            what = "The surrogate model" if part == "importance" else "The rules"
            self._errors[part] = f"{what} could not be computed: {plain_words(exc)}"
            self._done(part)
            self._render_results()

    def _done(self, part: str) -> None:
        if part in self._pending:
            self._pending.discard(part)
            self.progress.value = min(self.progress.value + 1, self.progress.max)
        if not self._pending:
            self.progress.layout.visibility = "hidden"

    def _say_progress(self) -> None:
        doing = []
        if "importance" in self._pending:
            doing.append("training a random forest to reproduce the segments")
        if "rules" in self._pending:
            doing.append(f"growing a rule tree of depth {self.depth.value}")
        text = " and ".join(doing)
        self._say(text[:1].upper() + text[1:] + "…", busy=True)

    @report_errors
    def _on_run(self, button: Any = None) -> None:
        self.run()

    @report_errors
    def _on_depth(self, change: Any = None) -> None:
        if self.rules is not None or "rules" in self._pending:
            self._start(("rules",))

    @report_errors
    def _on_revision(self, change: Any = None) -> None:
        self._render_profile()
        self._render_row()
        with self._lock:
            self._render_results()

    @report_errors
    def _on_selection(self, change: Any = None) -> None:
        selection = self.model.selection
        if selection is not None and len(selection):
            self.row_input.value = int(selection[0])  # observers redraw the row

    @report_errors
    def _on_row(self, change: Any = None) -> None:
        self._render_row()

    # ------------------------------------------------------------- drawing
    def _say(self, text: str, kind: str = "", busy: bool = False) -> None:
        self.message.value = (SPINNER if busy else "") + escape(text)
        for name in ("sw-warning", "sw-error"):
            self.message.remove_class(name)
        if kind:
            self.message.add_class(f"sw-{kind}")

    def _name(self, segment: int) -> str:
        return self.model.segment_names.get(segment, f"Segment {segment}")

    def _swatch(self, segment: int) -> str:
        colour = self.model.colors.get(segment, "#999999")
        return f"<span class='sw-swatch' style='background:{escape(colour)}'></span>"

    def _render_profile(self) -> None:
        profile = self.model.profile
        if profile is None:
            self.profile_view.value = "<i>No segments yet.</i>"
            return
        rows = []
        for segment in self.model.segment_ids:
            items = distinctive_features(profile, segment)
            text = " · ".join(escape(t) for _, _, t in items) or "<i>close to the average on every feature</i>"
            size = int(profile.summary.loc[segment, "size"]) if segment in profile.summary.index else 0
            rows.append(f"<tr class='sw-explain-segment' data-segment='{segment}'>"
                        f"<td>{self._swatch(segment)}{escape(self._name(segment))}</td>"
                        f"<td class='sw-num'>{format_count(size)}</td><td>{text}</td></tr>")
        self.profile_view.value = (
            "<table><thead><tr><th>Segment</th><th class='sw-num'>Rows</th>"
            "<th>Most distinctive (sd = standard deviations from the average of all rows)</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )

    def _render_results(self) -> None:
        """Draw the importances and rules held (caller holds the lock)."""
        current = self._signature()
        stale_parts = []
        if self.importance is not None:
            stale = self._importance_sig != current
            stale_parts.append(stale)
            self._draw_importance(self.importance, stale)
        if "importance" in self._errors:
            self.importance_text.value = f"<span class='sw-error'>{escape(self._errors['importance'])}</span>"
        if self.rules is not None:
            stale = self._rules_sig != current
            stale_parts.append(stale)
            self._draw_rules(self.rules, self.rules_depth or 0, stale)
        if "rules" in self._errors:
            self.rules_view.value = f"<span class='sw-error'>{escape(self._errors['rules'])}</span>"
        self.stale = any(stale_parts)
        if self._pending:
            self._say_progress()
        elif self._errors:
            self._say(" ".join(self._errors.values()), "error")
        elif self.stale:
            self._say(STALE_MESSAGE, "warning")
        elif self.importance is not None or self.rules is not None:
            notes = list(dict.fromkeys(
                (self.importance.notes if self.importance else [])
                + (self.rules[0].notes if self.rules else [])))
            self._say(" ".join(notes) or "Up to date with the segments shown.", "warning" if notes else "")

    def _draw_importance(self, result: GlobalExplanation, stale: bool) -> None:
        importance = result.importance["importance_mean"]
        features = [str(f) for f in importance.index]
        with self.importance_figure.hold_sync(), self.importance_bars.hold_sync():
            self._imp_x.domain = []  # the ordinal domain follows x
            self.importance_bars.x = features[::-1]  # the vertical axis reads bottom-up: largest on top
            self.importance_bars.y = np.maximum(importance.to_numpy(dtype=float)[::-1], 0.0)
            self.importance_figure.layout.height = f"{70 + 26 * len(features)}px"
        self.importance_box.children = (self.importance_figure,)
        top = [pretty_feature_name(f) for f, v in importance.items() if v > 0][:3]
        lead = (f" It relies most on {', '.join(top[:-1]) + ' and ' + top[-1] if len(top) > 1 else top[0]}."
                if top else " No single feature matters much on its own.")
        text = (f"The surrogate model reproduces the segments for {format_share(result.accuracy)} of held-out rows "
                f"({format_count(result.n_test)} rows it did not learn from).{lead}")
        css_class = "sw-stale" if stale else ""
        self.importance_text.value = f"<span class='{css_class}'>{escape(text)}</span>"
        for part in (self.importance_figure,):
            if stale:
                part.add_class("sw-stale")
            else:
                part.remove_class("sw-stale")

    def _draw_rules(self, rules: list[SegmentRules], depth: int, stale: bool) -> None:
        if not rules:
            self.rules_view.value = "<i>No segments to describe.</i>"
            return
        fidelity = rules[0].fidelity
        parts = [f"<p class='sw-explain-fidelity'>These rules (a tree of depth {depth}) put "
                 f"{format_share(fidelity)} of rows in their own segment.</p>"]
        for item in rules:
            head = (f"<div class='sw-rule-segment' data-segment='{item.segment}'>{self._swatch(item.segment)}"
                    f"<b>{escape(self._name(item.segment))}</b> <small>({format_count(item.size)} rows)</small>")
            if not item.rules:
                body = (f"<div class='sw-no-rule'><i>No rule of a depth-{depth} tree picks out this "
                        f"segment{'; try a deeper tree' if depth < DEPTHS[1] else ''}.</i></div>")
            else:
                lines = "".join(
                    f"<li><span class='sw-rule'>{escape(rule.text)}</span> <span class='sw-rule-stats'>"
                    f"support {format_share(rule.support)} · precision {format_share(rule.precision)} · "
                    f"coverage {format_share(rule.coverage)}</span></li>"
                    for rule in item.rules
                )
                body = f"<ul style='margin:2px 0 6px 0'>{lines}</ul>"
            parts.append(head + body + "</div>")
        parts.append("<small>Support: share of all rows meeting the rule. Precision: share of those "
                     "rows in the segment. Coverage: share of the segment meeting the rule.</small>")
        self.rules_view.value = f"<div class='{'sw-stale' if stale else ''}'>{''.join(parts)}</div>"

    # ------------------------------------------------------------- one row
    def _raw_to_stable(self, fit_labels: np.ndarray, row_index: np.ndarray) -> dict[int, int]:
        """Raw fit label -> stable segment id, read off the rows (raw i is not stable id i)."""
        labels = self.model.labels
        key = (id(fit_labels), id(labels), id(row_index))
        if key != self._mapping_key:
            raw, first = np.unique(fit_labels, return_index=True)
            stable = labels[row_index[first]]
            self._mapping = {int(r): int(s) for r, s in zip(raw, stable) if r >= 0}
            self._mapping_key = key
        return self._mapping

    def explain_row(self, row: int) -> RowExplanation | str:
        """Explain one row of ``model.data``, or say in words why it cannot be."""
        model = self.model
        if model.data is None or model.labels is None:
            return "Load data and segment it first; then a row can be explained."
        n = len(model.data)
        if isinstance(row, bool) or not isinstance(row, (int, np.integer)) or not 0 <= row < n:
            return f"Row {row} is not in the table: choose a row number from 0 to {format_count(n - 1)}."
        row = int(row)
        info = ALGORITHMS[model.algorithm]
        segment = int(model.labels[row])
        where = (f"Row {format_count(row)} is in '{self._name(segment)}'." if segment >= 0
                 else f"Row {format_count(row)} is in no segment.")
        if not info.centroid:
            return (f"{where} {info.label} does not place rows by their nearest centre, so there is no "
                    "exact split of this choice over the features. That decomposition applies to "
                    "centroid methods (k-means, mini-batch k-means): choose one of them to see it.")
        prepared, fit = model.prepared, model.fit
        if prepared is None or fit is None or len(fit.labels) != prepared.n_rows:
            return "The segments are still being refined; this row will be explained when they are ready."
        positions = np.flatnonzero(prepared.row_index == row)
        if not positions.size:
            return (f"Row {format_count(row)} was left out by the preprocessing (it has missing values, which are "
                    "set to be dropped), so it is in no segment.")
        r = int(positions[0])
        assigned = int(fit.labels[r])
        if assigned < 0:
            return f"{where} It was not assigned to any centre."
        mapping = self._raw_to_stable(fit.labels, prepared.row_index)
        attribution = row_attribution(
            prepared.X[r], fit.centers_scaled, assigned,
            feature_names=list(prepared.feature_names_out),
        )
        contributions = attribution.contributions
        contributions = contributions.iloc[np.argsort(-np.abs(contributions.to_numpy()), kind="stable")]
        return RowExplanation(
            row=row, prepared_row=r, segment=mapping.get(assigned, segment),
            other_segment=mapping.get(attribution.other, -1),
            attribution=attribution, contributions=contributions,
        )

    def _other_name(self, result: RowExplanation) -> str:
        if result.other_segment >= 0:
            return self._name(result.other_segment)
        return "the next nearest centre"

    def row_sentence(self, result: RowExplanation) -> str:
        """The row's explanation in one or two sentences."""
        c = result.contributions
        positive = c[c > 0].sort_values(ascending=False)
        mine, other = self._name(result.segment), self._other_name(result)
        if result.margin <= 1e-12 or positive.empty:
            return (f"Row {format_count(result.row)} lies on the boundary between '{mine}' and '{other}': "
                    f"it is as near to one centre as to the other (margin {format_significant(result.margin, 2)}).")
        chosen = [positive.index[0]]
        if len(positive) > 1 and positive.iloc[1] >= 0.25 * positive.iloc[0]:
            chosen.append(positive.index[1])
        because = " and ".join(f"{pretty_feature_name(f)} ({_signed(float(c[f]))})" for f in chosen)
        text = (f"Row {format_count(result.row)} is in '{mine}' rather than '{other}' mostly because of {because}; "
                f"the contributions sum to the margin {result.margin:.1f}.")
        negative = c[c < 0].sort_values()
        if not negative.empty and abs(negative.iloc[0]) >= 0.25 * positive.iloc[0]:
            text += (f" {pretty_feature_name(negative.index[0]).capitalize()} pulls the other way "
                     f"({_signed(float(negative.iloc[0]))}).")
        return text

    def _render_row(self) -> None:
        try:
            result = self.explain_row(self.row_input.value)
        except Exception as exc:  # noqa: BLE001 - plain words, never a traceback
            result = f"This row could not be explained: {plain_words(exc)}"
            self.row_message.add_class("sw-error")
        else:
            self.row_message.remove_class("sw-error")
        if isinstance(result, str):
            self.row_result = None
            self.row_message.value = escape(result)
            self.row_table.value = ""
            self.row_box.children = ()
            return
        self.row_result = result
        self.row_message.value = escape(self.row_sentence(result)) + (
            " <small>(squared distances between the row and the centres, in the scaled features)</small>")
        x = self.model.prepared.X[result.prepared_row]
        centers = self.model.fit.centers_scaled
        names = list(self.model.prepared.feature_names_out)
        own, other = result.attribution.assigned, result.attribution.other
        own_colour = self.model.colors.get(result.segment, "#4e79a7")
        other_colour = self.model.colors.get(result.other_segment, "#bab0ac")
        rows = []
        for feature, value in result.contributions.items():
            j = names.index(feature)
            rows.append(f"<tr><td>{escape(pretty_feature_name(feature))}</td>"
                        f"<td class='sw-num'>{x[j]:.2f}</td><td class='sw-num'>{centers[own, j]:.2f}</td>"
                        f"<td class='sw-num'>{centers[other, j]:.2f}</td>"
                        f"<td class='sw-num sw-contribution'>{_signed(float(value), 3)}</td></tr>")
        self.row_table.value = (
            "<table><thead><tr><th>Feature</th><th class='sw-num'>Row (scaled)</th>"
            f"<th class='sw-num'>{escape(self._name(result.segment))}</th>"
            f"<th class='sw-num'>{escape(self._other_name(result))}</th>"
            "<th class='sw-num'>Contribution</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody><tfoot><tr><th colspan='4'>Margin (sum)</th>"
            f"<th class='sw-num sw-margin'>{_signed(result.margin, 3)}</th></tr></tfoot></table>"
        )
        shown = result.contributions.iloc[:MAX_ROW_BARS][::-1]  # largest at the top
        with self.row_figure.hold_sync(), self.row_bars.hold_sync():
            self._row_x.domain = []
            labels = [pretty_feature_name(f) for f in shown.index]
            self.row_bars.x = labels if len(set(labels)) == len(labels) else [str(f) for f in shown.index]
            self.row_bars.y = shown.to_numpy(dtype=float)
            self.row_bars.colors = [own_colour if v >= 0 else other_colour for v in shown]
            self.row_figure.layout.height = f"{70 + 26 * len(shown)}px"
        self.row_box.children = (self.row_figure,)


class _Nothing(Exception):
    """There is nothing to explain yet (a message, not a failure)."""
