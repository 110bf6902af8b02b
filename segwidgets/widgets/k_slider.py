"""``KSlider``: the number of segments, live while dragging."""

from __future__ import annotations

import threading
from typing import Any

import ipywidgets as w
from traitlets import Float, Int, TraitError, validate

from ..core.algorithms import ALGORITHMS, K_MAX, K_MIN
from ..session import Job, Segmentation
from ._base import css, escape, report_errors
from ._view import View


class KSlider(View, w.VBox):
    """A slider "Segments (k)" that refits the model as it moves.

    Every value the slider takes goes to ``model.k`` at once: the model
    coalesces background fits (only the newest pending spec is fitted) and
    serves k values it has seen from its cache instantly, and the browser
    keeps one update in flight and sends only the latest value while the
    kernel is busy. A ``debounce`` can be added on top; it coalesces rapid
    values and always delivers the last one (the wait runs in a lane of the
    model's scheduler, never a thread of its own).

    Data Attributes:
        model: Segmentation — the model whose ``k`` this slider shows and sets.
        max_k: int (default: 12) — the right end of the slider, from 3 to
            ``K_MAX`` (50). The slider grows to show a larger ``model.k`` set
            elsewhere, never the other way round.
        debounce: float (default: 0.0) — seconds to wait for the slider to
            settle before setting ``model.k``; 0 sends every value at once.

    Parts (CSS classes):
        ``sw-k-slider`` (the box), ``sw-k-slider-input`` (the IntSlider),
        ``sw-k-slider-note`` (the note shown when the algorithm chooses k
        itself, e.g. HDBSCAN; the slider is then disabled).

    Observes ``model.k`` and ``model.algorithm`` (``close()`` stops that); sets ``model.k``.
    """

    max_k = Int(12, help="The largest k the slider offers (3 to K_MAX).")
    debounce = Float(0.0, help="Seconds to let the slider settle before refitting (0: none).")

    def __init__(
        self, model: Segmentation, *, max_k: int = 12, debounce: float = 0.0, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.model = model
        self._lock = threading.RLock()
        self._lane = f"k-slider-{id(self)}"
        self._timer: Job | None = None  # the debounce under way
        self._pending: int | None = None
        self.max_k = max_k
        self.debounce = debounce
        limit = self._limit()
        self.slider = w.IntSlider(
            value=min(max(model.k, K_MIN), limit),
            min=K_MIN,
            max=limit,
            step=1,
            description="Segments (k)",
            continuous_update=True,
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        self.slider.add_class(css("k-slider-input"))
        self.note = w.HTML("", layout=w.Layout(display="none"))
        self.note.add_class(css("k-slider-note"))
        self.children = (self.slider, self.note)
        self.add_class(css("k-slider"))

        self.slider.observe(self._on_slider, names="value")
        self.slider.observe(self._on_bounds, names=["min", "max", "step"])
        self.watch(self._on_model_k, "k")
        self.watch(self._on_algorithm, "algorithm")
        self.observe(self._on_max_k, names="max_k")
        self._show_algorithm()

    # ------------------------------------------------------------ validation
    @validate("max_k")
    def _validate_max_k(self, proposal: Any) -> int:
        value = proposal["value"]
        if not K_MIN < value <= K_MAX:
            raise TraitError(f"max_k must be a whole number from {K_MIN + 1} to {K_MAX}, not {value}.")
        return value

    @validate("debounce")
    def _validate_debounce(self, proposal: Any) -> float:
        value = proposal["value"]
        if not 0.0 <= value <= 2.0:
            raise TraitError(f"debounce must be from 0 to 2 seconds, not {value}.")
        return value

    def _limit(self) -> int:
        """The right end of the slider: ``max_k``, or more to show a larger ``model.k``."""
        return min(K_MAX, max(self.max_k, self.model.k))

    @property
    def uses_k(self) -> bool:
        """Whether the model's current algorithm takes k at all."""
        return ALGORITHMS[self.model.algorithm].uses_k

    # ------------------------------------------------------- slider -> model
    @report_errors
    def _on_slider(self, change: dict) -> None:
        if self.is_updating:
            return
        value = int(change["new"])
        if not self.uses_k:
            # The slider is disabled, so this came from a browser ignoring that.
            self._show_k(self.model.k)
            raise TraitError(
                f"{ALGORITHMS[self.model.algorithm].label} finds the number of segments itself; "
                "k cannot be changed."
            )
        clamped = min(max(value, K_MIN), self._limit())
        if clamped != value:
            # Out of range (the browser can send any number): show and use the nearest valid k.
            self._show_k(clamped)
        if self.debounce <= 0:
            self._send_k(clamped)
            return
        with self._lock:
            self._pending = clamped
            if self._timer is None:
                self._timer = self.model.scheduler.after(self._lane, self.debounce, self.flush)

    @report_errors
    def flush(self) -> None:
        """Send a value still waiting for the debounce to ``model.k`` now."""
        with self._lock:
            value, self._pending = self._pending, None
            self._drop_timer()
        if value is not None:
            self._send_k(value)

    def _send_k(self, value: int) -> None:
        if value == self.model.k:
            return
        with self.updating():
            self.model.k = value

    def _show_k(self, value: int) -> None:
        """Put ``value`` on the slider without sending it back to the model."""
        with self.updating(), self.slider.hold_sync():
            limit = max(self._limit(), value)
            if self.slider.max != limit:
                self.slider.max = limit
            self.slider.value = value

    @report_errors
    def _on_bounds(self, change: dict) -> None:
        """Only this class sets the slider's range: restore it if the browser changed it."""
        if self.is_updating:
            return
        expected = {"min": K_MIN, "max": self._limit(), "step": 1}[change["name"]]
        if change["new"] != expected:
            with self.updating():
                setattr(self.slider, change["name"], expected)

    # ------------------------------------------------------- model -> slider
    def _drop_timer(self) -> None:
        """Stop the debounce under way (call with ``self._lock`` held)."""
        if self._timer is not None:
            self.model.scheduler.cancel(self._lane)
            self._timer = None

    @report_errors
    def _on_model_k(self, change: dict) -> None:
        if self.is_updating:
            return
        with self._lock:  # a change made elsewhere overtakes a value still waiting
            self._pending = None
            self._drop_timer()
        if self.slider.value != change["new"] or self.slider.max < change["new"]:
            self._show_k(int(change["new"]))

    @report_errors
    def _on_algorithm(self, change: dict) -> None:
        self._show_algorithm()

    @report_errors
    def _on_max_k(self, change: dict) -> None:
        with self.updating():
            self.slider.max = self._limit()  # never below model.k: the view follows the model

    def _show_algorithm(self) -> None:
        info = ALGORITHMS[self.model.algorithm]
        with self.hold_sync():
            self.slider.disabled = not info.uses_k
            if info.uses_k:
                self.note.layout.display = "none"
                self.note.value = ""
            else:
                self.note.value = (
                    f"<small style='display:block;line-height:1.35'>{escape(info.label)} finds the number of segments by itself; "
                    "k is not used.</small>"
                )
                self.note.layout.display = None

    def close(self) -> None:
        """Drop a value still waiting for the debounce, stop observing the model, close."""
        with self._lock:
            self._pending = None
            self._drop_timer()
        super().close()
