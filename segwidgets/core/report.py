"""The content of a stakeholder report, and that report as HTML: one page, nothing to install.

:func:`build_report` turns a fitted segmentation (its profile, names, colours,
settings, quality measures) and what the analyst wrote (title, introduction, a
recommendation per segment) into a :class:`ReportContent` of plain values.
:func:`report_body` writes it as HTML (charts as inline SVG) for the live report;
:func:`report_document` as one self-contained HTML file: no script, no outside
request, print styles, and the labelled rows as a ``data:`` link when the
analyst allows it. Everything a person wrote, and every name read from the data,
is escaped.

No widgets, no traitlets: usable from the command line (``segwidgets report SPEC
--html out.html``) and tested without a browser.
"""

from __future__ import annotations

import base64
import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import SegwidgetsValueError
from .naming import MISSING, category_lift, pretty_feature_name, split_category_column
from .profile import SegmentProfile, describe_segment
from .text import escape, format_count, format_number, format_share

#: Most features a segment's chart compares with the average; most values of a category shown.
MAX_CONTRASTS = 5
MAX_CATEGORY_VALUES = 4
#: What a report is called when the analyst gave it no title.
DEFAULT_TITLE = "Customer segments"

SCALING_WORDS = {
    "standard": "each measure was standardised (put on a common scale: its average 0 and its spread 1), "
                "so that no measure counts more because of its units",
    "robust": "each measure was put on a common scale using its median and interquartile range, "
              "so that a few extreme values do not dominate",
    "minmax": "each measure was rescaled to run from 0 to 1",
    "none": "the measures were used in their own units, without rescaling",
}
IMPUTE_WORDS = {
    "median": "a missing value was filled with the measure's median",
    "mean": "a missing value was filled with the measure's average",
    "zero": "a missing value was counted as zero",
    "drop": "rows with a missing value were left out",
}
ALGORITHM_WORDS = {
    "kmeans": "k-means clustering, which groups rows around a number of centres so that each row is "
              "closest to the centre of its own segment",
    "minibatch_kmeans": "mini-batch k-means, a faster variant of k-means for large tables",
    "ward": "hierarchical (Ward) clustering, which merges the most similar groups step by step",
    "average": "hierarchical clustering (average linkage), which merges the most similar groups step by step",
    "complete": "hierarchical clustering (complete linkage), which merges the most similar groups step by step",
    "gmm": "a Gaussian mixture model, which describes the rows as a mix of overlapping groups",
    "hdbscan": "HDBSCAN, which finds dense groups of rows and leaves scattered rows unassigned",
}


@dataclass(frozen=True)
class Contrast:
    """One feature of a segment against the average of all rows, in the feature's own units.

    Attributes:
        label: the feature as people read it ("Num shares").
        value: the segment's average (a yes/no feature: the share of yes, 0..1).
        overall: the average of all rows.
        z: how far apart, in standard deviations of all rows.
        boolean: a yes/no feature (values are shares).
    """

    label: str
    value: float
    overall: float
    z: float
    boolean: bool = False

    def shown(self, value: float) -> str:
        return format_share(value) if self.boolean else format_number(value, trim=True)


@dataclass(frozen=True)
class CategoryMix:
    """A categorical feature of a segment: its most common values, with shares of the segment
    and of all rows (0..1)."""

    label: str
    values: tuple[tuple[str, float, float], ...]


@dataclass(frozen=True)
class SegmentSection:
    """What the report says about one segment."""

    segment: int
    name: str
    colour: str
    size: int
    share: float
    description: str
    recommendation: str
    suggestion: str
    contrasts: tuple[Contrast, ...] = ()
    categories: tuple[CategoryMix, ...] = ()


@dataclass(frozen=True)
class ReportContent:
    """Everything a report shows, as plain values (text as written: escape it to show it).

    Attributes:
        title, introduction: what the analyst wrote (the title defaults to :data:`DEFAULT_TITLE`).
        overview: one sentence: how many segments, of what, how they were found.
        sections: one per segment, largest first.
        how_to_read: a few sentences on reading the charts.
        method: the method in words (algorithm, k, features, scaling, quality measures).
        n_rows: rows in the table; noun: what a row is.
        share_rows: whether the analyst allows the labelled rows to be downloaded.
    """

    title: str
    introduction: str
    overview: str
    sections: tuple[SegmentSection, ...]
    how_to_read: str
    method: tuple[str, ...]
    n_rows: int
    noun: str = "rows"
    share_rows: bool = False
    unassigned: int = 0
    warnings: tuple[str, ...] = field(default_factory=tuple)


