"""Explanations: which features separate the segments, why one row is where it is, rules."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from segwidgets.core.explain import (
    GlobalExplanation,
    RowAttribution,
    SegmentRules,
    distinctive_features,
    explain_row,
    global_importance,
    importance_sentence,
    row_attribution,
    row_sentence,
    segment_rules,
    signed,
)
from segwidgets.core.profile import profile_segments
from segwidgets.errors import SegwidgetsDataError, SegwidgetsValueError
from tests.helpers import blob_points


def blob_frame(n=1200, centers=4, seed=0):
    X, y = blob_points(n, centers=centers, features=3, std=0.6, seed=seed)
    frame = pd.DataFrame(X * 50 + 200, columns=["num_shares", "num_likes", "num_comments"])
    return frame, y


def signal_and_noise(n=2000, seed=0):
    """Segments set by one column ('spend'); the others are noise."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, size=n)
    frame = pd.DataFrame({
        "noise_a": rng.normal(size=n),
        "spend": labels * 100 + rng.normal(scale=5, size=n),
        "noise_b": rng.uniform(size=n),
    })
    return frame, labels


# --------------------------------------------------------------------------- row attribution


finite = st.floats(min_value=-100, max_value=100, allow_nan=False, allow_infinity=False)


@st.composite
def rows_and_centers(draw):
    p = draw(st.integers(1, 12))
    k = draw(st.integers(2, 6))
    x = draw(arrays(np.float64, p, elements=finite))
    centers = draw(arrays(np.float64, (k, p), elements=finite))
    assigned = draw(st.integers(0, k - 1))
    other = draw(st.one_of(st.none(), st.integers(0, k - 1).filter(lambda o: o != assigned)))
    return x, centers, assigned, other


@settings(max_examples=300, deadline=None)
@given(rows_and_centers())
def test_attribution_sums_to_the_difference_of_squared_distances(case):
    x, centers, assigned, other = case
    result = row_attribution(x, centers, assigned, other)
    expected_other = result.other if other is None else other
    d_other = math.fsum((x - centers[expected_other]) ** 2)
    d_assigned = math.fsum((x - centers[assigned]) ** 2)
    assert abs(math.fsum(result.contributions) - (d_other - d_assigned)) <= 1e-9
    assert abs(result.margin - (d_other - d_assigned)) <= 1e-9
    assert result.other != result.assigned == assigned


@settings(max_examples=100, deadline=None)
@given(rows_and_centers())
def test_attribution_compares_with_the_nearest_other_centre_by_default(case):
    x, centers, assigned, _ = case
    result = row_attribution(x, centers, assigned)
    distances = ((x - centers) ** 2).sum(axis=1)
    others = np.delete(distances, assigned)
    assert distances[result.other] == others.min()


def test_attribution_names_features_and_says_which_pull_the_row_home():
    centers = np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [5.0, 0.0, 0.0]])
    result = row_attribution([0.4, 0.4, 0.6], centers, 0, feature_names=["shares", "likes", "loves"])
    assert isinstance(result, RowAttribution)
    assert result.other == 1
    assert list(result.contributions.index) == ["shares", "likes", "loves"]
    np.testing.assert_allclose(result.contributions.to_numpy(), [0.2, 0.2, -0.2])
    assert result.margin == pytest.approx(0.2)


def test_attribution_refuses_in_plain_words():
    centers = np.zeros((3, 2))
    with pytest.raises(SegwidgetsValueError, match="2 values but the centres have"):
        row_attribution([1.0, 2.0], np.zeros((3, 4)), 0)
    with pytest.raises(SegwidgetsValueError, match="from 0 to 2"):
        row_attribution([1.0, 2.0], centers, 3)
    with pytest.raises(SegwidgetsValueError, match="other than its own"):
        row_attribution([1.0, 2.0], centers, 1, 1)
    with pytest.raises(SegwidgetsValueError, match="at least 2 segment centres"):
        row_attribution([1.0, 2.0], np.zeros((1, 2)), 0)
    with pytest.raises(SegwidgetsValueError, match="3 feature names for 2 features"):
        row_attribution([1.0, 2.0], centers, 0, feature_names=["a", "b", "c"])


