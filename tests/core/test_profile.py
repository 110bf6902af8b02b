"""Segment profiles are the numbers a person works out by hand; names and
descriptions read like something a stakeholder can use."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from segwidgets import datasets
from segwidgets.core.profile import (
    MAX_PROFILE_CATEGORIES,
    describe_segment,
    profile_segments,
)
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


# --- ten customers, worked out by hand ------------------------------------------
#
#  row  spend  visits  member  plan    segment
#   0     10      1     yes    basic     0
#   1     20      3     no     basic     0
#   2     30      2     yes    plus      0
#   3    100     10     yes    pro       3
#   4    140     12     yes    pro       3
#   5      5      0     no     basic     7
#   6      7      1     no     -         7
#   7      9      -     no     basic     7
#   8      6      2     yes    plus      7
#   9     73      9     no     pro      -1  (in no segment)

CUSTOMER_ROLES = {"spend": "numeric", "visits": "numeric", "member": "boolean", "plan": "categorical",
                  "customer_id": "identifier"}


@pytest.fixture
def customers() -> tuple[pd.DataFrame, np.ndarray]:
    frame = pd.DataFrame({
        "customer_id": [f"C{i}" for i in range(10)],
        "spend": [10.0, 20.0, 30.0, 100.0, 140.0, 5.0, 7.0, 9.0, 6.0, 73.0],
        "visits": [1, 3, 2, 10, 12, 0, 1, None, 2, 9],
        "member": pd.array([True, False, True, True, True, False, False, False, True, False], dtype="boolean"),
        "plan": ["basic", "basic", "plus", "pro", "pro", "basic", None, "basic", "plus", "pro"],
    })
    return frame, np.array([0, 0, 0, 3, 3, 7, 7, 7, 7, -1])


def test_ten_customers_sizes_and_shares_by_hand(customers):
    frame, labels = customers
    p = profile_segments(frame, labels, list(CUSTOMER_ROLES), CUSTOMER_ROLES)
    assert p.segment_ids == [0, 3, 7]  # the ids as given, sorted; -1 is no segment
    assert p.summary["size"].tolist() == [3, 2, 4]
    # shares of all ten customers, the one in no segment included: they add up to 0.9
    assert p.summary["share"].tolist() == [0.3, 0.2, 0.4]
    assert p.n_rows == 10


def test_ten_customers_means_and_medians_by_hand(customers):
    frame, labels = customers
    p = profile_segments(frame, labels, list(CUSTOMER_ROLES), CUSTOMER_ROLES)
    assert list(p.means.columns) == ["spend", "visits", "member"]  # the identifier is not profiled
    assert p.means["spend"].tolist() == [20.0, 120.0, 6.75]
    assert p.medians["spend"].tolist() == [20.0, 120.0, 6.5]
    assert p.means["visits"].tolist() == [2.0, 11.0, 1.0]  # segment 7: (0 + 1 + 2) / 3, the gap left out
    assert p.medians["visits"].tolist() == [2.0, 11.0, 1.0]
    assert p.means["member"].tolist() == pytest.approx([2 / 3, 1.0, 1 / 4])  # share of yes
    assert p.overall_means["spend"] == 40.0  # 400 / 10, customer 9 included
    assert p.overall_means["visits"] == pytest.approx(40 / 9)
    assert p.overall_means["member"] == 0.5


def test_ten_customers_z_scores_by_hand(customers):
    frame, labels = customers
    p = profile_segments(frame, labels, list(CUSTOMER_ROLES), CUSTOMER_ROLES)
    # spend: mean 40; squared deviations 900+400+100+3600+10000+1225+1089+961+1156+1089 = 20520,
    # population variance 20520 / 10 = 2052
    sd = 2052 ** 0.5
    assert p.overall_stds["spend"] == pytest.approx(sd)
    assert p.zscores["spend"].tolist() == pytest.approx([-20 / sd, 80 / sd, -33.25 / sd])
    visits = [1, 3, 2, 10, 12, 0, 1, 2, 9]
    mean = 40 / 9
    sd_visits = (sum((v - mean) ** 2 for v in visits) / 9) ** 0.5
    assert p.zscores["visits"].tolist() == pytest.approx([(2 - mean) / sd_visits, (11 - mean) / sd_visits,
                                                          (1 - mean) / sd_visits])
    # member: half are members, population sd 0.5
    assert p.zscores["member"].tolist() == pytest.approx([(2 / 3 - 0.5) / 0.5, 1.0, -0.5])


def test_ten_customers_category_shares_by_hand(customers):
    frame, labels = customers
    p = profile_segments(frame, labels, list(CUSTOMER_ROLES), CUSTOMER_ROLES)
    shares = p.category_shares
    # most frequent first over all rows: basic 4, pro 3, plus 2, missing 1
    assert list(shares.columns) == ["plan = basic", "plan = pro", "plan = plus", "plan = (missing)"]
    assert shares.loc[0].tolist() == pytest.approx([2 / 3, 0.0, 1 / 3, 0.0])
    assert shares.loc[3].tolist() == [0.0, 1.0, 0.0, 0.0]
    assert shares.loc[7].tolist() == [0.5, 0.0, 0.25, 0.25]
    assert p.overall_shares.tolist() == [0.4, 0.3, 0.2, 0.1]


def test_ten_customers_names_generated_and_given(customers):
    frame, labels = customers
    p = profile_segments(frame, labels, list(CUSTOMER_ROLES), CUSTOMER_ROLES)
    assert p.names == {0: "Low visits · Mostly basic", 3: "High spend · Mostly pro", 7: "Low visits · Low spend"}
    named = profile_segments(frame, labels, list(CUSTOMER_ROLES), CUSTOMER_ROLES,
                             names={3: "Big spenders", "7": "Occasional", -1: "Nobody", 42: "Not a segment"})
    assert named.names == {0: "Low visits · Mostly basic", 3: "Big spenders", 7: "Occasional"}
    assert named.summary.loc[3, "name"] == "Big spenders"


def test_ten_customers_described_for_a_stakeholder(customers):
    frame, labels = customers
    p = profile_segments(frame, labels, list(CUSTOMER_ROLES), CUSTOMER_ROLES, names={3: "Big spenders"})
    assert describe_segment(p, 3, noun="customers") == (
        "Big spenders: 2 customers, 20.0% of all customers. Compared with all customers, it has about "
        "3.0× the average spend (120 against 40 overall) and about 2.5× the average visits (11 against "
        "4.44 overall). Member: 100% of its customers, against 50% overall. Nearly all of its "
        "customers have plan pro (100%, against 30% overall)."
    )


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


def test_a_category_much_more_common_in_a_segment_can_name_it(posts):
    frame, labels = posts
    p = profile_segments(frame, labels, ["status_type"], ROLES)
    assert p.summary.loc[9, "name"] == "Mostly link"
    assert "(missing)" not in " ".join(p.summary["name"])


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


@pytest.fixture(scope="module")
def demo_profile():
    """The demo at k=4: KMeans on the standardised counts, profiled in the table's own units."""
    table = datasets.load_table("facebook_live")
    # every count, named here: the default features leave out num_likes (it moves with num_reactions)
    counts = [c for c in table.frame.columns if c.startswith("num_")]
    labels = KMeans(4, random_state=0, n_init=10).fit_predict(
        StandardScaler().fit_transform(table.frame[counts]))
    features = ["status_type", "status_published", "status_id", *counts]
    roles = {f: table.columns[f].role for f in features}
    return profile_segments(table.frame, labels, features, roles), labels


