"""KMeansLesson: step through k-means on 2-D data, for instructors.

Pick a data shape and k, then press *Assign* and *Update* in turn (or
*Play*, or *Run to convergence*) and watch each point join its nearest
centroid and each centroid move to the mean of its points; *Step back*
undoes a half-step. Centroids can be placed by hand by clicking on the plot,
dragged (the points follow), added or removed with a click; the area each
centroid wins is shaded under the points. The inertia of every step is plotted
beside it, and two toggles show what scaling and a bad k do. For a lecture
hall: play speeds, a presenter layout, "predict the next step", and three tabs
(starts seed by seed, choosing k, where k-means fails) whose numbers come from
``core.kmeans_compare``. The demo table is clustered in nine features and drawn
through PCA (``core.kmeans_steps.project_table``).

Dragging: the centroid mark is an SVG ``Scatter`` with ``enable_move``; its
``drag`` messages recolour the points (not the centroids, which the browser
moves) and ``drag_end`` starts again from where it was dropped. The click
surface lies under the centroids so that they can be dragged and clicked.

Clicking: bqplot's selectors read d3's current event, which is null without the
``segwidgets-d3-guard`` labextension (docs/frontends.md), and a mark's
``on_background_click`` arrives without coordinates. The ``Image`` mark's
``on_element_click`` sends the clicked point in data coordinates with or without
the guard; so the plot carries a fully transparent ``Image`` over the whole plot
area, on top of the other marks, and its clicks place centroids.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
from collections.abc import Callable
from typing import Any

import bqplot as bq
import ipywidgets as w
import numpy as np
from traitlets import Bool, Int, TraitError, Unicode, observe, validate

from ..core.kmeans_compare import METHODS, compare_methods, compare_starts, elbow
from ..core.kmeans_steps import (
    INIT_METHODS,
    LESSON_SHAPES,
    TABLE_SHAPE,
    KMeansStepper,
    k_advice,
    make_lesson_data,
    prediction_offsets,
    project_table,
    standardise,
    voronoi_grid,
)
from ..core.text import format_coordinate, nice_ticks
from ..errors import SegwidgetsError
from ..widgets._base import CLEAR_PNG as _CLEAR_PNG
from ..widgets._base import click_point, escape, format_significant, syncing

log = logging.getLogger("segwidgets.dashboards.kmeans_lesson")

__all__ = ["KMeansLesson", "PALETTE"]

#: Segment colours (Tableau 10): segment j is drawn in PALETTE[j].
PALETTE = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
]
UNASSIGNED = "#9aa0a6"
#: Every data shape the lesson offers: the 2-D shapes and the demo table through PCA.
SHAPES = {**LESSON_SHAPES, TABLE_SHAPE.name: TABLE_SHAPE}
#: Colours that survive a projector (Okabe–Ito, darkened): the presenter layout's segments.
PRESENTER_PALETTE = [
    "#0060a0", "#e08a00", "#c03c00", "#008060", "#b0408a",
    "#3a9ad9", "#8a6d00", "#000000", "#7a7a7a", "#5a2d82",
]
#: How much of white a Voronoi region mixes into its segment colour (0: full colour).
REGION_LIGHTEN = 0.78
#: Play speeds a person picks: (label, milliseconds between half-steps).
SPEEDS = (("Slow", 1600), ("Normal", 800), ("Fast", 250))
#: What a click on the plot does: (label, mode).
CLICK_MODES = (("Nothing", "none"), ("Add centroid", "add"), ("Remove centroid", "remove"),
               ("Predict", "predict"))
#: A click within this share of the plot's diagonal from a centroid removes it.
REMOVE_RADIUS = 0.06


def _lighten(color: str, amount: float) -> str:
    """``color`` (#rrggbb) mixed with ``amount`` of white."""
    rgb = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in rgb)


#: CSS of the lesson (buttons as wide as their words) and of its presenter layout (large type,
#: heavy lines), scoped to the lesson.
PRESENTER_CSS = """<style>
.sw-kmeans-lesson .sw-lesson-clicks .widget-toggle-button,
.sw-kmeans-lesson .sw-lesson-speed .widget-toggle-button { width: auto !important; padding: 0 12px; }
.sw-lesson-presenting, .sw-lesson-presenting .widget-html-content,
.sw-lesson-presenting .widget-label, .sw-lesson-presenting .widget-readout { font-size: 20px; }
.sw-lesson-presenting .widget-button, .sw-lesson-presenting .widget-toggle-button,
.sw-lesson-presenting select { font-size: 19px; height: 42px; font-weight: 600; }
.sw-lesson-presenting .sw-lesson-status { font-size: 22px; font-weight: 700; }
.sw-lesson-presenting .widget-label, .sw-lesson-presenting .widget-inline-hbox .widget-label {
  width: auto !important; min-width: 0; max-width: none; overflow: visible; }
.sw-lesson-presenting .sw-lesson-explain, .sw-lesson-presenting .sw-lesson-advice,
.sw-lesson-presenting .sw-lesson-centroids { width: auto !important; }
.sw-lesson-presenting .lm-TabBar-tab { font-size: 18px; line-height: 34px; min-height: 36px;
  flex-basis: 220px !important; }
.sw-lesson-presenting .bqplot .axislabel { font-size: 19px !important; fill: #000 !important; }
.sw-lesson-presenting .bqplot .domain, .sw-lesson-presenting .bqplot .tick line { stroke: #000; }
</style>"""


#: How the lesson looks on a desk and projected (presenter layout): plot and controls widths,
#: point size and outline, centroid size, the inertia plot's height and margins.
LOOKS: dict[str, dict[str, Any]] = {
    "desk": {"figure": ("660px", "560px"), "controls": "560px", "points": (36, "white"), "centroids": 360,
             "inertia_height": "190px", "inertia_margin": {"top": 10, "bottom": 40, "left": 70, "right": 15}},
    "presenter": {"figure": ("62vw", "78vh"), "controls": "36vw", "points": (64, "black"), "centroids": 600,
                  "inertia_height": "240px",
                  "inertia_margin": {"top": 10, "bottom": 60, "left": 80, "right": 15}},
}


def _css(name: str) -> str:
    return f"sw-lesson-{name}"


def _plain_errors(method: Callable[..., Any]) -> Callable[..., Any]:
    """Run a callback; any error is shown in the lesson in plain words."""

    def wrapper(self: KMeansLesson, *args: Any, **kwargs: Any) -> Any:
        return self._guarded(method, self, *args, **kwargs)

    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    return wrapper


