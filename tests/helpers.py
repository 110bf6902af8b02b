"""Helpers shared by the tests (fixtures live in conftest.py).

Blobs are made here and nowhere else: :func:`blob_points` is the suite's one
call to :func:`sklearn.datasets.make_blobs`, and :func:`blob_frame` puts those
points in a table (the ``make_frame`` fixture of ``conftest.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.datasets import make_blobs

from segwidgets.session import Segmentation


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (a server may still race for it)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str, timeout: float = 3) -> bool:
    """Whether ``url`` answers 200 now (a server that is up)."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def publish(model: Segmentation, **changes: Any) -> None:
    """Show ``model.result`` with ``changes`` the way the model publishes a result.

    For view tests that need a result no algorithm gives (one segment, odd warnings).
    """
    with model._publish:
        model._set_result(model.result.replace(**changes))


def blob_points(n: int = 600, centers: int | Sequence = 4, features: int = 3, *,
                std: float | Sequence[float] = 1.0, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)``: ``n`` points in Gaussian blobs, and the blob each point was drawn from.

    Exactly ``make_blobs(n_samples=n, centers=centers, n_features=features,
    cluster_std=std, random_state=seed)``: the same arguments always give the
    same points. ``centers`` is a number of blobs or their coordinates (then
    ``features`` is ignored: the coordinates say it); ``std`` may be one per blob.
    """
    return make_blobs(n_samples=n, centers=centers, n_features=features, cluster_std=std,
                      random_state=seed)


def blob_frame(n: int = 600, centers: int | Sequence = 4, features: int = 3, *,
               std: float | Sequence[float] = 1.0, seed: int = 7, columns: Sequence[str] | None = None,
               channel: bool = False, ids: tuple[str, str] | None = None) -> pd.DataFrame:
    """The points of :func:`blob_points` (same arguments) as a table with a RangeIndex.

    Args:
        columns: the names of the numeric columns; by default ``a``, ``b``, ``c``, ...
        channel: add a categorical column ``channel``: ``"web"`` where the first
            numeric column is above 0, ``"store"`` elsewhere.
        ids: ``(name, prefix)``: add an identifier column ``name`` holding
            ``f"{prefix}{row}"`` (after ``channel``).

    The defaults are the ``blobs_frame`` fixture: 600 rows, 4 blobs, columns ``a``, ``b``, ``c``, seed 7.
    """
    X, _ = blob_points(n, centers, features, std=std, seed=seed)
    if columns is None:
        columns = [chr(ord("a") + j) for j in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=list(columns))
    if channel:
        frame["channel"] = np.where(X[:, 0] > 0, "web", "store")
    if ids is not None:
        name, prefix = ids
        frame[name] = [f"{prefix}{i}" for i in range(len(frame))]
    return frame


#: What a shared link can carry as a segment name, and how it must reach the page.
HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def html_of(widget: Any) -> str:
    """Every piece of HTML a widget tree sends to the page."""
    import ipywidgets as w

    parts = []
    if isinstance(widget, (w.HTML, w.HTMLMath)):
        parts.append(widget.value)
    for child in getattr(widget, "children", ()):
        parts.append(html_of(child))
    return "\n".join(parts)


def hold(monkeypatch: Any, module: Any, name: str) -> Any:
    """Make ``module.name`` wait until the returned event is set (a computation held in its lane)."""
    import threading

    release, compute = threading.Event(), getattr(module, name)

    def held(*args: Any, **kwargs: Any) -> Any:
        release.wait(60)
        return compute(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    return release


def observers_of(model: Segmentation, view: Any, trait: str = "result") -> list:
    """The observers ``view`` has on ``model.<trait>``."""
    return [h for h in model._trait_notifiers.get(trait, {}).get("change", [])
            if getattr(h, "__self__", None) is view]
