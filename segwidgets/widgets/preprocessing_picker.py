"""``PreprocessingPicker``: how features are scaled, gaps filled and counts logged."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..core.preprocess import IMPUTATION_LABELS, IMPUTATIONS, SCALING_LABELS, SCALINGS
from ..errors import SegwidgetsValueError
from ..session import Segmentation
from ._base import css, report_errors
from ._view import View
from .algorithm_picker import GuardedDropdown


class PreprocessingPicker(View, w.VBox):
    """Choose scaling, missing-value handling and log(1 + x) for counts.

    Data Attributes:
        model: Segmentation — observed (``scaling``, ``impute``, ``log1p``; until ``close()``) and set.

    Parts (CSS classes):
        ``sw-preprocessing-picker`` (the box), ``sw-scaling`` (Dropdown,
        labels from ``SCALING_LABELS``, keys as values), ``sw-impute``
        (Dropdown, ``IMPUTATION_LABELS``), ``sw-log1p`` (Checkbox
        "log(1 + x) for counts").

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
        for dropdown in (self.scaling, self.impute):
            dropdown.refused = self._refuse
        self.children = (self.scaling, self.impute, self.log1p)
        self.add_class(css("preprocessing-picker"))

        self._controls = {"scaling": self.scaling, "impute": self.impute, "log1p": self.log1p}
        for control in self._controls.values():
            control.observe(self._on_control, names="value")
        self.watch(self._on_model, *self._controls)

    @report_errors
    def _refuse(self, message: str) -> None:
        raise SegwidgetsValueError(message)

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
