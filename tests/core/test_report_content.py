"""The report's content and its static HTML (``segwidgets.core.report``): every segment, in words
and charts, what the analyst wrote escaped, and a file that needs nothing but itself."""

from __future__ import annotations

import re

import pytest

from segwidgets.core.report import DEFAULT_TITLE, build_report, report_document, suggest_recommendation
from tests.helpers import ESCAPED, HOSTILE


@pytest.fixture()
def model(make_frame, make_model):
    frame = make_frame(900, centers=4, features=3, std=0.8, seed=3, columns=["spend", "visits", "tenure"],
                       channel=True, ids=("customer_id", "C"))
    model = make_model(frame, k=4, features=["spend", "visits", "tenure", "channel"])
    return model


def urls(page: str) -> list[str]:
    """Every address a src, href, url(...) or @import of the page names."""
    found = re.findall(r"""(?:src|href|action|poster|data)\s*=\s*['"]([^'"]*)['"]""", page, flags=re.I)
    found += re.findall(r"url\(([^)]*)\)|@import\s+['\"]([^'\"]*)", page, flags=re.I)
    return [u if isinstance(u, str) else "".join(u) for u in found]


def test_the_content_covers_every_segment_largest_first_with_its_numbers(model):
    content = model.report_content()
    sizes = model.profile.summary["size"]
    assert [s.segment for s in content.sections] == sorted(model.segment_ids, key=lambda i: (-sizes[i], i))
    for section in content.sections:
        assert section.size == int((model.labels == section.segment).sum())
        assert section.share == pytest.approx(section.size / 900)
        assert section.name == model.segment_names[section.segment]
        assert section.contrasts and all(c.label for c in section.contrasts)
        assert section.description and section.suggestion
    assert content.overview.startswith("The 900 rows fall into 4 segments, found with k-means from 4 measures")
    assert content.title == DEFAULT_TITLE  # never a path or a file name


def test_a_segment_chart_compares_with_the_average_in_original_units(model):
    content = model.report_content()
    section = content.sections[0]
    top = section.contrasts[0]
    feature = {"Spend": "spend", "Visits": "visits", "Tenure": "tenure"}.get(top.label, top.label.lower())
    assert top.value == pytest.approx(model.profile.means.at[section.segment, feature])
    assert top.overall == pytest.approx(model.data[feature].mean())
    assert abs(top.z) == max(abs(c.z) for c in section.contrasts)


def test_a_categorical_feature_shows_its_mix_against_all_rows(model):
    content = model.report_content()
    for section in content.sections:
        (mix,) = section.categories
        assert mix.label.lower() == "channel"
        values = dict((v, (s, o)) for v, s, o in mix.values)
        share = ((model.labels == section.segment) & (model.data["channel"] == "web")).sum() / section.size
        assert values.get("web", (0.0, 0))[0] == pytest.approx(share)


def test_the_suggestion_says_what_sets_the_segment_apart():
    from segwidgets import Segmentation
    from tests.helpers import blob_frame

    model = Segmentation(blob_frame(600, centers=[[0, 0], [8, 0]], columns=["spend", "visits"]), k=2,
                         background=False)
    high = max(model.segment_ids, key=lambda i: model.profile.means.at[i, "spend"])
    text = suggest_recommendation(model.profile, high)
    assert "high spend" in text and "50%" in text


def test_the_method_is_said_in_words(model):
    method = " ".join(model.report_content().method)
    assert "k-means" in method and "4 segments" in method and "standardised" in method
    assert "silhouette score" in method and "median" in method


def test_everything_a_person_wrote_is_escaped_in_the_file(model):
    model.title = HOSTILE
    model.introduction = HOSTILE
    model.rename(model.segment_ids[0], HOSTILE)
    model.recommend(model.segment_ids[0], HOSTILE)
    page = model.report_html()
    assert page.count(ESCAPED) >= 5 and HOSTILE not in page and "<img" not in page


def test_the_file_is_self_contained_with_every_segment_and_no_script(model):
    page = model.report_html()
    assert page.count("<section class='sw-report-segment'") == 4
    for name in model.segment_names.values():
        assert name in page
    assert "<script" not in page.lower()
    assert [u for u in urls(page) if not u.startswith("data:")] == []
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")  # the SVG namespace is a name
    assert "https://" not in page
    assert "@media print" in page and "break-inside: avoid" in page
    assert "Content-Security-Policy" in page


def test_the_labelled_rows_are_inside_only_when_the_analyst_allows(model):
    import base64
    import io

    import pandas as pd

    assert "data:text/csv" not in model.report_html()
    model.share_rows = True
    page = model.report_html()
    encoded = re.search(r"href='data:text/csv;base64,([^']+)'", page).group(1)
    rows = pd.read_csv(io.BytesIO(base64.b64decode(encoded)), dtype={"customer_id": str})
    assert rows["customer_id"].tolist() == [f"C{i}" for i in range(900)]  # ids as read
    assert rows["segment"].tolist() == list(model.labels)


def test_build_report_takes_plain_values(model):
    result = model.result
    content = build_report(result.profile, names={}, colors={}, algorithm="kmeans", algorithm_label="k-means",
                           k=4, features=["spend"], scaling="none", impute="drop", recommendations={},
                           title="  ")
    assert content.title == DEFAULT_TITLE
    assert all(s.colour == "#999999" for s in content.sections)  # no colour given: grey, never text
    assert "own units" in " ".join(content.method)
    page = report_document(content)
    assert page.count("<section") == 4