# ------------------------------------------------------------------------------ content
def contrasts(profile: SegmentProfile, segment: int, most: int = MAX_CONTRASTS) -> tuple[Contrast, ...]:
    """The segment's most distinctive numeric and yes/no features (largest |z| first)."""
    if segment not in profile.zscores.index:
        return ()
    found = []
    for feature, z in profile.zscores.loc[segment].items():
        mean = float(profile.means.at[segment, feature]) if feature in profile.means.columns else math.nan
        overall = float(profile.overall_means.get(feature, np.nan))
        z = float(z)
        if all(math.isfinite(v) for v in (z, mean, overall)):
            found.append(Contrast(pretty_feature_name(feature), mean, overall, z,
                                  profile.roles.get(feature) == "boolean"))
    found.sort(key=lambda c: -abs(c.z))
    return tuple(found[:most])


def category_mixes(profile: SegmentProfile, segment: int, most_features: int = 2) -> tuple[CategoryMix, ...]:
    """The segment's categorical features, those that set it apart most first: each with its
    most common values (shares of the segment and of all rows)."""
    shares = profile.category_shares
    if segment not in shares.index or not shares.shape[1]:
        return ()
    by_feature: dict[str, list[tuple[str, float, float]]] = {}
    for column, share in shares.loc[segment].items():
        feature, value = split_category_column(column)
        overall = float(profile.overall_shares.get(column, np.nan))
        share = float(share)
        if not math.isfinite(share):
            continue
        shown = "missing" if value == MISSING else str(value)
        by_feature.setdefault(feature, []).append((shown, share, overall if math.isfinite(overall) else 0.0))
    ranked = []
    for feature, values in by_feature.items():
        values.sort(key=lambda v: -v[1])
        lift = max((abs(category_lift(s, o)) for _, s, o in values if o > 0 and math.isfinite(category_lift(s, o))),
                   default=0.0)
        ranked.append((lift, CategoryMix(pretty_feature_name(feature), tuple(values[:MAX_CATEGORY_VALUES]))))
    ranked.sort(key=lambda item: -item[0])
    return tuple(mix for _, mix in ranked[:most_features])


def suggest_recommendation(profile: SegmentProfile, segment: int, noun: str = "rows") -> str:
    """A starting point for the analyst's recommendation, from what sets the segment apart:
    its size, its strongest traits, and a question to act on. The analyst keeps or rewrites it."""
    row = profile.summary.loc[segment]
    share = float(row["share"])
    found = contrasts(profile, segment, 3)
    high = [c.label.lower() for c in found if c.z >= 0.5]
    low = [c.label.lower() for c in found if c.z <= -0.5]
    size = "A large group" if share >= 0.3 else "A small group" if share < 0.1 else "A sizeable group"
    parts = [f"{size} ({format_share(share, 1 if share < 0.1 else 0)} of all {noun})."]
    if high:
        parts.append(f"Stands out for high {_and(high)}: build on it and keep these {noun} engaged.")
    if low:
        parts.append(f"Low on {_and(low)}: look into why, and test an offer or message that lifts it.")
    if not high and not low:
        parts.append("Close to the average on every measure: treat as the core of the base and use it as "
                     "the benchmark for the others.")
    return " ".join(parts)


