"""Features that measure the same thing, and counts too skewed to use as they are.

:func:`find_redundant` finds the candidate features a careful analyst would not
use twice: two columns that move together (|Pearson r| ≥ 0.98), one quantity in
other units (days, months, years), and an "any" flag that is yes exactly when
one of other flags is. One of each group is kept, the others are listed with
the reason in words. :func:`skewed_counts` finds the counts whose few very large
values would dominate a distance (an offer of log(1 + x)).

Both work on at most :data:`SAMPLE_ROWS` sampled rows, so a million-row table
takes a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .roles import ColumnInfo, Role

#: Rows looked at (sampled with a fixed seed when the table is larger).
SAMPLE_ROWS = 100_000
#: Two features whose |Pearson r| reaches this measure the same thing.
SAME_R = 0.98
#: Pairs above this |r| are checked for an exact change of units (rounded months beside days).
UNIT_CHECK_R = 0.8
#: Rows two columns must both have for their r to count.
MIN_PAIRED = 10
#: A count is heavily skewed when its sample skewness exceeds this (an exponential's is 2:
#: the margin keeps sampling noise from flagging one) ...
SKEW = 2.5
#: ... and its largest value is at least this many times its median (both counted from 1 + x),
#: so that a rare event counted 0, 1 or 2 times (skewed too) is not offered a log.
SPAN = 10.0


@dataclass(frozen=True)
class Redundant:
    """A feature left out of the default features because another one measures the same.

    Attributes:
        column: the column left out.
        kept: the column that measures the same thing and is kept (or the flags it
            summarises, joined with ", ").
        reason: plain words, e.g. "the same measure as tenure_days in other units (r = 1.00)".
    """

    column: str
    kept: str
    reason: str


def _sample(frame: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """``names`` as float64 columns (yes/no as 1/0, missing as NaN) on at most SAMPLE_ROWS rows."""
    rows = np.arange(len(frame))
    if len(frame) > SAMPLE_ROWS:
        rows = np.sort(np.random.default_rng(0).choice(len(frame), SAMPLE_ROWS, replace=False))
    out = {}
    for name in names:
        column = frame[name].iloc[rows]
        if pd.api.types.is_bool_dtype(column) or str(column.dtype) == "boolean":
            column = column.astype("Float64")
        out[name] = pd.to_numeric(column, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return pd.DataFrame(out)


def _usable(frame: pd.DataFrame, columns: Mapping[str, ColumnInfo], candidates: Sequence[str],
            roles: tuple[Role, ...]) -> list[str]:
    """The candidates of those roles that are in the frame and have two values or more."""
    names = []
    for name in candidates:
        info = columns.get(name)
        if info is None or info.role not in roles or name not in frame.columns or info.n_unique < 2:
            continue
        names.append(name)
    return names


def _r_words(r: float) -> str:
    return f"r = {r:.2f}".replace("-", "−")


def _unit_change(fine: np.ndarray, coarse: np.ndarray) -> bool:
    """``coarse`` is ``fine`` in larger units: ``fine / k`` for one factor k, exact or rounded
    (up, down or to the nearest), both counted from zero (days -> months = days / 30.44)."""
    both = np.isfinite(fine) & np.isfinite(coarse)
    a, b = fine[both], coarse[both]
    if len(a) < MIN_PAIRED or np.unique(b).size < 2:
        return False
    denominator = float(np.dot(b, b))
    if denominator == 0:
        return False
    k = float(np.dot(a, b)) / denominator  # a ≈ k · b, fitted through zero
    if k <= 0 or not np.isfinite(k):
        return False
    # rounding to a unit of b leaves at most one unit of b (k units of a) between a and k · b
    if np.abs(a - k * b).max() > 1.01 * k + 1e-9 * np.abs(a).max():
        return False
    # and b never goes down while a goes up, nor differs where a is the same
    order = np.lexsort((b, a))
    a_sorted, b_sorted = a[order], b[order]
    step_a, step_b = np.diff(a_sorted), np.diff(b_sorted)
    return bool((step_b >= 0).all() and (step_b[step_a == 0] == 0).all())


def _any_flags(sample: pd.DataFrame, flags: list[str]) -> dict[str, list[str]]:
    """Flags that are yes exactly when one of two or more other flags is yes: flag -> those flags."""
    if len(flags) < 3:
        return {}
    values = sample[flags].to_numpy()
    present = np.isfinite(values)
    yes = (values == 1) & present
    no = (values == 0) & present
    # implies[g, f]: rows where g is yes and f is no (g => f when 0)
    breaks = yes.T.astype(np.int64) @ no.astype(np.int64)
    found: dict[str, list[str]] = {}
    # the flags with the fewest yes first: "any_online" (a | b) is found before "any" (a | b | c),
    # and "any" is then told apart from the flags, not from "any_online"
    for j in np.argsort(yes.sum(axis=0), kind="stable"):
        flag = flags[j]
        parts = [i for i in range(len(flags)) if i != j and breaks[i, j] == 0 and yes[:, i].any()
                 and flags[i] not in found]
        if len(parts) < 2:
            continue
        rows = present[:, j] & present[:, parts].all(axis=1)
        if rows.sum() < MIN_PAIRED:
            continue
        union = yes[rows][:, parts].any(axis=1)
        if not np.array_equal(union, yes[rows, j]):
            continue
        # leave out the parts the others already cover, and any part that is the flag itself
        if any(np.array_equal(yes[rows, i], yes[rows, j]) for i in parts):
            continue
        for i in list(parts):
            rest = [p for p in parts if p != i]
            if len(rest) >= 2 and np.array_equal(yes[rows][:, rest].any(axis=1), yes[rows, j]):
                parts = rest
        found[flag] = [flags[i] for i in parts]
    return found


def find_redundant(
    frame: pd.DataFrame,
    columns: Mapping[str, ColumnInfo],
    candidates: Sequence[str],
) -> dict[str, Redundant]:
    """The numeric and yes/no candidates that measure what another candidate measures.

    Rules, on at most :data:`SAMPLE_ROWS` sampled rows, pairwise complete:

    - an "any" flag that is yes exactly when one of two or more other flags is yes
      ("is yes exactly when one of purchased_online, purchased_store is yes");
    - one quantity in other units: ``b = a / k`` exact or rounded, for one k
      ("the same measure as tenure_days in other units (r = 1.00)");
    - |Pearson r| ≥ :data:`SAME_R` ("moves with num_reactions (r = 0.99)").

    Of each group the finest column is kept (most distinct values, then table order);
    columns with a single value never count.

    Returns:
        column left out -> :class:`Redundant`, in the order of ``candidates``.
    """
    names = _usable(frame, columns, candidates, (Role.NUMERIC, Role.BOOLEAN))
    if len(names) < 2:
        return {}
    sample = _sample(frame, names)
    spread = sample.std(skipna=True)
    names = [n for n in names if np.isfinite(spread[n]) and spread[n] > 0]
    sample = sample[names]
    found: dict[str, Redundant] = {}

    flags = [n for n in names if columns[n].role == Role.BOOLEAN]
    for flag, parts in _any_flags(sample, flags).items():
        found[flag] = Redundant(flag, ", ".join(parts),
                                f"is yes exactly when one of {', '.join(parts)} is yes")

    rest = [n for n in names if n not in found]
    if len(rest) >= 2:
        r = sample[rest].corr(method="pearson", min_periods=MIN_PAIRED).to_numpy()
        position = {n: i for i, n in enumerate(rest)}
        finest = sorted(rest, key=lambda n: (-columns[n].n_unique, position[n]))
        kept: list[str] = []
        for name in finest:
            i = position[name]
            best: tuple[float, str, str] | None = None
            for other in kept:
                j = position[other]
                value = r[i, j]
                if not np.isfinite(value) or abs(value) < UNIT_CHECK_R:
                    continue
                units = value > 0 and columns[name].role == columns[other].role == Role.NUMERIC \
                    and _unit_change(sample[other].to_numpy(), sample[name].to_numpy())
                if units:
                    words = f"the same measure as {other} in other units ({_r_words(value)})"
                elif abs(value) >= SAME_R and columns[name].role == columns[other].role == Role.BOOLEAN:
                    verb = "agrees with" if value > 0 else "is the opposite of"
                    words = f"{verb} {other} on almost every row ({_r_words(value)})"
                elif abs(value) >= SAME_R:
                    verb = "moves with" if value > 0 else "moves against"
                    words = f"{verb} {other} ({_r_words(value)})"
                else:
                    continue
                score = 2.0 if units else abs(value)
                if best is None or score > best[0]:
                    best = (score, other, words)
            if best is None:
                kept.append(name)
            else:
                found[name] = Redundant(name, best[1], best[2])
    order = {n: i for i, n in enumerate(candidates)}
    return dict(sorted(found.items(), key=lambda item: order[item[0]]))


def skewed_counts(
    frame: pd.DataFrame,
    columns: Mapping[str, ColumnInfo],
    candidates: Sequence[str],
) -> list[str]:
    """The numeric candidates that are counts with a heavy right tail, where log(1 + x) helps.

    A count: whole numbers, none below zero, at least 3 different values, 20 rows or more.
    Heavy, on at most :data:`SAMPLE_ROWS` sampled rows: the sample skewness exceeds
    :data:`SKEW` (2.5; an exponential's is 2) and 1 + the largest value is at least
    :data:`SPAN` (10) times 1 + the median. Poisson, geometric and exponential counts are
    not flagged, nor a rare event counted 0 to 3 times; engagement counts (reactions,
    comments, shares) and log-normal ones are.

    Returns:
        the skewed columns, in the order of ``candidates``.
    """
    names = _usable(frame, columns, candidates, (Role.NUMERIC,))
    if not names:
        return []
    sample = _sample(frame, names)
    skewed = []
    for name in names:
        values = sample[name].to_numpy()
        values = values[np.isfinite(values)]
        if len(values) < 20 or values.min() < 0 or not (values == np.round(values)).all():
            continue
        if np.unique(values).size < 3:
            continue
        skewness = float(pd.Series(values).skew())
        if np.isfinite(skewness) and skewness > SKEW and 1.0 + values.max() >= SPAN * (1.0 + np.median(values)):
            skewed.append(name)
    return skewed
