"""``DendrogramView``: the hierarchical tree of the rows, cut interactively.

The tree (scipy ``linkage`` on the prepared rows, or on a seeded sample of
``max_rows`` of them) is drawn truncated to its top :data:`LEAVES` branches,
like scipy's ``truncate_mode="lastp"``. A horizontal line shows where the
tree is cut; move it by number of segments or by height, or click on the
plot at a height. *Use this k* gives the cut's number of segments to the
model.

The tree is rebuilt only when the prepared rows change (data, features,
scaling), the seed or the linkage; a change of k only moves the cut line.
Building takes about 0.1 s on 2,000 rows of 8 features (it grows with rows
squared), so with ``background=True`` it runs on a thread of its own and a
newer build overtakes an older one.

Clicking in Voila: bqplot's selectors do not reach Python there (see
DESIGN.md), so, as in the k-means lesson, a fully transparent ``bq.Image``
covers the plot area and its ``on_element_click`` sends the clicked point in
data coordinates.
"""

from __future__ import annotations

import math
from typing import Any

import bqplot as bq
import ipywidgets as w
import numpy as np

from ..core.algorithms import ALGORITHMS, K_MAX, K_MIN
from ..core.diagnostics import (
    LINKAGE_METHODS,
    DendrogramResult,
    cut_by_height,
    dendrogram_data,
    height_for_k,
)
from ..core.preprocess import Prepared
from ..errors import SegwidgetsError
from ..session import Segmentation
from ._background import BackgroundJob
from ._base import CLEAR_PNG as _CLEAR_PNG, css, escape, format_count, format_significant, report_errors

__all__ = ["DendrogramView"]

#: Branches drawn at the bottom of the truncated tree (scipy's ``p``).
LEAVES = 30
BRANCH_COLOR = "#4a4a4a"
CUT_COLOR = "#d62728"


def _algorithm_for(method: str) -> str | None:
    """The model algorithm that fits this linkage, if there is one ("single" has none)."""
    return method if method in ALGORITHMS and ALGORITHMS[method].uses_k else None


