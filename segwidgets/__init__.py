"""segwidgets: ipywidgets components that re-fit customer segmentation live.

Build a :class:`segwidgets.session.Segmentation` from a table, show any of the
views in :mod:`segwidgets.widgets` (or a ready-made composite from
:mod:`segwidgets.dashboards`), and every view follows each change. The same
composites are served as Voila apps: ``segwidgets app [FILE]``.

Submodules are imported lazily: ``import segwidgets`` is cheap.
"""

__version__ = "0.1.0"