# --------------------------------------------------------------------------- global importance


def test_the_feature_that_sets_the_segments_comes_first():
    frame, labels = signal_and_noise()
    result = global_importance(frame, labels)
    assert isinstance(result, GlobalExplanation)
    assert result.importance.index[0] == "spend"
    assert list(result.importance.columns) == ["importance_mean", "importance_std"]
    assert result.importance.loc["spend", "importance_mean"] > 0.5
    assert abs(result.importance.loc["noise_a", "importance_mean"]) < 0.05
    assert result.accuracy > 0.95
    assert result.n_train + result.n_test == 2000 and result.n_test == 500
    assert result.segments == [0, 1, 2]
    assert list(result.per_segment.columns) == [0, 1, 2]
    assert list(result.per_segment.index) == list(result.importance.index)
    assert (result.per_segment.loc["spend"] > 0.5).all()
    assert result.notes == []


def test_large_tables_are_explained_from_a_stated_sample_without_unassigned_rows():
    frame, labels = signal_and_noise(n=3000)
    labels = labels.copy()
    labels[:50] = -1
    result = global_importance(frame, labels, max_rows=1000, seed=2)
    assert result.n_train + result.n_test == 1000
    assert any("Explained from 1,000 of 2,950 rows" in note for note in result.notes)
    assert any("50 rows in no segment" in note for note in result.notes)
    assert result.importance.index[0] == "spend"


def test_categories_and_yes_no_columns_are_explained_as_one_feature_each():
    frame, labels = signal_and_noise(n=1200)
    frame = frame.drop(columns=["spend"])
    frame["channel"] = np.array(["video", "photo", "status"])[labels]
    frame["verified"] = labels == 2
    frame.loc[::10, "channel"] = None
    result = global_importance(frame, labels)
    assert set(result.importance.index) == {"noise_a", "noise_b", "channel", "verified"}
    assert result.importance.index[0] == "channel"


def test_global_importance_refuses_in_plain_words():
    frame, labels = signal_and_noise(n=100)
    with pytest.raises(SegwidgetsDataError, match="at least 2 segments"):
        global_importance(frame, np.zeros(100, dtype=int))
    with pytest.raises(SegwidgetsValueError, match="one segment label per row"):
        global_importance(frame, labels[:10])
    with pytest.raises(SegwidgetsValueError, match="as a table"):
        global_importance(frame.to_numpy(), labels)
    dated = frame.assign(when=pd.Timestamp("2024-01-01"))
    with pytest.raises(SegwidgetsValueError, match="holds dates"):
        global_importance(dated, labels)


# --------------------------------------------------------------------------- rules


def test_rules_are_faithful_on_blobs_and_read_as_text():
    frame, labels = blob_frame()
    result = segment_rules(frame, labels)
    assert [r.segment for r in result] == [0, 1, 2, 3]
    assert all(isinstance(r, SegmentRules) for r in result)
    assert result[0].fidelity > 0.95
    assert len({r.fidelity for r in result}) == 1
    n_rows = 0
    for segment in result:
        assert segment.rules, f"segment {segment.segment} has no rule"
        assert segment.recall > 0.9
        assert segment.text.count("\n") == len(segment.rules) - 1
        for rule in segment.rules:
            n_rows += rule.n_rows
            assert str(rule) == rule.text == " and ".join(rule.conditions)
            assert "{" not in rule.text and "}" not in rule.text
            assert any(name in rule.text for name in frame.columns)
            assert 0 < rule.support <= 1 and 0 < rule.precision <= 1 and 0 < rule.coverage <= 1
            assert len(rule.conditions) <= 3
        coverages = [rule.coverage for rule in segment.rules]
        assert coverages == sorted(coverages, reverse=True)
    assert n_rows == len(frame)  # every row meets exactly one rule


