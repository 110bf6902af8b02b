"""Preprocessing built from a spec as a scikit-learn ``ColumnTransformer``.

Numeric and boolean features are imputed, optionally ``log1p``-transformed
(non-negative counts only) and scaled; categorical features are imputed with
a "missing" level and one-hot encoded (the 0/1 columns scaled too with
``scale_onehot``). Rows with missing values can instead
be dropped (``impute="drop"``); what was done is reported in ``notes``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MinMaxScaler,
    OneHotEncoder,
    RobustScaler,
    StandardScaler,
)

from ..errors import SegwidgetsDataError, SegwidgetsValueError

SCALINGS: tuple[str, ...] = ("standard", "robust", "minmax", "none")
IMPUTATIONS: tuple[str, ...] = ("median", "mean", "zero", "drop")

SCALING_LABELS = {
    "standard": "Standardise (mean 0, sd 1)",
    "robust": "Robust (median, IQR)",
    "minmax": "Min–max (0 to 1)",
    "none": "No scaling",
}
IMPUTATION_LABELS = {
    "median": "Fill with median",
    "mean": "Fill with mean",
    "zero": "Fill with zero",
    "drop": "Drop rows with gaps",
}

NUMERIC_ROLES = ("numeric", "boolean")
CATEGORICAL_ROLES = ("categorical",)
#: A categorical feature with more levels than this is refused (one-hot would explode).
MAX_CATEGORIES = 200
#: Most one-hot columns all categorical features may make together (60 features of 200
#: values each would be 12,000 columns: about 850 MB per 3,000 rows).
MAX_ONEHOT_WIDTH = 1_000
#: Most values the prepared rows may hold (rows × prepared columns, one-hot columns
#: included): 50 million float64 values are 400 MB, and a fit copies them about twice.
MAX_PREPARED_CELLS = 50_000_000


@dataclass(frozen=True)
class PreprocessSpec:
    """How features are prepared before clustering.

    Attributes:
        scaling: one of :data:`SCALINGS` (default ``"standard"``).
        impute: one of :data:`IMPUTATIONS` (default ``"median"``).
        log1p: apply ``log(1 + x)`` to non-negative numeric features (default False).
        scale_onehot: scale the one-hot columns of categorical features like the
            numeric ones (default False: they stay 0/1). Many published analyses
            standardise them; this reproduces them.
    """

    scaling: str = "standard"
    impute: str = "median"
    log1p: bool = False
    scale_onehot: bool = False

    def __post_init__(self) -> None:
        if self.scaling not in SCALINGS:
            raise SegwidgetsValueError(
                f"Unknown scaling {self.scaling!r}; choose one of {', '.join(SCALINGS)}."
            )
        if self.impute not in IMPUTATIONS:
            raise SegwidgetsValueError(
                f"Unknown way to fill gaps {self.impute!r}; choose one of {', '.join(IMPUTATIONS)}."
            )


@dataclass
class Prepared:
    """Features ready for clustering.

    Attributes:
        X: preprocessed rows actually used, float64 ``(n_kept, p)``.
        row_index: positions (into the input frame) of the rows in ``X``.
        transformer: the fitted ``ColumnTransformer``.
        features: the input feature names, in order.
        numeric: numeric and boolean features.
        categorical: categorical features (one-hot encoded).
        log_columns: features that were ``log1p``-transformed.
        feature_names_out: names of the columns of ``X``.
        notes: what was done to the data, in plain words.
    """

    X: np.ndarray
    row_index: np.ndarray
    transformer: ColumnTransformer
    features: list[str]
    numeric: list[str]
    categorical: list[str]
    log_columns: list[str]
    feature_names_out: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return int(self.X.shape[0])


def role_name(value: object) -> str:
    """The plain role name of a ``Role`` member or a role string."""
    return str(getattr(value, "value", value))


def feature_frame(
    frame: pd.DataFrame, features: Sequence[str], roles: Mapping[str, object]
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Return the feature columns in the dtypes scikit-learn expects.

    Numeric and boolean columns become float64 (missing as NaN); categorical
    columns become object strings (missing as NaN). Raises a plain-words
    error for unknown columns or columns whose role cannot be a feature.
    """
    if not features:
        raise SegwidgetsValueError("Choose at least one feature to segment on.")
    missing = [f for f in features if f not in frame.columns]
    if missing:
        raise SegwidgetsValueError(
            f"These features are not columns of the table: {', '.join(map(str, missing))}."
        )
    numeric: list[str] = []
    categorical: list[str] = []
    columns: dict[str, pd.Series] = {}
    for name in features:
        role = role_name(roles.get(name, "numeric"))
        column = frame[name]
        if role in NUMERIC_ROLES:
            numeric.append(name)
            columns[name] = pd.to_numeric(column.astype("Float64") if role == "boolean" else column,
                                          errors="coerce").astype("float64")
        elif role in CATEGORICAL_ROLES:
            categorical.append(name)
            values = column.astype(object).where(column.notna(), np.nan)
            columns[name] = values.map(lambda v: v if v is np.nan else str(v))
        else:
            raise SegwidgetsValueError(
                f"Column {name!r} is {'an' if role[0] in 'aeiou' else 'a'} {role} column "
                "and cannot be used as a feature."
            )
    out = pd.DataFrame(columns, index=frame.index)
    for name in numeric:
        if out[name].isna().all():
            raise SegwidgetsDataError(
                f"Feature {name!r} has no values at all; remove it from the features."
            )
    width = 0
    for name in categorical:
        levels = out[name].nunique(dropna=True)
        if levels > MAX_CATEGORIES:
            raise SegwidgetsDataError(
                f"Feature {name!r} has {levels:,} different values; at most {MAX_CATEGORIES} "
                "categories can be used. Pick fewer or group them first."
            )
        width += levels + 1  # and a "missing" level
    if width > MAX_ONEHOT_WIDTH:
        raise SegwidgetsDataError(
            f"The categorical features ({len(categorical):,} of them) have {width:,} values between "
            f"them; at most {MAX_ONEHOT_WIDTH:,} can be used together. Choose fewer categorical features."
        )
    columns_out = len(numeric) + width
    if len(out) * columns_out > MAX_PREPARED_CELLS:
        raise SegwidgetsDataError(
            f"These features make {columns_out:,} columns to cluster once categories are spread into "
            f"yes/no columns: {len(out):,} rows × {columns_out:,} = {len(out) * columns_out:,} values, "
            f"more than the {MAX_PREPARED_CELLS:,} a segmentation may hold. Choose fewer categorical "
            "features, or upload a sample of the rows."
        )
    return out, numeric, categorical


