"""KMeansLesson: step through k-means on 2-D data, for instructors.

Pick a data shape and k, then press *Assign* and *Update* in turn (or
*Play*, or *Run to convergence*) and watch each point join its nearest
centroid and each centroid move to the mean of its points; *Step back*
undoes a half-step. Centroids can be placed by hand by clicking on the plot.
The inertia of every step is plotted beside it, and two toggles show what
scaling and a bad k do.

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

from ..core.kmeans_steps import (
    LESSON_SHAPES,
    KMeansStepper,
    k_advice,
    make_lesson_data,
    standardise,
)
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
        placing: bool (default: False) — clicks on the plot add centroids.
        status: str — one line on where the lesson is (mirrored in the page
            as ``.sw-lesson-status``).
        stepper: KMeansStepper — the algorithm and its history.
        X: np.ndarray — the points as clustered and drawn.

    Style Attributes:
        play_interval: int (default: 800) — milliseconds between autoplay steps.

    Every control has a stable CSS class ``sw-lesson-<name>``: shape, k,
    standardise, place, assign, update, back, play, converge, reset, plot,
    inertia, status, explain, advice, centroids.
    """

    shape = Unicode("blobs", help="Data shape: a key of LESSON_SHAPES.")
    k = Int(3, help="Number of centroids (1 to 10).")
    seed = Int(0, help="Seed of the k-means++ start.")
    scale_features = Bool(False, help="Standardise both features before clustering.")
    placing = Bool(False, help="While on, clicks on the plot add centroids.")
    status = Unicode("", help="One line on where the lesson is.")

    MAX_K = KMeansStepper.MAX_K
    MAX_ITER = 100

    def __init__(self, shape: str = "blobs", k: int = 3, seed: int = 0, *, n: int = 300,
                 scale_features: bool = False, play_interval: int = 800, **kwargs: Any):
        self._n = int(n)
        self._ready = False  # observers wait until the widget is built
        self._busy = False  # True while code (not a person) moves a control
        self._placed: list[tuple[float, float]] = []
        self._build_plot()
        self._build_inertia_plot()
        self._build_controls(play_interval)
        super().__init__(**kwargs)
        self.add_class("sw-kmeans-lesson")
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
        if value not in LESSON_SHAPES:
            raise TraitError(f"Unknown data shape {value!r}: choose one of {', '.join(LESSON_SHAPES)}.")
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

    # ---------------------------------------------------------------- build
    def _build_plot(self) -> None:
        self.x_scale = bq.LinearScale(min=0.0, max=1.0, allow_padding=False)
        self.y_scale = bq.LinearScale(min=0.0, max=1.0, allow_padding=False)
        self.color_scale = bq.ColorScale(colors=PALETTE[:3], min=0, max=2)
        xy = {"x": self.x_scale, "y": self.y_scale}
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
            colors=[UNASSIGNED],
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
            marks=[self.points, self.links, self.trails, self.centroids, self.click_surface],
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
        self.inertia_figure = bq.Figure(
            marks=[self.inertia_line],
            axes=[self.inertia_x_axis,
                  bq.Axis(scale=ys, side="left", label="inertia",
                          tick_format=".3~s", label_offset="40px", num_ticks=4)],
            animation_duration=0,
            fig_margin={"top": 10, "bottom": 40, "left": 60, "right": 15},
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
            options=[(info.label, name) for name, info in LESSON_SHAPES.items()],
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
        self.back_button = button("Step back", "back", "Undo the last half-step.", self._on_back)
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

        self.status_line = w.HTML()
        self.status_line.add_class(_css("status"))
        self.explain = w.HTML(layout=w.Layout(width="520px", min_height="66px"))
        self.explain.add_class(_css("explain"))
        self.advice = w.HTML(layout=w.Layout(width="520px"))
        self.advice.add_class(_css("advice"))
        self.centroid_text = w.HTML(layout=w.Layout(width="520px"))
        self.centroid_text.add_class(_css("centroids"))

        for control, trait in ((self.shape_menu, "shape"), (self.k_slider, "k"),
                               (self.standardise_toggle, "scale_features"), (self.place_toggle, "placing")):
            control.observe(functools.partial(self._on_control, trait), "value")
        self.play_toggle.observe(self._on_play_toggle, "value")
        self.player.observe(self._on_tick, "value")

    def _layout(self) -> w.Widget:
        row = lambda *c: w.HBox(list(c), layout=w.Layout(flex_flow="row wrap",  # noqa: E731
                                                          align_items="center"))
        controls = w.VBox(
            [
                row(self.shape_menu, self.k_slider),
                row(self.standardise_toggle, self.place_toggle),
                row(self.assign_button, self.update_button, self.back_button),
                row(self.play_toggle, self.converge_button, self.reset_button),
                self.player,
                self.explain,
                self.advice,
                self.centroid_text,
                self.inertia_figure,
            ],
            layout=w.Layout(width="540px"),
        )
        title = w.HTML("<h3 style='margin:0 0 2px 0'>k-means, step by step</h3>")
        return w.VBox([title, self.status_line,
                       w.HBox([self.figure, controls], layout=w.Layout(align_items="flex-start"))])

    # --------------------------------------------------------- data + state
    def _load_data(self) -> None:
        self.X_raw = make_lesson_data(self.shape, n=self._n, seed=0)
        self.X = standardise(self.X_raw) if self.scale_features else self.X_raw
        self.stepper = KMeansStepper(self.X)
        lo, hi = self.X.min(axis=0), self.X.max(axis=0)
        pad = (hi - lo) * 0.06 + 1e-9
        lo, hi = lo - pad, hi + pad
        self._domain = (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1]))
        info = LESSON_SHAPES[self.shape]
        suffix = " (z-score)" if self.scale_features else ""
        with contextlib.ExitStack() as stack:
            for widget in (self.x_scale, self.y_scale, self.points, self.click_surface):
                stack.enter_context(widget.hold_sync())
            self.x_scale.min, self.x_scale.max = self._domain[0], self._domain[1]
            self.y_scale.min, self.y_scale.max = self._domain[2], self._domain[3]
            self.points.x, self.points.y = self.X[:, 0], self.X[:, 1]
            self.click_surface.x = [self._domain[0], self._domain[1]]
            self.click_surface.y = [self._domain[2], self._domain[3]]
        self.x_axis.label = info.x_label + suffix
        self.y_axis.label = info.y_label + suffix

    def _restart(self, centroids: np.ndarray | None = None) -> None:
        self._stop_playing()
        self.stepper.init(self.k, seed=self.seed, centroids=centroids)
        self._draw()

    @property
    def state(self):  # noqa: ANN201 - KMeansState
        """The current step of the lesson (a ``KMeansState``)."""
        return self.stepper.state

    # ----------------------------------------------------------------- draw
    def _draw(self, error: str | None = None) -> None:
        st = self.stepper.state
        blank = self.placing and not self._placed
        k = st.k
        colors = PALETTE[:k] if k > 1 else [PALETTE[0], PALETTE[0]]
        X, C = self.X, st.centroids
        with contextlib.ExitStack() as stack:
            for widget in (self.color_scale, self.points, self.links, self.trails,
                           self.centroids, self.inertia_line, self.inertia_x_scale,
                           self.inertia_y_scale, self.inertia_x_axis):
                stack.enter_context(widget.hold_sync())
            self.color_scale.colors = colors
            self.color_scale.min, self.color_scale.max = 0, max(k - 1, 1)
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
            path = [s.centroids for s in self.stepper.history if s.phase in ("init", "update")]
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
            self.inertia_y_scale.max = float(top * 1.08) if top > 0 else 1.0
            self.inertia_x_axis.tick_values = np.arange(every, last + 1, every)
        self._update_texts(error)

    def _update_texts(self, error: str | None = None) -> None:
        st = self.stepper.state
        info = LESSON_SHAPES[self.shape]
        if self.placing and not self._placed:
            self.status = f"{info.label} · placing centroids: 0 placed · click on the plot"
            self.status_line.value = f"<span>{escape(self.status)}</span>"
            return
        parts = [info.label, f"k={st.k}", f"iteration {st.iteration}", f"after {st.phase}"]
        if st.inertia is not None:
            parts.append(f"inertia {format_significant(st.inertia, 4)}")
        if self.placing:
            parts.append(f"placing centroids: {len(self._placed)} placed")
        if self.stepper.converged:
            parts.append(f"converged after {st.iteration} iterations")
        elif st.iteration >= self.MAX_ITER:
            parts.append(f"stopped after {self.MAX_ITER} iterations")
        else:
            parts.append(f"next: {self.stepper.next_phase}")
        # The centroid list goes out before the status line, which is the last word.
        coords = ", ".join(f"{j + 1}: ({format_significant(c[0])}, {format_significant(c[1])})"
                           for j, c in enumerate(st.centroids))
        self.centroid_text.value = (f"<span style='font-size:85%;color:#555'>Centroids — "
                                    f"{escape(coords)}</span>")
        self.status = " · ".join(parts)
        self.status_line.value = f"<span>{escape(self.status)}</span>"
        self._say(error or st.message, error=bool(error))
        advice = [k_advice(self.shape, st.k), info.note]
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
            self._guarded(self._reload)

    @observe("k")
    def _k_changed(self, change: dict) -> None:
        if self._ready and not self._busy:
            self._guarded(self._reinit_k)

    @observe("seed")
    def _seed_changed(self, change: dict) -> None:
        if self._ready and not self._busy:
            self._guarded(self._reinit_k)

    @observe("placing")
    def _placing_changed(self, change: dict) -> None:
        if self._ready:
            self._guarded(self._toggle_placing, change["new"])

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
        if not self.placing:
            self._say("To place centroids by hand, turn on “Place centroids by clicking” "
                      "first, then click where each centroid should start.")
            return
        self.add_centroid(x, y)

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
        self.stepper.init(len(self._placed), centroids=np.array(self._placed))
        with syncing(self, "_busy"):
            self.k = len(self._placed)
            self.k_slider.value = self.k
        self._draw()
        n = len(self._placed)
        self._say(f"Centroid {n} placed at ({format_significant(x)}, {format_significant(y)}). "
                  f"Click again to add another, or press Assign to start with {n} centroid{'s' if n != 1 else ''}.")

    # -------------------------------------------------------------- buttons
    def _before_step(self) -> None:
        self._finish_placing()

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
    def _on_back(self, _: Any = None) -> None:
        self._stop_playing()
        self._finish_placing()
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
