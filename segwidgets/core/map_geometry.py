"""Plain geometry for the map's selections, done in Python on the map's coordinates.

``ScatterGL`` draws every point on one canvas: it has no hover, no click events,
and bqplot's ``LassoSelector`` cannot test its points (its test takes one point
at a time; ScatterGL passes arrays). So the map gets what a person drew (a
rectangle from the brush, a polygon's corners, a clicked spot) in map units,
and these functions find the points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

#: How selections combine with the one there is.
COMBINE = ("replace", "add", "remove")


def finite_pair(value: object) -> tuple[float, float] | None:
    """Two finite numbers, sorted (a brush's ``selected_x``), or None for anything else."""
    try:
        array = np.asarray(value, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        return None
    if array.shape != (2,) or not np.isfinite(array).all():
        return None
    low, high = sorted(float(v) for v in array)
    return low, high


def points_in_box(coords: np.ndarray, x: tuple[float, float], y: tuple[float, float]) -> np.ndarray:
    """Indices of the points of ``coords`` (``(n, 2)``) inside the rectangle ``x`` × ``y`` (edges included)."""
    px, py = coords[:, 0], coords[:, 1]
    return np.flatnonzero((px >= x[0]) & (px <= x[1]) & (py >= y[0]) & (py <= y[1]))


def points_in_polygon(coords: np.ndarray, corners: Sequence[tuple[float, float]]) -> np.ndarray:
    """Indices of the points of ``coords`` inside the polygon ``corners`` (closed implicitly).

    The even-odd rule, vectorised over the points: a point is inside when a ray to its
    right crosses the polygon's edges an odd number of times. Fewer than 3 corners: none."""
    poly = np.asarray(corners, dtype=np.float64).reshape(-1, 2)
    if len(poly) < 3 or len(coords) == 0:
        return np.zeros(0, dtype=np.int64)
    px = np.asarray(coords[:, 0], dtype=np.float64)
    py = np.asarray(coords[:, 1], dtype=np.float64)
    # Only points inside the bounding box can be inside: test those.
    (x0, y0), (x1, y1) = poly.min(axis=0), poly.max(axis=0)
    candidates = np.flatnonzero((px >= x0) & (px <= x1) & (py >= y0) & (py <= y1))
    px, py = px[candidates], py[candidates]
    inside = np.zeros(len(candidates), dtype=bool)
    xa, ya = poly[:, 0], poly[:, 1]
    xb, yb = np.roll(xa, -1), np.roll(ya, -1)
    for ax, ay, bx, by in zip(xa, ya, xb, yb):
        if ay == by:
            continue  # a horizontal edge never crosses a horizontal ray
        crosses = (ay > py) != (by > py)
        x_at = ax + (py - ay) * (bx - ax) / (by - ay)
        inside ^= crosses & (px < x_at)
    return candidates[inside]


def nearest_point(coords: np.ndarray, x: float, y: float, span: tuple[float, float],
                  within: float = 0.03) -> int | None:
    """Index of the point of ``coords`` nearest to ``(x, y)``, distances measured as shares of
    the map's ``span`` (its width, its height) so that both axes count as on screen; None when
    the nearest lies farther than ``within`` (a share of the map) or there are no points."""
    if len(coords) == 0 or not (math.isfinite(x) and math.isfinite(y)):
        return None
    sx, sy = (s if s > 0 and math.isfinite(s) else 1.0 for s in span)
    dx = (np.asarray(coords[:, 0], dtype=np.float64) - x) / sx
    dy = (np.asarray(coords[:, 1], dtype=np.float64) - y) / sy
    distance = dx * dx + dy * dy
    best = int(np.argmin(distance))
    return best if distance[best] <= within * within else None


def combine(current: np.ndarray | None, rows: np.ndarray, how: str) -> np.ndarray | None:
    """``rows`` replacing, added to or removed from the ``current`` selection (row numbers);
    None when nothing is left."""
    rows = np.asarray(rows, dtype=np.int64)
    if how == "add" and current is not None:
        rows = np.union1d(current, rows)
    elif how == "remove":
        rows = np.zeros(0, dtype=np.int64) if current is None else np.setdiff1d(current, rows)
    return rows if len(rows) else None


def spread_labels(x: np.ndarray, y: np.ndarray, span: tuple[float, float],
                  height: float = 0.06, width: float = 0.22) -> np.ndarray:
    """New ``y`` for labels drawn at ``(x, y)`` so that no two overlap: a label is taken as a box
    ``width`` × ``height`` (shares of the map's ``span``); labels whose boxes meet are pushed
    apart upward, in order of height. Returns the new y (map units)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).copy()
    sx, sy = (s if s > 0 and math.isfinite(s) else 1.0 for s in span)
    placed: list[int] = []
    for i in np.argsort(y, kind="stable"):
        for j in sorted(placed, key=lambda k: y[k]):
            if abs(x[i] - x[j]) / sx < width and abs(y[i] - y[j]) / sy < height:
                y[i] = y[j] + height * sy
        placed.append(int(i))
    return y
