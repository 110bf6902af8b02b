"""Segment profiles: what each segment looks like, in the table's own units.

:func:`profile_segments` summarises every segment (size, share, means,
medians, z-scores, category shares) with pandas ``groupby``;
:func:`auto_names` (from :mod:`segwidgets.core.naming`) names segments from
their most distinctive features (or by overall level, ``naming="level"``),
and :func:`describe_segment` writes one plain-language paragraph about a
segment for a stakeholder, with readable feature names and yes/no features
worded as such ("Has app: 80% of its rows, against 20% overall.").
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import SegwidgetsDataError, SegwidgetsValueError
from .metrics import check_labels
from .naming import (
    MISSING,
    NAME_Z,
    auto_names,
    category_column,
    category_lift,
    check_naming_style,
    pretty_feature_name,
    split_category_column,
    yes_no_phrases,
)
from .text import format_count, format_number, format_share

if TYPE_CHECKING:  # pragma: no cover
    from .roles import Role

__all__ = [
    "MAX_PROFILE_CATEGORIES",
    "ProfileInputs",
    "SegmentProfile",
    "auto_names",
    "describe_segment",
    "profile_inputs",
    "profile_segments",
]

#: A categorical feature contributes share columns for at most this many of its
#: most frequent values (over all rows); rarer values are left out of the profile.
MAX_PROFILE_CATEGORIES = 30

_NUMERIC_ROLES = ("numeric", "boolean")
_CATEGORICAL_ROLES = ("categorical",)


def _role_text(role: object) -> str:
    """``Role.NUMERIC`` or ``"numeric"`` -> ``"numeric"``."""
    return str(getattr(role, "value", role))


def _guess_role(series: pd.Series) -> str:
    """Role of a column that the caller gave no role for (dtype only)."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return "datetime"
    if pd.api.types.is_numeric_dtype(series.dtype):
        return "numeric"
    return "categorical"


