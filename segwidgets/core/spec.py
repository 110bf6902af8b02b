"""The serialisable description of a segmentation: JSON for files, a query string for links.

Query format (each value percent-encoded)::

    ?v=1&k=5&algorithm=kmeans&scaling=standard&impute=median&log1p=0&seed=0
     &embedding=pca&features=num_shares,num_likes&ids=0,1,5
     &name.3=Big%20fans&param.min_cluster_size=25

- Feature names are percent-encoded one by one (UTF-8, every character but
  letters, digits and ``_.-~``) and joined by commas, so a name may itself
  contain commas, spaces or any character. Values are decoded like HTML forms
  do, so a ``+`` typed in a link reads as a space.
- ``name.<segment id>`` gives a segment's name; ``ids`` the stable segment ids.
- ``param.<setting>`` gives an algorithm setting: numbers, ``true``/``false``
  and ``null`` are read as such (JSON); anything else is text. Text that
  would read as a number is written quoted (``param.x=%2210%22``).
- ``from_query`` accepts a leading ``?``, ignores keys it does not know (such
  as Voila's own) and refuses bad values with a plain message.
"""

from __future__ import annotations

import dataclasses
import json
import math
import numbers
from typing import Any
from urllib.parse import quote, unquote_plus

from ..errors import SegwidgetsValueError
from .algorithms import ALGORITHMS, K_MAX, K_MIN
from .embedding import EMBEDDINGS
from .preprocess import IMPUTATIONS, SCALINGS

SPEC_VERSION = 1
MAX_NAME_LENGTH = 80
MAX_FEATURES = 500


def _choice(field: str, value: Any, options: tuple[str, ...] | list[str]) -> str:
    if value not in options:
        raise SegwidgetsValueError(f"{field} must be one of {', '.join(options)}, not {value!r}.")
    return value


def _whole(field: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise SegwidgetsValueError(f"{field} must be a whole number from {low} to {high}, not {value!r}.")
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise SegwidgetsValueError(
                f"{field} must be a whole number from {low} to {high}, not {_short(value)}."
            ) from None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, numbers.Integral):  # numpy integers
        value = int(value)
    if not isinstance(value, int) or not low <= value <= high:
        raise SegwidgetsValueError(f"{field} must be a whole number from {low} to {high}, not {_short(value)}.")
    return value


def _text(what: str, value: str) -> str:
    """``value`` if it can be saved (UTF-8 encodable), else a plain error."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise SegwidgetsValueError(f"{what} contains characters that cannot be saved.") from None
    return value


def _short(value: Any) -> str:
    """``repr`` of a value for a message, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _param_to_query(value: Any) -> str:
    """Text for ``param.x=``: plain text when it cannot be mistaken for JSON, else JSON."""
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            return value
    return json.dumps(value, ensure_ascii=False)


