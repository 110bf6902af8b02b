"""The map half of :class:`~segwidgets.session.Segmentation`: PCA at once, UMAP in the background."""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
from traitlets import HasTraits, observe

from ..core.map_cache import cached_umap_2d
from . import pipeline
from .scheduler import Job

log = logging.getLogger("segwidgets.session")


class Maps(HasTraits):
    """Which coordinates a result shows, and UMAP computed in the scheduler's ``umap`` lane."""

    def _coords_for(self, prep_key: tuple, prepared: Any) -> tuple[np.ndarray, str]:
        """The map for these rows: UMAP when chosen and ready, else PCA (UMAP then starts)."""
        if self.embedding == "umap":
            umap = self.caches.embeddings.get((prep_key, "umap"))
            if umap is not None:
                return umap, "umap"
            self._start_umap(prep_key, prepared)
        return pipeline.pca_map(prep_key, prepared, self.caches), "pca"

    @observe("embedding")
    def _on_embedding(self, change: dict) -> None:
        shown = self.result
        if shown is None:
            return
        coords, method = self._coords_for(shown.prep_key, shown.prepared)
        if method == change["new"]:
            self._show_map(shown.prep_key, coords, method)

    def _show_map(self, prep_key: tuple, coords: np.ndarray, method: str, **timings: float) -> None:
        with self._publish:
            shown = self.result
            if shown is None or shown.prep_key != prep_key or self.embedding != method:
                return
            raw = shown.fit.labels[pipeline.map_positions(shown.prepared.n_rows)]
            centres = pipeline.map_centres(coords, shown.stable(raw), shown.segment_ids)
            self._set_result(shown.replace(coords=coords, center_coords=centres, embedding=method,
                                           timings={**shown.timings, **timings}))
            self.embedding_state = "ready"

    def _start_umap(self, key: tuple, prepared: Any) -> None:
        if self._umap_key == key and self.scheduler.busy("umap"):
            return
        self._umap_key = key
        self.embedding_state = "computing"
        started = time.perf_counter()

        def work(job: Job) -> np.ndarray:
            # read back when another kernel of this machine computed the same map (core.map_cache)
            coords = cached_umap_2d(prepared.X[pipeline.map_positions(prepared.n_rows)], seed=0)
            return self.caches.embeddings.setdefault((key, "umap"), coords)

        def done(coords: np.ndarray) -> None:
            self._show_map(key, coords, "umap", umap=time.perf_counter() - started)
            if self.embedding_state == "computing":
                self.embedding_state = "ready"

        def failed(exc: BaseException) -> None:
            log.error("UMAP failed: %s", exc)
            with self._publish:
                self.embedding_state = "error"
                self.status = f"The UMAP map could not be computed ({exc}); showing PCA."

        log.info("UMAP started on %d rows", prepared.n_rows)
        self.scheduler.submit("umap", work, done, failed)
