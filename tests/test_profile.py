"""Segment profiles are the numbers a person works out by hand; names and
descriptions read like something a stakeholder can use."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segwidgets.core.naming import auto_names, pretty_feature_name
from segwidgets.core.profile import MAX_PROFILE_CATEGORIES, describe_segment, profile_segments
from segwidgets.errors import SegwidgetsValueError

ROLES = {"num_shares": "numeric", "num_likes": "numeric", "weekend": "boolean",
         "status_type": "categorical", "post_id": "identifier"}


@pytest.fixture
def posts() -> tuple[pd.DataFrame, np.ndarray]:
    """Eight posts in segments 5 (three), 1 (two) and 9 (two), one post in none."""
    frame = pd.DataFrame({
        "post_id": [f"p{i}" for i in range(8)],
        "num_shares": [10.0, 20.0, 30.0, 1.0, 3.0, 2.0, 4.0, 100.0],
        "num_likes": [1.0, 2.0, np.nan, 8.0, 10.0, 5.0, 5.0, 0.0],
        "weekend": pd.array([True, True, False, False, False, True, None, False], dtype="boolean"),
        "status_type": ["video", "video", "photo", "photo", None, "link", "link", "video"],
    })
    labels = np.array([5, 5, 5, 1, 1, 9, 9, -1])
    return frame, labels


def test_sizes_shares_means_and_medians_are_the_hand_computed_ones(posts):
    frame, labels = posts
    p = profile_segments(frame, labels, list(ROLES), ROLES)
    assert list(p.summary.index) == [1, 5, 9]  # sorted ids, not renumbered; -1 is no segment
    assert p.summary.index.name == "segment"
    assert p.summary["size"].tolist() == [2, 3, 2]
    # share of ALL eight rows: the unassigned post counts in the denominator
    assert p.summary["share"].tolist() == [2 / 8, 3 / 8, 2 / 8]
    assert p.means.loc[5, "num_shares"] == 20.0 and p.medians.loc[5, "num_shares"] == 20.0
    assert p.means.loc[1, "num_shares"] == 2.0 and p.medians.loc[9, "num_shares"] == 3.0
    assert p.means.loc[5, "num_likes"] == 1.5  # the missing like is left out, not zero
    assert p.means.loc[5, "weekend"] == pytest.approx(2 / 3)  # booleans: share of True
    assert p.means.loc[9, "weekend"] == 1.0  # one True, one missing
    assert list(p.means.columns) == ["num_shares", "num_likes", "weekend"]  # identifier skipped
    assert p.overall_means["num_shares"] == pytest.approx(170 / 8)  # over all rows, -1 included


def test_zscores_compare_segment_means_with_the_whole_table(posts):
    frame, labels = posts
    p = profile_segments(frame, labels, list(ROLES), ROLES)
    shares = frame["num_shares"]
    overall, sd = shares.mean(), shares.std(ddof=0)
    for segment, mean in [(1, 2.0), (5, 20.0), (9, 3.0)]:
        assert p.zscores.loc[segment, "num_shares"] == pytest.approx((mean - overall) / sd)
    likes = frame["num_likes"].dropna()
    assert p.zscores.loc[1, "num_likes"] == pytest.approx((9.0 - likes.mean()) / likes.std(ddof=0))


def test_a_constant_feature_has_z_zero():
    frame = pd.DataFrame({"x": [3.0] * 4, "y": [1.0, 2.0, 3.0, 4.0]})
    p = profile_segments(frame, np.array([0, 0, 1, 1]), ["x", "y"], {"x": "numeric", "y": "numeric"})
    assert p.zscores["x"].tolist() == [0.0, 0.0]
    assert not p.zscores.isna().any().any()


def test_category_shares_are_shares_of_the_segments_rows(posts):
    frame, labels = posts
    p = profile_segments(frame, labels, list(ROLES), ROLES)
    shares = p.category_shares
    assert shares.loc[5, "status_type = video"] == pytest.approx(2 / 3)
    assert shares.loc[5, "status_type = photo"] == pytest.approx(1 / 3)
    assert shares.loc[1, "status_type = photo"] == 0.5
    assert shares.loc[1, "status_type = (missing)"] == 0.5
    assert shares.loc[9, "status_type = link"] == 1.0
    # every segment's shares of one feature add up to 1
    assert np.allclose(shares.sum(axis=1), 1.0)
    assert p.overall_shares["status_type = video"] == pytest.approx(3 / 8)


def test_a_categorical_feature_keeps_its_most_frequent_values_only():
    values = [f"v{i}" for i in range(100)] * 3 + ["common"] * 50
    frame = pd.DataFrame({"c": values})
    labels = np.arange(len(frame)) % 3
    p = profile_segments(frame, labels, ["c"], {"c": "categorical"})
    assert p.category_shares.shape[1] == MAX_PROFILE_CATEGORIES
    assert p.category_shares.columns[0] == "c = common"


def test_given_names_override_generated_ones(posts):
    frame, labels = posts
    p = profile_segments(frame, labels, list(ROLES), ROLES, names={9: "Weekend links", 42: "Ignored"})
    assert p.summary.loc[9, "name"] == "Weekend links"
    assert p.summary.loc[5, "name"] != "Weekend links"
    assert p.names[9] == "Weekend links" and p.segment_ids == [1, 5, 9]


def test_table_is_flat_name_size_share_then_means(posts):
    frame, labels = posts
    p = profile_segments(frame, labels, list(ROLES), ROLES)
    table = p.table()
    assert list(table.columns) == ["name", "size", "share", "num_shares", "num_likes", "weekend"]
    assert table.loc[5, "num_shares"] == 20.0
    assert "status_type = video" in p.table(categories=True).columns


def test_a_feature_called_size_does_not_clash_in_the_table():
    frame = pd.DataFrame({"size": [1.0, 2.0, 3.0, 4.0]})
    table = profile_segments(frame, np.array([0, 0, 1, 1]), ["size"], {"size": "numeric"}).table()
    assert list(table.columns) == ["name", "size", "share", "size (mean)"]
    assert table["size"].tolist() == [2, 2] and table["size (mean)"].tolist() == [1.5, 3.5]


def test_role_objects_and_missing_roles_are_accepted():
    from segwidgets.core.roles import Role

    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": ["x", "y", "x", "y"]})
    p = profile_segments(frame, np.array([0, 0, 1, 1]), ["a", "b"], {"a": Role.NUMERIC})
    assert list(p.means.columns) == ["a"] and "b = x" in p.category_shares.columns


def test_no_segment_at_all_gives_an_empty_profile(posts):
    frame, _ = posts
    p = profile_segments(frame, np.full(len(frame), -1), list(ROLES), ROLES)
    assert p.summary.empty and p.means.empty and p.segment_ids == []


@pytest.mark.parametrize(
    "labels,words",
    [(np.array([0, 1]), "one segment label per row"),
     (np.array([0, 1, -2, 0, 0, 0, 0, 0]), "-2"),
     (np.array([0.5] * 8), "whole numbers")],
)
def test_bad_labels_are_refused_in_words(posts, labels, words):
    frame, _ = posts
    with pytest.raises(SegwidgetsValueError) as info:
        profile_segments(frame, labels, list(ROLES), ROLES)
    assert words in str(info.value) and "{}" not in str(info.value)


def test_unknown_features_are_refused_in_words(posts):
    frame, labels = posts
    with pytest.raises(SegwidgetsValueError, match="'nope'"):
        profile_segments(frame, labels, ["num_shares", "nope"], ROLES)


def test_profile_matches_a_plain_groupby_on_random_data():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"a": rng.normal(size=500), "b": rng.integers(0, 9, 500).astype(float)})
    labels = rng.choice([-1, 0, 3, 4, 10], size=500)
    p = profile_segments(frame, labels, ["a", "b"], {"a": "numeric", "b": "numeric"})
    kept = frame[labels >= 0].groupby(labels[labels >= 0])
    pd.testing.assert_frame_equal(p.means, kept.mean(), check_names=False)
    pd.testing.assert_frame_equal(p.medians, kept.median(), check_names=False)
    assert p.summary["size"].tolist() == kept.size().tolist()


# --- names --------------------------------------------------------------------

def test_pretty_feature_names():
    assert pretty_feature_name("num_shares") == "shares"
    assert pretty_feature_name("n_comments") == "comments"
    assert pretty_feature_name("total_spend__eur") == "total spend eur"
    assert pretty_feature_name("num_") == "num"


def test_the_two_most_distinctive_features_name_a_segment():
    z = pd.DataFrame({"num_shares": [2.0, -1.0, 0.1], "num_likes": [-1.5, 0.0, 0.2],
                      "num_loves": [0.6, 0.0, 0.0]}, index=[0, 3, 7])
    names = auto_names(z)
    assert names == {0: "High shares · Low likes", 3: "Low shares", 7: "Typical"}


def test_names_are_unique_with_a_further_term_or_a_numeral():
    z = pd.DataFrame({"num_shares": [2.0, 2.0, 0.0, 0.1],
                      "num_likes": [-1.5, -1.5, 0.0, 0.0],
                      "num_loves": [0.0, 0.7, 0.0, 0.0]}, index=[0, 1, 2, 3])
    names = auto_names(z)
    assert names[0] == "High shares · Low likes"
    assert names[1] == "High shares · Low likes · High loves"
    assert names[2] == "Typical" and names[3] == "Typical 2"
    assert len(set(names.values())) == len(names)


def test_a_further_term_that_does_not_tell_segments_apart_gives_way_to_a_numeral():
    z = pd.DataFrame({"num_comments": [5.0, 14.0], "num_shares": [3.0, 4.0], "num_loves": [2.0, 2.0]},
                     index=[1, 3])
    assert auto_names(z) == {1: "High comments · High shares", 3: "High comments · High shares 2"}


def test_a_category_much_more_common_in_a_segment_can_name_it(posts):
    frame, labels = posts
    p = profile_segments(frame, labels, ["status_type"], ROLES)
    assert p.summary.loc[9, "name"] == "Mostly link"
    assert "(missing)" not in " ".join(p.summary["name"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.floats(-3, 3), min_size=3, max_size=3), min_size=1, max_size=12))
def test_generated_names_are_always_unique_and_never_empty(rows):
    z = pd.DataFrame(rows, columns=["num_a", "b", "n_c"])
    names = auto_names(z)
    assert sorted(names) == list(range(len(rows)))
    assert len(set(names.values())) == len(rows)
    assert all(name.strip() for name in names.values())


# --- descriptions -------------------------------------------------------------

def test_a_description_says_size_and_how_the_segment_differs():
    frame = pd.DataFrame({
        "num_shares": [30.0, 34.0, 32.0] + [4.0] * 7,
        "num_likes": [1.0, 1.0, 1.0] + [10.0] * 7,
        "status_type": ["video"] * 3 + ["photo"] * 7,
    })
    labels = np.array([0] * 3 + [1] * 7)
    roles = {"num_shares": "numeric", "num_likes": "numeric", "status_type": "categorical"}
    p = profile_segments(frame, labels, list(roles), roles, names={0: "Sharers"})
    text = describe_segment(p, 0)
    assert text.startswith("Sharers: 3 rows, 30.0% of all rows.")
    assert "about 2.6× the average shares (32 against 12.4 overall)" in text
    assert "only about 14% of the average likes (1 against 7.3 overall)" in text
    assert "Nearly all of its rows have status type video (100%, against 30% overall)." in text
    assert "z" not in text.replace("size", "")  # no jargon
    assert describe_segment(p, 0, include_size=False).startswith("Compared with all rows")
    assert ": 7 posts, 70.0% of all posts." in describe_segment(p, 1, noun="posts")


def test_descriptions_render_cleanly_for_every_segment(posts):
    frame, labels = posts
    p = profile_segments(frame, labels, list(ROLES), ROLES)
    for segment in p.segment_ids:
        text = describe_segment(p, segment)
        assert text and "{" not in text and "nan" not in text.lower() and "None" not in text
        assert "of all rows" in text


def test_a_typical_segment_is_described_as_close_to_average():
    frame = pd.DataFrame({"x": [1.0, 2.0, 1.0, 2.0]})
    p = profile_segments(frame, np.array([0, 0, 1, 1]), ["x"], {"x": "numeric"})
    assert "close to the average" in describe_segment(p, 0)


def test_describing_a_segment_that_does_not_exist_is_refused_in_words(posts):
    frame, labels = posts
    p = profile_segments(frame, labels, list(ROLES), ROLES)
    with pytest.raises(SegwidgetsValueError, match="no segment 4 .* 1, 5, 9"):
        describe_segment(p, 4)
