"""The serialisable description of a segmentation: JSON for files, a query string for links.

Query format (each value percent-encoded)::

    ?v=1&k=5&algorithm=kmeans&scaling=standard&impute=median&log1p=0&seed=0
     &embedding=pca&features=num_shares,num_likes&ids=0,1,5
     &name.3=Big%20fans&param.min_cluster_size=25&role.region=categorical

- Feature names are percent-encoded one by one (UTF-8, every character but
  letters, digits and ``_.-~``) and joined by commas, so a name may itself
  contain commas, spaces or any character. Values are decoded like HTML forms
  do, so a ``+`` typed in a link reads as a space.
- ``name.<segment id>`` gives a segment's name; ``ids`` the stable segment ids.
- ``role.<column>`` gives a column the role a person chose (``role.region=categorical``).
- ``edits`` gives the hand edits (:mod:`segwidgets.core.edits`) as compact JSON.
- ``param.<setting>`` gives an algorithm setting: numbers, ``true``/``false``
  and ``null`` are read as such (JSON); anything else is text. Text that
  would read as a number is written quoted (``param.x=%2210%22``).
- ``from_query`` accepts a leading ``?``, ignores keys it does not know (such
  as Voila's own) and refuses bad values with a plain message.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any
from urllib.parse import quote, unquote_plus

from ..errors import SegwidgetsValueError
from .constraints import short
from .schema import FIELD, FIELDS, MAX_FEATURES, MAX_NAME_LENGTH, SPEC_VERSION

log = logging.getLogger("segwidgets.spec")

__all__ = ["MAX_FEATURES", "MAX_NAME_LENGTH", "SPEC_VERSION", "SegmentationSpec"]


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


class _SpecMethods:
    """Everything needed to redo a segmentation: versioned, validated, serialisable.

    Its attributes are the fields of :data:`segwidgets.core.schema.FIELDS`
    (source, roles, features, scaling, impute, log1p, scale_onehot, algorithm, k,
    seed, params, naming, names, embedding, segment_ids, version), each checked by its declared
    constraint when the spec is made:

    - source: dataset name or file the data came from (None: supplied separately).
    - roles: column -> the role a person gave it; other columns keep their inferred role.
    - features: columns used (empty: the table's default features).
    - segment_ids: the stable id of each of the fit's segments, in the order the
      algorithm numbers them, so a reloaded spec gives the same ids (and names
      land on the same segments). Empty: ids 0..k-1.
    - version: format version (:data:`SPEC_VERSION`).
    """

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Check and normalise every field; raise a plain-words error for a bad one."""
        version = FIELD["version"].check(self.version)
        if version > SPEC_VERSION:
            raise SegwidgetsValueError(
                f"This spec was saved by a newer segwidgets (format {version}); "
                f"this version reads format {SPEC_VERSION}. Update segwidgets."
            )
        for field in FIELDS:
            setattr(self, field.name, field.check(getattr(self, field.name)))
        self.version = SPEC_VERSION

    def replace(self, **changes: Any) -> SegmentationSpec:
        """A copy with some fields changed (validated)."""
        unknown = sorted(set(changes) - set(FIELD))
        if unknown:
            raise SegwidgetsValueError(
                f"A spec has no setting {unknown[0]!r}; its settings are {', '.join(sorted(FIELD))}."
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
        return cls(**{k: v for k, v in data.items() if k in FIELD})

    def to_json(self) -> str:
        """The spec as JSON text, with its format ``version``."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> SegmentationSpec:
        """Read :meth:`to_json` output (a newer format version is refused in words).

        Raises only :class:`~segwidgets.errors.SegwidgetsValueError`: for text that is not JSON,
        bytes that are not UTF-8, or JSON nested too deeply to be a spec.
        """
        if isinstance(text, (bytes, bytearray)):
            try:
                text = bytes(text).decode("utf-8")
            except UnicodeDecodeError:
                raise SegwidgetsValueError("The spec is not UTF-8 text; save it as UTF-8 and try again.") from None
        if not isinstance(text, str):
            raise SegwidgetsValueError("A spec must be JSON text.")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SegwidgetsValueError(
                f"The spec is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}).") from None
        except RecursionError:
            log.info("spec refused: JSON nested too deeply to read")
            raise SegwidgetsValueError("The spec is nested too deeply to be a segmentation's settings.") from None
        except (TypeError, ValueError) as exc:
            log.info("spec refused: %s", exc)
            raise SegwidgetsValueError("The spec is not valid JSON.") from None
        try:
            return cls.from_dict(data)
        except RecursionError:  # a deep value inside a field (say, a name made of nested lists)
            log.info("spec refused: a field nested too deeply to check")
            raise SegwidgetsValueError("The spec is nested too deeply to be a segmentation's settings.") from None

    # -- query string
    def to_query(self) -> str:
        """The spec as a URL query string without the leading ``?`` (format in the module doc)."""
        parts = []
        for field in FIELDS:
            value = getattr(self, field.name)
            if field.query is None or (value is None and field.name == "source"):
                continue
            text = str(int(value)) if isinstance(value, bool) else str(value)
            parts.append(f"{field.query}={quote(text, safe='')}")
        if self.features:
            parts.append("features=" + ",".join(quote(f, safe="") for f in self.features))
        if self.segment_ids:
            parts.append("ids=" + ",".join(str(i) for i in self.segment_ids))
        parts += [f"name.{i}={quote(n, safe='')}" for i, n in sorted(self.names.items())]
        parts += [f"param.{quote(k, safe='')}={quote(_param_to_query(v), safe='')}"
                  for k, v in sorted(self.params.items())]
        parts += [f"role.{quote(c, safe='')}={quote(r, safe='')}" for c, r in sorted(self.roles.items())]
        if self.edits:  # hand edits as compact JSON (a long link: moved rows are listed)
            parts.append("edits=" + quote(json.dumps(self.edits, separators=(",", ":")), safe=""))
        return "&".join(parts)

    @classmethod
    def from_query(cls, query: str) -> SegmentationSpec:
        """Read a query string; unknown keys (e.g. Voila's own) are ignored."""
        if isinstance(query, bytes):
            query = query.decode("utf-8", errors="replace")
        if not isinstance(query, str):
            raise SegwidgetsValueError("A link's settings must be text (a URL query string).")
        by_key = {f.query: f.name for f in FIELDS if f.query is not None}
        fields: dict[str, Any] = {}
        names: dict[str, str] = {}
        params: dict[str, Any] = {}
        roles: dict[str, str] = {}
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
                        f"The link's setting {short(key)} must end in a segment number, "
                        "as in name.3=Big%20fans."
                    )
                names[key[5:]] = unquote_plus(raw)
            elif key.startswith("param."):
                params[key[6:]] = _param_from_query(unquote_plus(raw))
            elif key.startswith("role."):
                roles[key[5:]] = unquote_plus(raw)
            elif key == "edits":
                try:
                    fields["edits"] = json.loads(unquote_plus(raw)) if raw else []
                except ValueError:
                    raise SegwidgetsValueError("The link's edits are not readable; they were cut or changed.") from None
            elif key == "ids":
                fields["segment_ids"] = [unquote_plus(i) for i in raw.split(",") if i]
            elif key in by_key:
                fields[by_key[key]] = unquote_plus(raw)
        if names:
            fields["names"] = names
        if params:
            fields["params"] = params
        if roles:
            fields["roles"] = roles
        return cls(**fields)


#: The spec's dataclass, its fields made from :data:`~segwidgets.core.schema.FIELDS`.
SegmentationSpec = dataclasses.make_dataclass(
    "SegmentationSpec",
    [(f.name, Any, dataclasses.field(default_factory=f.default)) for f in FIELDS],
    bases=(_SpecMethods,),
    namespace={"__doc__": _SpecMethods.__doc__, "__module__": __name__},
)