def test_rule_conditions_read_like_the_data():
    rng = np.random.default_rng(1)
    n = 2000
    shares = rng.integers(0, 300, size=n)
    likes = rng.integers(0, 100, size=n)
    labels = np.where(shares > 120, np.where(likes <= 40, 1, 2), 0)
    frame = pd.DataFrame({"num_shares": shares, "num_likes": likes})
    result = segment_rules(frame, labels, max_depth=2)
    assert result[0].fidelity == 1.0
    assert [r.text for r in result[1].rules] == ["num_shares > 120.5 and num_likes <= 40.5"]
    assert [r.text for r in result[0].rules] == ["num_shares <= 120.5"]
    assert result[1].rules[0].precision == 1.0 and result[1].rules[0].coverage == 1.0


def test_rules_name_categories_yes_no_values_and_missing_numbers():
    rng = np.random.default_rng(2)
    n = 1500
    channel = rng.choice(["video", "photo", "status"], size=n)
    verified = rng.random(n) < 0.5
    spend = rng.uniform(0, 100, size=n)
    labels = np.where(channel == "video", 0, np.where(verified, 1, 2))
    spend[labels == 2] = np.where(rng.random((labels == 2).sum()) < 0.3, np.nan, 5.0)
    frame = pd.DataFrame({"channel": channel, "verified": verified, "spend": spend})
    result = segment_rules(frame, labels)
    text = " | ".join(r.text for r in result)
    assert "channel is video" in text
    assert "channel is not video" in text
    assert "verified = 1" in text or "verified = 0" in text
    assert result[0].fidelity == 1.0
    assert "{" not in text and "[" not in text


def test_missing_numbers_are_named_when_they_follow_the_rule():
    rng = np.random.default_rng(3)
    n = 1000
    spend = rng.uniform(0, 100, size=n)
    labels = (spend > 50).astype(int)
    spend[rng.random(n) < 0.2] = np.nan
    labels[np.isnan(spend)] = 1
    result = segment_rules(pd.DataFrame({"spend": spend}), labels, max_depth=1)
    assert result[0].fidelity == 1.0
    text = result[1].rules[0].text
    assert text.startswith("(spend > 50.0") and text.endswith(" or missing)")
    assert "missing" not in result[0].rules[0].text


def test_more_segments_than_leaves_leaves_some_without_a_rule():
    X, labels = blob_points(1000, centers=10, features=4, std=0.3, seed=0)
    result = segment_rules(pd.DataFrame(X, columns=list("abcd")), labels, max_depth=3)
    without = [r for r in result if not r.rules]
    assert len(without) >= 2
    assert without[0].text == "No simple rule picks out this segment."
    assert without[0].recall == 0.0


def test_rules_refuse_in_plain_words():
    frame, labels = blob_frame(n=100)
    for depth in (0, 6, 2.5, True):
        with pytest.raises(SegwidgetsValueError, match="rule depth must be a whole number from 1 to 5"):
            segment_rules(frame, labels, max_depth=depth)
    many = pd.DataFrame({"id": [f"row {i}" for i in range(300)]})
    with pytest.raises(SegwidgetsDataError, match="300 different values"):
        segment_rules(many, np.arange(300) % 2)


def test_inputs_are_not_changed():
    frame, labels = signal_and_noise(n=400)
    frame.loc[::7, "spend"] = np.nan
    labels[:5] = -1
    before, before_labels = frame.copy(), labels.copy()
    global_importance(frame, labels)
    segment_rules(frame, labels)
    pd.testing.assert_frame_equal(frame, before)
    np.testing.assert_array_equal(labels, before_labels)


# --------------------------------------------------------------------------- in words


def test_signed_numbers_carry_a_real_minus_and_never_a_negative_zero():
    assert (signed(2.14), signed(-0.8), signed(-0.01), signed(0.1234, 3)) == ("+2.1", "−0.8", "+0.0", "+0.123")


