"""``DendrogramView``: the hierarchical tree of the rows, cut interactively.

The tree (scipy ``linkage`` on the prepared rows, or on a seeded sample of
``max_rows`` of them) is drawn truncated to its top :data:`LEAVES` branches,
like scipy's ``truncate_mode="lastp"``. A horizontal line shows where the
tree is cut; move it by number of segments or by height, or click on the
plot at a height. *Use this k* gives the cut's number of segments to the
model.

The tree is rebuilt only when the prepared rows change (data, features,
scaling: ``result.prep_key``), the seed or the linkage; a change of k only
moves the cut line. Building takes about 0.1 s on 2,000 rows of 8 features
(it grows with rows squared), so with ``background=True`` it runs in the
view's lane of the model's scheduler, and a newer build overtakes an older one.

The figure, the cut and its sliders (and the transparent image that reports
clicks in Voila) are :class:`~segwidgets.widgets.dendrogram_cut.TreeCut`;
this view builds the tree for the model's rows and gives the model the cut's k.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import numpy as np

from ..core.algorithms import ALGORITHMS, K_MAX, K_MIN
from ..core.diagnostics import LINKAGE_METHODS, DendrogramResult, cut_by_k, dendrogram_data
from ..errors import SegwidgetsError
from ..session import Result, Segmentation
from ._base import css, escape, format_count, report_errors
from ._view import RunPanel
from .dendrogram_cut import BRANCH_COLOR, CUT_COLOR, TreeCut  # noqa: F401 - colours re-exported

__all__ = ["DendrogramView"]

#: Branches drawn at the bottom of the truncated tree (scipy's ``p``).
LEAVES = 30


def _algorithm_for(method: str) -> str | None:
    """The model algorithm that fits this linkage, if there is one ("single" has none)."""
    return method if method in ALGORITHMS and ALGORITHMS[method].uses_k else None


class DendrogramView(RunPanel, w.VBox):
    """The rows' hierarchical tree with a cut line you move by k, by height or by clicking.

    Data Attributes:
        model: Segmentation — observed: ``result`` (its prepared rows, seed, k,
            algorithm, segments); sets k (and algorithm with the switch button).
        max_rows: int (default: 2000) — rows above which the tree is built on a sample.
        background: bool (default: True) — build the tree in the view's lane, on its thread.
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
        cut: TreeCut — the figure, the sliders and the cut (the widgets above are its own).

    CSS: ``sw-dendrogram-view`` on the view.
    """

    def __init__(self, model: Segmentation, *, max_rows: int = 2000, method: str = "ward",
                 background: bool = True, **kwargs: Any) -> None:
        self.model = model
        self._init_run("dendrogram", "Build", background)  # its message is this view's message
        if method not in LINKAGE_METHODS:
            raise ValueError(f"Unknown linkage {method!r}; choose one of {', '.join(LINKAGE_METHODS)}.")
        self.max_rows = int(max_rows)
        self._asked: Any = None  # the key of the tree shown or on its way
        self._model_k: int | None = None
        self.cut = TreeCut(model, LEAVES, self._update_buttons)
        for name in ("figure", "branches", "cut_line", "click_surface", "x_scale", "y_scale",
                     "cut_by", "k_slider", "height_slider", "cut_info"):
            setattr(self, name, getattr(self.cut, name))
        self._build_controls(method)
        super().__init__([
            w.HBox([self.linkage, self.cut_by], layout=w.Layout(flex_flow="row wrap")),
            w.HBox([self.k_slider, self.height_slider]),
            self.figure, self.cut_info, w.HBox([self.use_button, self.switch_button]),
            self.message,
        ], **kwargs)
        self.add_class(css("dendrogram-view"))
        self.cut.group_colors = self._group_colors
        self.watch(self._on_result, "result")
        self._refresh()

    def _build_controls(self, method: str) -> None:
        self.linkage = w.Dropdown(options=list(LINKAGE_METHODS), value=method, description="Linkage",
                                  layout=w.Layout(width="200px"), style={"description_width": "60px"})
        self.linkage.add_class(css("dendrogram-linkage"))
        self.use_button = w.Button(description="Use this k", button_style="primary", disabled=True,
                                   tooltip="Give the model the number of segments of this cut.",
                                   layout=w.Layout(width="auto"))
        self.use_button.add_class(css("dendrogram-use"))
        self.switch_button = w.Button(description="Use this k with Ward", disabled=True,
                                      layout=w.Layout(width="auto", display="none"))
        self.switch_button.add_class(css("dendrogram-switch"))
        self.linkage.observe(self._on_linkage, "value")
        self.use_button.on_click(self._on_use)
        self.switch_button.on_click(self._on_switch)

    @property
    def result(self) -> DendrogramResult | None:
        return self.cut.tree

    @property
    def coordinates(self) -> dict[str, Any] | None:
        return self.cut.coordinates

    @property
    def cut_k(self) -> int | None:
        return self.cut.k

    @property
    def cut_height(self) -> float | None:
        return self.cut.height

    def set_cut(self, *, k: int | None = None, height: float | None = None) -> None:
        """Cut the tree into ``k`` segments or at ``height`` (give one); moves the line and sliders."""
        self.cut.set(k=k, height=height)

    def key(self, result: Result | None) -> Any:
        """The tree depends on the prepared rows, the seed (of the sample), the linkage and ``max_rows``."""
        return None if result is None else (result.prep_key, result.seed, self.linkage.value, self.max_rows)

    # ------------------------------------------------------------ scheduling
    @report_errors
    def _on_result(self, change: dict) -> None:
        self._refresh()

    @report_errors
    def _on_linkage(self, change: dict) -> None:
        self._refresh()

    def _refresh(self) -> None:
        """Rebuild the tree if its rows or linkage changed; else follow the model's k."""
        result = self.model.result
        if result is None:
            self.model.scheduler.cancel(self._lane)
            self._asked = None
            self._show_empty("No tree yet: load data and choose features to see it.")
            return
        key = self.key(result)
        if key == self._asked:
            self._follow_model_k(result)
            self._update_buttons()
            return
        self._asked = key
        prepared, seed, method, max_rows = result.prepared, int(result.seed), self.linkage.value, self.max_rows
        self._say(f"Building the {method} tree from {format_count(min(prepared.n_rows, max_rows))} rows…")
        self._set_controls_enabled(False)

        def work(job: Any, progress: Any) -> tuple[DendrogramResult, dict[str, Any]]:
            tree = dendrogram_data(prepared, max_rows=max_rows, seed=seed, method=method)
            return tree, tree.coordinates(LEAVES)

        def failed(exc: BaseException) -> None:
            self._asked = None  # the next result tries again
            if isinstance(exc, SegwidgetsError):
                self._show_empty(escape(exc))
            else:
                self._show_empty(f"The tree could not be built ({type(exc).__name__}: {escape(exc)}).")

        self.start(work, lambda built: self._show_tree(*built), failed)

    # --------------------------------------------------------------- drawing
    def _say(self, text: str) -> None:
        self.message.value = text

    def _set_controls_enabled(self, enabled: bool) -> None:
        self.cut.enable(enabled)
        if not enabled:
            self.use_button.disabled = self.switch_button.disabled = True

    def _show_empty(self, text: str) -> None:
        self.cut.clear()
        self._set_controls_enabled(False)
        self._say(text)

    def _show_tree(self, result: DendrogramResult, coordinates: dict[str, Any]) -> None:
        leaves = self.cut.show(result, coordinates)
        if result.note:  # the tree is built on a sample
            words = (f"A {result.method} tree built on a random sample of {format_count(result.n_leaves)} of "
                     f"{format_count(result.n_rows)} rows (its cost grows with rows squared)")
        else:
            words = f"A {result.method} tree of all {format_count(result.n_rows)} rows"
        self._say(words + f"; the bottom shows its top {leaves} branches, each may hold many rows.")
        self._model_k = None
        self._follow_model_k(self.model.result)

    def _group_colors(self, k: int) -> dict[int, str]:
        """The colour of each group of the cut: that of the model's segment most of its rows are in
        (the tree's rows are the model's prepared rows); {} when they cannot be matched."""
        tree, result = self.result, self.model.result
        if tree is None or result is None or result.prepared.n_rows != tree.n_rows:
            return {}
        groups = cut_by_k(tree, k)
        segments = np.asarray(result.labels)[result.prepared.row_index]
        colors = {}
        for g in range(k):
            inside = segments[(groups == g) & (segments >= 0)]
            if inside.size:
                values, counts = np.unique(inside, return_counts=True)
                colors[g] = result.colors.get(int(values[np.argmax(counts)]), "#999999")
        return colors

    def _follow_model_k(self, shown: Result | None) -> None:
        """Move the cut to the model's k when the model's k changed (a k change never rebuilds)."""
        if self.result is None or shown is None:
            return
        k = int(shown.k) if ALGORITHMS[shown.algorithm].uses_k else max(len(shown.segment_ids), K_MIN)
        if k == self._model_k:
            return
        self._model_k = k
        self.set_cut(k=min(max(k, self.k_slider.min), self.k_slider.max))

    # --------------------------------------------------------------- buttons
    def _update_buttons(self) -> None:
        model = self.model
        usable = self.cut.usable
        target = _algorithm_for(self.linkage.value)
        self.use_button.description = f"Use k = {self.cut_k}" if usable else "Use this k"
        self.use_button.disabled = not usable
        other = target is not None and model.algorithm != target
        self.switch_button.layout.display = None if other else "none"
        if target is not None:
            self.switch_button.description = (f"Use k = {self.cut_k} with {ALGORITHMS[target].label}"
                                              if usable else f"Switch to {ALGORITHMS[target].label}")
        self.switch_button.disabled = not (usable and other)

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
        if not self.cut.usable:
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
