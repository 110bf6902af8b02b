"""``PreprocessingPicker``: how features are scaled, gaps filled and counts logged."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..core.preprocess import IMPUTATION_LABELS, IMPUTATIONS, SCALING_LABELS, SCALINGS
from ..session import Segmentation
from ._base import css, escape, report_errors
from ._view import View
from .algorithm_picker import GuardedDropdown


class PreprocessingPicker(View, w.VBox):
    """Choose scaling, missing-value handling, log(1 + x) for counts and one-hot scaling.

    Data Attributes:
        model: Segmentation — observed (``scaling``, ``impute``, ``log1p``, ``scale_onehot``,
            ``table``, ``features``; until ``close()``) and set.

    Parts (CSS classes):
        ``sw-preprocessing-picker`` (the box), ``sw-scaling`` (Dropdown,
        labels from ``SCALING_LABELS``, keys as values), ``sw-impute``
        (Dropdown, ``IMPUTATION_LABELS``), ``sw-log1p`` (Checkbox
        "log(1 + x) for counts"), ``sw-scale-onehot`` (Checkbox "Scale
        category columns too"), ``sw-skew`` (HTML: which chosen counts are
        heavily skewed, shown only while log(1 + x) is off) with
        ``sw-skew-fix`` (Button "Use log(1 + x)", one click).

    Each control follows its model trait, so several settings changed at
    once from code (``model.apply_spec``) all show.
    """

    def __init__(self, model: Segmentation, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = model

        def wide() -> dict:
            return {"style": {"description_width": "initial"}, "layout": w.Layout(width="auto")}

        self.scaling = GuardedDropdown(
            options=[(SCALING_LABELS[key], key) for key in SCALINGS],
            value=model.scaling,
            description="Scaling",
            **wide(),
        )
        self.scaling.add_class(css("scaling"))
        self.impute = GuardedDropdown(
            options=[(IMPUTATION_LABELS[key], key) for key in IMPUTATIONS],
            value=model.impute,
            description="Missing values",
            **wide(),
        )
        self.impute.add_class(css("impute"))
        self.log1p = w.Checkbox(
            value=model.log1p,
            description="log(1 + x) for counts",
            indent=False,
            tooltip="Compress long-tailed counts (likes, shares ...) before scaling",
            layout=w.Layout(width="auto"),
        )
        self.log1p.add_class(css("log1p"))
        self.scale_onehot = w.Checkbox(
            value=model.scale_onehot,
            description="Scale category columns too",
            indent=False,
            tooltip="Scale the 0/1 columns of categorical features like the numeric ones, "
                    "as many published analyses do (off: they stay 0/1)",
            layout=w.Layout(width="auto"),
        )
        self.scale_onehot.add_class(css("scale-onehot"))
        self.skew = w.HTML(layout=w.Layout(display="none"))
        self.skew.add_class(css("skew"))
        self.skew_fix = w.Button(description="Use log(1 + x)", layout=w.Layout(width="auto", display="none"),
                                 tooltip="Compress the long tails of these counts before scaling")
        self.skew_fix.add_class(css("skew-fix"))
        self.skew_fix.on_click(self._use_log)
        for dropdown in (self.scaling, self.impute):
            dropdown.refused = self.refuse
        self.children = (self.scaling, self.impute, self.log1p, self.scale_onehot,
                         w.HBox([self.skew, self.skew_fix], layout=w.Layout(flex_flow="row wrap",
                                                                           align_items="center")))
        self.add_class(css("preprocessing-picker"))

        self._controls = {"scaling": self.scaling, "impute": self.impute, "log1p": self.log1p,
                          "scale_onehot": self.scale_onehot}
        for control in self._controls.values():
            control.observe(self._on_control, names="value")
        self.watch(self._on_model, *self._controls)
        self.watch(self._show_skew, "table", "features", "log1p")
        self._show_skew()

    def skewed(self) -> list[str]:
        """The chosen features whose counts are heavily skewed (empty while log(1 + x) is on)."""
        table = self.model.table
        if table is None or self.model.log1p:
            return []
        chosen = set(self.model.features)
        return [c for c in getattr(table, "skewed", []) if c in chosen]

    @report_errors
    def _show_skew(self, change: Any = None) -> None:
        columns = self.skewed()
        if columns:
            shown = ", ".join(columns[:4]) + (f" and {len(columns) - 4} more" if len(columns) > 4 else "")
            self.skew.value = (f"<small>{escape(shown)} {'are' if len(columns) > 1 else 'is a'} heavily "
                               f"skewed count{'s' if len(columns) > 1 else ''}: a few very large values "
                               "would shape the segments.</small>")
        self.skew.layout.display = "" if columns else "none"
        self.skew_fix.layout.display = "" if columns else "none"

    @report_errors
    def _use_log(self, button: Any = None) -> None:
        self.model.log1p = True

    @report_errors
    def _on_control(self, change: dict) -> None:
        if self.is_updating:
            return
        name = next(n for n, c in self._controls.items() if c is change["owner"])
        try:
            setattr(self.model, name, change["new"])
        finally:
            self._show(name)  # a refused value does not stay on screen

    @report_errors
    def _on_model(self, change: dict) -> None:
        self._show(change["name"])

    def _show(self, name: str) -> None:
        """Put the model's value of ``name`` on its control without sending it back."""
        control = self._controls[name]
        value = getattr(self.model, name)
        if control.value == value:
            return
        with self.updating():
            control.value = value
