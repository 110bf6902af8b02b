"""``AlgorithmPicker``: which clustering algorithm, its settings (minimum segment size, restarts) and the seed."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import ipywidgets as w
import numpy as np
from traitlets import TraitError, validate

from ..core.algorithms import ALGORITHMS
from ..core.many_segments import Advice, many_segments_advice
from ..errors import SegwidgetsValueError
from ..session import Segmentation
from ._base import css, escape, format_count, report_errors
from ._view import View

#: HDBSCAN's minimum segment size when the model's params do not name one.
DEFAULT_MIN_CLUSTER_SIZE = 25
MIN_CLUSTER_SIZE_RANGE = (2, 100_000)
SEED_MAX = 2**32 - 1
#: Algorithms that restart from several seeds and keep the best (scikit-learn's ``n_init``).
RESTARTING = ("kmeans", "minibatch_kmeans")
N_INIT_RANGE = (1, 100)


class GuardedDropdown(w.Dropdown):
    """A ``Dropdown`` that refuses impossible choices from the browser instead of raising.

    The browser can send any ``index`` (out of range, ``None``, or beyond a
    tampered ``_options_labels``). A refused index keeps the current choice,
    is sent back so the page shows it again, and the reason goes to
    ``refused`` (a callable taking a message), if set.
    """

    refused: Callable[[str], None] | None = None

    @validate("index")
    def _validate_index(self, proposal: Any) -> int | None:
        value = proposal["value"]
        n = len(self._options_values)
        if isinstance(value, int) and 0 <= value < n:
            return value
        if value is None and n == 0:
            return None
        message = f"There is no choice number {value} in '{self.description}'."
        self.send_state("index")  # the page shows the choice that stands
        if self.refused is not None:
            self.refused(message)
        # Raise rather than return the current index: inside set_state the change
        # notification is held, and only an error rolls it back before observers see it.
        raise TraitError(message)


class AlgorithmPicker(View, w.VBox):
    """Choose the clustering algorithm, HDBSCAN's minimum segment size, k-means' restarts and the seed.

    Data Attributes:
        model: Segmentation — observed (``algorithm``, ``params``, ``seed``; until ``close()``) and set.

    Parts (CSS classes):
        ``sw-algorithm-picker`` (the box), ``sw-algorithm-dropdown`` (labels
        shown, registry keys as values), ``sw-algorithm-description`` (one
        sentence), ``sw-min-cluster-size`` (IntText, shown only for
        algorithms that take it: HDBSCAN), ``sw-seed`` (IntText "Random
        seed"), ``sw-new-seed`` (button: a fresh random seed), ``sw-n-init``
        (IntText "Restarts", shown for the k-means family: how many seeded
        starts are run and the best kept; 1 is scikit-learn's ``"auto"``, one
        k-means++ start).

    Sets ``model.algorithm``, ``model.params["min_cluster_size"]`` (2 to
    100,000), ``model.params["n_init"]`` (1 to 100; 1 removes it, so the spec
    keeps the default) and ``model.seed`` (0 to 2**32 - 1). Out-of-range values are
    refused: the control shows the model's value again and the reason is in
    ``model.status``.
    """

    def __init__(self, model: Segmentation, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = model
        self.dropdown = GuardedDropdown(
            options=[(info.label, key) for key, info in ALGORITHMS.items()],
            value=model.algorithm,
            description="Algorithm",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        self.dropdown.refused = self.refuse
        self.dropdown.add_class(css("algorithm-dropdown"))
        self.about = w.HTML()
        self.about.add_class(css("algorithm-description"))
        self.min_size = w.IntText(
            value=self._model_min_size(),
            description="Minimum segment size",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        self.min_size.add_class(css("min-cluster-size"))
        # When a density method finds dozens of segments: say so and offer a setting for fewer.
        self.many = w.HTML(layout=w.Layout(display="none"))
        self.many.add_class(css("many-segments"))
        self.fewer_button = w.Button(description="Fewer segments", icon="compress",
                                     layout=w.Layout(width="auto", display="none"))
        self.fewer_button.add_class(css("fewer-segments"))
        self.fewer_button.on_click(self._on_fewer)
        self._advice: Advice | None = None
        self.n_init = w.IntText(
            value=self._model_n_init(),
            description="Restarts",
            tooltip="Run k-means from this many seeded starts and keep the best (n_init); "
                    "many published analyses use 10",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        self.n_init.add_class(css("n-init"))
        self.seed = w.IntText(
            value=model.seed,
            description="Random seed",
            style={"description_width": "initial"},
            layout=w.Layout(flex="1 1 160px", width="auto", min_width="0"),
        )
        self.seed.add_class(css("seed"))
        self.new_seed = w.Button(
            description="New seed",
            tooltip="Fit again from another random start",
            layout=w.Layout(width="auto"),
        )
        self.new_seed.add_class(css("new-seed"))
        self.children = (
            self.dropdown,
            self.about,
            self.min_size,
            self.many,
            self.fewer_button,
            self.n_init,
            w.HBox([self.seed, self.new_seed], layout=w.Layout(width="100%", flex_flow="row wrap", align_items="center")),
        )
        self.add_class(css("algorithm-picker"))

        self.dropdown.observe(self._on_dropdown, names="value")
        self.min_size.observe(self._on_min_size, names="value")
        self.n_init.observe(self._on_n_init, names="value")
        self.seed.observe(self._on_seed, names="value")
        self.new_seed.on_click(self._on_new_seed)
        self.watch(self._on_model_algorithm, "algorithm")
        self.watch(self._on_model_params, "params")
        self.watch(self._on_model_seed, "seed")
        self.watch(self._on_result, "result")
        self._show_algorithm()

    # ---------------------------------------------------------------- helpers
    def _model_min_size(self) -> int:
        size = self.model.params.get("min_cluster_size", DEFAULT_MIN_CLUSTER_SIZE)
        return size if isinstance(size, int) else DEFAULT_MIN_CLUSTER_SIZE

    def _model_n_init(self) -> int:
        n_init = self.model.params.get("n_init", "auto")
        return n_init if isinstance(n_init, int) else 1

    def _set_quietly(self, widget: w.Widget, value: Any) -> None:
        """Show ``value`` in a control without sending it back to the model."""
        with self.updating():
            widget.value = value

    def _show_algorithm(self) -> None:
        info = ALGORITHMS[self.model.algorithm]
        with self.hold_sync():
            if self.dropdown.value != info.key:
                self._set_quietly(self.dropdown, info.key)
            self.about.value = f"<small style='display:block;line-height:1.35'>{escape(info.description)}</small>"
            self.min_size.layout.display = None if info.key == "hdbscan" else "none"
            self.n_init.layout.display = None if info.key in RESTARTING else "none"

    # ------------------------------------------------------ controls -> model
    @report_errors
    def _on_dropdown(self, change: dict) -> None:
        if self.is_updating:
            return
        self.model.algorithm = change["new"]

    @report_errors
    def _on_min_size(self, change: dict) -> None:
        if self.is_updating:
            return
        value = change["new"]
        low, high = MIN_CLUSTER_SIZE_RANGE
        if not low <= value <= high:
            self._set_quietly(self.min_size, self._model_min_size())
            raise SegwidgetsValueError(
                f"The minimum segment size must be a whole number from {low} to {format_count(high)}, not {value}."
            )
        try:
            self.model.params = {**self.model.params, "min_cluster_size": int(value)}
        finally:
            self._set_quietly(self.min_size, self._model_min_size())

    @report_errors
    def _on_result(self, change: Any = None) -> None:
        """Many segments from a method that chose their number: say so, offer fewer."""
        result = self.model.result
        advice = None
        if result is not None and not ALGORITHMS[result.algorithm].uses_k:
            ids, counts = np.unique(np.asarray(result.labels), return_counts=True)
            advice = many_segments_advice(dict(zip(ids.tolist(), counts.tolist())), self._model_min_size())
        self._advice = advice
        with self.hold_sync():
            self.many.value = f"<small>{escape(advice.message)}</small>" if advice else ""
            self.many.layout.display = None if advice else "none"
            self.fewer_button.layout.display = None if advice else "none"
            if advice:
                self.fewer_button.description = f"Use minimum size {format_count(advice.min_cluster_size)}"

    @report_errors
    def _on_fewer(self, button: Any = None) -> None:
        if self._advice is not None:
            self.model.params = {**self.model.params, "min_cluster_size": int(self._advice.min_cluster_size)}

    @report_errors
    def _on_n_init(self, change: dict) -> None:
        if self.is_updating:
            return
        value = change["new"]
        low, high = N_INIT_RANGE
        if not isinstance(value, int) or not low <= value <= high:
            self._set_quietly(self.n_init, self._model_n_init())
            raise SegwidgetsValueError(f"Restarts must be a whole number from {low} to {high}, not {value}.")
        params = {k: v for k, v in self.model.params.items() if k != "n_init"}
        if value > 1:
            params["n_init"] = int(value)
        try:
            self.model.params = params
        finally:
            self._set_quietly(self.n_init, self._model_n_init())

    @report_errors
    def _on_seed(self, change: dict) -> None:
        if self.is_updating:
            return
        try:
            self.model.seed = change["new"]  # the model refuses seeds outside 0 .. 2**32 - 1
        finally:
            self._set_quietly(self.seed, self.model.seed)

    @report_errors
    def _on_new_seed(self, button: w.Button) -> None:
        seed = self.model.seed
        while seed == self.model.seed:
            seed = random.randint(0, 99_999)
        self.model.seed = seed

    # ------------------------------------------------------ model -> controls
    @report_errors
    def _on_model_algorithm(self, change: dict) -> None:
        self._show_algorithm()

    @report_errors
    def _on_model_params(self, change: dict) -> None:
        if self.min_size.value != self._model_min_size():
            self._set_quietly(self.min_size, self._model_min_size())
        if self.n_init.value != self._model_n_init():
            self._set_quietly(self.n_init, self._model_n_init())

    @report_errors
    def _on_model_seed(self, change: dict) -> None:
        if self.seed.value != change["new"]:
            self._set_quietly(self.seed, change["new"])
