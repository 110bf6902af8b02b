"""Composites built from the widgets: the Explorer, the stakeholder Report, the k-means lesson."""

from __future__ import annotations

from .._lazy import lazy_exports

_COMPOSITES = {
    "Explorer": "explorer",
    "explore": "explorer",
    "Report": "report",
    "KMeansLesson": "kmeans_lesson",
    "explorer_app": "apps",
    "report_app": "apps",
}

__all__ = sorted(_COMPOSITES)


__getattr__ = lazy_exports(__name__, {name: f".{module}" for name, module in _COMPOSITES.items()})
