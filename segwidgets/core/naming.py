"""Short names for segments, made from what makes each one different.

A segment's name is built from its most distinctive features: the numeric
(or boolean) features whose segment mean is furthest from the overall mean,
measured in overall standard deviations (``|z| >= 0.5`` gives "High shares"
or "Low likes"), and categories much more common in the segment than in the
whole table ("Mostly video"). Terms are joined by :data:`JOINER`, e.g.
``"High shares · Low likes"``; a segment with nothing distinctive is
``"Typical"``. Names are unique across segments.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import SegwidgetsValueError

#: Between the terms of a generated name.
JOINER = " · "
#: Name of a segment with no distinctive feature.
TYPICAL = "Typical"
#: Smallest ``|z|`` that makes a feature part of a name.
NAME_Z = 0.5
#: A category names a segment ("Mostly video") when at least this share of the
#: segment's rows have it ...
MOSTLY_SHARE = 0.5
#: ... and its share is at least this much above the share over all rows.
MOSTLY_GAIN = 0.15
#: Separates feature and value in the columns of ``category_shares``.
CATEGORY_SEP = " = "
#: The value standing for a missing category (never part of a name).
MISSING = "(missing)"

_PREFIXES = ("num_", "n_")


def pretty_feature_name(name: object) -> str:
    """Readable form of a column name: ``"num_shares"`` -> ``"shares"``.

    Strips a leading ``num_`` or ``n_`` (any case), turns underscores into
    spaces and collapses runs of spaces. A name that would become empty is
    returned unchanged (as text).
    """
    text = str(name)
    lowered = text.lower()
    for prefix in _PREFIXES:
        if lowered.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix):]
            break
    text = " ".join(text.replace("_", " ").split())
    return text or str(name)


def category_column(feature: str, value: object) -> str:
    """Column label of a category share: ``"status_type = video"``."""
    return f"{feature}{CATEGORY_SEP}{value}"


def split_category_column(column: object) -> tuple[str, str]:
    """Inverse of :func:`category_column` (splits at the first ``" = "``)."""
    text = str(column)
    feature, sep, value = text.partition(CATEGORY_SEP)
    if not sep:
        return text, ""
    return feature, value


def category_lift(share: float, overall: float) -> float:
    """How far a category's share in a segment is above its overall share.

    Measured like a z-score of the 0/1 indicator "row has this category":
    ``(share - overall) / sqrt(overall * (1 - overall))``, so categories and
    numeric features can be ranked together. NaN when it cannot be told.
    """
    if not (math.isfinite(share) and math.isfinite(overall)):
        return math.nan
    spread = math.sqrt(max(overall * (1.0 - overall), 0.0))
    if spread == 0.0:
        return 0.0 if share == overall else math.copysign(10.0, share - overall)
    return (share - overall) / spread


def _terms_for(
    segment: int,
    zscores: pd.DataFrame | None,
    category_shares: pd.DataFrame | None,
    overall_shares: pd.Series | None,
) -> list[str]:
    """All distinctive terms of one segment, most distinctive first."""
    scored: list[tuple[float, int, str]] = []
    order = 0
    if zscores is not None and segment in zscores.index:
        row = zscores.loc[segment]
        for column, z in row.items():
            order += 1
            z = float(z)
            if not math.isfinite(z) or abs(z) < NAME_Z:
                continue
            word = "High" if z > 0 else "Low"
            scored.append((abs(z), order, f"{word} {pretty_feature_name(column)}"))
    if category_shares is not None and segment in category_shares.index and category_shares.shape[1]:
        row = category_shares.loc[segment]
        best: dict[str, tuple[float, int, str]] = {}
        for column, share in row.items():
            order += 1
            share = float(share)
            if overall_shares is not None and column in overall_shares.index:
                overall = float(overall_shares[column])
            else:  # no overall shares given: the plain average over segments
                overall = float(np.nanmean(category_shares[column].to_numpy(dtype="float64")))
            feature, value = split_category_column(column)
            if not value.strip() or value == MISSING or not math.isfinite(share):
                continue
            if share < MOSTLY_SHARE or share - overall < MOSTLY_GAIN:
                continue
            lift = category_lift(share, overall)
            if not math.isfinite(lift) or lift < NAME_Z:
                continue
            if feature not in best or lift > best[feature][0]:
                best[feature] = (lift, order, f"Mostly {value.strip()}")
        scored.extend(best.values())
    scored.sort(key=lambda item: (-item[0], item[1]))
    terms: list[str] = []
    for _, _, text in scored:
        if text not in terms:
            terms.append(text)
    return terms


def auto_names(
    zscores: pd.DataFrame,
    category_shares: pd.DataFrame | None = None,
    max_terms: int = 2,
    *,
    overall_shares: pd.Series | None = None,
) -> dict[int, str]:
    """Generate a short, unique name for every segment.

    Args:
        zscores: index segment id, one column per numeric/boolean feature:
            ``(segment mean - overall mean) / overall std``.
        category_shares: optional, index segment id, columns
            ``"feature = value"``, values the share (0..1) of the segment's
            rows with that value.
        max_terms: how many terms a name has at most (default 2).
        overall_shares: optional share of every category column over all
            rows; without it, the plain average of the segments' shares is
            used as the overall share.

    Returns:
        ``{segment id: name}`` for every segment in ``zscores`` or
        ``category_shares``, sorted by id, e.g. ``"High shares · Low likes"``.
        Segments with the same name get a further term if that tells them
        apart, else a numeral in segment order (``"Typical 2"``).
    """
    if isinstance(max_terms, bool) or not isinstance(max_terms, (int, np.integer)) or max_terms < 1:
        raise SegwidgetsValueError(f"max_terms must be a whole number of at least 1, not {max_terms!r}.")
    max_terms = int(max_terms)
    ids: set[int] = set()
    for table in (zscores, category_shares):
        if table is not None:
            ids.update(int(i) for i in table.index)
    segments = sorted(ids)
    terms = {s: _terms_for(s, zscores, category_shares, overall_shares) for s in segments}

    def make(segment: int, n_terms: int) -> str:
        chosen = terms[segment][:n_terms]
        return JOINER.join(chosen) if chosen else TYPICAL

    names = {s: make(s, max_terms) for s in segments}
    # Names shared by several segments: add one more term where that makes
    # the name unique; what stays shared gets a numeral below.
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    longer = {s: make(s, max_terms + 1) for s in segments
              if counts[names[s]] > 1 and len(terms[s]) > max_terms}
    for s, name in longer.items():
        clashes = sum(1 for other in longer.values() if other == name) > 1
        if not clashes and name not in names.values():
            names[s] = name
    # Whatever is still shared gets a numeral, in segment order.
    used: set[str] = set()
    for s in segments:
        name = names[s]
        if name in used:
            number = 2
            while f"{name} {number}" in used or f"{name} {number}" in names.values():
                number += 1
            name = f"{name} {number}"
        names[s] = name
        used.add(name)
    return names
