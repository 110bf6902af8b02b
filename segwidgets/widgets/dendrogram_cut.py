"""``TreeCut``: a drawn hierarchical tree and where it is cut: by k, by height or by a click.

The exploring part of :class:`~segwidgets.widgets.dendrogram_view.DendrogramView`,
with no model in it: scipy's drawing data of the truncated tree (``icoord`` /
``dcoord``) as one ``bq.Lines`` of branches, a dashed cut line, the sliders
that move it, and the cut in words. Clicking in Voila: bqplot's selectors do
not reach Python there (see DESIGN.md), so, as in the k-means lesson, a fully
transparent ``bq.Image`` covers the plot area and its ``on_element_click``
sends the clicked point in data coordinates.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import bqplot as bq
import ipywidgets as w
import numpy as np

from ..core.algorithms import K_MAX, K_MIN
from ..core.diagnostics import DendrogramResult, branch_groups, cut_by_height, height_for_k, leaf_sizes
from ..core.palette import segment_color
from ..errors import SegwidgetsError
from ..session import Segmentation
from ._base import (
    CLEAR_PNG,
    click_point,
    css,
    format_count,
    format_significant,
    report_errors,
    syncing,
)

BRANCH_COLOR = "#4a4a4a"
CUT_COLOR = "#d62728"


def click_y(content: Any) -> float | None:
    """The data ``y`` of a click on a click surface; None if the message has none."""
    point = click_point(content)
    return None if point is None or math.isnan(point[1]) else point[1]


class TreeCut:
    """The tree's figure and its cut, moved by the sliders or a click; ``on_cut()`` after each move.

    Data Attributes:
        model: Segmentation — where a failed callback is reported; never read or set here.
        tree: DendrogramResult | None — the tree drawn; coordinates: dict | None — its drawing data.
        k: int | None — segments the cut gives; height: float | None — its height.
        cut_by: ToggleButtons (css ``sw-dendrogram-cut-by``): "k" or "height".
        k_slider: IntSlider (css ``sw-dendrogram-k``); height_slider: FloatSlider (css ``sw-dendrogram-height``).
        cut_info: HTML (css ``sw-dendrogram-cut``): the cut in words.
        figure: bq.Figure (css ``sw-dendrogram-figure``); branches: bq.Lines; cut_line: bq.Lines;
            click_surface: bq.Image (clicks set the cut height); x_scale, y_scale: bq.LinearScale.
    """

    def __init__(self, model: Segmentation, leaves: int, on_cut: Callable[[], None]) -> None:
        self.model, self._on_cut = model, on_cut
        self.tree: DendrogramResult | None = None
        self.coordinates: dict[str, Any] | None = None
        self.k: int | None = None
        self.height: float | None = None
        self._syncing = False  # the echo guard of :func:`syncing`: the sliders set here, not by a person
        width = 10.0 * leaves
        self.x_scale = bq.LinearScale(min=0.0, max=width, allow_padding=False)
        self.y_scale = bq.LinearScale(min=0.0, max=1.0, allow_padding=False)
        xy = {"x": self.x_scale, "y": self.y_scale}
        self.branches = bq.Lines(x=np.zeros((1, 4)), y=np.zeros((1, 4)), scales=xy,
                                 colors=[BRANCH_COLOR], stroke_width=1.5, visible=False)
        # Each leaf's number of rows, written down under it.
        self.leaf_labels = bq.Label(x=[], y=[], text=[], scales=xy, colors=["#333333"], default_size=10,
                                    rotate_angle=-90, align="end", x_offset=3, y_offset=4,
                                    apply_clip=False, visible=False)
        #: group (0..k-1 of the cut, left to right) -> colour; the view sets it from the model.
        self.group_colors: Callable[[int], dict[int, str]] | None = None
        self.cut_line = bq.Lines(x=[0.0, width], y=[0.0, 0.0], scales=xy, colors=[CUT_COLOR],
                                 line_style="dashed", stroke_width=2, visible=False)
        self.click_surface = bq.Image(image=w.Image(value=CLEAR_PNG, format="png"),
                                      x=[0.0, width], y=[0.0, 1.0], scales=xy)
        self.figure = bq.Figure(
            marks=[self.branches, self.leaf_labels, self.cut_line, self.click_surface],
            axes=[bq.Axis(scale=self.y_scale, side="left",
                          label="merge height", tick_format=".3~s", label_offset="45px")],
            animation_duration=0, fig_margin={"top": 10, "bottom": 45, "left": 65, "right": 10},
            layout=w.Layout(width="100%", height="380px"),
        )
        self.figure.add_class(css("dendrogram-figure"))
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
        self.click_surface.on_element_click(self._on_click)
        self.cut_by.observe(self._on_cut_by, "value")
        self.k_slider.observe(self._on_k_slider, "value")
        self.height_slider.observe(self._on_height_slider, "value")

    @property
    def usable(self) -> bool:
        """Whether the cut gives a number of segments the model takes."""
        return self.tree is not None and self.k is not None and K_MIN <= self.k <= K_MAX

    # --------------------------------------------------------------- drawing
    def show(self, tree: DendrogramResult, coordinates: dict[str, Any]) -> int:
        """Draw ``tree`` truncated as in ``coordinates``; returns how many branches the bottom shows."""
        icoord = np.asarray(coordinates["icoord"], dtype=float).reshape(-1, 4)
        dcoord = np.asarray(coordinates["dcoord"], dtype=float).reshape(-1, 4)
        leaves = len(coordinates["ivl"])
        y_max = height_for_k(tree, 1) if len(tree.heights) and tree.heights[-1] > 0 else 1.0
        x_max = 10.0 * max(leaves, 1)
        self.tree, self.coordinates = tree, coordinates
        with self.figure.hold_sync():
            self.x_scale.min, self.x_scale.max = 0.0, x_max
            self.y_scale.min, self.y_scale.max = 0.0, y_max * 1.03
            self.branches.x, self.branches.y = icoord, dcoord
            self.branches.colors = [BRANCH_COLOR]
            self.branches.visible = True
            sizes = leaf_sizes(coordinates)
            self.leaf_labels.x = 5.0 + 10.0 * np.arange(len(sizes))
            self.leaf_labels.y = np.zeros(len(sizes))
            self.leaf_labels.text = [format_count(int(n)) for n in sizes]
            self.leaf_labels.visible = True
            self.cut_line.x = [0.0, x_max]
            self.click_surface.x, self.click_surface.y = [0.0, x_max], [0.0, y_max * 1.03]
        with syncing(self):
            self.k_slider.min, self.k_slider.max = K_MIN, max(K_MIN + 1, min(leaves, tree.n_leaves, K_MAX))
            self.height_slider.min, self.height_slider.max = 0.0, y_max
            self.height_slider.step = max(y_max / 500.0, 1e-9)
        self.enable(True)
        return leaves

    def clear(self) -> None:
        """No tree: hide the branches and the cut, disable the sliders."""
        self.tree = self.coordinates = self.k = self.height = None
        with self.figure.hold_sync():
            self.branches.visible = False
            self.leaf_labels.visible = False
            self.cut_line.visible = False
        self.cut_info.value = ""
        self.enable(False)

    def enable(self, enabled: bool) -> None:
        self.k_slider.disabled = self.height_slider.disabled = not enabled

    # ------------------------------------------------------------------- cut
    def set(self, *, k: int | None = None, height: float | None = None) -> None:
        """Cut the tree into ``k`` segments or at ``height`` (give one); moves the line and sliders."""
        tree = self.tree
        if tree is None:
            raise SegwidgetsError("There is no tree to cut yet.")
        if (k is None) == (height is None):
            raise ValueError("Give k or height, not both.")
        if k is not None:
            k = int(k)
            if not 1 <= k <= tree.n_leaves:
                raise SegwidgetsError(f"The tree can be cut into 1 to {format_count(tree.n_leaves)} segments, "
                                      f"not {k}.")
            height = height_for_k(tree, k)
        else:
            height = float(height)
            if not math.isfinite(height):
                raise SegwidgetsError("The cut height must be a number.")
            height = min(max(height, 0.0), float(self.height_slider.max))
            k = cut_by_height(tree, height)
        self.k, self.height = k, height
        with syncing(self):
            if self.k_slider.min <= k <= self.k_slider.max:
                self.k_slider.value = k
            self.height_slider.value = min(max(height, self.height_slider.min), self.height_slider.max)
        with self.figure.hold_sync():
            self.cut_line.y = [height, height]
            self.cut_line.visible = True
            self.paint()
        self._describe()
        self._on_cut()

    def paint(self) -> None:
        """Colour each branch by the segment of the cut it falls in (grey above the cut)."""
        tree, coordinates, k = self.tree, self.coordinates, self.k
        if tree is None or coordinates is None or k is None or k > len(coordinates["ivl"]):
            self.branches.colors = [BRANCH_COLOR]
            return
        groups = branch_groups(tree, coordinates, k)
        colors = self.group_colors(k) if self.group_colors is not None else {}
        self.branches.colors = [BRANCH_COLOR if g < 0 else colors.get(int(g), segment_color(int(g)))
                                for g in groups]

    def _describe(self) -> None:
        k, height = self.k, self.height
        words = f"Cut at height {format_significant(height)}: <b>{format_count(k)} segment{'s' if k != 1 else ''}</b>."
        if k == 1:
            words += " Above the last merge every row is in one segment."
        elif k > self.k_slider.max:
            words += (f" More than the {self.k_slider.max} branches drawn; "
                      f"the model takes {K_MIN} to {K_MAX} segments.")
        self.cut_info.value = words

    # ------------------------------------------------------------- controls
    @report_errors
    def _on_cut_by(self, change: Any = None) -> None:
        by_k = self.cut_by.value == "k"
        self.k_slider.layout.display = None if by_k else "none"
        self.height_slider.layout.display = "none" if by_k else None

    @report_errors
    def _on_k_slider(self, change: dict) -> None:
        if not self._syncing and self.tree is not None:
            self.set(k=int(change["new"]))

    @report_errors
    def _on_height_slider(self, change: dict) -> None:
        if not self._syncing and self.tree is not None:
            self.set(height=float(change["new"]))

    @report_errors
    def _on_click(self, mark: Any, content: Any, *args: Any) -> None:
        y = click_y(content)
        if y is None or self.tree is None:
            return
        self.cut_by.value = "height"  # show the height slider the click moved
        self.set(height=y)