class KMeansLesson(w.VBox):
    """The k-means lesson: one figure, its controls and the inertia per step.

    Data Attributes:
        shape: str (default: "blobs") — data shape, a key of ``LESSON_SHAPES``.
        k: int (default: 3) — number of centroids, 1 to 10.
        seed: int (default: 0) — seed of the k-means++ start; *New start*
            adds one.
        scale_features: bool (default: False) — cluster (and show) z-scores.
        placing: bool (default: False) — clicks on the plot place centroids from scratch.
        click_mode: str (default: "none") — what a click on the plot does otherwise:
            "add" a centroid, "remove" the nearest one, "predict" where each goes next.
        init_method: str (default: "k-means++") — how a start is chosen ("random": k points).
        presenter: bool (default: False) — full width, large type, projector colours.
        show_regions: bool (default: True) — draw the area each centroid wins under the points.
        status: str — one line on where the lesson is (mirrored in the page
            as ``.sw-lesson-status``).
        stepper: KMeansStepper — the algorithm and its history.
        X: np.ndarray — the points as clustered and drawn.

    Style Attributes:
        play_interval: int (default: 800) — milliseconds between autoplay steps.

    Every control has a stable CSS class ``sw-lesson-<name>``: shape, k,
    standardise, place, assign, update, back, play, converge, reset, plot,
    inertia, status, explain, advice, centroids, start, seed, clicks, speed, presenter,
    regions, extras, starts-run, starts-table, elbow-run, elbow-plot, methods-run, methods.
    Centroids can be dragged; where one is dropped the points are assigned again.
    """

    shape = Unicode("blobs", help="Data shape: a key of LESSON_SHAPES.")
    k = Int(3, help="Number of centroids (1 to 10).")
    seed = Int(0, help="Seed of the k-means++ start.")
    scale_features = Bool(False, help="Standardise both features before clustering.")
    placing = Bool(False, help="While on, clicks on the plot add centroids.")
    status = Unicode("", help="One line on where the lesson is.")
    click_mode = Unicode("none", help="What a click on the plot does: none, add, remove, predict.")
    init_method = Unicode("k-means++", help="How a start is chosen: k-means++ or random.")
    presenter = Bool(False, help="Full width, large type, colours that survive a projector.")
    show_regions = Bool(True, help="Draw the area each centroid wins under the points.")

    MAX_K = KMeansStepper.MAX_K
    MAX_ITER = 100

    def __init__(self, shape: str = "blobs", k: int = 3, seed: int = 0, *, n: int = 300,
                 scale_features: bool = False, play_interval: int = 800, **kwargs: Any):
        self._n = int(n)
        self._ready = False  # observers wait until the widget is built
        self._busy = False  # True while code (not a person) moves a control
        self._placed: list[tuple[float, float]] = []
        self._guesses: list[tuple[float, float]] = []
        self._reveal: tuple[np.ndarray, np.ndarray] | None = None  # (guesses, where they went)
        self._build_plot()
        self._build_inertia_plot()
        self._build_controls(play_interval)
        super().__init__(**kwargs)
        self.add_class("sw-kmeans-lesson")
        # Keys (segwidgets-keys, docs/frontends.md): → or N the next half-step, ← or B step back,
        # Space or P play / pause.
        self.add_class("sw-keys-scope")
        for widget, keys in ((self.next_button, ("arrowright", "n")), (self.back_button, ("arrowleft", "b")),
                             (self.play_toggle, ("space", "p"))):
            for key in keys:
                widget.add_class(f"sw-key-{key}")
        with self.hold_trait_notifications():
            self.set_trait("shape", self._check_shape(shape))
            self.set_trait("k", self._check_k(k))
            self.set_trait("seed", int(seed))
            self.set_trait("scale_features", bool(scale_features))
        self._sync_controls()
        self._load_data()
        self._restart()
        self.children = [self._layout()]
        self._ready = True

    # ------------------------------------------------------------ validation
    @staticmethod
    def _check_shape(value: str) -> str:
        if value not in SHAPES:
            raise TraitError(f"Unknown data shape {value!r}: choose one of {', '.join(SHAPES)}.")
        return value

    @classmethod
    def _check_k(cls, value: int) -> int:
        value = int(value)
        if not 1 <= value <= cls.MAX_K:
            raise TraitError(f"k must be between 1 and {cls.MAX_K}, not {value}.")
        return value

    @validate("shape")
    def _valid_shape(self, proposal: Any) -> str:
        return self._check_shape(proposal["value"])

    @validate("k")
    def _valid_k(self, proposal: Any) -> int:
        return self._check_k(proposal["value"])

    @validate("click_mode")
    def _valid_click_mode(self, proposal: Any) -> str:
        if proposal["value"] not in {mode for _, mode in CLICK_MODES}:
            raise TraitError(f"Unknown click mode {proposal['value']!r}.")
        return proposal["value"]

    @validate("init_method")
    def _valid_init_method(self, proposal: Any) -> str:
        if proposal["value"] not in INIT_METHODS:
            raise TraitError(f"Unknown start {proposal['value']!r}: choose one of "
                             f"{', '.join(INIT_METHODS)}.")
        return proposal["value"]

    @validate("seed")
    def _valid_seed(self, proposal: Any) -> int:
        value = int(proposal["value"])
        if not 0 <= value < 2**31:
            raise TraitError(f"The seed must be between 0 and {2**31 - 1}, not {value}.")
        return value

    # ---------------------------------------------------------------- build
    def _build_plot(self) -> None:
        self.x_scale = bq.LinearScale(min=0.0, max=1.0, allow_padding=False)
        self.y_scale = bq.LinearScale(min=0.0, max=1.0, allow_padding=False)
        self.color_scale = bq.ColorScale(colors=PALETTE[:3], min=0, max=2)
        xy = {"x": self.x_scale, "y": self.y_scale}
        self.region_scale = bq.ColorScale(colors=[_lighten(c, REGION_LIGHTEN) for c in PALETTE[:3]],
                                          min=0, max=2)
        self.regions = bq.HeatMap(x=np.arange(2.0), y=np.arange(2.0), color=np.zeros((2, 2)),
                                  scales={**xy, "color": self.region_scale}, null_color="white")
        self.points = bq.Scatter(
            x=np.zeros(1), y=np.zeros(1), scales={**xy, "color": self.color_scale},
            colors=[UNASSIGNED], default_size=36, stroke="white", stroke_width=0.5,
            opacities=[0.85],
        )
        self.links = bq.Lines(
            x=np.zeros((1, 2)), y=np.zeros((1, 2)), scales={**xy, "color": self.color_scale},
            colors=[UNASSIGNED], opacities=[0.35], stroke_width=1, visible=False,
        )
        self.trails = bq.Lines(
            x=np.zeros((1, 2)), y=np.zeros((1, 2)), scales=xy, colors=["#333333"],
            stroke_width=2, line_style="dashed", visible=False,
        )
        self.centroids = bq.Scatter(
            x=np.zeros(1), y=np.zeros(1), scales={**xy, "color": self.color_scale},
            marker="diamond", default_size=360, stroke="black", stroke_width=2.5,
            colors=[UNASSIGNED], enable_move=True, update_on_move=False, drag_size=1.5,
            interactions={"click": None},
        )
        self.centroids.on_drag(self._on_drag)
        self.centroids.on_drag_end(self._on_drag_end)
        self.centroids.on_element_click(self._on_centroid_click)
        # Predict mode: each guess a cross in its segment's colour, a line to where it went.
        self.guesses = bq.Scatter(
            x=np.zeros(1), y=np.zeros(1), scales={**xy, "color": self.color_scale},
            marker="cross", default_size=260, stroke="black", stroke_width=1.5,
            colors=[UNASSIGNED], visible=False,
        )
        self.guess_lines = bq.Lines(
            x=np.zeros((1, 2)), y=np.zeros((1, 2)), scales=xy, colors=["#000000"],
            stroke_width=2.5, line_style="dotted", visible=False,
        )
        self.click_surface = bq.Image(
            image=w.Image(value=_CLEAR_PNG, format="png"), x=[0.0, 1.0], y=[0.0, 1.0],
            scales=xy,
        )
        self.click_surface.on_element_click(self._on_plot_click)
        self.x_axis = bq.Axis(scale=self.x_scale, label="x", grid_lines="none")
        self.y_axis = bq.Axis(scale=self.y_scale, label="y", side="left",
                              grid_lines="none", label_offset="45px")
        self.figure = bq.Figure(
            # The click surface lies under the centroids, so a centroid can be dragged and clicked.
            marks=[self.regions, self.points, self.links, self.trails, self.guess_lines,
                   self.click_surface, self.guesses, self.centroids],
            axes=[self.x_axis, self.y_axis], animation_duration=0,
            fig_margin={"top": 15, "bottom": 45, "left": 70, "right": 15},
            layout=w.Layout(width="660px", height="560px"),
        )
        self.figure.add_class(_css("plot"))

    def _build_inertia_plot(self) -> None:
        xs, ys = bq.LinearScale(min=0.0, max=1.0, allow_padding=False), bq.LinearScale(
            min=0.0, allow_padding=False)
        self.inertia_line = bq.Lines(
            x=np.zeros(0), y=np.zeros(0), scales={"x": xs, "y": ys}, marker="circle",
            marker_size=24, colors=["#4e79a7"], stroke_width=2,
        )
        self.inertia_x_axis = bq.Axis(scale=xs, label="half-step (assign, update, assign, …)",
                                      tick_format="d", tick_values=np.arange(0, 2))
        self.inertia_x_scale, self.inertia_y_scale = xs, ys
        # Round ticks (0, 2,000, 4,000 …) read aloud better than 9.17k, 6.11k.
        self.inertia_y_axis = bq.Axis(scale=ys, side="left", label="inertia",
                                      tick_format=",.6~g", label_offset="48px",
                                      tick_values=np.array([0.0, 1.0]))
        self.inertia_figure = bq.Figure(
            marks=[self.inertia_line],
            axes=[self.inertia_x_axis, self.inertia_y_axis],
            animation_duration=0,
            fig_margin={"top": 10, "bottom": 40, "left": 70, "right": 15},
            layout=w.Layout(width="520px", height="190px"),
        )
        self.inertia_figure.add_class(_css("inertia"))

    def _build_controls(self, play_interval: int) -> None:
        def button(label: str, name: str, tip: str, handler: Callable[..., Any],
                   style: str = "") -> w.Button:
            b = w.Button(description=label, tooltip=tip, button_style=style,
                         layout=w.Layout(width="auto"))
            b.add_class(_css(name))
            b.on_click(handler)
            return b

        self.shape_menu = w.Dropdown(
            options=[(info.label, name) for name, info in SHAPES.items()],
            description="Data", layout=w.Layout(width="300px"),
            style={"description_width": "40px"},
        )
        self.shape_menu.add_class(_css("shape"))
        self.k_slider = w.IntSlider(min=1, max=self.MAX_K, description="k",
                                    continuous_update=False, layout=w.Layout(width="230px"),
                                    style={"description_width": "20px"})
        self.k_slider.add_class(_css("k"))
        self.standardise_toggle = w.ToggleButton(
            description="Standardise features", icon="balance-scale",
            tooltip="Cluster z-scores: every feature counts the same, whatever its units.",
            layout=w.Layout(width="auto"),
        )
        self.standardise_toggle.add_class(_css("standardise"))
        self.place_toggle = w.ToggleButton(
            description="Place centroids by clicking", icon="crosshairs",
            tooltip="While on, every click on the plot adds a centroid there.",
            layout=w.Layout(width="auto"),
        )
        self.place_toggle.add_class(_css("place"))
        self.assign_button = button("Assign", "assign",
                                    "Each point joins its nearest centroid.", self._on_assign, "info")
        self.update_button = button("Update", "update",
                                    "Each centroid moves to the mean of its points.",
                                    self._on_update, "info")
        self.back_button = button("Step back", "back", "Undo the last half-step (key: ←).", self._on_back)
        self.next_button = button("Next ▸", "next", "The next half-step: assign, then update (key: →).",
                                  self._on_next)
        self.converge_button = button("Run to convergence", "converge",
                                      "Assign and update until nothing changes.",
                                      self._on_converge, "success")
        self.reset_button = button("New start (new seed)", "reset",
                                   "Start again from new k-means++ centroids.", self._on_reset,
                                   "warning")
        self.play_toggle = w.ToggleButton(description="Play", icon="play",
                                          tooltip="Step automatically; press again to pause.",
                                          layout=w.Layout(width="auto"))
        self.play_toggle.add_class(_css("play"))
        # The Play widget ticks in the browser; its own buttons are hidden,
        # the Play/Pause toggle drives it.
        self.player = w.Play(min=0, max=10**6, step=1, interval=int(play_interval),
                             show_repeat=False, layout=w.Layout(display="none"))
        w.link((self.play_toggle, "value"), (self.player, "playing"))
        self.speed_buttons = w.ToggleButtons(
            options=list(SPEEDS), value=int(play_interval) if int(play_interval) in dict(
                SPEEDS).values() else 800, description="Speed",
            tooltips=[f"One half-step every {ms / 1000:g} s" for _, ms in SPEEDS],
            style={"button_width": "70px", "description_width": "50px"})
        self.speed_buttons.add_class(_css("speed"))
        self.player.interval = int(play_interval)

        self.start_menu = w.Dropdown(options=[(label, m) for m, label in INIT_METHODS.items()],
                                     description="Start", layout=w.Layout(width="210px"),
                                     style={"description_width": "40px"})
        self.start_menu.add_class(_css("start"))
        self.seed_box = w.BoundedIntText(min=0, max=2**31 - 1, description="seed",
                                         layout=w.Layout(width="130px"),
                                         style={"description_width": "40px"})
        self.seed_box.add_class(_css("seed"))
        self.click_buttons = w.ToggleButtons(
            options=list(CLICK_MODES), description="Click on plot",
            tooltips=["Clicks do nothing (drag a centroid to move it)",
                      "A click adds a centroid there", "A click on a centroid removes it",
                      "Click where each centroid will move next; then see how far off you were"],
            style={"button_width": "118px", "description_width": "85px"})
        self.click_buttons.add_class(_css("clicks"))
        self.presenter_toggle = w.ToggleButton(
            description="Presenter layout", icon="desktop",
            tooltip="Full width, large type and colours that survive a projector.",
            layout=w.Layout(width="auto"))
        self.presenter_toggle.add_class(_css("presenter"))
        self.regions_toggle = w.ToggleButton(
            description="Regions", icon="th", value=True,
            tooltip="Shade the area each centroid wins (its Voronoi region).",
            layout=w.Layout(width="auto"))
        self.regions_toggle.add_class(_css("regions"))
        self.presenter_css = w.HTML(PRESENTER_CSS, layout=w.Layout(display="none"))

        self.status_line = w.HTML()
        self.status_line.add_class(_css("status"))
        self.explain = w.HTML(layout=w.Layout(width="520px", min_height="66px"))
        self.explain.add_class(_css("explain"))
        self.advice = w.HTML(layout=w.Layout(width="520px"))
        self.advice.add_class(_css("advice"))
        self.centroid_text = w.HTML(layout=w.Layout(width="520px"))
        self.centroid_text.add_class(_css("centroids"))

        self._build_extras()
        for control, trait in ((self.shape_menu, "shape"), (self.k_slider, "k"),
                               (self.standardise_toggle, "scale_features"), (self.place_toggle, "placing"),
                               (self.start_menu, "init_method"), (self.seed_box, "seed"),
                               (self.click_buttons, "click_mode"), (self.presenter_toggle, "presenter"),
                               (self.regions_toggle, "show_regions")):
            control.observe(functools.partial(self._on_control, trait), "value")
        self.play_toggle.observe(self._on_play_toggle, "value")
        self.player.observe(self._on_tick, "value")
        self.speed_buttons.observe(self._on_speed, "value")

    def _build_extras(self) -> None:
        """The tabs under the plot: starts seed by seed, choosing k, where k-means fails."""
        def run_button(label: str, name: str, handler: Callable[..., Any]) -> w.Button:
            b = w.Button(description=label, button_style="primary", layout=w.Layout(width="auto"))
            b.add_class(_css(name))
            b.on_click(handler)
            return b

        self.starts_button = run_button("Compare 10 starts of each kind", "starts-run",
                                        self._on_compare_starts)
        self.starts_table = w.HTML("<i>Random points or k-means++? Press the button: each start "
                                   "runs to convergence on these points and this k.</i>")
        self.starts_table.add_class(_css("starts-table"))

        self.elbow_button = run_button("Inertia and silhouette for k = 1 to 10", "elbow-run",
                                       self._on_elbow)
        ks = bq.LinearScale(min=0.5, max=10.5)
        inertia_scale, sil_scale = bq.LinearScale(min=0.0), bq.LinearScale(min=0.0, max=1.0)
        self.elbow_inertia = bq.Lines(x=np.zeros(0), y=np.zeros(0), marker="circle",
                                      scales={"x": ks, "y": inertia_scale}, colors=["#4e79a7"],
                                      stroke_width=2.5, labels=["inertia"])
        self.elbow_silhouette = bq.Lines(x=np.zeros(0), y=np.zeros(0), marker="square",
                                         scales={"x": ks, "y": sil_scale}, colors=["#e15759"],
                                         stroke_width=2.5, line_style="dashed",
                                         labels=["silhouette"])
        self.elbow_inertia_axis = bq.Axis(scale=inertia_scale, side="left", label="inertia",
                                          tick_format=",.6~g", label_offset="52px",
                                          label_color="#4e79a7", tick_values=np.array([0.0, 1.0]))
        self.elbow_figure = bq.Figure(
            marks=[self.elbow_inertia, self.elbow_silhouette],
            axes=[bq.Axis(scale=ks, label="k", tick_values=np.arange(1, 11), tick_format="d"),
                  self.elbow_inertia_axis,
                  bq.Axis(scale=sil_scale, side="right", label="silhouette", tick_format=".1f",
                          label_color="#e15759", label_offset="40px",
                          tick_values=np.linspace(0, 1, 6))],
            animation_duration=0, legend_location="top-right",
            fig_margin={"top": 15, "bottom": 45, "left": 80, "right": 60},
            layout=w.Layout(width="560px", height="280px"))
        self.elbow_figure.add_class(_css("elbow-plot"))
        self.elbow_text = w.HTML()
        self.elbow_text.add_class(_css("elbow-text"))

        self.methods_button = run_button("Same points: k-means, Gaussian mixture, Ward",
                                         "methods-run", self._on_compare_methods)
        self.methods_box = w.HBox([], layout=w.Layout(flex_flow="row wrap"))
        self.methods_box.add_class(_css("methods"))
        self.methods_text = w.HTML("<i>Choose “Two moons”, “Stretched (slanted) blobs” or "
                                   "“Unequal sizes”, then press the button.</i>")
        self.extras = w.Tab(children=[
            w.VBox([self.starts_button, self.starts_table]),
            w.VBox([self.elbow_button, self.elbow_text, self.elbow_figure]),
            w.VBox([self.methods_button, self.methods_text, self.methods_box]),
        ])
        for i, title in enumerate(("Starts", "Choosing k", "Where it fails")):
            self.extras.set_title(i, title)
        self.extras.add_class(_css("extras"))

    def _layout(self) -> w.Widget:
        row = lambda *c: w.HBox(list(c), layout=w.Layout(flex_flow="row wrap",  # noqa: E731
                                                          align_items="center"))
        controls = w.VBox(
            [
                row(self.shape_menu, self.k_slider),
                row(self.start_menu, self.seed_box, self.standardise_toggle),
                row(self.place_toggle, self.regions_toggle, self.presenter_toggle),
                self.click_buttons,
                row(self.assign_button, self.update_button, self.back_button, self.next_button),
                row(self.play_toggle, self.converge_button, self.reset_button),
                self.speed_buttons,
                self.player,
                self.explain,
                self.advice,
                self.centroid_text,
                self.inertia_figure,
            ],
            layout=w.Layout(width="560px"),
        )
        self.controls = controls
        title = w.HTML("<h3 style='margin:0 0 2px 0'>k-means, step by step</h3>")
        return w.VBox([self.presenter_css, title, self.status_line,
                       w.HBox([self.figure, controls], layout=w.Layout(align_items="flex-start")),
                       self.extras])

    # --------------------------------------------------------- data + state
    def _load_data(self) -> None:
        if self.shape == TABLE_SHAPE.name:
            from ..datasets import load

            frame = load("facebook_live")
            self.projection = project_table(frame, [c for c in frame.columns if c.startswith("num_")])
            self.X_raw = self.X = self.projection.X
            drawn = self.projection.xy
        else:
            self.projection = None
            self.X_raw = make_lesson_data(self.shape, n=self._n, seed=0)
            self.X = standardise(self.X_raw) if self.scale_features else self.X_raw
            drawn = self.X
        self.drawn = drawn
        self.stepper = KMeansStepper(self.X)
        lo, hi = drawn.min(axis=0), drawn.max(axis=0)
        pad = (hi - lo) * 0.06 + 1e-9
        lo, hi = lo - pad, hi + pad
        self._domain = (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1]))
        info = SHAPES[self.shape]
        suffix = " (z-score)" if self.scale_features and self.projection is None else ""
        with contextlib.ExitStack() as stack:
            for widget in (self.x_scale, self.y_scale, self.points, self.click_surface):
                stack.enter_context(widget.hold_sync())
            self.x_scale.min, self.x_scale.max = self._domain[0], self._domain[1]
            self.y_scale.min, self.y_scale.max = self._domain[2], self._domain[3]
            self.points.x, self.points.y = drawn[:, 0], drawn[:, 1]
            self.click_surface.x = [self._domain[0], self._domain[1]]
            self.click_surface.y = [self._domain[2], self._domain[3]]
        self.x_axis.label = info.x_label + suffix
        self.y_axis.label = info.y_label + suffix

    def _restart(self, centroids: np.ndarray | None = None) -> None:
        self._stop_playing()
        self._clear_prediction()
        self.stepper.init(self.k, seed=self.seed, centroids=centroids, method=self.init_method)
        self._draw()

    def xy(self, A: np.ndarray) -> np.ndarray:
        """Points of the clustered space (m, p) as the plot draws them (m, 2)."""
        A = np.asarray(A, dtype=np.float64)
        return A[:, :2] if self.projection is None else self.projection.project(A)

    def from_xy(self, x: float, y: float) -> np.ndarray:
        """A point of the plot in the clustered space (on the plane drawn, for the table)."""
        point = np.array([[float(x), float(y)]])
        return point[0] if self.projection is None else self.projection.unproject(point)[0]

    @property
    def palette(self) -> list[str]:
        """Segment colours: projector colours in the presenter layout."""
        return PRESENTER_PALETTE if self.presenter else PALETTE

    @property
    def span(self) -> float:
        """The plot's diagonal in data units (how far "far" is)."""
        x0, x1, y0, y1 = self._domain
        return float(math.hypot(x1 - x0, y1 - y0))

    def fmt(self, value: float, axis: int) -> str:
        """A coordinate on `axis` (0: x, 1: y) rounded to what the plot can show."""
        x0, x1, y0, y1 = self._domain
        return format_coordinate(value, (x1 - x0) if axis == 0 else (y1 - y0))

    @property
    def state(self):  # noqa: ANN201 - KMeansState
        """The current step of the lesson (a ``KMeansState``)."""
        return self.stepper.state

    # ----------------------------------------------------------------- draw
    def _draw(self, error: str | None = None) -> None:
        st = self.stepper.state
        blank = self.placing and not self._placed
        k = st.k
        palette = self.palette
        colors = palette[:k] if k > 1 else [palette[0], palette[0]]
        X, C = self.drawn, self.xy(st.centroids)
        with contextlib.ExitStack() as stack:
            for widget in (self.color_scale, self.points, self.links, self.trails,
                           self.centroids, self.inertia_line, self.inertia_x_scale,
                           self.inertia_y_scale, self.inertia_x_axis, self.inertia_y_axis,
                           self.regions, self.region_scale, self.guesses, self.guess_lines):
                stack.enter_context(widget.hold_sync())
            self.color_scale.colors = colors
            self.color_scale.min, self.color_scale.max = 0, max(k - 1, 1)
            # Regions of the plane drawn are not the regions of the feature space: none for the table.
            self._draw_regions(C, visible=not blank and self.projection is None)
            self._draw_prediction()
            self.points.color = (None if st.labels is None or blank
                                 else st.labels.astype(np.int32))
            self.centroids.x, self.centroids.y = C[:, 0], C[:, 1]
            self.centroids.color = np.arange(k, dtype=np.int32)
            self.centroids.visible = not blank
            if st.phase == "assign" and st.labels is not None and not blank:
                self.links.x = np.column_stack([X[:, 0], C[st.labels, 0]])
                self.links.y = np.column_stack([X[:, 1], C[st.labels, 1]])
                self.links.color = st.labels.astype(np.int32)
                self.links.visible = True
            else:
                self.links.visible = False
            path = [self.xy(s.centroids) for s in self.stepper.history if s.phase in ("init", "update")]
            if len(path) > 1 and not blank:
                P = np.stack(path, axis=1)  # (k, m, 2)
                self.trails.x, self.trails.y = P[:, :, 0], P[:, :, 1]
                self.trails.visible = True
            else:
                self.trails.visible = False
            hist = self.stepper.inertia_history
            self.inertia_line.x = np.array([h[0] for h in hist], dtype=np.float64)
            self.inertia_line.y = np.array([h[2] for h in hist], dtype=np.float64)
            last = max(len(self.stepper.history) - 1, 1)
            every = max(1, math.ceil(last / 12))
            self.inertia_x_scale.min, self.inertia_x_scale.max = 0.5, last + 0.5
            top = max((h[2] for h in hist), default=1.0)
            ticks = nice_ticks(top * 1.02)
            self.inertia_y_scale.max = float(ticks[-1])
            self.inertia_y_axis.tick_values = np.array(ticks, dtype=np.float64)
            self.inertia_x_axis.tick_values = np.arange(every, last + 1, every)
        self._update_texts(error)

    def _draw_regions(self, C: np.ndarray, *, visible: bool = True) -> None:
        """Shade the area each centroid wins (call inside the draw's hold_sync)."""
        k = C.shape[0]
        self.regions.visible = bool(visible and self.show_regions)
        if not self.regions.visible:
            return
        xs, ys, owner = voronoi_grid(C, self._domain)
        lighten = REGION_LIGHTEN - (0.1 if self.presenter else 0.0)
        colors = [_lighten(c, lighten) for c in self.palette[:k]]
        self.region_scale.colors = colors if k > 1 else [colors[0], colors[0]]
        self.region_scale.min, self.region_scale.max = 0, max(k - 1, 1)
        self.regions.x, self.regions.y = xs, ys
        self.regions.color = owner.astype(np.float64)

    def _draw_prediction(self) -> None:
        """The guesses of predict mode and, once revealed, a line from each to where it went."""
        guesses = np.array(self._guesses if self._reveal is None else self._reveal[0], dtype=np.float64)
        if guesses.size == 0:
            self.guesses.visible = self.guess_lines.visible = False
            return
        self.guesses.x, self.guesses.y = guesses[:, 0], guesses[:, 1]
        self.guesses.color = np.arange(len(guesses), dtype=np.int32)
        self.guesses.visible = True
        if self._reveal is None:
            self.guess_lines.visible = False
        else:
            G, A = self._reveal
            self.guess_lines.x = np.column_stack([G[:, 0], A[:, 0]])
            self.guess_lines.y = np.column_stack([G[:, 1], A[:, 1]])
            self.guess_lines.visible = True

    def _clear_prediction(self) -> None:
        self._guesses, self._reveal = [], None

    def _update_texts(self, error: str | None = None) -> None:
        st = self.stepper.state
        info = SHAPES[self.shape]
        if self.placing and not self._placed:
            self.status = f"{info.label} · placing centroids: 0 placed · click on the plot"
            self.status_line.value = f"<span>{escape(self.status)}</span>"
            return
        parts = [info.label, f"k={st.k}", f"iteration {st.iteration}", f"after {st.phase}"]
        if st.inertia is not None:
            parts.append(f"inertia {format_significant(st.inertia, 4)}")
        if self.placing:
            parts.append(f"placing centroids: {len(self._placed)} placed")
        elif self.click_mode == "predict" and self._reveal is None:
            parts.append(f"predicting: {len(self._guesses)} of {st.k} guessed")
        elif self.click_mode in ("add", "remove"):
            parts.append(f"clicks {self.click_mode} centroids")
        if self.stepper.converged:
            parts.append(f"converged after {st.iteration} iterations")
        elif st.iteration >= self.MAX_ITER:
            parts.append(f"stopped after {self.MAX_ITER} iterations")
        else:
            parts.append(f"next: {self.stepper.next_phase}")
        # The centroid list goes out before the status line, which is the last word.
        coords = ", ".join(f"{j + 1}: ({self.fmt(c[0], 0)}, {self.fmt(c[1], 1)})"
                           for j, c in enumerate(self.xy(st.centroids)))
        self.centroid_text.value = (f"<span style='font-size:85%;color:#444'>Centroids — "
                                    f"{escape(coords)}</span>")
        self.status = " · ".join(parts)
        self.status_line.value = f"<span>{escape(self.status)}</span>"
        self._say(error or st.message, error=bool(error))
        advice = [k_advice(self.shape, st.k), info.note]
        if self.projection is not None:
            advice.append(self.projection.note)
        if self.shape == "stretched":
            advice.append("Features are standardised now: both count the same." if self.scale_features
                          else "Turn on “Standardise features” to see the difference.")
        self.advice.value = "<div style='font-size:90%;line-height:1.35'>" + "<br>".join(
            escape(a) for a in advice) + "</div>"

    def _say(self, message: str, *, error: bool = False) -> None:
        color = "#b00020" if error else "#222"
        self.explain.value = (f"<div style='color:{color};line-height:1.35'>"
                              f"{escape(message)}</div>")

    # ------------------------------------------------------------- controls
    def _sync_controls(self) -> None:
        with syncing(self, "_busy"):
            self.shape_menu.value = self.shape
            self.k_slider.value = self.k
            self.standardise_toggle.value = self.scale_features
            self.place_toggle.value = self.placing
            self.start_menu.value = self.init_method
            self.seed_box.value = self.seed
            self.click_buttons.value = self.click_mode
            self.presenter_toggle.value = self.presenter
            self.regions_toggle.value = self.show_regions

    def _stop_playing(self) -> None:
        if self.player.playing:
            self.player.playing = False

    def _finish_placing(self) -> None:
        if self.placing:
            self.placing = False

    @_plain_errors
    def _on_control(self, trait: str, change: dict) -> None:
        """A person moved the control of ``trait``: set it (not while the lesson moves the controls)."""
        if not self._busy:
            setattr(self, trait, change["new"])

    @observe("shape", "scale_features")
    def _data_changed(self, change: dict) -> None:
        if self._ready:
            natural = SHAPES[self.shape].natural_k
            if change["name"] == "shape" and natural is not None and natural != self.k:
                with syncing(self, "_busy"):  # a new shape starts at the k a person sees in it
                    self.k = natural
            self._guarded(self._reload)

    @observe("k")
    def _k_changed(self, change: dict) -> None:
        if self._ready and not self._busy:
            self._guarded(self._reinit_k)

    @observe("seed", "init_method")
    def _seed_changed(self, change: dict) -> None:
        if self._ready and not self._busy:
            self._guarded(self._reinit_k)

    @observe("placing")
    def _placing_changed(self, change: dict) -> None:
        if self._ready:
            if change["new"] and self.click_mode != "none":
                self.click_mode = "none"
            self._guarded(self._toggle_placing, change["new"])

    @observe("click_mode")
    def _click_mode_changed(self, change: dict) -> None:
        if self._ready:
            self._guarded(self._enter_click_mode, change["new"])

    @observe("presenter")
    def _presenter_changed(self, change: dict) -> None:
        if self._ready:
            self._guarded(self._apply_presenter, change["new"])

    @observe("show_regions")
    def _regions_changed(self, change: dict) -> None:
        if self._ready:
            self._sync_controls()
            self._guarded(self._draw)

    def _guarded(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call fn; an error becomes plain words in the lesson, never a traceback."""
        try:
            return fn(*args, **kwargs)
        except (SegwidgetsError, TraitError) as exc:
            self._say(str(exc), error=True)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for a view
            log.exception("k-means lesson callback failed")
            self._say(f"Something went wrong ({type(exc).__name__}: {exc}).", error=True)
        return None

    def _reload(self) -> None:
        self._sync_controls()
        self._placed = []
        self._finish_placing()
        self._load_data()
        self._restart()

    def _reinit_k(self) -> None:
        self._sync_controls()
        self._placed = []
        self._finish_placing()
        self._restart()

    def _toggle_placing(self, on: bool) -> None:
        self._sync_controls()
        self._stop_playing()
        if on:
            self._placed = []
            self._draw()
            self._say("Click on the plot to place each centroid. Then press Assign, "
                      "Play or Run to convergence.")
        elif self._placed:
            self._draw()
        else:  # turned off before any click: back to a k-means++ start
            self._restart()

    # --------------------------------------------------------- plot clicks
    @_plain_errors
    def _on_plot_click(self, mark: Any, content: dict, *args: Any) -> None:
        point = click_point(content)
        if point is None:
            return  # not a click we understand: ignore it
        x, y = point
        x0, x1, y0, y1 = self._domain
        if not (math.isfinite(x) and math.isfinite(y) and x0 <= x <= x1 and y0 <= y <= y1):
            return
        if self.placing:
            self.add_centroid(x, y)
        elif self.click_mode == "add":
            self.insert_centroid(x, y)
        elif self.click_mode == "remove":
            C = self.xy(self.stepper.state.centroids)
            j = int(np.argmin(np.hypot(C[:, 0] - x, C[:, 1] - y)))
            if math.hypot(C[j, 0] - x, C[j, 1] - y) > REMOVE_RADIUS * self.span:
                self._say("Click on a centroid (a diamond) to remove it.")
                return
            self.remove_centroid(j)
        elif self.click_mode == "predict":
            self.guess(x, y)
        else:
            self._say("Drag a centroid to move it. To add, remove or predict centroids with a "
                      "click, choose what a click does under “Click on plot”; to place them all "
                      "by hand, turn on “Place centroids by clicking”.")

    @_plain_errors
    def _on_centroid_click(self, mark: Any, content: dict, *args: Any) -> None:
        """A click on a centroid (the diamond itself, above the click surface)."""
        index = (content.get("data") or {}).get("index") if isinstance(content, dict) else None
        if not isinstance(index, int) or not 0 <= index < self.stepper.k:
            return
        if self.click_mode == "remove":
            self.remove_centroid(index)
        elif self.click_mode == "predict":
            C = self.xy(self.stepper.state.centroids)
            self.guess(float(C[index, 0]), float(C[index, 1]))

    def _drop(self, content: dict) -> tuple[int, float, float] | None:
        """(index, x, y) of a drag message, or None if it is not one we understand."""
        if not isinstance(content, dict):
            return None
        index, point = content.get("index"), content.get("point")
        if not isinstance(index, int) or not isinstance(point, dict) or not 0 <= index < self.stepper.k:
            return None
        try:
            x, y = float(point["x"]), float(point["y"])
        except (KeyError, TypeError, ValueError):
            return None
        return (index, x, y) if math.isfinite(x) and math.isfinite(y) else None

    @_plain_errors
    def _on_drag(self, mark: Any, content: dict, *args: Any) -> None:
        """While a centroid is dragged: recolour the points and regions (not the centroids,
        which the browser is moving)."""
        drop = self._drop(content)
        if drop is None or self.placing:
            return
        j, x, y = drop
        C = self.stepper.state.centroids.copy()
        C[j] = self.from_xy(x, y)
        labels = np.argmin(((self.X[:, None, :] - C[None, :, :]) ** 2).sum(-1), axis=1)
        with self.points.hold_sync(), self.regions.hold_sync(), self.region_scale.hold_sync():
            if self.stepper.state.labels is not None:
                self.points.color = labels.astype(np.int32)
            self._draw_regions(self.xy(C), visible=self.projection is None)

    @_plain_errors
    def _on_drag_end(self, mark: Any, content: dict, *args: Any) -> None:
        drop = self._drop(content)
        if drop is None:
            self._draw()  # put the centroids back where the lesson has them
            return
        self.move_centroid(*drop)

    def _start_from(self, C: np.ndarray, message: str) -> None:
        """Start again from centroids C; if the points had segments, assign them again at once."""
        self._stop_playing()
        self._clear_prediction()
        had_labels = self.stepper.state.labels is not None
        self.stepper.init(C.shape[0], centroids=C)
        with syncing(self, "_busy"):
            self.k = C.shape[0]
            self.k_slider.value = self.k
        if had_labels:
            self.stepper.assign()
        self._draw()
        self._say(message + (" The points joined their nearest centroid again." if had_labels
                             else ""))

    def move_centroid(self, j: int, x: float, y: float) -> None:
        """Move centroid j (0-based) to (x, y) and start from there (what a drag does)."""
        C = self.stepper.state.centroids.copy()
        if not 0 <= int(j) < C.shape[0]:
            raise TraitError(f"There is no centroid {int(j) + 1}.")
        C[int(j)] = self.from_xy(x, y)
        self._start_from(C, f"Centroid {int(j) + 1} moved to ({self.fmt(x, 0)}, {self.fmt(y, 1)}).")

    def insert_centroid(self, x: float, y: float) -> None:
        """Add one centroid at (x, y) to those there are (what a click does in "add" mode)."""
        C = self.stepper.state.centroids
        if C.shape[0] >= self.MAX_K:
            raise TraitError(f"The lesson shows at most {self.MAX_K} centroids.")
        self._start_from(np.vstack([C, self.from_xy(x, y)[None, :]]),
                         f"Centroid {C.shape[0] + 1} added at ({self.fmt(x, 0)}, {self.fmt(y, 1)}).")

    def remove_centroid(self, j: int) -> None:
        """Remove centroid j (0-based); the others keep their places."""
        C = self.stepper.state.centroids
        if C.shape[0] <= 1:
            raise TraitError("k-means needs at least one centroid: this is the last one.")
        if not 0 <= int(j) < C.shape[0]:
            raise TraitError(f"There is no centroid {int(j) + 1}.")
        self._start_from(np.delete(C, int(j), axis=0),
                         f"Centroid {int(j) + 1} removed: {C.shape[0] - 1} left, numbered again.")

    # -------------------------------------------------------------- predict
    def _enter_click_mode(self, mode: str) -> None:
        self._sync_controls()
        self._clear_prediction()
        if mode != "none" and self.placing:
            with syncing(self, "_busy"):
                self.placing = False
                self.place_toggle.value = False
        if mode == "predict":
            self._stop_playing()
            self._prepare_prediction()
            return
        self._draw()
        if mode == "add":
            self._say("Click on the plot to add a centroid there.")
        elif mode == "remove":
            self._say("Click on a centroid (a diamond) to remove it.")

    def _prepare_prediction(self) -> None:
        """Predicting where the centroids go needs the points assigned: assign if they are not."""
        stepper = self.stepper
        if stepper.state.phase != "assign":
            if stepper.converged or stepper.state.iteration >= self.MAX_ITER:
                self._draw()
                self._say("k-means has converged: the centroids will not move again. Press "
                          "New start to predict from a fresh start.")
                return
            stepper.assign()
        self._draw()
        self._say(f"Predict: click where centroid 1 will move — the middle of its points. "
                  f"{stepper.k} centroid{'s' if stepper.k != 1 else ''} to place, in order.")

    def guess(self, x: float, y: float) -> None:
        """Record a guess of where the next centroid (in order) goes; after the last, show the
        update and how far off each guess was."""
        stepper = self.stepper
        if self._reveal is not None or stepper.state.phase != "assign":
            self._clear_prediction()
            self._prepare_prediction()
            return
        self._guesses.append((float(x), float(y)))
        n, k = len(self._guesses), stepper.k
        if n < k:
            self._draw()
            self._say(f"Guess {n} placed. Now click where centroid {n + 1} will move.")
            return
        G = np.array(self._guesses, dtype=np.float64)
        stepper.update()
        A = self.xy(stepper.state.centroids)
        off = prediction_offsets(G, A)
        self._guesses, self._reveal = [], (G, A)
        self._draw()
        x0, x1 = self._domain[:2]
        each = "; ".join(f"centroid {j + 1}: {format_significant(d, 2)}" for j, d in enumerate(off))
        self._say(f"Here is the update. Your guesses were off by — {each}. Average "
                  f"{format_significant(float(off.mean()), 2)}, where the plot is "
                  f"{format_significant(x1 - x0, 2)} wide. Click again to predict the next step.")

    # ---------------------------------------------------------- presenting
    def _apply_presenter(self, on: bool) -> None:
        self._sync_controls()
        (self.add_class if on else self.remove_class)(_css("presenting"))
        look = LOOKS["presenter" if on else "desk"]
        self.figure.layout.width, self.figure.layout.height = look["figure"]
        self.controls.layout.width = look["controls"]
        self.points.default_size, self.points.stroke = look["points"]
        self.centroids.default_size = look["centroids"]
        self.inertia_figure.layout.height = look["inertia_height"]
        self.inertia_figure.fig_margin = dict(look["inertia_margin"])
        tick_style = {"font-size": "17px", "fill": "#000"} if on else {}
        for fig in (self.figure, self.inertia_figure, self.elbow_figure):
            for axis in fig.axes:
                axis.tick_style = tick_style
        self._draw()

    @_plain_errors
    def _on_speed(self, change: dict) -> None:
        self.player.interval = int(change["new"])

    # ---------------------------------------------------------------- extras
    @_plain_errors
    def _on_compare_starts(self, _: Any = None) -> None:
        self._stop_playing()
        k = self.stepper.k
        result = compare_starts(self.X, k)
        lowest, top = result.lowest, max(r.inertia for r in result.runs)
        rows = []
        for seed in sorted({r.seed for r in result.runs}):
            cells = [f"<td style='text-align:right;padding:1px 8px'>{seed}</td>"]
            for method in INIT_METHODS:
                run = next(r for r in result.of(method) if r.seed == seed)
                stuck = run.inertia > lowest * 1.01
                width = 8 + 112 * run.inertia / top if top > 0 else 8
                cells.append(
                    f"<td style='padding:1px 8px;white-space:nowrap'>"
                    f"<span style='display:inline-block;width:{width:.0f}px;height:10px;"
                    f"background:{'#e15759' if stuck else '#59a14f'};margin-right:6px'></span>"
                    f"{format_significant(run.inertia, 4)} · {run.iterations} it."
                    f"{' · stuck higher' if stuck else ''}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        best = result.best
        summary = " ".join(
            f"With {INIT_METHODS[m]}, {result.stuck(m)} of {len(result.of(m))} starts "
            f"ended more than 1% above the lowest inertia; keeping the best of "
            f"{len(result.of(m))} (n_init={len(result.of(m))}) gives "
            f"{format_significant(best[m].inertia, 4)}." for m in INIT_METHODS)
        head = "".join(f"<th style='text-align:left;padding:1px 8px'>{escape(INIT_METHODS[m])}</th>"
                       for m in INIT_METHODS)
        self.starts_table.value = (
            f"<div>k={k}, on the points shown. Each row starts from one seed and runs to "
            f"convergence (final inertia · iterations).</div>"
            f"<table style='border-collapse:collapse'><tr><th>seed</th>{head}</tr>"
            + "".join(rows) + f"</table><div style='margin-top:4px'>{escape(summary)} "
            f"To watch one start, pick it under Start and seed above.</div>")

    @_plain_errors
    def _on_elbow(self, _: Any = None) -> None:
        self._stop_playing()
        result = elbow(self.X, seed=self.seed)
        ticks = nice_ticks(max(result.inertia) * 1.02)
        with self.elbow_inertia.hold_sync(), self.elbow_silhouette.hold_sync():
            self.elbow_inertia.x = np.array(result.ks, dtype=np.float64)
            self.elbow_inertia.y = np.array(result.inertia, dtype=np.float64)
            scored = [(k, s) for k, s in zip(result.ks, result.silhouette) if s is not None]
            self.elbow_silhouette.x = np.array([k for k, _ in scored], dtype=np.float64)
            self.elbow_silhouette.y = np.array([s for _, s in scored], dtype=np.float64)
        self.elbow_inertia.scales["y"].max = float(ticks[-1])
        self.elbow_inertia_axis.tick_values = np.array(ticks, dtype=np.float64)
        best = result.best_silhouette_k
        self.elbow_text.value = (
            f"<div style='line-height:1.35'>Inertia always falls as k grows, so look for the "
            f"bend (the elbow). The silhouette (higher is better, at most 1) peaks at "
            f"<b>k={best}</b> here." + (
                f" {escape(SHAPES[self.shape].label)}: a person sees "
                f"{SHAPES[self.shape].natural_k} groups." if SHAPES[self.shape].natural_k else "")
            + "</div>")

    @_plain_errors
    def _on_compare_methods(self, _: Any = None) -> None:
        self._stop_playing()
        k = self.stepper.k
        labels = compare_methods(self.X, k, seed=self.seed)
        figures = []
        palette = self.palette
        for name in METHODS:
            xs, ys = bq.LinearScale(min=self._domain[0], max=self._domain[1]), bq.LinearScale(
                min=self._domain[2], max=self._domain[3])
            cs = bq.ColorScale(colors=palette[:k] if k > 1 else palette[:1] * 2, min=0,
                               max=max(k - 1, 1))
            mark = bq.Scatter(x=self.drawn[:, 0], y=self.drawn[:, 1], color=labels[name].astype(np.int32),
                              scales={"x": xs, "y": ys, "color": cs}, default_size=20,
                              stroke="white", stroke_width=0.3)
            fig = bq.Figure(marks=[mark], axes=[bq.Axis(scale=xs, num_ticks=3),
                                                bq.Axis(scale=ys, side="left",
                                                        num_ticks=3)],
                            title=name, animation_duration=0,
                            fig_margin={"top": 40, "bottom": 30, "left": 45, "right": 10},
                            layout=w.Layout(width="380px", height="340px"))
            fig.add_class(_css("method-plot"))
            figures.append(fig)
        for old in self.methods_box.children:
            old.close()
        self.methods_box.children = figures
        self.methods_text.value = (
            f"<div style='line-height:1.35'>{escape(SHAPES[self.shape].note)} "
            f"A Gaussian mixture lets each segment be a stretched, tilted ellipse of its own "
            f"size; Ward merges the closest groups step by step. Same points, k={k}.</div>")

    def add_centroid(self, x: float, y: float) -> None:
        """Place one more centroid at (x, y) (in the plotted units) and start there."""
        x, y = float(x), float(y)
        if not (math.isfinite(x) and math.isfinite(y)):
            raise TraitError("A centroid needs two finite numbers.")
        if not self.placing:
            self._placed = []
            self.placing = True
        if len(self._placed) >= self.MAX_K:
            raise TraitError(f"The lesson shows at most {self.MAX_K} centroids: "
                             f"press Assign to start with these.")
        self._placed.append((x, y))
        self.stepper.init(len(self._placed), centroids=np.array([self.from_xy(*p) for p in self._placed]))
        with syncing(self, "_busy"):
            self.k = len(self._placed)
            self.k_slider.value = self.k
        self._draw()
        n = len(self._placed)
        self._say(f"Centroid {n} placed at ({self.fmt(x, 0)}, {self.fmt(y, 1)}). "
                  f"Click again to add another, or press Assign to start with {n} centroid{'s' if n != 1 else ''}.")

    # -------------------------------------------------------------- buttons
    def _before_step(self) -> None:
        self._finish_placing()
        self._clear_prediction()

    @_plain_errors
    def _on_assign(self, _: Any = None) -> None:
        self._before_step()
        self.stepper.assign()
        self._draw()

    @_plain_errors
    def _on_update(self, _: Any = None) -> None:
        self._before_step()
        if self.stepper.state.phase == "init":
            raise TraitError("Assign the points first: Update moves each centroid to the "
                             "middle of its points.")
        self.stepper.update()
        self._draw()

    @_plain_errors
    def _on_next(self, _: Any = None) -> None:
        self._stop_playing()
        self._before_step()
        self.step()

    @_plain_errors
    def _on_back(self, _: Any = None) -> None:
        self._stop_playing()
        self._finish_placing()
        self._clear_prediction()
        self.stepper.back()
        self._draw()

    @_plain_errors
    def _on_converge(self, _: Any = None) -> None:
        self._stop_playing()
        self._before_step()
        if self.stepper.converged:
            self._draw()
            return
        self.stepper.run_to_convergence(max_iter=self.MAX_ITER)
        self._draw()
        st = self.stepper.state
        if self.stepper.converged:
            self._say(f"Converged after {st.iteration} iterations: an assign step changed no "
                      f"point's segment. Final inertia {format_significant(st.inertia, 4)}. Step back to replay "
                      f"the last steps.")

    @_plain_errors
    def _on_reset(self, _: Any = None) -> None:
        self._stop_playing()
        self._placed = []
        self._finish_placing()
        with syncing(self, "_busy"):
            self.seed = self.seed + 1
        self._restart()

    @_plain_errors
    def _on_play_toggle(self, change: dict) -> None:
        playing = bool(change["new"])
        self.play_toggle.description = "Pause" if playing else "Play"
        self.play_toggle.icon = "pause" if playing else "play"
        if playing:
            self._before_step()
            if self.stepper.converged:
                self._stop_playing()
                self._say("Already converged: press New start or Step back to play again.")

    @_plain_errors
    def _on_tick(self, change: dict) -> None:
        if not self.player.playing:
            return
        self.step()

    # ------------------------------------------------------------ public API
    def step(self) -> None:
        """One half-step (what Play does each tick); stops playing at convergence."""
        self._finish_placing()
        if self.stepper.converged or self.stepper.state.iteration >= self.MAX_ITER:
            self._stop_playing()
            self._draw()
            return
        self.stepper.step()
        if self.stepper.converged:
            self._stop_playing()
        self._draw()
