"""When a method finds dozens of segments: say so, offer a setting that gives fewer, fold the rest.

Density methods (HDBSCAN) choose the number of segments themselves; on the demo
table HDBSCAN with its default minimum size found 43, and the views named them
up to "Mostly photo 29". Pure functions on segment sizes, no widgets:

* `many_segments_advice` — a sentence for the person and the minimum segment
  size to try, when there are more segments than a person can read;
* `fold_small_segments` — which segments a view shows by themselves and which
  it folds into one "Other" entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .text import format_count

__all__ = ["MANY_SEGMENTS", "OTHER", "OTHER_NAME", "Advice", "many_segments_advice", "fold_small_segments"]

#: More segments than this are more than a person reads in a legend or a profile table.
MANY_SEGMENTS = 12
#: The id a view gives the folded segments, and their name.
OTHER = -2
OTHER_NAME = "Other"


@dataclass(frozen=True)
class Advice:
    """Attributes:
        message: str — plain words: how many segments, how small, what to try.
        min_cluster_size: int — the minimum segment size to try for fewer segments.
    """

    message: str
    min_cluster_size: int


def many_segments_advice(sizes: Mapping[int, int], current_min_size: int,
                         most: int = MANY_SEGMENTS) -> Advice | None:
    """None when there are at most `most` segments; else what to tell the person.

    The size suggested is that of the `most`-th largest segment (at least twice the current
    minimum): segments smaller than it cannot form any more, so fewer remain.
    """
    counts = sorted((int(n) for s, n in sizes.items() if int(s) >= 0), reverse=True)
    if len(counts) <= most:
        return None
    suggested = max(counts[most - 1], 2 * int(current_min_size))
    small = sum(n < suggested for n in counts)
    message = (f"{len(counts)} segments were found: more than a person can compare, and "
               f"{small} of them have fewer than {format_count(suggested)} rows. Raise the minimum "
               f"segment size to {format_count(suggested)} for fewer, larger segments.")
    return Advice(message, int(suggested))


def fold_small_segments(sizes: Mapping[int, int], most: int = MANY_SEGMENTS) -> dict[int, int]:
    """Map each segment id to the id a view shows: the `most` - 1 largest keep their own id, the
    rest become `OTHER` (ties broken by id, so the result is stable). Noise (-1) stays -1.
    With at most `most` segments nothing is folded."""
    segments = sorted((int(s) for s in sizes if int(s) >= 0), key=lambda s: (-int(sizes[s]), s))
    shown = {int(s): int(s) for s in sizes}
    if len(segments) <= most:
        return shown
    for s in segments[most - 1:]:
        shown[s] = OTHER
    return shown
