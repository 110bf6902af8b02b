"""Segment profiles: sizes, shares, means and medians in original units, z-scores,
category shares, generated names and plain-language descriptions."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .naming import CATEGORY_SEP, auto_names, pretty_feature_name, split_category_column
from .preprocess import role_name


@dataclasses.dataclass
class SegmentProfile:
    """What each segment looks like.

    Attributes:
        summary: index segment id (name "segment"); columns name, size, share.
            Share is of ALL rows of the table, including rows with no segment.
        means: segment x numeric/yes-no feature, original units.
        medians: same shape as ``means``.
        zscores: (segment mean - overall mean) / overall sd; 0 where sd is 0.
        category_shares: segment x "feature = value": share of the segment's rows.
        overall_means: mean of every numeric/yes-no feature over all rows.
        overall_shares: share of every category over all rows.
    """

    summary: pd.DataFrame
    means: pd.DataFrame
    medians: pd.DataFrame
    zscores: pd.DataFrame
    category_shares: pd.DataFrame
    overall_means: pd.Series
    overall_shares: pd.Series = dataclasses.field(default_factory=lambda: pd.Series(dtype=float))

    def table(self) -> pd.DataFrame:
        """Flat display table: name, size, share, then the feature means."""
        return pd.concat([self.summary[["name", "size", "share"]], self.means], axis=1)


def _numeric(frame: pd.DataFrame, features: Sequence[str], roles: Mapping[str, object]) -> pd.DataFrame:
    columns = [f for f in features if role_name(roles.get(f, "numeric")) in ("numeric", "boolean")]
    return pd.DataFrame(
        {c: pd.to_numeric(frame[c].astype("Float64") if role_name(roles.get(c)) == "boolean" else frame[c],
                          errors="coerce").astype("float64") for c in columns},
        index=frame.index,
    )


def profile_segments(
    frame: pd.DataFrame,
    labels: np.ndarray,
    features: Sequence[str],
    roles: Mapping[str, object],
    names: Mapping[int, str] | None = None,
) -> SegmentProfile:
    """Profile the segments given by ``labels`` (segment ids; -1 = no segment).

    Rows with -1 count in the overall statistics and in the share denominator,
    not in any segment. ``names`` given override generated names.
    """
    labels = np.asarray(labels, dtype=np.int64)
    key = pd.Series(labels, index=frame.index, name="segment")
    in_segment = key >= 0
    numeric = _numeric(frame, features, roles)
    ids = np.unique(labels[labels >= 0])
    index = pd.Index(ids.astype(int), name="segment")
    grouped = numeric[in_segment].groupby(key[in_segment])
    means = grouped.mean().reindex(index)
    medians = grouped.median().reindex(index)
    overall = numeric.mean()
    spread = numeric.std(ddof=0).replace(0, np.nan)
    zscores = ((means - overall) / spread).fillna(0.0)
    categorical = [f for f in features if role_name(roles.get(f)) == "categorical"]
    shares, overall_shares = [], []
    for column in categorical:
        values = frame[column].astype(object).where(frame[column].notna(), "(missing)").astype(str)
        table = pd.crosstab(key[in_segment], values[in_segment], normalize="index")
        table = table.reindex(index).fillna(0.0)
        table.columns = [f"{column}{CATEGORY_SEP}{v}" for v in table.columns]
        shares.append(table)
        overall_share = values.value_counts(normalize=True)
        overall_share.index = [f"{column}{CATEGORY_SEP}{v}" for v in overall_share.index]
        overall_shares.append(overall_share)
    category_shares = pd.concat(shares, axis=1) if shares else pd.DataFrame(index=index)
    overall_share = pd.concat(overall_shares) if overall_shares else pd.Series(dtype=float)
    sizes = key[in_segment].value_counts().reindex(index).fillna(0).astype(int)
    generated = auto_names(zscores, category_shares if shares else None, overall_shares=overall_share)
    given = {int(k): str(v) for k, v in (names or {}).items()}
    summary = pd.DataFrame(
        {
            "name": [given.get(int(i), generated.get(int(i), f"Segment {i}")) for i in index],
            "size": sizes.to_numpy(),
            "share": sizes.to_numpy() / max(len(frame), 1),
        },
        index=index,
    )
    return SegmentProfile(summary, means, medians, zscores, category_shares, overall, overall_share)


def _times(ratio: float) -> str:
    return f"{ratio:.1f}×" if ratio < 10 else f"{ratio:,.0f}×"


def describe_segment(profile: SegmentProfile, segment: int, *, noun: str = "rows", max_points: int = 3,
                     include_size: bool = True) -> str:
    """One plain-language paragraph about a segment, for someone who did not build it.

    ``include_size=False`` leaves out the opening "name: size" sentence (for a
    card that already shows them).
    """
    row = profile.summary.loc[segment]
    size, share = int(row["size"]), float(row["share"])
    parts = [f"{row['name']}: {size:,} {noun}, {share:.1%} of all {noun}."] if include_size else []
    if segment in profile.zscores.index and profile.zscores.shape[1]:
        z = profile.zscores.loc[segment]
        top = z.abs().sort_values(ascending=False)
        points = []
        for feature in top.index[:max_points]:
            value = float(z[feature])
            if abs(value) < 0.25:
                continue
            mean = float(profile.means.loc[segment, feature])
            overall = float(profile.overall_means[feature])
            label = pretty_feature_name(feature)
            if overall > 0 and mean >= 0 and (mean / overall >= 1.5 or (0 < mean / overall <= 0.67)):
                ratio = mean / overall
                points.append(
                    f"about {_times(ratio)} the average {label}" if ratio >= 1
                    else f"only about {ratio:.0%} of the average {label}"
                )
            else:
                strength = "well " if abs(value) >= 1 else ""
                points.append(f"{strength}{'above' if value > 0 else 'below'} average {label}")
        if points:
            parts.append("Compared with the whole table they have " + _join(points) + ".")
        else:
            parts.append("Their measures are close to the average of the whole table.")
    if segment in profile.category_shares.index and profile.category_shares.shape[1]:
        shares = profile.category_shares.loc[segment]
        best = shares.idxmax()
        feature, value = split_category_column(best)
        parts.append(f"Most common {pretty_feature_name(feature)}: {value} ({float(shares[best]):.0%}).")
    return " ".join(parts)


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
