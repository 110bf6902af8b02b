"""Composites built from the widgets: the Explorer, the stakeholder Report, the k-means lesson."""

from __future__ import annotations

import importlib
from typing import Any

_COMPOSITES = {
    "Explorer": "explorer",
    "explore": "explorer",
    "Report": "report",
    "KMeansLesson": "kmeans_lesson",
    "explorer_app": "apps",
    "report_app": "apps",
}

__all__ = sorted(_COMPOSITES)


def __getattr__(name: str) -> Any:
    if name in _COMPOSITES:
        return getattr(importlib.import_module(f".{_COMPOSITES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