def _lower_first(text: str) -> str:
    """"Hierarchical (Ward)" -> "hierarchical (Ward)" in a sentence; "HDBSCAN", "Gaussian" stay."""
    return text[:1].lower() + text[1:] if text.startswith(("Hierarchical", "Mini-batch")) else text


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def quality_words(metrics: Mapping[str, object]) -> str:
    """The quality measures in words (empty if none was measured)."""
    silhouette = metrics.get("silhouette") if metrics else None
    if silhouette is None or not isinstance(silhouette, (int, float)) or not math.isfinite(float(silhouette)):
        return ""
    s = float(silhouette)
    if s >= 0.5:
        verdict = "the segments are clearly separated"
    elif s >= 0.25:
        verdict = "the segments are reasonably distinct, with some overlap at their edges"
    else:
        verdict = ("the segments overlap considerably: they are useful groupings of a continuum rather "
                   "than sharply separate groups")
    sample = metrics.get("silhouette_sample") or 0
    on = f" (measured on a sample of {format_count(sample)} rows)" if sample else ""
    return (f"Separation: the silhouette score is {s:.2f} on a scale from -1 to 1{on}; {verdict}.")


def build_report(
    profile: SegmentProfile,
    *,
    names: Mapping[int, str],
    colors: Mapping[int, str],
    algorithm: str,
    algorithm_label: str,
    k: int,
    features: Sequence[str],
    scaling: str,
    impute: str,
    log1p: bool = False,
    metrics: Mapping[str, object] | None = None,
    title: str = "",
    introduction: str = "",
    recommendations: Mapping[int, str] | None = None,
    share_rows: bool = False,
    noun: str = "rows",
    warnings: Sequence[str] = (),
) -> ReportContent:
    """The report's content, from a fitted segmentation's profile and what the analyst wrote."""
    recommendations = recommendations or {}
    summary = profile.summary
    n_rows = int(profile.n_rows or summary["size"].sum())
    order = sorted(profile.segment_ids, key=lambda i: (-int(summary.loc[i, "size"]), i))
    sections = []
    for segment in order:
        name = str(names.get(segment, summary.loc[segment, "name"]))
        sections.append(SegmentSection(
            segment=segment, name=name, colour=_colour(colors.get(segment)),
            size=int(summary.loc[segment, "size"]), share=float(summary.loc[segment, "share"]),
            description=describe_segment(profile, segment, noun=noun, include_size=False),
            recommendation=str(recommendations.get(segment, "")).strip(),
            suggestion=suggest_recommendation(profile, segment, noun),
            contrasts=contrasts(profile, segment), categories=category_mixes(profile, segment)))
    assigned = sum(s.size for s in sections)
    shown = [pretty_feature_name(f) for f in features]
    listed = _and(shown) if len(shown) <= 6 else ", ".join(shown[:6]) + f" and {len(shown) - 6} more"
    overview = (f"The {format_count(n_rows)} {noun} fall into {len(sections)} segments, found with "
                f"{_lower_first(algorithm_label)} from {len(shown)} measure{'s' if len(shown) != 1 else ''}: {listed}.")
    if n_rows > assigned:
        overview += f" {format_count(n_rows - assigned)} {noun} belong to no segment."
    how = (f"Each segment above has a name, its size, and a chart of the measures that set it apart most: "
           f"the coloured bar is the segment's average, the grey bar the average of all {noun}, both in the "
           "measure's own units (a yes/no measure as a percentage). Bars are scaled per measure, so compare "
           "the two bars of one measure, not bars of different measures. Category charts show the share of "
           f"the segment's {noun} with each value against all {noun}. The description is generated from the "
           "numbers; the recommendation is the analyst's.")
    method = [
        f"Method: {ALGORITHM_WORDS.get(algorithm, algorithm_label)}, asked for {k} segments.",
        f"Measures: {_and(shown) if shown else 'none'}.",
        f"Preparation: {SCALING_WORDS.get(scaling, scaling)}; {IMPUTE_WORDS.get(impute, impute)}"
        + ("; counts were log-transformed (log(1 + x)) to tame long tails." if log1p else "."),
    ]
    quality = quality_words(metrics or {})
    if quality:
        method.append(quality)
    return ReportContent(title=title.strip() or DEFAULT_TITLE, introduction=introduction.strip(),
                         overview=overview, sections=tuple(sections), how_to_read=how, method=tuple(method),
                         n_rows=n_rows, noun=noun, share_rows=bool(share_rows),
                         unassigned=max(n_rows - assigned, 0), warnings=tuple(warnings))


def _colour(value: object) -> str:
    """A ``#rrggbb`` colour, or grey: never text that could break out of an attribute."""
    text = str(value or "")
    if len(text) == 7 and text[0] == "#" and all(c in "0123456789abcdefABCDEF" for c in text[1:]):
        return text
    return "#999999"


