"""The fitted segmentation as a portable artefact: build, save, load, apply.

An :class:`Artefact` is what labelling a new table needs and nothing more: the fitted
preprocessing (the ``ColumnTransformer``), the fitted model when it has ``predict``
(k-means, mini-batch k-means, Gaussian mixture), otherwise the segment centres and the
rule the segmentation already uses for rows outside its fitting sample (each row joins
the nearest centre, :func:`segwidgets.core.algorithms.nearest_center`); the stable segment
ids and names; the settings, data SHA-256 and library versions it was fitted with; and what
the features looked like then (for drift, :mod:`segwidgets.core.drift`).

It is saved with :mod:`skops.io` (never a bare pickle): loading lists every type in the file
and refuses any that is not one this module writes, so a tampered file cannot run code.
Loading also refuses, in words, another scikit-learn version and (given the spec) settings or
data that are not the ones it was fitted with.

The rows of the fitting table are never stored (HDBSCAN and agglomerative estimators hold
them; only their centres are kept).
"""

from __future__ import annotations

import copy
import dataclasses
import os
import platform
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SegwidgetsDataError, SegwidgetsValueError
from .algorithms import ALGORITHMS, nearest_center
from .io import NA_TEXT, PLACEHOLDERS
from .preprocess import CATEGORICAL_ROLES, NUMERIC_ROLES, role_name

#: Format of the artefact file; a newer one is refused in words.
ARTEFACT_VERSION = 1
#: The file beside a spec ``NAME.json``: ``NAME.model.skops``.
ARTEFACT_SUFFIX = ".model.skops"
#: Quantile bins per numeric feature kept for drift (deciles).
DRIFT_BINS = 10
#: Why a row has no segment (the ``unplaced`` column of labelled rows).
UNPLACED_ALL_MISSING = "every feature is missing"
UNPLACED_GAP = "a feature is missing (this segmentation leaves out rows with gaps)"
UNPLACED_UNREADABLE = "a value could not be read"
#: Text read as yes (1) or no (0) for a yes/no feature given as text.
YES_NO = {"1": 1.0, "0": 0.0, "true": 1.0, "false": 0.0, "yes": 1.0, "no": 0.0, "y": 1.0, "n": 0.0,
          "t": 1.0, "f": 0.0}
#: Spec settings an artefact must agree with (what changes the fit).
FIT_SETTINGS = ("features", "scaling", "impute", "log1p", "scale_onehot", "algorithm", "k", "seed", "params")


