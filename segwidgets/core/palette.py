"""Segment colours: a stable segment id keeps its colour wherever it is shown."""

from __future__ import annotations

#: Segment colours by stable id (Tableau 10, then ten more that stay distinct).
PALETTE: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b",
    "#e377c2", "#17becf", "#bcbd22", "#393b79", "#637939",
)
#: The colour of rows in no segment (noise, rows left out for missing values).
UNASSIGNED_COLOR = "#c8c8c8"


def segment_color(segment_id: int) -> str:
    """The colour of a stable segment id (-1, unassigned, is grey)."""
    return UNASSIGNED_COLOR if segment_id < 0 else PALETTE[segment_id % len(PALETTE)]
