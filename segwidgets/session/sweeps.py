"""Fitting many k at once: :meth:`Segmentation.sweep` fills the model's cache."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from ..core.algorithms import ALGORITHMS
from ..core.diagnostics import SweepResult, sweep_k
from ..errors import SegwidgetsValueError
from . import pipeline


class Sweeps:
    """The sweep over k and cache questions of :class:`~segwidgets.session.Segmentation`."""

    def sweep(self, ks: Sequence[int] | range = range(2, 13), *,
              progress: Callable[[int, int], None] | None = None,
              cancel: Callable[[], bool] | None = None) -> SweepResult:
        """Fit the current settings for each k and measure each fit (in the caller's thread).

        Each fit goes into the model's cache, so moving k to a swept value
        afterwards is a cache hit. See :func:`segwidgets.core.diagnostics.sweep_k`.

        A sweep belongs to the table it started on: if other data is loaded (or the model is
        closed) while it runs, it stops after the k under way, caches nothing more, and raises
        :class:`~segwidgets.errors.SegwidgetsValueError` saying so, so it is never shown as the
        current table's.
        """
        if self._closed:
            raise SegwidgetsValueError("This segmentation was closed; open the page again to compare values of k.")
        if self.data is None:
            raise SegwidgetsValueError("There is no data loaded yet.")
        with self._lock:
            request = self._snapshot()
        if not ALGORITHMS[request.algorithm].uses_k:
            raise SegwidgetsValueError(
                f"{ALGORITHMS[request.algorithm].label} chooses the number of segments by itself; "
                "choose k-means, Ward or a Gaussian mixture to compare values of k."
            )
        prepared = pipeline.prepared_rows(request, self.caches)

        def moved_on() -> bool:
            with self._lock:
                return self._data_version != request.data_version or self._closed

        def keep(k: int, fit: Any, metrics: dict) -> None:
            if moved_on():
                return  # another table: this fit would only take room in the cache
            at_k = dataclasses.replace(request, k=k)
            self.caches.fits.setdefault(at_k.fit_key, pipeline.fitted_from(at_k, prepared, fit, dict(metrics)))

        def stop() -> bool:
            return moved_on() or bool(cancel is not None and cancel())

        result = sweep_k(prepared, ks, algorithm=request.algorithm, seed=request.seed,
                         params=dict(request.params), progress=progress, cancel=stop, on_fit=keep)
        if self._closed:
            raise SegwidgetsValueError("The segmentation was closed while the sweep ran.")
        if moved_on():
            raise SegwidgetsValueError("Other data was loaded while the sweep ran, so its figures are for "
                                       "the previous table; run it again.")
        return result

    def is_cached(self, **changes: Any) -> bool:
        """Whether the current settings with ``changes`` (e.g. ``k=5``) are in the cache."""
        with self._lock:
            request = dataclasses.replace(self._snapshot(), **changes)
        return request.fit_key in self.caches.fits and request.prep_key in self.caches.prepared