@dataclass
class Artefact:
    """A fitted segmentation that labels new rows.

    Data Attributes:
        preprocess: ColumnTransformer — fitted on the fitting table's features.
        model: estimator or None — the fitted model when it has ``predict``.
        centers: float ``(n, p)`` — segment centres in the preprocessed space (the fit's own order).
        rule: str — ``"predict"`` or ``"nearest centre"``.
        raw_to_id: list[int] — the stable id of each of the fit's own labels.
        names: dict[int, str] — segment names by stable id.
        features: list[str] — the input columns, in order.
        roles: dict[str, str] — role of each feature (numeric, boolean, categorical).
        identifiers: list[str] — the fitting table's identifier columns (default id columns).
        settings: dict — the spec settings that made the fit (:data:`FIT_SETTINGS`).
        data_sha256: str or None — the SHA-256 of the table it was fitted on.
        versions: dict[str, str] — library versions it was fitted with.
        fitting: dict — features' bins and shares, segment shares and the rule's agreement
            with the fit on the fitting rows (``agreement``).
    """

    preprocess: Any
    model: Any
    centers: np.ndarray
    rule: str
    raw_to_id: list[int]
    names: dict[int, str]
    features: list[str]
    roles: dict[str, str]
    identifiers: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    data_sha256: str | None = None
    versions: dict[str, str] = field(default_factory=dict)
    fitting: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------ apply
    @property
    def algorithm_label(self) -> str:
        key = self.settings.get("algorithm", "")
        return ALGORITHMS[key].label if key in ALGORITHMS else str(key)

    def feature_values(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
        """The features of ``frame`` in the dtypes the preprocessing was fitted on, and why each
        row cannot be placed (``""`` when it can). Missing columns are refused in words."""
        check_columns(self, frame.columns, frame.dtypes)
        n = len(frame)
        unreadable = np.zeros(n, dtype=bool)
        columns: dict[str, pd.Series] = {}
        for name in self.features:
            role = self.roles[name]
            column = frame[name]
            if role in NUMERIC_ROLES:
                values, bad = _numbers(column, yes_no=role == "boolean")
                unreadable |= bad
            else:
                values = _category_text(column)
            columns[name] = values
        out = pd.DataFrame(columns, index=frame.index)
        missing = out.isna().to_numpy()
        why = np.full(n, "", dtype=object)
        if self.settings.get("impute") == "drop":
            why[missing.any(axis=1)] = UNPLACED_GAP
        why[missing.all(axis=1)] = UNPLACED_ALL_MISSING
        why[unreadable] = UNPLACED_UNREADABLE
        return out, why

    def raw_labels(self, X: np.ndarray) -> np.ndarray:
        """The fit's own labels (0..n-1) of preprocessed rows, by :attr:`rule`."""
        if len(X) == 0:
            return np.empty(0, dtype=np.int64)
        if self.model is not None:
            return np.asarray(self.model.predict(X), dtype=np.int64)
        return nearest_center(X, self.centers)

    def predict(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Label every row of ``frame``: columns ``segment`` (stable id, ``<NA>`` for a row that
        cannot be placed), ``segment_name`` and ``unplaced`` (why not, else ``<NA>``), on
        ``frame``'s index. No row is dropped."""
        values, why = self.feature_values(frame)
        placed = why == ""
        segment = np.full(len(frame), -1, dtype=np.int64)
        if placed.any():
            X = np.asarray(self.preprocess.transform(values if placed.all() else values.loc[placed]),
                           dtype=np.float64)
            finite = np.isfinite(X).all(axis=1)
            raw = np.full(len(X), -1, dtype=np.int64)
            raw[finite] = self.raw_labels(np.ascontiguousarray(X[finite]))
            ids = np.asarray(self.raw_to_id, dtype=np.int64)
            segment[placed] = np.where(raw >= 0, ids[np.clip(raw, 0, len(ids) - 1)], -1)
            lost = np.flatnonzero(placed)[~finite]
            why[lost] = UNPLACED_UNREADABLE  # an infinite value, say
        return pd.DataFrame({
            "segment": pd.arrays.IntegerArray(np.where(segment >= 0, segment, 0), segment < 0),
            "segment_name": self._names_of(segment),
            "unplaced": pd.array(np.where(why == "", None, why), dtype="string"),
        }, index=frame.index)

    def name_categories(self) -> list[str]:
        """The segment names, each once, in the order of the segment ids."""
        return list(dict.fromkeys(self.names[i] for i in sorted(self.names)))

    def _names_of(self, segment: np.ndarray) -> pd.Categorical:
        """The name of each stable id (missing for -1), as a categorical of every name."""
        categories = self.name_categories()
        position = {name: at for at, name in enumerate(categories)}
        ids = np.array(sorted(self.names), dtype=np.int64)
        code_of = np.array([position[self.names[i]] for i in ids], dtype=np.int64)
        at = np.searchsorted(ids, segment)
        known = (segment >= 0) & (at < len(ids)) & (ids[np.minimum(at, len(ids) - 1)] == segment)
        codes = np.where(known, code_of[np.minimum(at, len(ids) - 1)], -1)
        return pd.Categorical.from_codes(codes, categories=categories)

    # ------------------------------------------------------------ checks
    def check_spec(self, spec: Any) -> None:
        """Refuse, in words, a spec whose fit settings or data are not the ones this was fitted with."""
        for name in FIT_SETTINGS:
            mine, theirs = self.settings.get(name), getattr(spec, name)
            if name == "features" and not theirs:
                continue  # the table's default features: whatever the fit used
            if _plain(mine) != _plain(theirs):
                raise SegwidgetsValueError(
                    f"The model file was fitted with {name} = {_said(mine)}, but the spec says "
                    f"{_said(theirs)}. Save the segmentation again (Segmentation.save_artefact) so "
                    "they agree.")
        for name, role in (getattr(spec, "roles", None) or {}).items():
            if name in self.roles and role_name(role) != self.roles[name]:
                raise SegwidgetsValueError(
                    f"The model file uses {name!r} as {self.roles[name]}, but the spec makes it {role_name(role)}. "
                    "Save the segmentation again (Segmentation.save_artefact) so they agree.")
        theirs = getattr(spec, "data_sha256", None)
        if theirs and self.data_sha256 and theirs != self.data_sha256:
            raise SegwidgetsValueError(
                f"The model file was fitted on other data (SHA-256 {self.data_sha256[:12]}…) than the "
                f"spec names (SHA-256 {theirs[:12]}…). Fit the segmentation on the spec's data and "
                "save it again.")


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _said(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or "(none)"
    return repr(value) if isinstance(value, str) else str(value)


def _category_text(column: pd.Series) -> pd.Series:
    """A categorical feature as the preprocessing saw it: each value's text, NaN for missing
    (and for pandas' spellings of "no value" in text, as reading a file does)."""
    values = column.astype(str).astype(object)
    missing = column.isna().to_numpy()
    if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
        missing = missing | values.str.strip().isin(NA_TEXT).to_numpy()
    values[missing] = np.nan
    return values


def _numbers(column: pd.Series, *, yes_no: bool) -> tuple[pd.Series, np.ndarray]:
    """A column as float64 and which cells held text that is not a number (or yes/no)."""
    if pd.api.types.is_bool_dtype(column):
        return column.astype("Float64").astype("float64"), np.zeros(len(column), dtype=bool)
    if pd.api.types.is_numeric_dtype(column):
        return column.astype("float64"), np.zeros(len(column), dtype=bool)
    text = column.astype("string").str.strip()
    text = text.mask((text == "") | text.isin(NA_TEXT) | text.str.lower().isin(PLACEHOLDERS))  # "no number"
    values = pd.to_numeric(text, errors="coerce")
    if yes_no:
        words = text.str.lower().map(YES_NO)
        values = values.where(values.notna(), words)
    values = values.astype("Float64").astype("float64")
    return values, (text.notna() & values.isna()).to_numpy(dtype=bool)


def check_columns(artefact: Artefact, columns: Sequence[str], dtypes: Any = None) -> None:
    """Refuse, in words, a table without the features or with a feature of a type its role
    cannot take (dates, durations for a numeric feature)."""
    columns = list(columns)
    missing = [f for f in artefact.features if f not in columns]
    if missing:
        shown = ", ".join(map(repr, columns[:12])) + (", …" if len(columns) > 12 else "")
        raise SegwidgetsDataError(
            f"The table has no column {', '.join(map(repr, missing))}, which the segmentation uses "
            f"as {'a feature' if len(missing) == 1 else 'features'}. Its columns are {shown}.")
    if dtypes is None:
        return
    for name in artefact.features:
        dtype = dtypes[name]
        if artefact.roles[name] in NUMERIC_ROLES and (
                pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype)):
            raise SegwidgetsDataError(
                f"Column {name!r} holds dates or durations here, but the segmentation uses it as "
                "numbers.")


# ---------------------------------------------------------------- build
def versions() -> dict[str, str]:
    """The versions that matter for reading an artefact back."""
    import sklearn
    import skops

    from .. import __version__

    return {"scikit-learn": sklearn.__version__, "numpy": np.__version__, "skops": skops.__version__,
            "segwidgets": __version__, "python": platform.python_version()}


def fitting_profile(values: pd.DataFrame, roles: Mapping[str, str], labels: np.ndarray,
                    raw_to_id: Sequence[int]) -> dict[str, Any]:
    """What the features and segments looked like on the fitting table, for drift: per numeric
    feature its decile edges and the share of rows in each bin (and missing); per categorical
    feature its level shares; the share of each segment."""
    from .drift import bin_counts, category_counts, quantile_edges

    features: dict[str, Any] = {}
    for name in values.columns:
        if roles[name] in CATEGORICAL_ROLES:
            counts = category_counts(values[name])
            features[name] = {"kind": "categorical", "counts": counts}
        else:
            edges = quantile_edges(values[name].to_numpy(dtype=float), DRIFT_BINS)
            features[name] = {"kind": "numeric", "edges": [float(e) for e in edges],
                              "counts": [int(c) for c in bin_counts(values[name].to_numpy(dtype=float), edges)]}
    placed = labels[labels >= 0]
    sizes = {int(i): int((placed == i).sum()) for i in raw_to_id}
    return {"features": features, "segments": {str(i): n for i, n in sizes.items()},
            "rows": int(len(labels))}


def build(*, prepared: Any, fit: Any, raw_to_id: Sequence[int], names: Mapping[int, str], frame: pd.DataFrame,
          roles: Mapping[str, Any], labels: np.ndarray, settings: Mapping[str, Any],
          data_sha256: str | None, identifiers: Sequence[str] = ()) -> Artefact:
    """An :class:`Artefact` from a fit: ``prepared`` (:class:`~segwidgets.core.preprocess.Prepared`),
    ``fit`` (:class:`~segwidgets.core.algorithms.ClusterFit`), the stable ids of its labels, the
    names, the fitting table's converted ``frame`` and ``roles``, and ``labels`` (stable ids per
    row of ``frame``, -1 for none). ``fitting["agreement"]`` is the share of the fitted rows
    that the artefact's rule gives the segment the fit gave them (1.0 for methods with predict)."""
    features = list(prepared.features)
    feature_roles = {f: role_name(roles.get(f, "numeric")) for f in features}
    model = None
    if hasattr(fit.estimator, "predict"):
        model = copy.copy(fit.estimator)
        model.__dict__.pop("labels_", None)  # the fitting rows' labels: not needed to predict
    artefact = Artefact(
        preprocess=prepared.transformer, model=model, centers=np.asarray(fit.centers_scaled, dtype=np.float64),
        rule="predict" if model is not None else "nearest centre", raw_to_id=[int(i) for i in raw_to_id],
        names={int(i): str(n) for i, n in names.items()}, features=features, roles=feature_roles,
        identifiers=[str(c) for c in identifiers if c not in features],
        settings=dict(_plain(dict(settings)), features=features), data_sha256=data_sha256, versions=versions())
    values, _ = artefact.feature_values(frame)
    profile = fitting_profile(values, feature_roles, np.asarray(labels), artefact.raw_to_id)
    fitted = np.asarray(fit.labels, dtype=np.int64)
    own = artefact.raw_labels(prepared.X)
    keep = fitted >= 0
    profile["agreement"] = float((own[keep] == fitted[keep]).mean()) if keep.any() else 1.0
    profile["noise"] = int((~keep).sum())
    artefact.fitting = profile
    return artefact


# ---------------------------------------------------------------- save / load
def artefact_path(spec_path: str | os.PathLike) -> Path:
    """Where the artefact of the spec ``NAME.json`` lives: ``NAME.model.skops`` beside it."""
    spec_path = Path(spec_path)
    stem = spec_path.name[: -len(spec_path.suffix)] if spec_path.suffix else spec_path.name
    return spec_path.with_name(stem + ARTEFACT_SUFFIX)


def _payload(artefact: Artefact) -> dict[str, Any]:
    data = {f.name: getattr(artefact, f.name) for f in dataclasses.fields(artefact)}
    data["names"] = {str(k): v for k, v in artefact.names.items()}
    data["format"] = ARTEFACT_VERSION
    return data


def dumps(artefact: Artefact) -> bytes:
    """The artefact as skops bytes."""
    import skops.io

    return skops.io.dumps(_payload(artefact))


def save(artefact: Artefact, path: str | os.PathLike) -> Path:
    """Write ``artefact`` to ``path`` (whole, then renamed into place)."""
    path = Path(path)
    payload = dumps(artefact)
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(payload)
        os.replace(partial, path)
    except OSError as exc:
        raise SegwidgetsValueError(f"The model file {path.name!r} could not be written "
                                   f"({exc.strerror or type(exc).__name__}).") from None
    return path


#: Types an artefact file may hold beyond those skops trusts by default: the ones
#: :func:`build` writes (the estimators of :data:`segwidgets.core.algorithms.ALGORITHMS` and
#: the preprocessing of :mod:`segwidgets.core.preprocess`). Anything else is refused.
TRUSTED_TYPES = (
    "numpy.dtype", "numpy.float64", "numpy.log1p", "numpy.expm1", "numpy.ufunc", "builtins.int", "builtins.float", "builtins.str",
    "sklearn.compose._column_transformer.ColumnTransformer", "sklearn.pipeline.Pipeline",
    "sklearn.impute._base.SimpleImputer", "sklearn.preprocessing._data.StandardScaler",
    "sklearn.preprocessing._data.RobustScaler", "sklearn.preprocessing._data.MinMaxScaler",
    "sklearn.preprocessing._encoders.OneHotEncoder", "sklearn.preprocessing._function_transformer.FunctionTransformer",
    "sklearn.cluster._kmeans.KMeans", "sklearn.cluster._kmeans.MiniBatchKMeans",
    "sklearn.mixture._gaussian_mixture.GaussianMixture",
)


def loads(data: bytes, name: str = "the model file") -> Artefact:
    """Read :func:`dumps` output; refuse in words a file that is not one, holds any type this
    module does not write (tampered), is of a newer format, or was fitted with another
    scikit-learn."""
    import skops.io

    try:
        untrusted = skops.io.get_untrusted_types(data=data)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as exc:
        raise SegwidgetsDataError(
            f"{name} is not a segmentation model file (it could not be opened: {type(exc).__name__}). "
            "Save the segmentation again.") from None
    unexpected = sorted(t for t in untrusted if t not in TRUSTED_TYPES)
    if unexpected:
        raise SegwidgetsDataError(
            f"{name} holds things a segmentation model never holds ({', '.join(unexpected[:3])}); it "
            "was not written by segwidgets or has been changed, and was not loaded.")
    try:
        payload = skops.io.loads(data, trusted=[t for t in untrusted if t in TRUSTED_TYPES])
    except Exception as exc:  # noqa: BLE001 - skops raises many kinds for a damaged file
        raise SegwidgetsDataError(
            f"{name} is damaged and could not be read ({type(exc).__name__}). Save the segmentation "
            "again.") from None
    if not isinstance(payload, dict) or "format" not in payload:
        raise SegwidgetsDataError(f"{name} is not a segmentation model file. Save the segmentation again.")
    if int(payload["format"]) > ARTEFACT_VERSION:
        raise SegwidgetsValueError(
            f"{name} was saved by a newer segwidgets (format {payload['format']}); update segwidgets.")
    fields = {f.name for f in dataclasses.fields(Artefact)}
    try:
        artefact = Artefact(**{k: v for k, v in payload.items() if k in fields})
        artefact.names = {int(k): str(v) for k, v in artefact.names.items()}
    except (TypeError, ValueError, AttributeError):
        raise SegwidgetsDataError(f"{name} is not a segmentation model file. Save the segmentation again.") from None
    import sklearn

    fitted_with = artefact.versions.get("scikit-learn")
    if fitted_with and fitted_with != sklearn.__version__:
        raise SegwidgetsValueError(
            f"{name} was fitted with scikit-learn {fitted_with}, and this machine has "
            f"{sklearn.__version__}: the same rows could get other segments. Install "
            f"scikit-learn=={fitted_with}, or fit and save the segmentation again here.")
    return artefact


def load(path: str | os.PathLike, spec: Any = None) -> Artefact:
    """Read an artefact file; with ``spec``, also refuse one that does not match it."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SegwidgetsValueError(
            f"There is no model file {path.name!r} beside the spec. Save it from the segmentation "
            "(Segmentation.save_artefact) first.") from None
    except OSError as exc:
        raise SegwidgetsValueError(f"The model file {path.name!r} could not be read "
                                   f"({exc.strerror or type(exc).__name__}).") from None
    artefact = loads(data, f"The model file {path.name!r}")
    if spec is not None:
        artefact.check_spec(spec)
    return artefact
