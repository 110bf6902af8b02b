"""The segment profile as people read it: one HTML table (N, share, means, top categories) and a frame.

Pure functions of a :class:`~segwidgets.core.profile.SegmentProfile`: the
profile table view (:mod:`segwidgets.widgets.profile_table`) sends the HTML in
one message per refit. Every text from the data (column names, category
values) is escaped. Mean cells are coloured by z-score (blue below, red above
the average of all rows, clipped at ±2 sd); a category cell by how much more
common its first value is than over all rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .naming import CATEGORY_SEP, category_lift, pretty_feature_name
from .profile import SegmentProfile
from .text import escape, format_count, format_number, format_share

#: Height of every row, in pixels: the view's name boxes line up with the table rows.
ROW_HEIGHT = 30
#: z-scores beyond this are drawn with the strongest colour.
Z_CLIP = 2.0
#: Longest category value shown in a cell (the full value is in the tooltip).
MAX_VALUE_CHARS = 24
#: CSS classes of a segment's row and of the selection's row.
SEGMENT_ROW, SELECTION_ROW = "sw-profile-row", "sw-selection-row"

_WHITE = (255, 255, 255)
_RED = (214, 96, 77)  # RdBu's red: black text on it keeps a contrast of about 5.6:1
_BLUE = (67, 147, 195)  # RdBu's blue: about 6:1

STYLE = f"""<style>
.sw-pt {{border-collapse:collapse;font-size:13px;line-height:1.2;}}
.sw-pt th,.sw-pt td {{height:{ROW_HEIGHT}px;padding:0 8px;white-space:nowrap;text-align:right;
  box-sizing:border-box;color:#1a1a1a;}}
.sw-pt th {{font-weight:600;vertical-align:bottom;padding-bottom:4px;}}
.sw-pt td.sw-cat,.sw-pt th.sw-cat {{text-align:left;}}
.sw-pt tr.sw-pt-sel td {{font-style:italic;background:#eeeeee;}}
</style>"""


def z_colour(z: float | None) -> str:
    """Diverging colour of a z-score: blue below, white at, red above the average (clipped at ±2)."""
    if z is None or not math.isfinite(float(z)):
        return "#ffffff"
    t = max(-1.0, min(1.0, float(z) / Z_CLIP))
    end = _RED if t >= 0 else _BLUE
    r, g, b = (round(white + (e - white) * abs(t)) for white, e in zip(_WHITE, end))
    return f"#{r:02x}{g:02x}{b:02x}"


def _short(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class ProfileHTML:
    """The HTML of one profile's table.

    Data Attributes:
        profile: SegmentProfile — by segment id; gives the columns and the averages.
        features: the features in the order the categorical columns are shown.
        roles: column -> role name ("boolean" means are shown as percentages).
        max_categories: int — values shown per categorical feature.
    """

    profile: SegmentProfile
    features: Sequence[str]
    roles: Mapping[str, str]
    max_categories: int = 2

    def categories(self) -> dict[str, list[tuple[str, str]]]:
        """Categorical feature -> [(share column, value)], in feature order."""
        by_feature: dict[str, list[tuple[str, str]]] = {}
        columns = [str(c) for c in self.profile.category_shares.columns]
        for feature in self.features:
            prefix = f"{feature}{CATEGORY_SEP}"
            found = [(c, c[len(prefix):]) for c in columns if c.startswith(prefix)]
            if found:
                by_feature[feature] = found
        return by_feature

    def table(self, body: str) -> str:
        """The style, the header row and ``body`` (rows from :meth:`segment_rows` and
        :meth:`selection_row`) as one table."""
        head = ["<th>N</th>", "<th>Share</th>"]
        for feature in (str(f) for f in self.profile.means.columns):
            head.append(f"<th title='{escape(feature)}'>{escape(pretty_feature_name(feature))}</th>")
        for feature in self.categories():
            head.append(
                f"<th class='sw-cat' title='{escape(feature)}'>{escape(pretty_feature_name(feature))}</th>"
            )
        return f"{STYLE}<table class='sw-pt'><tr>{''.join(head)}</tr>{body}</table>"

    def segment_rows(self, ids: Sequence[int]) -> str:
        """One row per segment (css :data:`SEGMENT_ROW`, ``data-segment`` its id)."""
        return self._rows(self.profile, SEGMENT_ROW, ids)

    def selection_row(self, selection: SegmentProfile) -> str:
        """The selection's row (css :data:`SELECTION_ROW`), under the segments' header."""
        return self._rows(selection, f"{SELECTION_ROW} sw-pt-sel")

    def _rows(self, profile: SegmentProfile, row_class: str, ids: Sequence[int] | None = None) -> str:
        """Table rows (N, share, means, categories) of every segment of ``profile``, with the
        columns and averages of ``self.profile`` (so the selection row lines up too)."""
        reference = self.profile
        features = list(reference.means.columns)
        means = profile.means.reindex(columns=features).to_numpy(dtype=float)
        zscores = profile.zscores.reindex(columns=features).to_numpy(dtype=float)
        overall = reference.overall_means.reindex(features).to_numpy(dtype=float)
        boolean = [self.roles.get(str(f)) == "boolean" for f in features]
        categories = []
        for columns in self.categories().values():
            names = [c for c, _ in columns]
            shares = profile.category_shares.reindex(columns=names).fillna(0.0).to_numpy(dtype=float)
            base = reference.overall_shares.reindex(names).to_numpy(dtype=float)
            categories.append(([v for _, v in columns], shares, base))
        sizes = profile.summary["size"].to_numpy()
        fractions = profile.summary["share"].to_numpy(dtype=float)
        rows = []
        for r in range(len(profile.summary.index)):
            cells = [f"<td>{format_count(sizes[r])}</td><td>{format_share(fractions[r], 1)}</td>"]
            for j in range(len(features)):
                mean, z = means[r, j], zscores[r, j]
                shown = format_share(mean) if boolean[j] and math.isfinite(mean) else format_number(mean)
                average = format_share(overall[j]) if boolean[j] and math.isfinite(overall[j]) else (
                    format_number(overall[j]))
                tip = f"{z:+.1f} sd from the average ({average})" if math.isfinite(z) else ""
                cells.append(f"<td style='background:{z_colour(z)}' title='{tip}' data-z='{z:.2f}'>{shown}</td>")
            for values, shares, base in categories:
                cells.append(self._category_cell(values, shares[r], base))
            segment = f" data-segment='{int(ids[r])}'" if ids is not None else ""
            rows.append(f"<tr class='{row_class}'{segment}>{''.join(cells)}</tr>")
        return "".join(rows)

    def _category_cell(self, values: Sequence[str], row: np.ndarray, base: np.ndarray) -> str:
        order = np.argsort(-row, kind="stable")
        top = [i for i in order[: self.max_categories] if row[i] > 0]
        if not top:
            return "<td class='sw-cat'>–</td>"
        text = " · ".join(f"{escape(_short(values[i]))} {format_share(row[i])}" for i in top)
        tip = ", ".join(f"{values[i]} {format_share(row[i])}" for i in order[:10] if row[i] > 0)
        colour = z_colour(category_lift(float(row[top[0]]), float(base[top[0]])))
        return f"<td class='sw-cat' style='background:{colour}' title='{escape(tip)}'>{text}</td>"


def profile_frame(profile: SegmentProfile | None, names: Mapping[int, str],
                  selection: SegmentProfile | None = None) -> pd.DataFrame:
    """The table in numbers: one row per segment (index: segment id).

    Columns: ``name`` (from ``names``, else the profile's), ``size``, ``share``
    (0..1), the mean of every numeric/yes-no feature (original column names
    and units), then the share of every category (``"status_type = video"``,
    0..1). With a non-empty ``selection``, a last row indexed ``"selection"``.
    """
    if profile is None:
        return pd.DataFrame(columns=["name", "size", "share"])
    frame = pd.concat([profile.summary[["name", "size", "share"]], profile.means,
                       profile.category_shares], axis=1)
    frame["name"] = [names.get(int(i), str(n)) for i, n in frame["name"].items()]
    if selection is not None and len(selection.summary.index):
        row = pd.concat([selection.summary[["size", "share"]], selection.means, selection.category_shares], axis=1)
        row = row.iloc[[0]].reindex(columns=frame.columns)
        row["name"] = "Selection"
        cat_columns = list(profile.category_shares.columns)
        row[cat_columns] = row[cat_columns].fillna(0.0)
        row.index = pd.Index(["selection"], name=frame.index.name)
        frame = pd.concat([frame.astype(object), row.astype(object)])
        frame = frame.infer_objects()
    return frame