class DendrogramView(w.VBox):
    """The rows' hierarchical tree with a cut line you move by k, by height or by clicking.

    Data Attributes:
        model: Segmentation — observed: revision; read: prepared, seed, k,
            algorithm; sets k (and algorithm with the switch button).
        max_rows: int (default: 2000) — rows above which the tree is built on a sample.
        background: bool (default: True) — build the tree on a thread.
        result: DendrogramResult | None — the tree shown.
        coordinates: dict | None — scipy's drawing data of the truncated tree.
        cut_k: int | None — segments the current cut gives.
        cut_height: float | None — height of the current cut.
        cut_by: ToggleButtons (css ``sw-dendrogram-cut-by``): "k" or "height".
        k_slider: IntSlider (css ``sw-dendrogram-k``).
        height_slider: FloatSlider (css ``sw-dendrogram-height``).
        linkage: Dropdown (css ``sw-dendrogram-linkage``): ward, average, complete, single.
        use_button: Button (css ``sw-dendrogram-use``): sets ``model.k`` to the cut's k.
        switch_button: Button (css ``sw-dendrogram-switch``): also switches the
            model to the tree's algorithm (shown when the model uses another one).
        cut_info: HTML (css ``sw-dendrogram-cut``): the cut in words.
        message: HTML (css ``sw-dendrogram-message``): the tree's rows (sample), progress, errors.
        figure: bq.Figure (css ``sw-dendrogram-figure``); branches: bq.Lines;
            cut_line: bq.Lines; click_surface: bq.Image (clicks set the cut height).

    CSS: ``sw-dendrogram-view`` on the view.
    """

    def __init__(self, model: Segmentation, *, max_rows: int = 2000, method: str = "ward",
                 background: bool = True, **kwargs: Any) -> None:
        if method not in LINKAGE_METHODS:
            raise ValueError(f"Unknown linkage {method!r}; choose one of {', '.join(LINKAGE_METHODS)}.")
        self.model = model
        self.max_rows = int(max_rows)
        self.background = background
        self.result: DendrogramResult | None = None
        self.coordinates: dict[str, Any] | None = None
        self.cut_k: int | None = None
        self.cut_height: float | None = None
        self._job = BackgroundJob(background, name="segwidgets-dendrogram")
        self._key: tuple | None = None  # what the shown (or coming) tree is built from
        self._prepared: Prepared | None = None
        self._model_k: int | None = None
        self._syncing = False
        self._top = 1.0

        self._build_plot()
        self._build_controls(method)
        self.message = w.HTML()
        self.message.add_class(css("dendrogram-message"))
        super().__init__([
            w.HBox([self.linkage, self.cut_by], layout=w.Layout(flex_flow="row wrap")),
            w.HBox([self.k_slider, self.height_slider]),
            self.figure, self.cut_info, w.HBox([self.use_button, self.switch_button]),
            self.message,
        ], **kwargs)
        self.add_class(css("dendrogram-view"))
        model.observe(self._on_revision, "revision")
        self._detached = False
        self._on_revision()

    # ---------------------------------------------------------------- build
    def _build_plot(self) -> None:
        self.x_scale = bq.LinearScale(min=0.0, max=10.0 * LEAVES, allow_padding=False)
        self.y_scale = bq.LinearScale(min=0.0, max=1.0, allow_padding=False)
        xy = {"x": self.x_scale, "y": self.y_scale}
        self.branches = bq.Lines(x=np.zeros((1, 4)), y=np.zeros((1, 4)), scales=xy,
                                 colors=[BRANCH_COLOR], stroke_width=1.5, visible=False)
        self.cut_line = bq.Lines(x=[0.0, 10.0 * LEAVES], y=[0.0, 0.0], scales=xy, colors=[CUT_COLOR],
                                 line_style="dashed", stroke_width=2, visible=False)
        self.click_surface = bq.Image(image=w.Image(value=_CLEAR_PNG, format="png"),
                                      x=[0.0, 10.0 * LEAVES], y=[0.0, 1.0], scales=xy)
        self.click_surface.on_element_click(self._on_plot_click)
        self.figure = bq.Figure(
            marks=[self.branches, self.cut_line, self.click_surface],
            axes=[bq.Axis(scale=self.y_scale, side="left",
                          label="merge height", tick_format=".3~s", label_offset="45px")],
            animation_duration=0, fig_margin={"top": 10, "bottom": 20, "left": 65, "right": 10},
            layout=w.Layout(width="100%", height="380px"),
        )
        self.figure.add_class(css("dendrogram-figure"))

    def _build_controls(self, method: str) -> None:
        self.linkage = w.Dropdown(options=list(LINKAGE_METHODS), value=method, description="Linkage",
                                  layout=w.Layout(width="200px"), style={"description_width": "60px"})
        self.linkage.add_class(css("dendrogram-linkage"))
        self.cut_by = w.ToggleButtons(options=[("Number of segments", "k"), ("Height", "height")],
                                      value="k", description="Cut by",
                                      style={"description_width": "initial", "button_width": "auto"})
        self.cut_by.add_class(css("dendrogram-cut-by"))
        self.k_slider = w.IntSlider(value=K_MIN, min=K_MIN, max=K_MIN + 1, description="Segments",
                                    continuous_update=True, layout=w.Layout(width="320px"))
        self.k_slider.add_class(css("dendrogram-k"))
        self.height_slider = w.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.01, description="Height",
                                           continuous_update=True, readout_format=".3g",
                                           layout=w.Layout(width="320px", display="none"))
        self.height_slider.add_class(css("dendrogram-height"))
        self.cut_info = w.HTML()
        self.cut_info.add_class(css("dendrogram-cut"))
        self.use_button = w.Button(description="Use this k", button_style="primary", disabled=True,
                                   tooltip="Give the model the number of segments of this cut.",
                                   layout=w.Layout(width="auto"))
        self.use_button.add_class(css("dendrogram-use"))
        self.switch_button = w.Button(description="Use this k with Ward", disabled=True,
                                      layout=w.Layout(width="auto", display="none"))
        self.switch_button.add_class(css("dendrogram-switch"))
        self.linkage.observe(self._on_linkage, "value")
        self.cut_by.observe(self._on_cut_by, "value")
        self.k_slider.observe(self._on_k_slider, "value")
        self.height_slider.observe(self._on_height_slider, "value")
        self.use_button.on_click(self._on_use)
        self.switch_button.on_click(self._on_switch)

    # ------------------------------------------------------------ scheduling
    @report_errors
    def _on_revision(self, change: Any = None) -> None:
        self._refresh()

    @report_errors
    def _on_linkage(self, change: Any = None) -> None:
        self._refresh()

    def _refresh(self) -> None:
        """Rebuild the tree if its rows or linkage changed; else follow the model's k."""
        prepared = self.model.prepared
        if prepared is None:
            self._job.drop()
            self._key, self._prepared = None, None
            self._show_empty("No tree yet: load data and choose features to see it.")
            return
        key = (id(prepared), int(self.model.seed), self.linkage.value, self.max_rows)
        if self._prepared is prepared and self._key == key:
            self._follow_model_k()
            self._update_buttons()
            return
        self._key, self._prepared = key, prepared
        rows = min(prepared.n_rows, self.max_rows)
        self._say(f"Building the {self.linkage.value} tree from {format_count(rows)} rows…")
        self._set_controls_enabled(False)
        seed, method, max_rows = key[1], key[2], self.max_rows

        def work() -> tuple[DendrogramResult, dict[str, Any]]:
            result = dendrogram_data(prepared, max_rows=max_rows, seed=seed, method=method)
            return result, result.coordinates(LEAVES)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, SegwidgetsError):
                self._show_empty(escape(exc))
            else:
                self._show_empty(f"The tree could not be built ({type(exc).__name__}: "
                                 f"{escape(exc)}).")

        self._job.background = self.background
        self._job.start(work, lambda built: self._show_tree(*built), failed)

    def close(self) -> None:
        """Stop observing the model (a computation still running is dropped) and close the view."""
        if not getattr(self, "_detached", True):  # only once, and only if fully built
            self._detached = True
            self._job.drop()
            self.model.unobserve(self._on_revision, names="revision")
        super().close()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the tree being built (if any) is shown; True if done in time."""
        return self._job.wait(timeout)

    # --------------------------------------------------------------- drawing
    def _say(self, text: str) -> None:
        self.message.value = text

    def _set_controls_enabled(self, enabled: bool) -> None:
        self.k_slider.disabled = self.height_slider.disabled = not enabled
        if not enabled:
            self.use_button.disabled = self.switch_button.disabled = True

    def _show_empty(self, text: str) -> None:
        self.result, self.coordinates = None, None
        self.cut_k = self.cut_height = None
        with self.figure.hold_sync():
            self.branches.visible = False
            self.cut_line.visible = False
        self.cut_info.value = ""
        self._set_controls_enabled(False)
        self._say(text)

    def _show_tree(self, result: DendrogramResult, coordinates: dict[str, Any]) -> None:
        icoord = np.asarray(coordinates["icoord"], dtype=float).reshape(-1, 4)
        dcoord = np.asarray(coordinates["dcoord"], dtype=float).reshape(-1, 4)
        leaves = len(coordinates["ivl"])
        top = float(result.heights[-1]) if len(result.heights) else 1.0
        self._top = top if top > 0 else 1.0
        y_max = height_for_k(result, 1) if top > 0 else 1.0
        x_max = 10.0 * max(leaves, 1)
        self.result, self.coordinates = result, coordinates
        with self.figure.hold_sync():
            self.x_scale.min, self.x_scale.max = 0.0, x_max
            self.y_scale.min, self.y_scale.max = 0.0, y_max * 1.03
            self.branches.x, self.branches.y = icoord, dcoord
            self.branches.visible = True
            self.cut_line.x = [0.0, x_max]
            self.click_surface.x, self.click_surface.y = [0.0, x_max], [0.0, y_max * 1.03]
        self._syncing = True
        try:
            hi = max(K_MIN + 1, min(leaves, result.n_leaves, K_MAX))
            self.k_slider.min, self.k_slider.max = K_MIN, hi
            self.height_slider.min, self.height_slider.max = 0.0, y_max
            self.height_slider.step = max(y_max / 500.0, 1e-9)
        finally:
            self._syncing = False
        self._set_controls_enabled(True)
        if result.note:  # the tree is built on a sample
            words = (f"A {result.method} tree built on a random sample of {format_count(result.n_leaves)} of "
                     f"{format_count(result.n_rows)} rows (its cost grows with rows squared)")
        else:
            words = f"A {result.method} tree of all {format_count(result.n_rows)} rows"
        words += f"; the bottom shows its top {leaves} branches, each may hold many rows."
        self._say(words)
        self._model_k = None
        self._follow_model_k(force=True)

    def _follow_model_k(self, force: bool = False) -> None:
        """Move the cut to the model's k when the model's k changed (a k change never rebuilds)."""
        if self.result is None:
            return
        model = self.model
        uses_k = ALGORITHMS[model.algorithm].uses_k
        k = int(model.k) if uses_k else max(len(model.segment_ids), K_MIN)
        if not force and k == self._model_k:
            return
        self._model_k = k
        k = min(max(k, self.k_slider.min), self.k_slider.max)
        self.set_cut(k=k)

    # ------------------------------------------------------------------ cut
    def set_cut(self, *, k: int | None = None, height: float | None = None) -> None:
        """Cut the tree into ``k`` segments or at ``height`` (give one); moves the line and sliders."""
        result = self.result
        if result is None:
            raise SegwidgetsError("There is no tree to cut yet.")
        if (k is None) == (height is None):
            raise ValueError("Give k or height, not both.")
        if k is not None:
            k = int(k)
            if not 1 <= k <= result.n_leaves:
                raise SegwidgetsError(f"The tree can be cut into 1 to {format_count(result.n_leaves)} segments, "
                                      f"not {k}.")
            height = height_for_k(result, k)
        else:
            height = float(height)
            if not math.isfinite(height):
                raise SegwidgetsError("The cut height must be a number.")
            height = min(max(height, 0.0), float(self.height_slider.max))
            k = cut_by_height(result, height)
        self.cut_k, self.cut_height = k, height
        self._syncing = True
        try:
            if self.k_slider.min <= k <= self.k_slider.max:
                self.k_slider.value = k
            self.height_slider.value = min(max(height, self.height_slider.min), self.height_slider.max)
        finally:
            self._syncing = False
        with self.figure.hold_sync():
            self.cut_line.y = [height, height]
            self.cut_line.visible = True
        self._describe_cut()
        self._update_buttons()

    def _describe_cut(self) -> None:
        k, height = self.cut_k, self.cut_height
        if k is None or height is None:
            self.cut_info.value = ""
            return
        words = f"Cut at height {format_significant(height)}: <b>{format_count(k)} segment{'s' if k != 1 else ''}</b>."
        if k == 1:
            words += " Above the last merge every row is in one segment."
        elif k > self.k_slider.max:
            words += (f" More than the {self.k_slider.max} branches drawn; "
                      f"the model takes {K_MIN} to {K_MAX} segments.")
        self.cut_info.value = words

    def _usable_k(self) -> bool:
        return self.cut_k is not None and K_MIN <= self.cut_k <= K_MAX

    def _update_buttons(self) -> None:
        model = self.model
        usable = self.result is not None and self._usable_k()
        target = _algorithm_for(self.linkage.value)
        self.use_button.description = f"Use k = {self.cut_k}" if usable else "Use this k"
        self.use_button.disabled = not usable
        other = target is not None and model.algorithm != target
        self.switch_button.layout.display = None if other else "none"
        if target is not None:
            self.switch_button.description = (f"Use k = {self.cut_k} with {ALGORITHMS[target].label}"
                                              if usable else f"Switch to {ALGORITHMS[target].label}")
        self.switch_button.disabled = not (usable and other)

    # ------------------------------------------------------------- controls
    @report_errors
    def _on_cut_by(self, change: Any = None) -> None:
        by_k = self.cut_by.value == "k"
        self.k_slider.layout.display = None if by_k else "none"
        self.height_slider.layout.display = "none" if by_k else None

    @report_errors
    def _on_k_slider(self, change: dict) -> None:
        if self._syncing or self.result is None:
            return
        self.set_cut(k=int(change["new"]))

    @report_errors
    def _on_height_slider(self, change: dict) -> None:
        if self._syncing or self.result is None:
            return
        self.set_cut(height=float(change["new"]))

    @report_errors
    def _on_plot_click(self, mark: Any, content: dict, *args: Any) -> None:
        data = content.get("data") if isinstance(content, dict) else None
        if not isinstance(data, dict) or self.result is None:
            return
        try:
            y = float(data["click_y"])
        except (KeyError, TypeError, ValueError):
            return  # not a click we understand: ignore it
        if not math.isfinite(y):
            return
        self.cut_by.value = "height"  # show the height slider the click moved
        self.set_cut(height=y)

    @report_errors
    def _on_use(self, button: Any = None) -> None:
        try:
            self.use_k()
        except SegwidgetsError as exc:  # about this view's cut, not the model: said here
            self._say(escape(exc))

    @report_errors
    def _on_switch(self, button: Any = None) -> None:
        try:
            self.use_k(switch_algorithm=True)
        except SegwidgetsError as exc:
            self._say(escape(exc))

    def use_k(self, *, switch_algorithm: bool = False) -> None:
        """Give the model this cut's number of segments (and the tree's algorithm if asked)."""
        model = self.model
        if self.result is None or not self._usable_k():
            raise SegwidgetsError(f"Choose a cut with {K_MIN} to {K_MAX} segments first.")
        k = int(self.cut_k)
        target = _algorithm_for(self.linkage.value)
        if switch_algorithm:
            if target is None:
                raise SegwidgetsError(f"There is no segmentation algorithm with {self.linkage.value} "
                                      "linkage; choose ward, average or complete.")
            with model.batch():
                model.algorithm = target
                model.k = k
            self._model_k = k
            self._say(f"The model now uses {ALGORITHMS[target].label} with {k} segments: "
                      "the segments of this kind of tree." + self._sample_words())
            self._update_buttons()
            return
        model.k = k
        self._model_k = k
        info = ALGORITHMS[model.algorithm]
        if model.algorithm == target:
            words = f"The model now has {k} segments, cut from the same kind of tree."
            words += self._sample_words()
        elif not info.uses_k:
            words = (f"{info.label} chooses its number of segments by itself, so k={k} does not "
                     "change it. ")
            words += self._switch_words(target)
        else:
            words = (f"The model now has {k} segments, still found by {info.label}: they can "
                     "differ from this tree's branches. ")
            words += self._switch_words(target)
        self._say(words)
        self._update_buttons()

    def _switch_words(self, target: str | None) -> str:
        if target is None:
            return "No segmentation algorithm uses single linkage; choose Ward to get a tree's segments."
        return f"For the tree's segments, press “Use k = {self.cut_k} with {ALGORITHMS[target].label}”."

    def _sample_words(self) -> str:
        if self.result is not None and self.result.note:
            return " (The tree drawn is built from a sample, so the model's segments may differ a little.)"
        return ""
