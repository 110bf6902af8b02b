"""The fields of a segmentation spec, declared once.

Every field has a name, a default, a :mod:`constraint <segwidgets.core.constraints>`,
a label for messages, a line of help, what a change of it invalidates, and its
key in a link. The model's traits and their validator
(:class:`segwidgets.session.Segmentation`), :class:`~segwidgets.core.spec.SegmentationSpec`
(its fields, ``validate``, JSON and the link parser) all read :data:`FIELDS`;
nothing else lists the fields.

What a change invalidates:
    ``"data"``     another table (everything; a column's role changes the table);
    ``"prepare"``  the prepared rows (preprocessing, then the fit);
    ``"fit"``      the fit (labels, profile, metrics) but not the prepared rows or the map;
    ``"profile"``  the profile and the generated names, not the fit (a cache hit: no refit);
    ``"edits"``    the segments after the fit (hand edits), not the fit;
    ``"view"``     only how the result is shown (names, map method): no refit;
    ``"none"``     bookkeeping of the file format.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import SegwidgetsValueError
from .algorithms import ALGORITHMS, K_MAX, K_MIN, PARAMS_CONSTRAINT
from .constraints import (
    MAX_NAME_LENGTH,
    ColumnRoles,
    Columns,
    Constraint,
    Flag,
    OneOf,
    SegmentIds,
    SegmentNames,
    SegmentTexts,
    Text,
    Whole,
    saveable,
    short,
)
from .edits import MAX_EDITS, Edits
from .embedding import EMBEDDINGS
from .naming import NAMING_STYLES
from .preprocess import IMPUTATIONS, SCALINGS
from .roles import SETTABLE_ROLES

SPEC_VERSION = 1
#: Highest stable segment id.
MAX_SEGMENT_ID = 10_000
#: Most features a spec may name.
MAX_FEATURES = 500
#: Most columns a spec may give a role.
MAX_ROLES = 2_000
#: Longest report title, introduction and note per segment, in characters.
MAX_TITLE_LENGTH = 120
MAX_INTRODUCTION_LENGTH = 4_000
MAX_NOTE_LENGTH = 2_000
#: Highest seed (scikit-learn takes seeds below 2**32).
MAX_SEED = 2**32 - 1


@dataclass(frozen=True)
class Source(Constraint):
    """Where the data came from: text, or None (the table is passed in separately)."""

    def describe(self) -> str:
        return "text (a dataset name or a file)"

    def check(self, label: str, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise SegwidgetsValueError(f"{label} must be text, not {short(value)}.")
        return saveable(label, value)


_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Sha256(Constraint):
    """A SHA-256 digest: 64 lowercase hexadecimal characters, or None (not known)."""

    def describe(self) -> str:
        return "a SHA-256 digest (64 characters 0-9 and a-f)"

    def check(self, label: str, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not _SHA256.fullmatch(value):
            raise SegwidgetsValueError(f"{label} must be {self.describe()}, not {short(value)}.")
        return value


@dataclass(frozen=True)
class Reading(Constraint):
    """How the source file was read (:class:`~segwidgets.core.io.ReadOptions` as a mapping):
    its decimal mark, thousands separator, day-first dates, sheet and header row."""

    def describe(self) -> str:
        return "a mapping of reading options (decimal, thousands, dayfirst, sheet, header_row)"

    def check(self, label: str, value: Any) -> dict[str, Any]:
        from .io import ReadOptions  # io reads tables; the schema only needs its checks

        if not hasattr(value, "items"):
            raise SegwidgetsValueError(f"{label} must be {self.describe()}.")
        known = {f.name for f in dataclasses.fields(ReadOptions)}
        unknown = sorted(str(k) for k in value if k not in known)
        if unknown:
            raise SegwidgetsValueError(f"{label} has no option {unknown[0]!r}; "
                                       f"the options are {', '.join(sorted(known))}.")
        options = ReadOptions(**dict(value))  # refuses a bad value in words
        if options.sheet is not None:
            saveable("The sheet name", options.sheet)
        return {k: v for k, v in dataclasses.asdict(options).items() if v is not None}


@dataclass(frozen=True)
class Field:
    """One field of a spec.

    Attributes:
        name: the attribute of the spec and, for ``trait`` fields, of the model.
        default: a factory for the default value.
        constraint: what the field accepts (normalises and checks).
        label: how a message names it ("k", "The seed").
        help: one line for people.
        invalidates: ``"data"``, ``"prepare"``, ``"fit"``, ``"profile"``, ``"view"`` or ``"none"``.
        query: its key in a link; None where the link spells it another way.
        trait: whether the model has a trait of this name that a person sets.
    """

    name: str
    default: Callable[[], Any]
    constraint: Constraint
    label: str
    help: str
    invalidates: str
    query: str | None
    trait: bool = True

    def check(self, value: Any) -> Any:
        """The value normalised, or a plain-words :class:`SegwidgetsValueError`."""
        return self.constraint.check(self.label, value)


FIELDS: tuple[Field, ...] = (
    Field("source", lambda: None, Source(), "The data source",
          "Where the data came from: a dataset name or a file.", "data", "source", trait=False),
    Field("reading", dict, Reading(), "reading",
          "How the source file was read: decimal mark, thousands separator, day-first dates, "
          "sheet, header row (empty: decided from the file).", "data", None, trait=False),
    Field("data_sha256", lambda: None, Sha256(), "The data file's fingerprint",
          "The SHA-256 of the data file's bytes when the spec was saved, so a report can refuse "
          "a file that has changed since (None: a DataFrame, or not recorded).", "data", None,
          trait=False),
    Field("roles", dict, ColumnRoles(SETTABLE_ROLES, MAX_ROLES), "roles",
          "Roles a person gave columns (column -> numeric, categorical, boolean, identifier or "
          "ignored); other columns keep the role read from the data.", "data", None),
    Field("features", list, Columns(MAX_FEATURES), "features",
          "Columns used to segment (empty: the table's numeric and yes/no columns).", "prepare", None),
    Field("scaling", lambda: "standard", OneOf(SCALINGS), "scaling",
          "How features are scaled.", "prepare", "scaling"),
    Field("impute", lambda: "median", OneOf(IMPUTATIONS), "impute",
          "How missing values are handled.", "prepare", "impute"),
    Field("log1p", lambda: False, Flag(), "log1p",
          "Apply log(1 + x) to non-negative numeric features.", "prepare", "log1p"),
    Field("scale_onehot", lambda: False, Flag(), "scale_onehot",
          "Scale the one-hot columns of categorical features like the numeric ones (as many "
          "published analyses do); off: they stay 0/1.", "prepare", "scale_onehot"),
    Field("algorithm", lambda: "kmeans", OneOf(tuple(ALGORITHMS)), "algorithm",
          "Clustering algorithm.", "fit", "algorithm"),
    Field("k", lambda: 4, Whole(K_MIN, K_MAX), "k", "Number of segments.", "fit", "k"),
    Field("seed", lambda: 0, Whole(0, MAX_SEED), "The seed", "Random seed.", "fit", "seed"),
    Field("params", dict, PARAMS_CONSTRAINT, "params",
          "Algorithm-specific settings, e.g. min_cluster_size for HDBSCAN.", "fit", None),
    Field("naming", lambda: "traits", OneOf(NAMING_STYLES), "naming",
          "How segments are named: by what sets each apart (traits) or by overall level (level).",
          "profile", "naming"),
    Field("names", dict, SegmentNames(MAX_NAME_LENGTH, MAX_SEGMENT_ID), "names",
          "Segment names given by a person: segment id -> name.", "view", None),
    Field("edits", list, Edits(MAX_EDITS), "The edits",
          "Hand edits of the segments, in order: merge, split, move, new segment, drill in "
          "(see segwidgets.core.edits); a change of k, features, preparation or algorithm sets "
          "them aside.", "edits", None),
    Field("embedding", lambda: "pca", OneOf(EMBEDDINGS), "embedding",
          "2-D map of the rows: PCA or UMAP.", "view", "embedding"),
    Field("segment_ids", list, SegmentIds(K_MAX + 1000, MAX_SEGMENT_ID), "segment_ids",
          "The stable id of each of the fit's segments, in the order the algorithm numbers them.",
          "view", None, trait=False),
    # What a published report says, written by the analyst: a change redraws the report and
    # refits nothing.
    Field("title", str, Text(MAX_TITLE_LENGTH), "The report's title",
          "The report's title (empty: a title from the data).", "view", None),
    Field("introduction", str, Text(MAX_INTRODUCTION_LENGTH, lines=True), "The introduction",
          "A few lines that open the report: what was segmented and why.", "view", None),
    Field("recommendations", dict, SegmentTexts(MAX_NOTE_LENGTH, MAX_SEGMENT_ID), "recommendation",
          "The analyst's recommendation or notes per segment: segment id -> text.", "view", None),
    Field("share_rows", lambda: False, Flag(), "share_rows",
          "Whether the report offers its readers the labelled rows to download.", "view", None),
    Field("version", lambda: SPEC_VERSION, Whole(1, 10**6), "The spec version",
          "Format version of the spec.", "none", "v", trait=False),
)

#: Fields by name.
FIELD = {field.name: field for field in FIELDS}
#: The spec fields that are traits of the model a person sets.
TRAIT_FIELDS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.trait)


def fields_invalidating(*levels: str) -> tuple[str, ...]:
    """Names of the trait fields whose change invalidates one of ``levels``."""
    return tuple(f.name for f in FIELDS if f.trait and f.invalidates in levels)