# ------------------------------------------------------------------------------ charts (SVG)
def _svg(width: int, height: int, body: str, label: str) -> str:
    return (f"<svg xmlns='http://www.w3.org/2000/svg' class='sw-chart' role='img' aria-label='{escape(label)}' "
            f"width='{width}' height='{height}' viewBox='0 0 {width} {height}'>{body}</svg>")


def size_chart(content: ReportContent, width: int = 640) -> str:
    """Horizontal bars: each segment's share of all rows (inline SVG)."""
    row, label_w, gap = 26, 270, 6
    bar_w = width - label_w - 70
    height = row * max(len(content.sections), 1) + gap
    parts = []
    top = max((s.share for s in content.sections), default=1.0) or 1.0
    for i, s in enumerate(content.sections):
        y = gap + i * row
        w = max(bar_w * s.share / top, 1.0)
        parts.append(
            f"<text x='{label_w - 8}' y='{y + 15}' text-anchor='end' font-size='13'>{escape(_cut(s.name, 36))}</text>"
            f"<rect x='{label_w}' y='{y + 2}' width='{w:.1f}' height='{row - 8}' fill='{s.colour}'/>"
            f"<text x='{label_w + w + 6:.1f}' y='{y + 15}' font-size='12'>{escape(format_share(s.share, 1))}</text>")
    return _svg(width, height, "".join(parts), "Segment sizes: share of all rows per segment")


def contrast_chart(section: SegmentSection, noun: str = "rows", width: int = 640) -> str:
    """Per distinctive feature, the segment's average against all rows' (inline SVG)."""
    if not section.contrasts:
        return ""
    label_w, bar_w, pair = 190, width - 190 - 110, 40
    height = pair * len(section.contrasts) + 22
    parts = [f"<rect x='{label_w}' y='4' width='10' height='10' fill='{section.colour}'/>"
             f"<text x='{label_w + 14}' y='13' font-size='11'>this segment</text>"
             f"<rect x='{label_w + 110}' y='4' width='10' height='10' fill='#bdbdbd'/>"
             f"<text x='{label_w + 124}' y='13' font-size='11'>all {escape(noun)}</text>"]
    for i, c in enumerate(section.contrasts):
        y = 22 + i * pair
        scale = max(abs(c.value), abs(c.overall)) or 1.0
        seg_w = max(bar_w * abs(c.value) / scale, 1.0)
        all_w = max(bar_w * abs(c.overall) / scale, 1.0)
        parts.append(
            f"<text x='{label_w - 8}' y='{y + 17}' text-anchor='end' font-size='13'>{escape(_cut(c.label, 26))}</text>"
            f"<rect x='{label_w}' y='{y + 2}' width='{seg_w:.1f}' height='15' fill='{section.colour}'/>"
            f"<text x='{label_w + seg_w + 5:.1f}' y='{y + 14}' font-size='12'>{escape(c.shown(c.value))}</text>"
            f"<rect x='{label_w}' y='{y + 19}' width='{all_w:.1f}' height='11' fill='#bdbdbd'/>"
            f"<text x='{label_w + all_w + 5:.1f}' y='{y + 29}' font-size='11' fill='#555'>{escape(c.shown(c.overall))}</text>")
    return _svg(width, height, "".join(parts), f"What sets {section.name} apart")


def category_chart(mix: CategoryMix, colour: str, noun: str = "rows", width: int = 640) -> str:
    """The most common values of a categorical feature: the segment's share against all rows'."""
    label_w, bar_w, pair = 190, width - 190 - 80, 30
    height = pair * len(mix.values) + 4
    parts = []
    for i, (value, share, overall) in enumerate(mix.values):
        y = 2 + i * pair
        parts.append(
            f"<text x='{label_w - 8}' y='{y + 14}' text-anchor='end' font-size='12'>{escape(_cut(value, 26))}</text>"
            f"<rect x='{label_w}' y='{y + 2}' width='{max(bar_w * share, 1):.1f}' height='12' fill='{colour}'/>"
            f"<text x='{label_w + max(bar_w * share, 1) + 5:.1f}' y='{y + 12}' font-size='11'>{escape(format_share(share))}</text>"
            f"<rect x='{label_w}' y='{y + 16}' width='{max(bar_w * overall, 1):.1f}' height='8' fill='#bdbdbd'/>"
            f"<text x='{label_w + max(bar_w * overall, 1) + 5:.1f}' y='{y + 24}' font-size='10' fill='#555'>{escape(format_share(overall))}</text>")
    return _svg(width, height, "".join(parts), f"{mix.label}: share of the segment's {noun} against all {noun}")