def _scaler(scaling: str):
    return {
        "standard": StandardScaler,
        "robust": RobustScaler,
        "minmax": MinMaxScaler,
    }.get(scaling, lambda: "passthrough")()


def _imputer(impute: str) -> SimpleImputer | str:
    if impute == "drop":
        return "passthrough"
    if impute == "zero":
        return SimpleImputer(strategy="constant", fill_value=0.0)
    return SimpleImputer(strategy=impute)


def build_preprocessor(
    numeric: Sequence[str],
    categorical: Sequence[str],
    spec: PreprocessSpec,
    log_columns: Sequence[str] = (),
) -> ColumnTransformer:
    """Build the (unfitted) ``ColumnTransformer`` for a preprocessing spec."""
    plain = [c for c in numeric if c not in set(log_columns)]
    logged = [c for c in numeric if c in set(log_columns)]
    transformers = []
    if plain:
        transformers.append(
            ("numeric", Pipeline([("impute", _imputer(spec.impute)), ("scale", _scaler(spec.scaling))]),
             list(plain))
        )
    if logged:
        log = FunctionTransformer(np.log1p, inverse_func=np.expm1, feature_names_out="one-to-one")
        transformers.append(
            ("log_numeric",
             Pipeline([("impute", _imputer(spec.impute)), ("log1p", log), ("scale", _scaler(spec.scaling))]),
             list(logged))
        )
    if categorical:
        impute = (
            "passthrough" if spec.impute == "drop"
            else SimpleImputer(strategy="constant", fill_value="missing")
        )
        steps = [("impute", impute), ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False))]
        if spec.scale_onehot:
            steps.append(("scale", _scaler(spec.scaling)))
        transformers.append(("categorical", Pipeline(steps), list(categorical)))
    return ColumnTransformer(transformers, remainder="drop", verbose_feature_names_out=False)


def prepare(
    frame: pd.DataFrame,
    features: Sequence[str],
    roles: Mapping[str, object],
    spec: PreprocessSpec = PreprocessSpec(),
) -> Prepared:
    """Fit the preprocessing on ``frame`` and return the rows ready to cluster."""
    features = list(dict.fromkeys(features))
    X_frame, numeric, categorical = feature_frame(frame, features, roles)
    notes: list[str] = []
    row_index = np.arange(len(X_frame))
    if spec.impute == "drop":
        complete = X_frame.notna().all(axis=1).to_numpy()
        dropped = int((~complete).sum())
        if dropped:
            notes.append(f"{dropped:,} rows with missing values were left out.")
            X_frame = X_frame.loc[complete]
            row_index = row_index[complete]
    else:
        gaps = X_frame.isna().sum()
        gaps = gaps[gaps > 0]
        if len(gaps):
            how = IMPUTATION_LABELS[spec.impute].lower()
            notes.append(
                f"Missing values ({', '.join(f'{c}: {n:,}' for c, n in gaps.items())}) "
                f"were filled ({how})."
            )
    if len(X_frame) == 0:
        raise SegwidgetsDataError("No rows are left to segment once rows with missing values are removed.")
    log_columns: list[str] = []
    if spec.log1p:
        bool_like = {c for c in numeric if role_name(roles.get(c, "numeric")) == "boolean"}
        negative = []
        for column in numeric:
            if column in bool_like:
                continue
            if X_frame[column].min(skipna=True) >= 0:
                log_columns.append(column)
            else:
                negative.append(column)
        if negative:
            names = ", ".join(negative)
            notes.append(
                f"log(1 + x) was not applied to {names}: "
                f"{'it has' if len(negative) == 1 else 'they have'} negative values."
            )
    transformer = build_preprocessor(numeric, categorical, spec, log_columns)
    X = np.asarray(transformer.fit_transform(X_frame), dtype=np.float64)
    if not np.isfinite(X).all():
        raise SegwidgetsDataError(
            "Some values are still missing or infinite after preprocessing; "
            "choose a way to fill gaps, or drop rows with gaps."
        )
    return Prepared(
        X=np.ascontiguousarray(X),
        row_index=row_index,
        transformer=transformer,
        features=features,
        numeric=numeric,
        categorical=categorical,
        log_columns=log_columns,
        feature_names_out=[str(n) for n in transformer.get_feature_names_out()],
        notes=notes,
    )
