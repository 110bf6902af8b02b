"""Thin views of a :class:`~segwidgets.session.Segmentation`: one component per file.

Every component is built from a model and nothing else, observes and sets
only the model's traits, and so stays linked to every other view of the same
model, however people lay them out.
"""

from __future__ import annotations

from .._lazy import lazy_exports

_COMPONENTS = {
    "KSlider": "k_slider",
    "FeaturePicker": "feature_picker",
    "AlgorithmPicker": "algorithm_picker",
    "PreprocessingPicker": "preprocessing_picker",
    "StatusBar": "status_bar",
    "EmbeddingScatter": "embedding_scatter",
    "SegmentLegend": "segment_legend",
    "ProfileTable": "profile_table",
    "SegmentEditor": "segment_editor",
    "DataPanel": "data_panel",
    "DownloadPanel": "download_panel",
    "KSweepPanel": "k_sweep_panel",
    "StabilityPanel": "stability_panel",
    "SilhouettePlot": "silhouette_plot",
    "DendrogramView": "dendrogram_view",
    "ComparisonPanel": "comparison_panel",
    "ExplanationPanel": "explanation_panel",
}

__all__ = sorted(_COMPONENTS)


__getattr__ = lazy_exports(__name__, {name: f".{module}" for name, module in _COMPONENTS.items()})