def _cut(text: str, longest: int) -> str:
    return text if len(text) <= longest else text[: longest - 1] + "…"


# ------------------------------------------------------------------------------ HTML
STYLE = """
.sw-report-doc { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: #222; line-height: 1.45; max-width: 760px; margin: 0 auto; padding: 8px 16px; }
.sw-report-doc h1 { font-size: 1.7em; margin: 0.3em 0; }
.sw-report-doc h2 { font-size: 1.25em; margin: 1.2em 0 0.4em; }
.sw-report-doc h3 { font-size: 1.0em; margin: 0.8em 0 0.2em; color: #444; }
.sw-report-doc .sw-report-intro { white-space: pre-line; font-size: 1.05em; }
.sw-report-doc .sw-report-overview { font-size: 1.05em; }
.sw-report-doc .sw-report-segment { border-left: 6px solid #999; padding: 4px 0 8px 14px; margin: 18px 0; }
.sw-report-doc .sw-report-size { color: #444; }
.sw-report-doc .sw-report-recommendation { background: #f6f8fb; border-radius: 4px; padding: 6px 10px;
  white-space: pre-line; }
.sw-report-doc .sw-report-method, .sw-report-doc .sw-report-how { font-size: 0.9em; color: #444; }
.sw-report-doc svg.sw-chart { max-width: 100%; height: auto; display: block; font-family: inherit; }
.sw-report-doc .sw-report-download a { color: #1f5fa8; }
@media print {
  @page { size: A4; margin: 16mm 14mm; }
  .sw-report-doc { max-width: none; padding: 0; font-size: 11pt; }
  .sw-report-doc .sw-report-segment, .sw-report-doc .sw-report-sizes, .sw-report-doc svg.sw-chart {
    break-inside: avoid; page-break-inside: avoid; }
  .sw-report-doc h2, .sw-report-doc h3 { break-after: avoid; page-break-after: avoid; }
  .sw-report-doc .sw-report-footnotes { break-before: page; page-break-before: always; }
  .sw-report-doc .sw-report-download { display: none; }
  .sw-report-doc .sw-report-segment, .sw-report-doc .sw-report-recommendation {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{escape(part.strip())}</p>" for part in text.split("\n\n") if part.strip())


def segment_html(section: SegmentSection, noun: str = "rows") -> str:
    """One segment's section (css ``sw-report-segment``): everything escaped."""
    parts = [f"<section class='sw-report-segment' data-segment='{section.segment}' "
             f"style='border-left-color:{section.colour}'>",
             f"<h2 class='sw-report-name'>{escape(section.name)}</h2>",
             f"<div class='sw-report-size'><b>{format_count(section.size)}</b> {escape(noun)} · "
             f"<b>{escape(format_share(section.share, 1))}</b> of all {escape(noun)}</div>"]
    chart = contrast_chart(section, noun)
    if chart:
        parts.append(f"<h3>What sets it apart</h3>{chart}")
    for mix in section.categories:
        parts.append(f"<h3>{escape(mix.label)}</h3>{category_chart(mix, section.colour, noun)}")
    parts.append(f"<p class='sw-report-description'>{escape(section.description)}</p>")
    if section.recommendation:
        parts.append("<h3>Recommendation</h3>"
                     f"<div class='sw-report-recommendation'>{escape(section.recommendation)}</div>")
    parts.append("</section>")
    return "".join(parts)


