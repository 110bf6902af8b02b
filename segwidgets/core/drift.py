"""How far a new table has moved from the one a segmentation was fitted on.

Per feature the population stability index (PSI) over the fitting table's deciles (numeric)
or levels (categorical), a missing-value bin included; per segment its share then and now.
Counts are added up partition by partition, so a table of any size is compared in one pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: PSI below this: stable; below :data:`PSI_LARGE`: some shift; above: a large shift (the
#: usual credit-scoring reading of the index).
PSI_SOME = 0.1
PSI_LARGE = 0.25
#: Share given to an empty bin so the logarithm stays finite.
EMPTY_SHARE = 1e-4
#: Key of the missing-value bin of a categorical feature's counts.
MISSING = "(missing)"


def quantile_edges(values: np.ndarray, bins: int) -> np.ndarray:
    """Inner edges of ``bins`` quantile bins of the finite ``values`` (repeated edges merged)."""
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return np.empty(0)
    return np.unique(np.quantile(finite, np.linspace(0, 1, bins + 1)[1:-1]))


def bin_counts(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Rows per bin: ``len(edges) + 1`` bins then one for missing values."""
    finite = np.isfinite(values)
    counts = np.bincount(np.searchsorted(edges, values[finite], side="right"), minlength=len(edges) + 1)
    return np.append(counts, int((~finite).sum()))


def category_counts(values: pd.Series) -> dict[str, int]:
    """Rows per level (text), missing values under :data:`MISSING`."""
    counts = values.astype(object).where(values.notna(), MISSING).map(str).value_counts()
    return {str(k): int(v) for k, v in counts.items()}


def psi(expected: np.ndarray, actual: np.ndarray) -> float:
    """The population stability index between two count vectors over the same bins."""
    e = np.asarray(expected, dtype=float)
    a = np.asarray(actual, dtype=float)
    if e.sum() == 0 or a.sum() == 0:
        return float("nan")
    e = np.maximum(e / e.sum(), EMPTY_SHARE)
    a = np.maximum(a / a.sum(), EMPTY_SHARE)
    return float(((a - e) * np.log(a / e)).sum())


def verdict(value: float) -> str:
    """A PSI in words."""
    if not np.isfinite(value):
        return "no values to compare"
    return "stable" if value < PSI_SOME else "some shift" if value < PSI_LARGE else "large shift"


@dataclass(frozen=True)
class DriftReport:
    """Drift of one table against the fitting table.

    Data Attributes:
        features: DataFrame — per feature: ``psi``, ``verdict``, ``missing_then``, ``missing_now``.
        segments: DataFrame — per segment id: ``name``, ``share_then``, ``share_now``, ``change``.
    """

    features: pd.DataFrame
    segments: pd.DataFrame

    def text(self) -> str:
        """The report in plain lines."""
        lines = ["Feature drift (population stability index against the fitting table):"]
        for name, row in self.features.iterrows():
            lines.append(f"  {name}: {row['psi']:.3f} ({row['verdict']})")
        lines.append("Segment shares (fitting table → this table):")
        for sid, row in self.segments.iterrows():
            lines.append(f"  {row['name']} [{sid}]: {row['share_then']:.1%} → {row['share_now']:.1%} "
                         f"({row['change']:+.1%})")
        return "\n".join(lines)


def report(fitting: Mapping, feature_counts: Mapping[str, Mapping | np.ndarray],
           segment_counts: Mapping[int, int], names: Mapping[int, str]) -> DriftReport:
    """Compare the new table's counts (as :func:`bin_counts` / :func:`category_counts` give them,
    added over partitions) with the artefact's ``fitting`` profile."""
    rows = {}
    for name, then in fitting["features"].items():
        now = feature_counts.get(name)
        if then["kind"] == "numeric":
            expected = np.asarray(then["counts"], dtype=float)
            actual = np.zeros_like(expected) if now is None else np.asarray(now, dtype=float)
        else:
            levels = sorted(set(then["counts"]) | set(now or {}))
            expected = np.array([then["counts"].get(v, 0) for v in levels], dtype=float)
            actual = np.array([(now or {}).get(v, 0) for v in levels], dtype=float)
            missing_at = levels.index(MISSING) if MISSING in levels else None
        value = psi(expected, actual)
        if then["kind"] == "numeric":
            gap_then, gap_now = expected[-1], actual[-1]
        else:
            gap_then = expected[missing_at] if missing_at is not None else 0.0
            gap_now = actual[missing_at] if missing_at is not None else 0.0
        rows[name] = {"psi": value, "verdict": verdict(value),
                      "missing_then": gap_then / max(expected.sum(), 1), "missing_now": gap_now / max(actual.sum(), 1)}
    features = pd.DataFrame.from_dict(rows, orient="index", columns=["psi", "verdict", "missing_then", "missing_now"])
    then = {int(k): v for k, v in fitting["segments"].items()}
    total_then = max(sum(then.values()), 1)
    total_now = max(sum(segment_counts.values()), 1)
    segs = {sid: {"name": names.get(sid, str(sid)), "share_then": then[sid] / total_then,
                  "share_now": segment_counts.get(sid, 0) / total_now} for sid in then}
    segments = pd.DataFrame.from_dict(segs, orient="index", columns=["name", "share_then", "share_now"])
    segments["change"] = segments["share_now"] - segments["share_then"]
    segments.index.name = "segment"
    return DriftReport(features=features, segments=segments)