@dataclass(eq=False)  # identity: comparing every frame would compute the lazy medians
class SegmentProfile:
    """What every segment looks like.

    Data Attributes:
        summary: pd.DataFrame — index segment id (int, named ``"segment"``),
            sorted; columns ``name`` (str), ``size`` (rows in the segment) and
            ``share`` (size / number of ALL rows, unassigned ``-1`` rows
            included, 0..1).
        means: pd.DataFrame — index segment id; one column per numeric or
            boolean feature, the segment mean in the feature's original units
            (a boolean's mean is the share of True). NaN when the segment has
            no value for the feature.
        medians: pd.DataFrame — as ``means``, medians (computed on first
            access: no view needs them to draw, and they cost a sort).
        zscores: pd.DataFrame — ``(segment mean - overall mean) / overall
            std``; the overall mean and (population, ddof=0) std are over all
            rows with a value, unassigned rows included; 0 where the std is 0
            or the segment has no value for the feature (never NaN).
        category_shares: pd.DataFrame — index segment id; columns
            ``"feature = value"`` for the most frequent values of each
            categorical feature (at most :data:`MAX_PROFILE_CATEGORIES`, a
            missing value counting as the value ``(missing)``); the share
            (0..1) of the segment's rows with that value.
        overall_means: pd.Series — mean of each numeric/boolean feature over
            all rows with a value.
        overall_shares: pd.Series — share of all rows having each
            ``"feature = value"`` (default: empty).
        overall_stds: pd.Series — population std of each numeric/boolean
            feature over all rows with a value (default: empty).
        roles: dict[str, str] — role of each profiled feature (default: {}).
        n_rows: int — number of rows in the table, unassigned included
            (default: 0).
    """

    summary: pd.DataFrame
    means: pd.DataFrame
    medians: pd.DataFrame
    zscores: pd.DataFrame
    category_shares: pd.DataFrame
    overall_means: pd.Series
    overall_shares: pd.Series = field(default_factory=lambda: pd.Series(dtype="float64"))
    overall_stds: pd.Series = field(default_factory=lambda: pd.Series(dtype="float64"))
    roles: dict[str, str] = field(default_factory=dict)
    n_rows: int = 0

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        if name == "medians" and isinstance(value, _Lazy):
            value = value()
            object.__setattr__(self, "medians", value)
        return value

    def relabel(self, mapping: Mapping[int, int]) -> SegmentProfile:
        """The same profile with segment ``i`` renamed ``mapping[i]`` (sorted by the new ids)."""
        old = [int(i) for i in self.summary.index]
        new = [int(mapping.get(i, i)) for i in old]
        if new == old:
            return self
        order = np.argsort(new, kind="stable")
        index = pd.Index(np.asarray(new, dtype=np.int64)[order], name="segment")

        def moved(frame: pd.DataFrame) -> pd.DataFrame:
            out = frame.iloc[order].copy()
            out.index = index.rename(frame.index.name)
            return out

        medians = object.__getattribute__(self, "medians")
        out = copy.copy(self)
        out.summary, out.means, out.zscores = moved(self.summary), moved(self.means), moved(self.zscores)
        out.category_shares = moved(self.category_shares)
        object.__setattr__(out, "medians", _Lazy(lambda: moved(medians() if isinstance(medians, _Lazy)
                                                              else medians)))
        return out

    @property
    def segment_ids(self) -> list[int]:
        """Segment ids, sorted."""
        return [int(i) for i in self.summary.index]

    @property
    def names(self) -> dict[int, str]:
        """``{segment id: name}``."""
        return {int(i): str(n) for i, n in self.summary["name"].items()}

    def table(self, categories: bool = False) -> pd.DataFrame:
        """A flat table for display, one row per segment (index: segment id).

        Columns: ``name``, ``size``, ``share``, then the mean of each numeric
        or boolean feature (a feature called ``name``, ``size`` or ``share``
        is shown as ``"<feature> (mean)"``); with ``categories=True``, the
        category shares follow.
        """
        reserved = set(self.summary.columns)
        means = self.means.rename(columns=lambda c: f"{c} (mean)" if c in reserved else c)
        parts = [self.summary[["name", "size", "share"]], means]
        if categories:
            taken = reserved | set(means.columns)
            parts.append(
                self.category_shares.rename(columns=lambda c: f"{c} (share)" if c in taken else c)
            )
        return pd.concat(parts, axis=1)