def test_distinctive_features_are_the_largest_z_scores_and_category_lifts():
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 5], 200)  # stable ids need not be 0..n-1
    frame = pd.DataFrame({
        "spend": np.where(labels == 5, 300.0, 100.0) + rng.normal(scale=10, size=400),
        "visits": rng.normal(size=400),
        "channel": np.where(labels == 5, "web", "shop"),
    })
    profile = profile_segments(frame, labels, ["spend", "visits", "channel"], {"channel": "categorical"})
    items = distinctive_features(profile, 5)
    texts = {feature: text for feature, _, text in items}
    assert set(texts) == {"spend", "channel = web"}  # visits is noise; the segment has no shop rows
    assert texts["spend"] == "spend ↑ +1.0 sd"  # (300 - 200) / ~100
    assert texts["channel = web"] == "channel = web 100% (all rows 50%)"
    scores = [abs(score) for _, score, _ in items]
    assert scores == sorted(scores, reverse=True)
    assert all(abs(score) >= 0.25 for _, score, _ in items)  # near the average: left out
    assert len(distinctive_features(profile, 5, top=1)) == 1
    assert distinctive_features(profile, 99) == []


def test_explain_row_names_segments_by_stable_id_and_sorts_contributions():
    centers = np.array([[0.0, 0.0], [4.0, 0.1], [0.0, 9.0]])
    x = np.array([1.0, 0.5])
    explanation = explain_row(x, centers, 0, row=12, prepared_row=10, raw_to_id=(7, 3, 9),
                              segment_ids=(3, 7, 9), feature_names=["a", "b"])
    assert (explanation.row, explanation.prepared_row) == (12, 10)
    assert (explanation.segment, explanation.other_segment) == (7, 3)  # raw 0 -> 7, raw 1 -> 3
    assert explanation.attribution.other == 1
    sizes = np.abs(explanation.contributions.to_numpy())
    assert list(explanation.contributions.index) == ["a", "b"] and sizes[0] >= sizes[1]
    assert explanation.contributions.sum() == pytest.approx(explanation.margin)
    empty = explain_row(x, centers, 0, row=12, prepared_row=10, raw_to_id=(7, 3, 9),
                        segment_ids=(7, 9), feature_names=["a", "b"])
    assert empty.other_segment == -1  # the nearest other centre has no rows


def test_row_sentence_names_both_segments_the_main_features_and_the_margin():
    centers = np.array([[0.0, 0.0, 0.0], [4.0, 0.0, -2.0]])
    explanation = explain_row(np.array([1.0, 0.0, -1.8]), centers, 0, row=1234, prepared_row=3,
                              raw_to_id=(0, 1), segment_ids=(0, 1), feature_names=["num_shares", "b", "c"])
    text = row_sentence(explanation, "Big spenders", "Browsers")
    assert text.startswith("Row 1,234 is in 'Big spenders' rather than 'Browsers' mostly because of shares (+8.0);")
    assert f"the contributions sum to the margin {explanation.margin:.1f}." in text
    assert text.endswith(" C pulls the other way (−3.2).")  # a pull a quarter of the main one, or more
    tie = explain_row(np.array([2.0, 0.0, -1.0]), centers, 0, row=5, prepared_row=5, raw_to_id=(0, 1),
                      segment_ids=(0, 1), feature_names=["a", "b", "c"])
    assert "lies on the boundary between 'Big spenders' and 'Browsers'" in row_sentence(tie, "Big spenders", "Browsers")


def test_importance_sentence_says_the_accuracy_and_the_features_relied_on():
    frame, labels = signal_and_noise(n=600)
    result = global_importance(frame, labels, n_repeats=2)
    text = importance_sentence(result)
    assert text.startswith(f"The surrogate model reproduces the segments for {result.accuracy:.0%} of held-out rows")
    assert f"({result.n_test:,} rows it did not learn from)" in text
    assert "It relies most on spend" in text


def test_row_name_uses_the_identifier_column_and_shortens_long_ids():
    from segwidgets.core.explain import row_name

    frame = pd.DataFrame({"status_id": ["246675545449582_1649696485147474", "x" * 60, None],
                          "likes": [1, 2, 3]})
    roles = {"status_id": "identifier", "likes": "numeric"}
    assert row_name(frame, roles, 0) == "status_id 246675545449582_1649696485147474 (row 0)"
    assert row_name(frame, roles, 1) == f"status_id {'x' * 39}… (row 1)"
    assert row_name(frame, roles, 2) == "Row 2 (no status_id)"
    assert row_name(frame, {"likes": "numeric"}, 1) == "Row 1"
    assert row_name(frame, roles, 7) == "Row 7"
