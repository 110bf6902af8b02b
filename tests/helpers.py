"""Helpers shared by the tests (fixtures live in conftest.py)."""

from __future__ import annotations

from typing import Any

from segwidgets.session import Segmentation


def publish(model: Segmentation, **changes: Any) -> None:
    """Show ``model.result`` with ``changes`` the way the model publishes a result.

    For view tests that need a result no algorithm gives (one segment, odd warnings).
    """
    with model._publish:
        model._set_result(model.result.replace(**changes))
