"""segwidgets: ipywidgets components that re-fit customer segmentation live.

Build a :class:`segwidgets.session.Segmentation` from a table, show any of the
views in :mod:`segwidgets.widgets` (or a ready-made composite from
:mod:`segwidgets.dashboards`), and every view follows each change. The same
composites are served as Voila apps: ``segwidgets app [FILE]``.

Submodules are imported lazily: ``import segwidgets`` is cheap.
"""

__version__ = "0.1.0"

import importlib
from typing import Any

from ._lazy import lazy_exports

_EXPORTS = {
    "Segmentation": "segwidgets.session",
    "SegmentationSpec": "segwidgets.core.spec",
    "read_table": "segwidgets.core.io",
    "explore": "segwidgets.dashboards.explorer",
    "Explorer": "segwidgets.dashboards.explorer",
    "Report": "segwidgets.dashboards.report",
    "KMeansLesson": "segwidgets.dashboards.kmeans_lesson",
    "label": "segwidgets.labelling",
    "SegwidgetsError": "segwidgets.errors",
    "SegwidgetsValueError": "segwidgets.errors",
}
_SUBMODULES = ("datasets", "widgets", "dashboards", "core", "session", "errors")

__all__ = sorted(_EXPORTS) + list(_SUBMODULES) + ["__version__"]


_module_getattr = lazy_exports(__name__, _EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"segwidgets.{name}")
    return _module_getattr(name)
