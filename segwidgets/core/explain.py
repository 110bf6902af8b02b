"""Why rows are in their segments, in the original features.

- :func:`global_importance`: which features tell the segments apart, from a
  random-forest surrogate of the labels and scikit-learn's
  ``permutation_importance`` on held-out rows (overall and per segment).
- :func:`row_attribution`: for centroid methods, how much each feature pulls
  one row towards its own centre rather than the next nearest.
- :func:`segment_rules`: a shallow decision tree read as plain rules
  ("num_shares > 120.5 and num_likes <= 40") with their support and precision.
- In words, for the explanation panel: :func:`distinctive_features` (each
  segment's most distinctive features, from its profile),
  :func:`explain_row` / :func:`row_sentence` (one row's attribution by stable
  segment id, and why in a sentence), :func:`importance_sentence`.

The surrogates work on the ORIGINAL feature columns (numbers in their own
units, yes/no as 0/1, categories one-hot encoded but permuted and reported
as one feature), so what they say can be read without the preprocessing.
Missing numbers are handled by the trees themselves.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.inspection import permutation_importance
from sklearn.metrics import f1_score, make_scorer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

from ..errors import SegwidgetsDataError, SegwidgetsValueError
from .metrics import check_labels
from .naming import category_lift, pretty_feature_name, split_category_column
from .preprocess import MAX_CATEGORIES
from .profile import SegmentProfile
from .text import format_count, format_share, format_significant

__all__ = [
    "row_name",
    "GlobalExplanation",
    "RowAttribution",
    "RowExplanation",
    "Rule",
    "SegmentRules",
    "distinctive_features",
    "explain_row",
    "global_importance",
    "importance_sentence",
    "row_attribution",
    "row_sentence",
    "segment_rules",
    "signed",
]

#: Share of rows held out to measure the surrogate and its permutation importance.
TEST_SHARE = 0.25
#: Deepest rule tree allowed (deeper trees no longer read as rules).
MAX_RULE_DEPTH = 5
#: Distinctive features listed per segment.
TOP_FEATURES = 3
#: A z-score (or category lift) below this in size is "close to the average".
MIN_DISTINCT = 0.25
_MISSING = "missing"


# --------------------------------------------------------------------------- inputs


@dataclass
class _Design:
    frame: pd.DataFrame  # cleaned feature columns (numbers as float64, categories as str)
    labels: np.ndarray  # int64, one per row of frame
    numeric: list[str]
    categorical: list[str]
    notes: list[str]


def _design(X_frame: Any, labels: Any) -> _Design:
    """Clean the feature frame and labels; rows labelled -1 are left out."""
    if not isinstance(X_frame, pd.DataFrame):
        raise SegwidgetsValueError("Explanations need the feature columns as a table (a DataFrame).")
    if X_frame.shape[1] == 0:
        raise SegwidgetsValueError("Choose at least one feature to explain the segments with.")
    labels = check_labels(labels, len(X_frame))
    notes: list[str] = []
    kept = labels >= 0
    if not kept.all():
        dropped = int((~kept).sum())
        notes.append(f"{dropped:,} rows in no segment were left out of the explanation.")
    frame = X_frame.loc[kept]
    labels = labels[kept]
    if len(np.unique(labels)) < 2:
        raise SegwidgetsDataError("There must be at least 2 segments to explain what separates them.")
    numeric: list[str] = []
    categorical: list[str] = []
    columns: dict[str, pd.Series] = {}
    for name in frame.columns:
        column = frame[name]
        label = str(name)
        if label in columns:
            raise SegwidgetsValueError(f"The feature {label!r} appears twice; keep one copy.")
        kind = column.dtype.kind
        if pd.api.types.is_bool_dtype(column.dtype):
            numeric.append(label)
            columns[label] = column.astype("Float64").astype("float64")
        elif kind in "iuf" or pd.api.types.is_numeric_dtype(column.dtype):
            numeric.append(label)
            values = pd.to_numeric(column, errors="coerce").astype("float64")
            columns[label] = values.where(np.isfinite(values))  # infinities count as missing
        elif kind in "mM" or isinstance(column.dtype, pd.DatetimeTZDtype):
            raise SegwidgetsValueError(
                f"Column {label!r} holds dates or times; explanations use number, "
                "yes/no and category columns."
            )
        else:
            categorical.append(label)
            values = column.astype(object).where(column.notna(), _MISSING).map(str)
            levels = values.nunique()
            if levels > MAX_CATEGORIES:
                raise SegwidgetsDataError(
                    f"Feature {label!r} has {levels:,} different values; at most "
                    f"{MAX_CATEGORIES} categories can be used in an explanation."
                )
            columns[label] = values
    for name in numeric:
        if columns[name].isna().all():
            raise SegwidgetsDataError(
                f"Feature {name!r} has no values at all; leave it out of the explanation."
            )
    clean = pd.DataFrame(columns)
    clean.index = range(len(clean))
    return _Design(clean, labels, numeric, categorical, notes)


def _encoder(numeric: list[str], categorical: list[str]) -> ColumnTransformer:
    """Numbers passed through (missing kept for the trees), categories one-hot encoded."""
    parts: list[tuple[str, Any, list[str]]] = []
    if numeric:
        parts.append(("numeric", "passthrough", numeric))
    if categorical:
        parts.append(("categorical",
                      OneHotEncoder(handle_unknown="ignore", sparse_output=False), categorical))
    return ColumnTransformer(parts, remainder="drop", verbose_feature_names_out=False)


def _split(labels: np.ndarray, size: int | float, seed: int) -> tuple[np.ndarray, np.ndarray]:  # noqa: PYI041 - rows or a share
    """Stratified split of row positions when every segment has 2 rows, else a plain one."""
    positions = np.arange(len(labels))
    counts = np.bincount(labels - labels.min())
    stratify = labels if counts[counts > 0].min() >= 2 else None
    first, second = train_test_split(
        positions, train_size=size, stratify=stratify, random_state=seed, shuffle=True
    )
    return np.sort(first), np.sort(second)


# --------------------------------------------------------------------------- global importance


@dataclass
class GlobalExplanation:
    """Which features tell the segments apart.

    Attributes:
        importance: DataFrame indexed by feature, most important first:
            ``importance_mean`` and ``importance_std`` (drop in held-out
            accuracy when the feature's values are shuffled, over repeats).
        per_segment: DataFrame (feature × segment): drop in each segment's
            F1 (one segment against the rest) when the feature is shuffled.
        accuracy: held-out accuracy of the surrogate (how far to trust it).
        segments: segment ids explained.
        n_train: rows the surrogate learned from.
        n_test: held-out rows it was measured on.
        model: the fitted surrogate pipeline (encoder + random forest).
        notes: what was done, in plain words.
    """

    importance: pd.DataFrame
    per_segment: pd.DataFrame
    accuracy: float
    segments: list[int]
    n_train: int
    n_test: int
    model: Pipeline = field(repr=False)
    notes: list[str] = field(default_factory=list)


def _segment_f1(y_true: np.ndarray, y_pred: np.ndarray, *, segment: int) -> float:
    return f1_score(np.asarray(y_true) == segment, np.asarray(y_pred) == segment, zero_division=0.0)


def global_importance(
    X_frame: pd.DataFrame,
    labels: Any,
    *,
    seed: int = 0,
    max_rows: int = 20_000,
    n_repeats: int = 5,
) -> GlobalExplanation:
    """Explain the segments with a random-forest surrogate and permutation importance.

    A ``RandomForestClassifier`` (100 trees, no depth limit, one core) learns
    the labels from the original feature columns on a stratified 75 % of
    the rows (of a stratified seeded sample of ``max_rows`` rows on large
    tables); ``permutation_importance`` on the held-out 25 % says how much
    the accuracy drops when each feature is shuffled, overall and per
    segment (one against the rest, by F1).
    """
    design = _design(X_frame, labels)
    notes = list(design.notes)
    n = len(design.labels)
    max_rows = int(max_rows)
    if max_rows < 20:
        raise SegwidgetsValueError("Use at least 20 rows to explain the segments.")
    rows = np.arange(n)
    if n > max_rows:
        rows, _ = _split(design.labels, max_rows, seed)
        notes.append(f"Explained from {max_rows:,} of {n:,} rows (a random sample, every segment kept in proportion).")
    y = design.labels[rows]
    train, test = _split(y, 1.0 - TEST_SHARE, seed)
    frame = design.frame.iloc[rows]
    X_train, X_test = frame.iloc[train], frame.iloc[test]
    y_train, y_test = y[train], y[test]
    model = Pipeline([
        ("encode", _encoder(design.numeric, design.categorical)),
        ("forest", RandomForestClassifier(n_estimators=100, max_depth=None, n_jobs=1,
                                          random_state=seed)),
    ])
    model.fit(X_train, y_train)
    accuracy = float(model.score(X_test, y_test))
    segments = [int(s) for s in np.unique(design.labels)]
    scoring: dict[str, Any] = {"accuracy": "accuracy"}
    for s in segments:
        scoring[f"segment {s}"] = make_scorer(_segment_f1, segment=s)
    result = permutation_importance(
        model, X_test, y_test, scoring=scoring, n_repeats=int(n_repeats),
        random_state=seed, n_jobs=1,
    )
    features = list(design.frame.columns)
    importance = pd.DataFrame(
        {"importance_mean": result["accuracy"].importances_mean,
         "importance_std": result["accuracy"].importances_std},
        index=pd.Index(features, name="feature"),
    ).sort_values("importance_mean", ascending=False, kind="stable")
    per_segment = pd.DataFrame(
        {s: result[f"segment {s}"].importances_mean for s in segments},
        index=pd.Index(features, name="feature"),
    ).reindex(importance.index)
    per_segment.columns.name = "segment"
    if accuracy < 0.7:
        notes.append(
            f"The surrogate recovers only {accuracy:.0%} of held-out rows' segments: "
            "read these importances with care."
        )
    return GlobalExplanation(
        importance=importance, per_segment=per_segment, accuracy=accuracy, segments=segments,
        n_train=len(train), n_test=len(test), model=model, notes=notes,
    )


# --------------------------------------------------------------------------- one row


@dataclass
class RowAttribution:
    """How each feature pulls one row towards its centre rather than another.

    Attributes:
        contributions: per feature, ``(x_j - other_j)^2 - (x_j - assigned_j)^2``;
            positive values pull the row towards its assigned centre.
            They sum exactly to ``margin``.
        assigned: index of the row's own centre.
        other: index of the centre it is compared with.
        distance_assigned: squared distance to the assigned centre.
        distance_other: squared distance to the other centre.
    """

    contributions: pd.Series
    assigned: int
    other: int
    distance_assigned: float
    distance_other: float

    @property
    def margin(self) -> float:
        """``distance_other - distance_assigned`` (positive: the row is nearer its own centre)."""
        return self.distance_other - self.distance_assigned


def row_attribution(
    x: Any,
    centers: Any,
    assigned: int,
    other: int | None = None,
    *,
    feature_names: Sequence[str] | None = None,
) -> RowAttribution:
    """Split the squared-distance margin of one row over its features.

    For centroid methods (rows belong to the nearest centre): feature ``j``
    contributes ``(x_j - c_other_j)^2 - (x_j - c_assigned_j)^2``; the
    contributions sum to ``||x - c_other||^2 - ||x - c_assigned||^2``.
    ``other`` defaults to the nearest centre other than ``assigned``. ``x``
    and ``centers`` must be in the same (preprocessed) space.
    """
    x = np.asarray(x, dtype=np.float64)
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or len(centers) < 2:
        raise SegwidgetsValueError("Give at least 2 segment centres, one per row of a table.")
    if x.ndim != 1 or len(x) != centers.shape[1]:
        raise SegwidgetsValueError(
            f"The row has {x.size} values but the centres have {centers.shape[1]} features."
        )
    if not (np.isfinite(x).all() and np.isfinite(centers).all()):
        raise SegwidgetsValueError("The row and the centres must not have missing or infinite values.")
    k = len(centers)

    def index(value: Any, what: str) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < k:
            raise SegwidgetsValueError(f"The {what} centre must be a number from 0 to {k - 1}, not {value!r}.")
        return int(value)

    assigned = index(assigned, "assigned")
    to_assigned = (x - centers[assigned]) ** 2
    if other is None:
        distances = ((x[None, :] - centers) ** 2).sum(axis=1)
        distances[assigned] = np.inf
        other = int(np.argmin(distances))
    else:
        other = index(other, "other")
        if other == assigned:
            raise SegwidgetsValueError("Compare the row with a centre other than its own.")
    to_other = (x - centers[other]) ** 2
    if feature_names is None:
        names: list[Any] = list(range(len(x)))
    else:
        names = [str(f) for f in feature_names]
        if len(names) != len(x):
            raise SegwidgetsValueError(
                f"There are {len(names)} feature names for {len(x)} features."
            )
    contributions = pd.Series(to_other - to_assigned, index=pd.Index(names, name="feature"),
                              name="contribution")
    return RowAttribution(
        contributions=contributions, assigned=assigned, other=other,
        distance_assigned=math.fsum(to_assigned), distance_other=math.fsum(to_other),
    )


# --------------------------------------------------------------------------- rules


@dataclass
class Rule:
    """One path of the rule tree, read as text.

    Attributes:
        text: the conditions joined with "and" ("all rows" for a tree with no split).
        conditions: the conditions, root first.
        n_rows: rows that meet the rule.
        support: share of all explained rows that meet the rule.
        precision: share of the rows meeting the rule that are in the segment.
        coverage: share of the segment's rows that meet the rule.
    """

    text: str
    conditions: list[str]
    n_rows: int
    support: float
    precision: float
    coverage: float

    def __str__(self) -> str:
        return self.text


@dataclass
class SegmentRules:
    """The rules that pick out one segment.

    Attributes:
        segment: the segment id.
        size: rows in the segment.
        rules: rules of the leaves that predict it, widest coverage first
            (empty when no leaf of a shallow tree predicts it).
        recall: share of the segment's rows its rules catch.
        fidelity: accuracy of the whole tree against the labels (same for every segment).
        notes: what was done, in plain words.
    """

    segment: int
    size: int
    rules: list[Rule]
    recall: float
    fidelity: float
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The rules, one per line, or a sentence saying there is none."""
        if not self.rules:
            return "No simple rule picks out this segment."
        return "\n".join(rule.text for rule in self.rules)


def _number(value: float) -> str:
    """A threshold with about 4 significant digits, never hiding a half (120.5)."""
    value = float(value)
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    decimals = max(0, 3 - math.floor(math.log10(abs(value))))
    if decimals == 0 and abs(value - round(value)) > 1e-9 * abs(value):
        decimals = 1
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass
class _Column:
    feature: str
    level: str | None = None  # the category of a one-hot column
    binary: bool = False  # numbers that are only 0 and 1
    has_missing: bool = False


@dataclass
class _Bounds:
    lower: float | None = None  # x > lower
    upper: float | None = None  # x <= upper
    is_level: str | None = None
    not_levels: list[str] = field(default_factory=list)
    missing_ok: bool = True


def _columns(design: _Design, encoder: ColumnTransformer) -> list[_Column]:
    out = []
    for name in design.numeric:
        values = design.frame[name]
        present = values.dropna().unique()
        out.append(_Column(name, binary=bool(np.isin(present, (0.0, 1.0)).all()),
                           has_missing=bool(values.isna().any())))
    if design.categorical:
        onehot = encoder.named_transformers_["categorical"]
        for name, levels in zip(design.categorical, onehot.categories_):
            out.extend(_Column(name, level=str(level)) for level in levels)
    return out


def _render(feature: str, bounds: _Bounds, column: _Column) -> str:
    if column.level is not None or bounds.is_level is not None or bounds.not_levels:
        if bounds.is_level is not None:
            return f"{feature} is {bounds.is_level}"
        levels = bounds.not_levels
        if len(levels) == 1:
            return f"{feature} is not {levels[0]}"
        return f"{feature} is none of {', '.join(levels[:-1])} or {levels[-1]}"
    if column.binary:
        text = f"{feature} = 1" if bounds.lower is not None else f"{feature} = 0"
    elif bounds.lower is not None and bounds.upper is not None:
        text = f"{_number(bounds.lower)} < {feature} <= {_number(bounds.upper)}"
    elif bounds.lower is not None:
        text = f"{feature} > {_number(bounds.lower)}"
    else:
        text = f"{feature} <= {_number(bounds.upper)}"
    if column.has_missing and bounds.missing_ok:
        text = f"({text} or missing)"
    return text


def _leaf_paths(tree: DecisionTreeClassifier, columns: list[_Column]) -> dict[int, list[str]]:
    """Conditions (root first, one per feature) leading to each leaf."""
    t = tree.tree_
    missing_left = getattr(t, "missing_go_to_left", None)
    paths: dict[int, list[str]] = {}

    def walk(node: int, bounds: dict[str, _Bounds]) -> None:
        left, right = t.children_left[node], t.children_right[node]
        if left == right:  # a leaf
            paths[node] = [
                _render(feature, b, next(c for c in columns if c.feature == feature))
                for feature, b in bounds.items()
            ]
            return
        column = columns[t.feature[node]]
        threshold = float(t.threshold[node])
        goes_left = bool(missing_left[node]) if missing_left is not None else False
        for child, is_left in ((left, True), (right, False)):
            branch = {f: _Bounds(b.lower, b.upper, b.is_level, list(b.not_levels), b.missing_ok)
                      for f, b in bounds.items()}
            b = branch.setdefault(column.feature, _Bounds())
            if column.level is not None:
                if is_left:
                    b.not_levels.append(column.level)
                else:
                    b.is_level = column.level
            elif is_left:
                b.upper = threshold if b.upper is None else min(b.upper, threshold)
            else:
                b.lower = threshold if b.lower is None else max(b.lower, threshold)
            b.missing_ok = b.missing_ok and (goes_left == is_left)
            walk(child, branch)

    walk(0, {})
    return paths


def segment_rules(
    X_frame: pd.DataFrame, labels: Any, *, max_depth: int = 3, seed: int = 0
) -> list[SegmentRules]:
    """Read the segments as rules from a shallow decision tree.

    A ``DecisionTreeClassifier`` of depth at most ``max_depth`` learns the
    labels from the original feature columns; each leaf becomes a rule for
    the segment it predicts, with its support (share of rows meeting it),
    precision (share of those rows in the segment) and coverage (share of
    the segment meeting it). ``fidelity`` is the tree's accuracy against the
    labels. A tree of depth d has at most 2**d leaves, so with more segments
    than that some segments get no rule.
    """
    if isinstance(max_depth, bool) or not isinstance(max_depth, (int, np.integer)) \
            or not 1 <= max_depth <= MAX_RULE_DEPTH:
        raise SegwidgetsValueError(
            f"The rule depth must be a whole number from 1 to {MAX_RULE_DEPTH}, not {max_depth!r}."
        )
    design = _design(X_frame, labels)
    encoder = _encoder(design.numeric, design.categorical)
    X = np.asarray(encoder.fit_transform(design.frame), dtype=np.float64)
    y = design.labels
    tree = DecisionTreeClassifier(max_depth=int(max_depth), random_state=seed)
    tree.fit(X, y)
    fidelity = float((tree.predict(X) == y).mean())
    columns = _columns(design, encoder)
    paths = _leaf_paths(tree, columns)
    leaves = tree.apply(X)
    segments, sizes = np.unique(y, return_counts=True)
    code = np.searchsorted(segments, y)
    n = len(y)
    by_segment: dict[int, list[Rule]] = {int(s): [] for s in segments}
    for leaf, conditions in paths.items():
        in_leaf = leaves == leaf
        n_leaf = int(in_leaf.sum())
        if n_leaf == 0:
            continue
        counts = np.bincount(code[in_leaf], minlength=len(segments))
        best = int(np.argmax(counts))
        segment = int(segments[best])
        by_segment[segment].append(Rule(
            text=" and ".join(conditions) if conditions else "all rows",
            conditions=conditions,
            n_rows=n_leaf,
            support=n_leaf / n,
            precision=float(counts[best] / n_leaf),
            coverage=float(counts[best] / sizes[best]),
        ))
    out = []
    for segment, size in zip(segments, sizes):
        rules = sorted(by_segment[int(segment)], key=lambda r: (-r.coverage, -r.precision))
        out.append(SegmentRules(
            segment=int(segment), size=int(size), rules=rules,
            recall=float(sum(r.coverage for r in rules)), fidelity=fidelity,
            notes=list(design.notes),
        ))
    return out


# --------------------------------------------------------------------------- in words


def signed(value: float, decimals: int = 1) -> str:
    """``+2.1`` / ``−0.8`` (a real minus sign)."""
    text = f"{abs(value):.{decimals}f}"
    return ("−" if value < 0 and float(text) != 0 else "+") + text


def distinctive_features(profile: SegmentProfile, segment: int,
                         top: int = TOP_FEATURES) -> list[tuple[str, float, str]]:
    """The segment's most distinctive features: ``(feature, score, text)``, largest in size first.

    Numeric and yes/no features score by z-score; a category value by its
    lift over its share of all rows (:func:`~segwidgets.core.naming.category_lift`).
    Features closer to the average than :data:`MIN_DISTINCT` are left out.
    """
    items: list[tuple[str, float, str]] = []
    if segment in profile.zscores.index:
        for feature, z in profile.zscores.loc[segment].items():
            z = float(z)
            if math.isfinite(z) and abs(z) >= MIN_DISTINCT:
                arrow = "↑" if z > 0 else "↓"
                items.append((str(feature), z, f"{pretty_feature_name(feature)} {arrow} {signed(z)} sd"))
    shares = profile.category_shares
    if segment in shares.index and len(shares.columns):
        for column, share in shares.loc[segment].items():
            overall = float(profile.overall_shares.get(column, math.nan))
            lift = category_lift(float(share), overall)
            if math.isfinite(lift) and lift >= MIN_DISTINCT:  # what the segment has more of
                feature, value = split_category_column(column)
                text = (f"{pretty_feature_name(feature)} = {value} "
                        f"{format_share(float(share))} (all rows {format_share(overall)})")
                items.append((str(column), lift, text))
    items.sort(key=lambda item: -abs(item[1]))
    return items[:top]


@dataclass
class RowExplanation:
    """Why one row of the table is in its segment rather than the nearest other one.

    Attributes:
        row: position of the row in the table.
        prepared_row: position of the row in the prepared rows (``Prepared.X``).
        segment: the row's stable segment id.
        other_segment: stable id of the nearest other segment (-1 if no row is in it).
        attribution: the core result (raw centre indices, squared distances).
        contributions: per preprocessed feature, largest in size first; they sum to ``margin``.
    """

    row: int
    prepared_row: int
    segment: int
    other_segment: int
    attribution: RowAttribution
    contributions: pd.Series

    @property
    def margin(self) -> float:
        """Squared distance to the other centre minus to the own centre (scaled features)."""
        return self.attribution.margin


def explain_row(x: Any, centers: Any, assigned: int, *, row: int, prepared_row: int,
                raw_to_id: Sequence[int], segment_ids: Sequence[int],
                feature_names: Sequence[str]) -> RowExplanation:
    """:func:`row_attribution` of one prepared row, by stable segment id, largest contributions first.

    ``raw_to_id`` gives the stable id of each of the fit's own labels (centre
    indices); ``segment_ids`` are the segments that have rows.
    """
    attribution = row_attribution(x, centers, assigned, feature_names=feature_names)
    contributions = attribution.contributions
    contributions = contributions.iloc[np.argsort(-np.abs(contributions.to_numpy()), kind="stable")]

    def stable(raw: int) -> int:
        return int(raw_to_id[raw]) if 0 <= raw < len(raw_to_id) else -1

    other = stable(attribution.other)
    return RowExplanation(row=int(row), prepared_row=int(prepared_row), segment=stable(assigned),
                          other_segment=other if other in segment_ids else -1,
                          attribution=attribution, contributions=contributions)


#: An identifier longer than this is shortened where a row is named.
ROW_NAME_CHARS = 40


def row_name(frame: Any, roles: Mapping[str, Any], row: int) -> str:
    """How a row is named to a person: by its identifier column, ``"status_id 2466…_1649… (row 480)"``,
    when the table has one (the first column whose role is "identifier"); else ``"Row 480"``."""
    number = format_count(int(row))
    column = next((c for c, r in roles.items() if str(getattr(r, "value", r)) == "identifier"
                   and frame is not None and c in frame.columns), None)
    if column is None or not 0 <= int(row) < len(frame):
        return f"Row {number}"
    value = frame[column].iloc[int(row)]
    if value is None or (isinstance(value, float) and value != value):
        return f"Row {number} (no {column})"
    text = str(value)
    if len(text) > ROW_NAME_CHARS:
        text = text[:ROW_NAME_CHARS - 1] + "…"
    return f"{column} {text} (row {number})"


def row_sentence(explanation: RowExplanation, own: str, other: str, name: str | None = None) -> str:
    """Why the row is in segment ``own`` rather than ``other`` (names), in one or two sentences;
    the row is called ``name`` (see :func:`row_name`), or "Row <number>"."""
    c = explanation.contributions
    row, margin = format_count(explanation.row), explanation.margin
    row = name if name else f"Row {row}"
    positive = c[c > 0].sort_values(ascending=False)
    if margin <= 1e-12 or positive.empty:
        return (f"{row} lies on the boundary between '{own}' and '{other}': "
                f"it is as near to one centre as to the other (margin {format_significant(margin, 2)}).")
    chosen = [positive.index[0]]
    if len(positive) > 1 and positive.iloc[1] >= 0.25 * positive.iloc[0]:
        chosen.append(positive.index[1])
    because = " and ".join(f"{pretty_feature_name(f)} ({signed(float(c[f]))})" for f in chosen)
    text = (f"{row} is in '{own}' rather than '{other}' mostly because of {because}; "
            f"the contributions sum to the margin {margin:.1f}.")
    negative = c[c < 0].sort_values()
    if not negative.empty and abs(negative.iloc[0]) >= 0.25 * positive.iloc[0]:
        text += (f" {pretty_feature_name(negative.index[0]).capitalize()} pulls the other way "
                 f"({signed(float(negative.iloc[0]))}).")
    return text


def importance_sentence(explanation: GlobalExplanation) -> str:
    """How well the surrogate reproduces the segments, and which features it relies on most."""
    importance = explanation.importance["importance_mean"]
    top = [pretty_feature_name(f) for f, v in importance.items() if v > 0][:3]
    lead = (f" It relies most on {', '.join(top[:-1]) + ' and ' + top[-1] if len(top) > 1 else top[0]}."
            if top else " No single feature matters much on its own.")
    return (f"The surrogate model reproduces the segments for {format_share(explanation.accuracy)} of "
            f"held-out rows ({format_count(explanation.n_test)} rows it did not learn from).{lead}")