def report_body(content: ReportContent, *, download: str = "") -> str:
    """The report as an HTML fragment (css ``sw-report-doc``) with its own styles; ``download``
    is HTML of links to put under the overview (already built and escaped by the caller)."""
    noun = content.noun
    parts = [f"<style>{STYLE}</style><article class='sw-report-doc'>",
             f"<h1 class='sw-report-title'>{escape(content.title)}</h1>"]
    if content.introduction:
        parts.append(f"<div class='sw-report-intro'>{_paragraphs(content.introduction)}</div>")
    parts.append(f"<p class='sw-report-overview'>{escape(content.overview)}</p>")
    parts.append(f"<div class='sw-report-sizes'><h3>Segment sizes</h3>{size_chart(content)}</div>")
    if download:
        parts.append(f"<div class='sw-report-download'>{download}</div>")
    parts.extend(segment_html(section, noun) for section in content.sections)
    parts.append("<footer class='sw-report-footnotes'><h2>How to read this report</h2>"
                 f"<p class='sw-report-how'>{escape(content.how_to_read)}</p>"
                 "<h2>How the segments were found</h2>"
                 + "".join(f"<p class='sw-report-method'>{escape(line)}</p>" for line in content.method)
                 + "".join(f"<p class='sw-report-method'>Note: {escape(w)}</p>" for w in content.warnings)
                 + "</footer></article>")
    return "".join(parts)


def rows_link(rows_csv: bytes, filename: str = "segments.csv") -> str:
    """An ``<a download>`` carrying the labelled rows as a ``data:`` URI (no request)."""
    encoded = base64.b64encode(rows_csv).decode("ascii")
    return (f"<a class='sw-report-rows' download='{escape(filename)}' href='data:text/csv;base64,{encoded}'>"
            f"Download the labelled rows (CSV, {max(len(rows_csv) // 1024, 1):,} KB)</a>")


def report_document(content: ReportContent, rows_csv: bytes | None = None) -> str:
    """The report as one self-contained HTML file: no script, no outside request (a Content
    Security Policy says so to the browser too), charts inline, print styles; the labelled
    rows as a ``data:`` link only when ``content.share_rows`` and ``rows_csv`` are given."""
    download = rows_link(rows_csv) if content.share_rows and rows_csv is not None else ""
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{policy}\">"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{escape(content.title)}</title></head><body>"
            f"{report_body(content, download=download)}</body></html>\n")


# ------------------------------------------------------------------------------ stored content
def content_to_dict(content: ReportContent) -> dict:
    """The content as plain JSON-ready data (what publishing stores beside the spec)."""
    return dataclasses.asdict(content)


def content_from_dict(data: object) -> ReportContent:
    """Read :func:`content_to_dict` output, every value coerced to its type and every colour
    checked again: stored content is rendered like fresh content (escaped), never trusted as HTML.

    Raises:
        SegwidgetsValueError: data that is not report content.
    """
    try:
        sections = []
        for s in data["sections"]:  # type: ignore[index]
            sections.append(SegmentSection(
                segment=int(s["segment"]), name=str(s["name"]), colour=_colour(s["colour"]), size=int(s["size"]),
                share=float(s["share"]), description=str(s["description"]),
                recommendation=str(s["recommendation"]), suggestion=str(s["suggestion"]),
                contrasts=tuple(Contrast(str(c["label"]), float(c["value"]), float(c["overall"]), float(c["z"]),
                                         bool(c["boolean"])) for c in s["contrasts"]),
                categories=tuple(CategoryMix(str(m["label"]), tuple((str(v), float(a), float(b))
                                                                    for v, a, b in m["values"]))
                                 for m in s["categories"])))
        return ReportContent(
            title=str(data["title"]), introduction=str(data["introduction"]),  # type: ignore[index]
            overview=str(data["overview"]), sections=tuple(sections),  # type: ignore[index]
            how_to_read=str(data["how_to_read"]), method=tuple(str(m) for m in data["method"]),  # type: ignore[index]
            n_rows=int(data["n_rows"]), noun=str(data["noun"]), share_rows=bool(data["share_rows"]),  # type: ignore[index]
            unassigned=int(data["unassigned"]), warnings=tuple(str(w) for w in data["warnings"]))  # type: ignore[index]
    except (KeyError, TypeError, ValueError) as exc:
        raise SegwidgetsValueError(f"The stored report is not report content ({type(exc).__name__}).") from None