def _param_from_query(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _flag(field: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise SegwidgetsValueError(f"{field} must be yes or no (1 or 0), not {value!r}.")


@dataclasses.dataclass
class SegmentationSpec:
    """Everything needed to redo a segmentation: versioned, validated, serialisable.

    Attributes:
        source: dataset name or file the data came from (None: supplied separately).
        features: columns used (empty: the table's default features).
        scaling, impute, log1p: preprocessing.
        algorithm, k, seed, params: the fit.
        names: segment id -> name given by a person.
        embedding: "pca" or "umap".
        segment_ids: the stable id of each of the fit's segments, in the order the
            algorithm numbers them, so a reloaded spec gives the same ids (and
            names land on the same segments). Empty: ids 0..k-1.
        version: format version (:data:`SPEC_VERSION`).
    """

    source: str | None = None
    features: list[str] = dataclasses.field(default_factory=list)
    scaling: str = "standard"
    impute: str = "median"
    log1p: bool = False
    algorithm: str = "kmeans"
    k: int = 4
    seed: int = 0
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    names: dict[int, str] = dataclasses.field(default_factory=dict)
    embedding: str = "pca"
    segment_ids: list[int] = dataclasses.field(default_factory=list)
    version: int = SPEC_VERSION

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Check and normalise every field; raise a plain-words error for a bad one."""
        version = _whole("The spec version", self.version, 1, 10**6)
        if version > SPEC_VERSION:
            raise SegwidgetsValueError(
                f"This spec was saved by a newer segwidgets (format {version}); "
                f"this version reads format {SPEC_VERSION}. Update segwidgets."
            )
        if self.source is not None:
            if not isinstance(self.source, str):
                raise SegwidgetsValueError(f"The data source must be text, not {_short(self.source)}.")
            _text("The data source", self.source)
        if isinstance(self.features, str) or not isinstance(self.features, (list, tuple)):
            raise SegwidgetsValueError("features must be a list of column names.")
        if len(self.features) > MAX_FEATURES:
            raise SegwidgetsValueError(
                f"features must be at most {MAX_FEATURES} column names, not {len(self.features)}."
            )
        for feature in self.features:
            if not isinstance(feature, str) or not feature:
                raise SegwidgetsValueError(
                    f"Every feature must be a column name (non-empty text), not {_short(feature)}."
                )
            _text(f"The feature name {feature!r}", feature)
        self.features = list(dict.fromkeys(self.features))
        self.scaling = _choice("scaling", self.scaling, SCALINGS)
        self.impute = _choice("impute", self.impute, IMPUTATIONS)
        self.log1p = _flag("log1p", self.log1p)
        self.algorithm = _choice("algorithm", self.algorithm, list(ALGORITHMS))
        self.k = _whole("k", self.k, K_MIN, K_MAX)
        self.seed = _whole("The seed", self.seed, 0, 2**32 - 1)
        self.embedding = _choice("embedding", self.embedding, EMBEDDINGS)
        if not isinstance(self.params, dict):
            raise SegwidgetsValueError("params must be a mapping of setting names to values.")
        params: dict[str, Any] = {}
        for key, value in self.params.items():
            if not isinstance(key, str) or not key:
                raise SegwidgetsValueError(f"Algorithm setting names must be text, not {_short(key)}.")
            _text(f"The algorithm setting name {key!r}", key)
            if not isinstance(value, (int, float, str, bool, type(None))):
                raise SegwidgetsValueError(
                    f"Algorithm setting {key!r} must be a number, yes/no or text, not {_short(value)}."
                )
            if isinstance(value, float) and not math.isfinite(value):
                raise SegwidgetsValueError(f"Algorithm setting {key!r} must be a finite number, not {value}.")
            if isinstance(value, str):
                _text(f"Algorithm setting {key!r}", value)
            params[key] = value
        self.params = params
        if not isinstance(self.names, dict):
            raise SegwidgetsValueError("names must map segment numbers to names.")
        names: dict[int, str] = {}
        for key, name in self.names.items():
            segment = _whole("A segment number", key, 0, 10_000)
            if not isinstance(name, str):
                raise SegwidgetsValueError(f"The name of segment {segment} must be text, not {_short(name)}.")
            _text(f"The name of segment {segment}", name)
            if len(name) > MAX_NAME_LENGTH:
                raise SegwidgetsValueError(
                    f"The name of segment {segment} is longer than {MAX_NAME_LENGTH} characters."
                )
            names[segment] = name
        self.names = names
        if not isinstance(self.segment_ids, (list, tuple)):
            raise SegwidgetsValueError("segment_ids must be a list of segment numbers.")
        ids = [_whole("A segment number", i, 0, 10_000) for i in self.segment_ids]
        if len(set(ids)) != len(ids) or len(ids) > K_MAX + 1000:
            raise SegwidgetsValueError("segment_ids must be distinct segment numbers.")
        self.segment_ids = ids
        self.version = SPEC_VERSION

    def replace(self, **changes: Any) -> SegmentationSpec:
        """A copy with some fields changed (validated)."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise SegwidgetsValueError(
                f"A spec has no setting {unknown[0]!r}; its settings are {', '.join(sorted(known))}."
            )
        return dataclasses.replace(self, **changes)

    # -- JSON
    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data (segment ids in ``names`` become text keys)."""
        out = dataclasses.asdict(self)
        out["names"] = {str(k): v for k, v in self.names.items()}
        return out

    @classmethod
    def from_dict(cls, data: Any) -> SegmentationSpec:
        """Read :meth:`to_dict` output; missing fields take defaults, unknown ones are ignored."""
        if not isinstance(data, dict):
            raise SegwidgetsValueError("A spec must be a JSON object.")
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def to_json(self) -> str:
        """The spec as JSON text, with its format ``version``."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> SegmentationSpec:
        """Read :meth:`to_json` output (a newer format version is refused in words)."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise SegwidgetsValueError(f"The spec is not valid JSON ({exc}).") from None
        return cls.from_dict(data)

    # -- query string
    def to_query(self) -> str:
        """The spec as a URL query string without the leading ``?`` (format in the module doc)."""
        parts = [
            f"v={self.version}", f"k={self.k}", f"algorithm={self.algorithm}",
            f"scaling={self.scaling}", f"impute={self.impute}", f"log1p={int(self.log1p)}",
            f"seed={self.seed}", f"embedding={self.embedding}",
        ]
        if self.source is not None:
            parts.append(f"source={quote(self.source, safe='')}")
        if self.features:
            parts.append("features=" + ",".join(quote(f, safe="") for f in self.features))
        if self.segment_ids:
            parts.append("ids=" + ",".join(str(i) for i in self.segment_ids))
        parts += [f"name.{i}={quote(n, safe='')}" for i, n in sorted(self.names.items())]
        parts += [f"param.{quote(k, safe='')}={quote(_param_to_query(v), safe='')}"
                  for k, v in sorted(self.params.items())]
        return "&".join(parts)

    @classmethod
    def from_query(cls, query: str) -> SegmentationSpec:
        """Read a query string; unknown keys (e.g. Voila's own) are ignored."""
        if isinstance(query, bytes):
            query = query.decode("utf-8", errors="replace")
        if not isinstance(query, str):
            raise SegwidgetsValueError("A link's settings must be text (a URL query string).")
        fields: dict[str, Any] = {}
        names: dict[str, str] = {}
        params: dict[str, Any] = {}
        for part in query.strip().lstrip("?").split("&"):
            if not part:
                continue
            key, _, raw = part.partition("=")
            key = unquote_plus(key)
            if key == "features":
                fields["features"] = [unquote_plus(f) for f in raw.split(",")] if raw else []
            elif key.startswith("name."):
                if not key[5:].strip().isdecimal():
                    raise SegwidgetsValueError(
                        f"The link's setting {_short(key)} must end in a segment number, "
                        "as in name.3=Big%20fans."
                    )
                names[key[5:]] = unquote_plus(raw)
            elif key.startswith("param."):
                params[key[6:]] = _param_from_query(unquote_plus(raw))
            elif key == "ids":
                fields["segment_ids"] = [unquote_plus(i) for i in raw.split(",") if i]
            elif key == "v":
                fields["version"] = unquote_plus(raw)
            elif key in ("k", "seed", "algorithm", "scaling", "impute", "log1p", "embedding"):
                fields[key] = unquote_plus(raw)
            elif key == "source":
                fields["source"] = unquote_plus(raw)
        if names:
            fields["names"] = names
        if params:
            fields["params"] = params
        return cls(**fields)