def test_every_demo_segment_at_k4_is_described_cleanly(demo_profile):
    profile, labels = demo_profile
    assert profile.segment_ids == [0, 1, 2, 3]
    assert profile.summary["size"].tolist() == np.bincount(labels).tolist()
    assert len(set(profile.names.values())) == 4
    for segment in profile.segment_ids:
        text = describe_segment(profile, segment, noun="posts")
        name = profile.names[segment]
        assert text.startswith(f"{name}: ") and " of all posts." in text
        assert "{" not in text and "}" not in text
        assert "nan" not in text.lower() and "None" not in text and "inf" not in text
        assert describe_segment(profile, segment, noun="posts", include_size=False) in text


def test_the_demo_profile_skips_dates_and_ids_and_keeps_the_counts_in_their_units(demo_profile):
    profile, labels = demo_profile
    frame = datasets.load("facebook_live")
    assert "status_published" not in profile.means and "status_id" not in profile.means
    assert {c.split(" = ")[0] for c in profile.category_shares.columns} == {"status_type"}
    for segment in profile.segment_ids:
        rows = frame[labels == segment]
        assert profile.means.loc[segment, "num_shares"] == pytest.approx(rows["num_shares"].mean())
        assert profile.medians.loc[segment, "num_likes"] == rows["num_likes"].median()