class _Lazy:
    """A value computed when first read (see ``SegmentProfile.medians``)."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make

    def __call__(self) -> Any:
        return self.make()


@dataclass(eq=False)
class ProfileInputs:
    """What a profile needs that does not depend on the labels (reuse it across refits).

    Built by :func:`profile_inputs` for one table and feature list.
    """

    n_rows: int
    feature_roles: dict[str, str]
    numeric: list[str]
    categorical: list[str]
    values: np.ndarray  # (n_rows, len(numeric)) float64, NaN for missing
    has_missing: bool
    overall_means: pd.Series
    overall_stds: pd.Series
    categories: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]  # codes, uniques, counts, keep
    nonnegative: frozenset[str] = frozenset()  # numeric features never below zero (for names)


def profile_inputs(frame: pd.DataFrame, features: Sequence[str], roles: Mapping[str, Role | str]) -> ProfileInputs:
    """Check ``features`` against ``frame`` and precompute the label-free parts of a profile."""
    if not isinstance(frame, pd.DataFrame):
        raise SegwidgetsValueError("The table to profile must be a pandas DataFrame.")
    if isinstance(features, str):
        features = [features]
    features = list(features)
    missing = [f for f in features if f not in frame.columns]
    if missing:
        raise SegwidgetsValueError(
            "These features are not columns of the table: " + ", ".join(repr(f) for f in missing) + "."
        )
    repeated = sorted({f for f in features if features.count(f) > 1}, key=features.index)
    if repeated:
        raise SegwidgetsValueError(
            "These features are listed more than once: " + ", ".join(repr(f) for f in repeated) + "."
        )
    doubled = [f for f in features if int((frame.columns == f).sum()) > 1]
    if doubled:
        raise SegwidgetsDataError(
            "The table has several columns called " + ", ".join(repr(f) for f in doubled) + "."
        )
    feature_roles: dict[str, str] = {}
    for f in features:
        feature_roles[f] = _role_text(roles[f]) if f in roles else _guess_role(frame[f])
    numeric = [f for f in features if feature_roles[f] in _NUMERIC_ROLES]
    categorical = [f for f in features if feature_roles[f] in _CATEGORICAL_ROLES]
    n_rows = len(frame)
    values = np.empty((n_rows, len(numeric)), dtype=np.float64, order="F")  # columns contiguous
    for j, f in enumerate(numeric):
        values[:, j] = _as_float(frame[f])
    finite = ~np.isnan(values)
    has_missing = not bool(finite.all())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if has_missing:
            means = np.nanmean(values, axis=0) if n_rows else np.full(len(numeric), np.nan)
            stds = np.nanstd(values, axis=0) if n_rows else np.full(len(numeric), np.nan)
        else:
            means = values.mean(axis=0) if n_rows else np.full(len(numeric), np.nan)
            stds = values.std(axis=0) if n_rows else np.full(len(numeric), np.nan)
        lowest = np.nanmin(values, axis=0) if n_rows and len(numeric) else np.full(len(numeric), np.nan)
    nonnegative = frozenset(f for f, low in zip(numeric, lowest)
                            if feature_roles[f] == "numeric" and math.isfinite(low) and low >= 0)
    categories = {}
    for f in categorical:
        series = frame[f]
        text = series.astype(object).where(series.notna(), MISSING).astype(str)
        codes, uniques = pd.factorize(text)
        if len(uniques) == 0:
            continue
        counts_all = np.bincount(codes, minlength=len(uniques))
        keep = np.argsort(-counts_all, kind="stable")[:MAX_PROFILE_CATEGORIES]
        categories[f] = (codes, np.asarray(uniques, dtype=object), counts_all, keep)
    return ProfileInputs(
        n_rows=n_rows, feature_roles=feature_roles, numeric=numeric, categorical=categorical,
        values=values, has_missing=has_missing,
        overall_means=pd.Series(means, index=pd.Index(numeric), dtype="float64"),
        overall_stds=pd.Series(stds, index=pd.Index(numeric), dtype="float64"),
        categories=categories, nonnegative=nonnegative,
    )


def _group_means(values: np.ndarray, assigned: np.ndarray, positions: np.ndarray, groups: int,
                 has_missing: bool) -> np.ndarray:
    """Mean of each column per group: a weighted bincount per (contiguous) column."""
    out = np.full((groups, values.shape[1]), np.nan)
    if groups == 0:
        return out
    sizes = np.bincount(positions, minlength=groups).astype(float)
    every = bool(assigned.all())
    for j in range(values.shape[1]):
        column = values[:, j] if every else values[:, j][assigned]
        if has_missing:
            present = ~np.isnan(column)
            sums = np.bincount(positions, weights=np.where(present, column, 0.0), minlength=groups)
            counts = np.bincount(positions, weights=present.astype(float), minlength=groups)
        else:
            sums = np.bincount(positions, weights=column, minlength=groups)
            counts = sizes
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, j] = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return out


def _group_medians(values: np.ndarray, rows: np.ndarray, starts: np.ndarray) -> np.ndarray:
    ends = np.append(starts, len(rows))[1:]
    out = np.full((len(starts), values.shape[1]), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a segment with no value: NaN
        for g, (a, b) in enumerate(zip(starts, ends)):
            if b > a and values.shape[1]:
                out[g] = np.nanmedian(values[rows[a:b]], axis=0)
    return out


def _check_labels(labels: object, n_rows: int) -> np.ndarray:
    array = check_labels(labels, n_rows)
    if n_rows and array.min() < -1:
        raise SegwidgetsValueError(
            "Segment labels must be -1 (no segment) or a segment number of 0 or more; "
            f"found {int(array.min())}."
        )
    return array


def _as_float(series: pd.Series) -> np.ndarray:
    """A numeric or boolean column as float64; missing values and values that
    are not numbers become NaN (as in preprocessing)."""
    if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return series.to_numpy(dtype="float64", na_value=np.nan)
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def profile_segments(
    frame: pd.DataFrame,
    labels: np.ndarray,
    features: Sequence[str],
    roles: Mapping[str, Role | str],
    names: Mapping[int, str] | None = None,
    *,
    inputs: ProfileInputs | None = None,
    naming: str = "traits",
) -> SegmentProfile:
    """Summarise every segment of ``frame``.

    Args:
        frame: the table (one row per labelled row).
        labels: one segment id per row of ``frame``: any non-negative whole
            numbers (stable ids such as ``[0, 1, 5]``), ``-1`` for a row in no
            segment. ``-1`` rows form no segment but count in the overall
            statistics and in the denominator of ``share``.
        features: columns to profile. Numeric and boolean features get means,
            medians and z-scores; categorical features get category shares;
            features of other roles (datetime, identifier, empty) are skipped.
        roles: role of each feature (``Role`` or its text value); a feature
            missing here gets a role guessed from its dtype.
        names: optional ``{segment id: name}``; segments not named here get
            names from :func:`auto_names`. Ids that are not segments are
            ignored.

        inputs: :func:`profile_inputs` of the same ``frame``, ``features`` and
            ``roles``, to skip the label-free work when profiling again.
        naming: how segments not named in ``names`` are named, one of
            :data:`~segwidgets.core.naming.NAMING_STYLES`: ``"traits"`` ("High
            likes · No app") or ``"level"`` ("Most active" ... "Least active");
            anything else is refused in words.

    Returns:
        A :class:`SegmentProfile` sorted by segment id. ``summary.share`` is
        the share of ALL rows of ``frame``, unassigned ``-1`` rows included,
        so shares sum to less than 1 when some rows are unassigned.
    """
    naming = check_naming_style(naming)
    if inputs is None:
        inputs = profile_inputs(frame, features, roles)
    elif inputs.n_rows != len(frame):
        raise SegwidgetsValueError("These profile inputs were built for another table.")
    n_rows = inputs.n_rows
    labels = _check_labels(labels, n_rows)
    feature_roles = inputs.feature_roles
    numeric = inputs.numeric

    assigned = labels >= 0
    seg_labels = labels[assigned]
    top = int(seg_labels.max()) + 1 if len(seg_labels) else 0
    if top <= 100_000:  # segment ids are small: count, no sort
        counts = np.bincount(seg_labels, minlength=top)
        ids = np.flatnonzero(counts)
        lookup = np.full(top, -1, dtype=np.int64)
        lookup[ids] = np.arange(len(ids))
        positions = lookup[seg_labels]  # 0..m-1 per assigned row
    else:
        ids = np.unique(seg_labels)
        positions = np.searchsorted(ids, seg_labels)
    index = pd.Index(ids.astype(np.int64), name="segment")
    sizes = np.bincount(positions, minlength=len(ids)).astype(np.int64)

    columns = pd.Index(numeric)
    means = pd.DataFrame(_group_means(inputs.values, assigned, positions, len(ids), inputs.has_missing),
                         index=index, columns=columns, dtype="float64")
    values = inputs.values

    def medians_now() -> pd.DataFrame:
        # rows grouped by segment with one stable sort, only when somebody reads the medians
        small = positions.astype(np.int16) if len(ids) < 2 ** 15 else positions
        rows = np.flatnonzero(assigned)[np.argsort(small, kind="stable")]
        starts = (np.cumsum(sizes) - sizes).astype(np.int64)
        return pd.DataFrame(_group_medians(values, rows, starts), index=index, columns=columns,
                            dtype="float64")

    medians = _Lazy(medians_now)
    overall_means = inputs.overall_means
    overall_stds = inputs.overall_stds
    spread = overall_stds.where(overall_stds > 0)
    zscores = (means - overall_means).div(spread)
    zscores = zscores.fillna(0.0).astype("float64")  # std 0, or no value: neutral

    # Categorical features: counts by (segment, value) with one bincount each.
    share_columns: dict[str, np.ndarray] = {}
    overall_values: dict[str, float] = {}
    for f, (codes, uniques, counts_all, keep) in inputs.categories.items():
        table = np.bincount(
            positions * len(uniques) + codes[assigned], minlength=len(ids) * len(uniques)
        ).reshape(len(ids), len(uniques))
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = table / sizes[:, None]
        for code in keep:
            column = category_column(f, uniques[code])
            share_columns[column] = shares[:, code].astype("float64")
            overall_values[column] = float(counts_all[code]) / n_rows
    category_shares = pd.DataFrame(
        share_columns, index=index, columns=pd.Index(list(share_columns))
    ).astype("float64")
    overall_shares = pd.Series(
        overall_values, index=pd.Index(list(overall_values)), dtype="float64"
    )

    generated = auto_names(
        zscores, category_shares, overall_shares=overall_shares,
        booleans=[f for f in numeric if feature_roles[f] == "boolean"], style=naming,
        sizes={int(i): int(n) for i, n in zip(ids, sizes)}, means=means, overall_means=overall_means,
        nonnegative=inputs.nonnegative,
    )
    given = {}
    for key, value in (names or {}).items():
        try:
            given[int(key)] = str(value)
        except (TypeError, ValueError):
            continue
    segment_names = [given.get(int(i), generated.get(int(i), f"Segment {int(i)}")) for i in ids]
    share = sizes / n_rows if n_rows else np.zeros(len(ids))
    summary = pd.DataFrame(
        {
            "name": pd.Series(segment_names, index=index, dtype="str"),
            "size": pd.Series(sizes, index=index, dtype="int64"),
            "share": pd.Series(share, index=index, dtype="float64"),
        },
        index=index,
    )
    return SegmentProfile(
        summary=summary,
        means=means,
        medians=medians,
        zscores=zscores,
        category_shares=category_shares,
        overall_means=overall_means,
        overall_stds=overall_stds,
        overall_shares=overall_shares,
        roles=feature_roles,
        n_rows=n_rows,
    )


# --- describe_segment ---------------------------------------------------------


def _percent(share: float) -> str:
    """0.175 -> "17.5%" (one decimal); tiny but non-zero shares say so."""
    if 0 < share < 0.0005:
        return "less than 0.1%"
    return format_share(share, 1)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _numeric_phrase(feature: str, mean: float, overall: float, z: float) -> str:
    label = pretty_feature_name(feature)
    # "average basket": "the average basket", "well above average basket" (not "average average")
    averaged = label.removeprefix("average ")
    numbers = f"({format_number(mean, trim=True)} against {format_number(overall, trim=True)} overall)"
    if overall > 0 and mean >= 0:
        ratio = mean / overall
        if ratio >= 1.5:
            times = f"{ratio:.1f}" if ratio < 10 else f"{ratio:,.0f}"
            return f"about {times}× the average {averaged} {numbers}"
        if ratio == 0:
            return f"no {label} at all (against {format_number(overall, trim=True)} on average overall)"
        if ratio <= 0.67:
            return f"only about {format_share(ratio)} of the average {averaged} {numbers}"
    size = abs(z)
    direction = "above" if z > 0 else "below"
    if size >= 1.5:
        words = f"far {direction} average"
    elif size >= 0.8:
        words = f"well {direction} average"
    elif size >= NAME_Z:
        words = f"{direction} average"
    else:
        words = f"slightly {direction} average"
    return f"{words} {averaged} {numbers}"


def _boolean_sentence(feature: str, mean: float, overall: float, z: float, noun: str) -> str:
    """``"Has app: 80% of its rows, against 20% overall."`` (``"No app: ..."`` when below average)."""
    yes, no = yes_no_phrases(feature)
    if z < 0:  # worded as the name words it: the share that has not
        return f"{no}: {format_share(1.0 - mean)} of its {noun}, against {format_share(1.0 - overall)} overall."
    return f"{yes}: {format_share(mean)} of its {noun}, against {format_share(overall)} overall."


def describe_segment(
    profile: SegmentProfile,
    segment: int,
    *,
    noun: str = "rows",
    max_points: int = 4,
    include_size: bool = True,
) -> str:
    """One plain-language paragraph about a segment, for a stakeholder.

    Says how big the segment is ("1,234 rows, 17.5% of all rows"), how its
    most distinctive numeric or boolean features (2 to ``max_points``) compare
    with the whole table in the table's own units ("about 3.2× the average
    shares (45.1 against 14 overall)", "well below average likes ..."; a
    yes/no feature as "Has app: 80% of its rows, against 20% overall." or
    "No app: ..." when below average), and which category dominates it, if
    one covers at least half its rows.

    Args:
        profile: from :func:`profile_segments`.
        segment: a segment id of the profile.
        noun: what a row is, plural ("rows", "posts").
        max_points: most features compared (default 4).
        include_size: False leaves out the opening "name: size" sentence
            (for a card that already shows them).
    """
    try:
        segment = int(segment)
    except (TypeError, ValueError):
        raise SegwidgetsValueError(f"{segment!r} is not a segment number.") from None
    if segment not in profile.summary.index:
        known = ", ".join(str(i) for i in profile.segment_ids) or "none"
        raise SegwidgetsValueError(
            f"There is no segment {segment} in this profile; the segments are: {known}."
        )
    row = profile.summary.loc[segment]
    size = int(row["size"])
    unit = noun[:-1] if size == 1 and noun.endswith("s") else noun
    sentences: list[str] = []
    if include_size:
        sentences.append(
            f"{row['name']}: {format_count(size)} {unit}, {_percent(float(row['share']))} of all {noun}."
        )

    # Numeric and boolean features, most distinctive first.
    candidates: list[tuple[float, str]] = []
    if segment in profile.zscores.index:
        for feature, z in profile.zscores.loc[segment].items():
            mean = float(profile.means.at[segment, feature])
            overall = float(profile.overall_means.get(feature, np.nan))
            z = float(z)
            if all(math.isfinite(v) for v in (z, mean, overall)):
                candidates.append((z, feature))
    candidates.sort(key=lambda item: -abs(item[0]))
    chosen = [(z, f) for z, f in candidates if abs(z) >= NAME_Z][: max(max_points, 1)]
    for z, f in candidates[len(chosen):]:
        if len(chosen) >= min(2, max_points) or abs(z) < 0.2:
            break
        chosen.append((z, f))
    phrases: list[str] = []
    boolean_sentences: list[str] = []
    for z, feature in chosen:
        mean = float(profile.means.at[segment, feature])
        overall = float(profile.overall_means[feature])
        if profile.roles.get(feature) == "boolean":
            boolean_sentences.append(_boolean_sentence(feature, mean, overall, z, noun))
        else:
            phrases.append(_numeric_phrase(feature, mean, overall, z))
    if phrases:
        sentences.append(f"Compared with all {noun}, it has {_join(phrases)}.")
    sentences.extend(boolean_sentences)

    # Dominant categories: the most common value of each categorical feature,
    # when it covers at least half the segment; the most over-represented first.
    mentions: list[tuple[float, str]] = []
    if segment in profile.category_shares.index and profile.category_shares.shape[1]:
        best: dict[str, tuple[float, str]] = {}
        for column, share in profile.category_shares.loc[segment].items():
            share = float(share)
            feature, value = split_category_column(column)
            if value == MISSING or not math.isfinite(share):
                continue
            if feature not in best or share > best[feature][0]:
                best[feature] = (share, column)
        for feature, (share, column) in best.items():
            if share < 0.5:
                continue
            _, value = split_category_column(column)
            overall = float(profile.overall_shares.get(column, np.nan))
            most = "Nearly all" if share >= 0.95 else "Most"
            text = f"{most} of its {noun} have {pretty_feature_name(feature)} {value} ({format_share(share)}"
            text += f", against {format_share(overall)} overall)." if math.isfinite(overall) else ")."
            lift = category_lift(share, overall) if math.isfinite(overall) else 0.0
            mentions.append((lift if math.isfinite(lift) else 0.0, text))
    mentions.sort(key=lambda item: -item[0])
    sentences.extend(text for _, text in mentions[:2])

    if not phrases and not boolean_sentences and not mentions:
        sentences.append(f"On every feature it is close to the average of all {noun}.")
    return " ".join(sentences)