# --- by hand, and every demo segment -----------------------------------------------

def test_profile_numbers_by_hand():
    frame = pd.DataFrame({"spend": [10.0, 20.0, 30.0, 100.0, 110.0, 5.0],
                          "kind": ["a", "a", "b", "b", "b", "a"]})
    labels = np.array([0, 0, 0, 7, 7, -1])
    p = profile_segments(frame, labels, ["spend", "kind"], {"spend": "numeric", "kind": "categorical"},
                         names={7: "Big"})
    assert list(p.summary.index) == [0, 7]
    assert p.summary["size"].tolist() == [3, 2]
    assert p.summary["share"].tolist() == [3 / 6, 2 / 6]  # of all rows, the unassigned one included
    assert p.means.loc[0, "spend"] == 20.0 and p.medians.loc[7, "spend"] == 105.0
    overall, sd = frame["spend"].mean(), frame["spend"].std(ddof=0)
    assert p.zscores.loc[7, "spend"] == pytest.approx((105.0 - overall) / sd)
    assert p.category_shares.loc[0, "kind = a"] == pytest.approx(2 / 3)
    assert p.summary.loc[7, "name"] == "Big"


def test_descriptions_render_for_every_demo_segment():
    frame = datasets.load("facebook_live")
    features = [c for c in frame.columns if c.startswith("num_")] + ["status_type"]
    labels = KMeans(4, random_state=0, n_init="auto").fit_predict(frame[features[:-1]])
    roles = {c: "numeric" for c in features[:-1]} | {"status_type": "categorical"}
    profile = profile_segments(frame, labels, features, roles)
    for segment in profile.summary.index:
        text = describe_segment(profile, segment)
        assert "{" not in text and "nan" not in text and "None" not in text
        assert "of all rows" in text


# --- issue 13: names a marketer would write -------------------------------------------

@pytest.fixture
def app_users() -> tuple[pd.DataFrame, np.ndarray, dict[str, str]]:
    """Twelve customers in three segments: app users with long tenure, premium churners, the rest."""
    frame = pd.DataFrame({
        "hasApp": pd.array([True] * 4 + [False] * 4 + [False, True, False, False], dtype="boolean"),
        "is_premium": pd.array([False] * 4 + [True] * 4 + [False] * 4, dtype="boolean"),
        "tenureDays": [900.0, 950.0, 1000.0, 980.0, 100.0, 120.0, 90.0, 110.0, 400.0, 420.0, 380.0, 410.0],
        "acquisitionChannel": ["3", "3", "3", "1", "2", "2", "2", "2", "1", "1", "1", "3"],
    })
    roles = {"hasApp": "boolean", "is_premium": "boolean", "tenureDays": "numeric",
             "acquisitionChannel": "categorical"}
    return frame, np.repeat([0, 1, 2], 4), roles


def test_names_read_column_names_as_words_and_flags_as_yes_no(app_users):
    frame, labels, roles = app_users
    names = profile_segments(frame, labels, list(roles), roles).names
    assert names == {0: "High tenure days · Has app", 1: "Premium · Mostly acquisition channel 2",
                     2: "Mostly acquisition channel 1 · Not premium"}
    for name in names.values():
        assert not any(raw in name for raw in ("hasApp", "tenureDays", "is_premium", "acquisitionChannel"))


def test_yes_no_features_are_described_in_yes_no_words(app_users):
    frame, labels, roles = app_users
    p = profile_segments(frame, labels, list(roles), roles)
    text = describe_segment(p, 0, noun="customers")
    assert "Has app: 100% of its customers, against 42% overall." in text
    assert "tenure days" in text and "tenureDays" not in text and " is true " not in text
    low = describe_segment(p, 2, noun="customers")
    assert "Not premium: 100% of its customers, against 67% overall." in low
    assert "acquisition channel 1" in low


def test_profile_segments_names_by_level_on_request(app_users):
    frame, labels, _ = app_users
    numbers = {"tenureDays": "numeric"}
    p = profile_segments(frame, labels, ["tenureDays"], numbers, naming="level")
    assert p.names == {0: "Most active", 1: "Least active", 2: "Moderately active"}
    assert profile_segments(frame, labels, ["tenureDays"], numbers, naming="traits").names[0] == "High tenure days"


def test_level_names_call_a_segment_with_next_to_nothing_inactive():
    frame = pd.DataFrame({"num_likes": [90.0, 110.0, 40.0, 60.0, 0.0, 1.0],
                          "num_comments": [30.0, 30.0, 9.0, 11.0, 0.0, 0.0]})
    roles = {"num_likes": "numeric", "num_comments": "numeric"}
    p = profile_segments(frame, np.array([0, 0, 1, 1, 2, 2]), list(roles), roles, naming="level")
    assert p.names == {0: "Most active", 1: "Moderately active", 2: "Inactive"}


def test_an_unknown_naming_style_is_refused_before_any_work(app_users):
    frame, labels, roles = app_users
    with pytest.raises(SegwidgetsValueError, match="There is no naming style 'levels'"):
        profile_segments(frame, labels, list(roles), roles, naming="levels")


def test_identical_segments_are_told_apart_by_size_not_numerals():
    frame = pd.DataFrame({"x": [1.0, 1.0, 1.0, 1.0, 1.0, 5.0]})
    p = profile_segments(frame, np.array([0, 0, 0, 1, 1, 2]), ["x"], {"x": "numeric"})
    assert p.names == {0: "Slightly low x · Larger group", 1: "Slightly low x · Smaller group", 2: "High x"}


def test_profile_inputs_know_which_measures_are_never_negative():
    from segwidgets.core.profile import profile_inputs

    frame = pd.DataFrame({"likes": [0.0, 3.0, np.nan], "delta": [-1.0, 2.0, 0.0],
                          "flag": pd.array([True, False, True], dtype="boolean")})
    inputs = profile_inputs(frame, ["likes", "delta", "flag"], {"flag": "boolean"})
    assert inputs.nonnegative == frozenset({"likes"})


def test_the_large_quiet_group_of_the_demo_is_not_typical(demo_profile):
    profile, _ = demo_profile
    names = profile.names
    largest = int(profile.summary["size"].idxmax())
    # most posts have a third to a half of the average comments, shares and reactions other than likes
    assert names[largest] == "Below average overall"
    assert "Typical" not in names.values()
    assert not any(ch.isdigit() for name in names.values() for ch in name)
    assert not any("num_" in name for name in names.values())


def test_an_average_measure_is_not_described_as_the_average_average():
    frame = pd.DataFrame({"avg_basket": [150.0, 170.0, 40.0, 42.0, 38.0, 40.0],
                          "avgRating": [4.9, 4.8, 3.0, 3.1, 2.9, 3.2]})
    roles = {"avg_basket": "numeric", "avgRating": "numeric"}
    p = profile_segments(frame, np.array([0, 0, 1, 1, 1, 1]), list(roles), roles)
    text = describe_segment(p, 0)
    assert "about 2.0× the average basket (160 against 80 overall)" in text
    assert "well above average rating (4.85 against 3.65 overall)" in text
    assert "average average" not in text and "avg" not in text
    assert p.names[0] == "High average basket · High average rating"
