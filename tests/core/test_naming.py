"""Segment names a marketer can say out loud: "High shares · Low likes",
"Has app", "Mostly video", "Typical" — short, made from what sets a segment
apart, from readable column names, never the same for two segments and never
with a numeric suffix."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segwidgets.core.naming import (
    JOINER,
    NAMING_STYLES,
    TYPICAL,
    TYPICAL_Z,
    auto_names,
    category_column,
    category_lift,
    category_value_text,
    check_naming_style,
    pretty_feature_name,
    sentence_case,
    split_category_column,
    yes_no_phrases,
)
from segwidgets.errors import SegwidgetsValueError


def zscores(rows: dict[int, dict[str, float]]) -> pd.DataFrame:
    """A z table by hand: segment id -> {feature: z}."""
    return pd.DataFrame.from_dict(rows, orient="index")


def test_the_two_features_furthest_from_average_name_a_segment():
    z = zscores({
        0: {"num_shares": 2.1, "num_likes": -1.4, "num_loves": 0.7},
        3: {"num_shares": -0.2, "num_likes": 0.1, "num_loves": 0.0},
        7: {"num_shares": -0.6, "num_likes": 0.3, "num_loves": 0.0},
    })
    assert auto_names(z) == {0: "High shares · Low likes", 3: "Typical", 7: "Low shares"}
    assert JOINER == " · " and TYPICAL == "Typical"


def test_half_a_standard_deviation_is_the_threshold():
    # issue 13: below half a standard deviation a feature is "slightly" high or low, not "Typical"
    z = zscores({0: {"a": 0.5}, 1: {"a": -0.5}, 2: {"a": 0.49}, 3: {"a": -0.49}})
    assert auto_names(z) == {0: "High a", 1: "Low a", 2: "Slightly high a", 3: "Slightly low a"}


def test_missing_z_scores_never_reach_a_name():
    z = zscores({0: {"a": float("nan"), "b": 1.0}, 1: {"a": float("inf"), "b": float("nan")}})
    assert auto_names(z) == {0: "High b", 1: "Typical"}


def test_ties_keep_the_column_order():
    z = zscores({0: {"visits": 1.0, "spend": -1.0, "age": 1.0}})
    assert auto_names(z) == {0: "High visits · Low spend"}


@pytest.mark.parametrize("max_terms,name", [(1, "High shares"), (2, "High shares · Low likes"),
                                            (3, "High shares · Low likes · High loves")])
def test_names_have_at_most_max_terms(max_terms, name):
    z = zscores({0: {"num_shares": 3.0, "num_likes": -2.0, "num_loves": 1.0}})
    assert auto_names(z, max_terms=max_terms) == {0: name}


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True, None])
def test_a_bad_number_of_terms_is_refused_in_words(bad):
    with pytest.raises(SegwidgetsValueError) as info:
        auto_names(zscores({0: {"a": 1.0}}), max_terms=bad)
    assert str(info.value) == f"max_terms must be a whole number of at least 1, not {bad!r}."


def test_segments_that_would_share_a_name_get_a_further_term():
    z = zscores({
        0: {"num_shares": 2.0, "num_likes": -1.5, "num_loves": 0.0},
        1: {"num_shares": 2.0, "num_likes": -1.5, "num_loves": 0.7},
    })
    assert auto_names(z) == {0: "High shares · Low likes", 1: "High shares · Low likes · High loves"}


def test_what_stays_the_same_is_told_apart_in_words_not_numerals():
    # issue 13: no "Typical 2" or "High shares 2"; without sizes, letters in segment order
    z = zscores({
        2: {"num_shares": 0.1, "num_likes": 0.0},
        5: {"num_shares": 0.0, "num_likes": 0.2},
        9: {"num_shares": -0.3, "num_likes": 0.0},
        11: {"num_shares": 1.0, "num_likes": 0.0},
        12: {"num_shares": 1.2, "num_likes": 0.0},
    })
    assert auto_names(z) == {2: "Typical · Group A", 5: "Typical · Group B", 9: "Slightly low shares",
                             11: "High shares · Group A", 12: "High shares · Group B"}
    # with sizes (as profile_segments gives them): the larger and the smaller group
    sizes = {2: 500, 5: 300, 9: 10, 11: 40, 12: 60}
    assert auto_names(z, sizes=sizes) == {2: "Typical · Larger group", 5: "Typical · Smaller group",
                                          9: "Slightly low shares", 11: "High shares · Smaller group",
                                          12: "High shares · Larger group"}


def test_a_tie_breaker_never_takes_a_name_a_feature_already_gives():
    z = zscores({0: {"x": 1.0, "x_2": 0.0}, 1: {"x": 1.0, "x_2": 0.0}, 2: {"x": 0.0, "x_2": 1.0}})
    names = auto_names(z)
    assert names[2] == "High x 2"  # the digit is the column's own
    assert names[0] == "High x · Group A" and names[1] == "High x · Group B"


def test_a_category_much_more_common_in_a_segment_names_it():
    shares = pd.DataFrame({
        "status_type = video": [0.9, 0.2, 0.3],
        "status_type = photo": [0.1, 0.8, 0.7],
    }, index=[0, 1, 2])
    overall = pd.Series({"status_type = video": 0.33, "status_type = photo": 0.67})
    z = zscores({0: {"num_shares": 0.1}, 1: {"num_shares": 0.0}, 2: {"num_shares": -1.0}})
    names = auto_names(z, shares, overall_shares=overall)
    assert names[0] == "Mostly video"
    # photo is most of segment 1 and somewhat more common than overall (lift 0.28): weakly distinctive,
    # so not "Typical" (issue 13), but not enough to name a segment that has a stronger trait
    assert names[1] == "Mostly photo"
    assert names[2] == "Low shares"
    # hardly more than overall (0.7 against 0.67, lift 0.06): no lift at all
    close = shares.assign(**{"status_type = photo": [0.1, 0.7, 0.7]})
    assert auto_names(z, close, overall_shares=overall)[1] == "Typical"


def test_categories_and_numbers_are_ranked_together():
    shares = pd.DataFrame({"plan = premium": [1.0, 0.0]}, index=[4, 8])
    overall = pd.Series({"plan = premium": 0.2})  # lift (1 - 0.2) / 0.4 = 2.0
    z = zscores({4: {"spend": 1.0, "visits": 3.0}, 8: {"spend": 0.0, "visits": 0.0}})
    assert auto_names(z, shares, overall_shares=overall)[4] == "High visits · Mostly premium"
    assert auto_names(z, shares, overall_shares=overall, max_terms=1)[4] == "High visits"


def test_only_the_most_distinctive_value_of_a_feature_counts_and_missing_never_does():
    shares = pd.DataFrame({
        "channel = web": [0.6], "channel = app": [0.9], "channel = (missing)": [1.0], "channel =  ": [1.0],
    }, index=[0])
    overall = pd.Series({"channel = web": 0.1, "channel = app": 0.2, "channel = (missing)": 0.0,
                         "channel =  ": 0.0})
    assert auto_names(pd.DataFrame(index=[0]), shares, overall_shares=overall) == {0: "Mostly app"}


def test_without_overall_shares_the_average_of_the_segments_is_used():
    shares = pd.DataFrame({"kind = a": [1.0, 0.0, 0.0], "kind = b": [0.0, 1.0, 0.0],
                           "kind = c": [0.0, 0.0, 1.0]}, index=[0, 1, 2])
    # one-letter values say nothing alone: the feature goes before them
    assert auto_names(pd.DataFrame(index=[0, 1, 2]), shares) == {0: "Mostly kind a", 1: "Mostly kind b",
                                                                 2: "Mostly kind c"}


def test_segments_in_either_table_are_named_sorted_by_id():
    z = zscores({5: {"a": 1.0}})
    shares = pd.DataFrame({"k = x": [1.0]}, index=[2])
    assert list(auto_names(z, shares)) == [2, 5]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from([0.0, 0.6, -0.6, 2.0, -2.0, float("nan")]), min_size=3, max_size=3),
                min_size=1, max_size=12),
       st.lists(st.sampled_from([0.0, 0.3, 0.6, 1.0]), min_size=12, max_size=12),
       st.integers(1, 3))
def test_names_are_always_unique_and_never_empty(rows, video, max_terms):
    ids = [3 * i + 1 for i in range(len(rows))]  # stable ids, not 0..k-1
    z = pd.DataFrame(rows, columns=["num_a", "a_2", "n_b"], index=ids)
    shares = pd.DataFrame({"t = video": video[:len(rows)], "t = photo": [1 - v for v in video[:len(rows)]]},
                          index=ids)
    names = auto_names(z, shares, max_terms=max_terms)
    assert list(names) == ids
    assert len(set(names.values())) == len(ids)
    assert all(name.strip() and "nan" not in name.lower() for name in names.values())


# --- the pieces -------------------------------------------------------------------

@pytest.mark.parametrize(
    "raw,pretty",
    [("num_shares", "shares"), ("n_comments", "comments"), ("Num_Likes", "likes"),
     ("total_spend__eur", "total spend EUR"), ("  monthly   spend ", "monthly spend"),
     ("num_", "num"), ("__", "__"), (3, "3"), ("number_of_visits", "number of visits")],
)
def test_pretty_feature_names(raw, pretty):
    assert pretty_feature_name(raw) == pretty


def test_category_columns_split_back_at_the_first_separator():
    column = category_column("status_type", "video = live")
    assert column == "status_type = video = live"
    assert split_category_column(column) == ("status_type", "video = live")
    assert split_category_column("no separator") == ("no separator", "")


def test_category_lift_is_a_z_score_of_the_indicator():
    assert category_lift(0.9, 0.5) == pytest.approx(0.8)
    assert category_lift(0.5, 0.5) == 0.0
    assert category_lift(1.0, 0.0) == 10.0 and category_lift(0.0, 1.0) == -10.0
    assert category_lift(1.0, 1.0) == 0.0
    assert math.isnan(category_lift(float("nan"), 0.5))
    assert math.isnan(category_lift(0.5, np.inf))


# --- three segments by hand --------------------------------------------------------

def test_generated_names_are_distinctive_and_unique():
    z = pd.DataFrame({"num_shares": [2.0, -1.0, 0.1], "num_likes": [-1.5, 0.0, 0.2]}, index=[0, 1, 2])
    names = auto_names(z)
    assert names[0] == "High shares · Low likes"
    assert names[1] == "Low shares"
    assert names[2] == "Typical"


# --- issue 13: readable column names ------------------------------------------------

@pytest.mark.parametrize(
    "raw,pretty",
    [("hasApp", "has app"), ("tenureDays", "tenure days"), ("numberOfOrders", "number of orders"),
     ("NPSScore", "NPS score"), ("TenureDays", "tenure days"), ("num_likes", "likes"), ("nb_visits", "visits"),
     ("cnt_orders", "orders"), ("count_orders", "orders"), ("count_of_orders", "orders"), ("nLikes", "likes"),
     ("is_premium", "is premium"), ("tenure-days", "tenure days"), ("stats.likes", "stats likes"),
     ("customerID", "customer ID"), ("userIDs", "user IDs"), ("customer_id", "customer ID"),
     ("nps_score", "NPS score"), ("CUSTOMER_ID", "customer ID"), ("TOTAL_SPEND", "total spend"),
     ("NPS", "NPS"), ("last30Days", "last 30 days"), ("q1Sales", "q1 sales"), ("top10", "top10"),
     ("HTTPResponseTime", "HTTP response time"), ("planA", "plan A"), ("spend (€)", "spend (€)"),
     ("count", "count"), ("n", "n"), ("contact_us", "contact us"), ("likes_30d", "likes in 30 days"),
     ("logins_1d", "logins in 1 day"), ("avg_basket", "average basket"), ("avgRating", "average rating"),
     ("discount_pct", "discount percent"), ("AVG", "AVG"), ("visits_4w", "visits in 4 weeks"), ("30d", "30d")],
)
def test_column_names_read_as_words(raw, pretty):
    assert pretty_feature_name(raw) == pretty


@given(st.text(max_size=30))
def test_a_readable_name_is_never_empty(raw):
    assert pretty_feature_name(raw) or raw == ""
    assert pretty_feature_name(raw) == pretty_feature_name(raw)  # pure


def test_sentence_case_keeps_acronyms():
    assert sentence_case("NPS score") == "NPS score"
    assert sentence_case("likes per post") == "Likes per post"
    assert sentence_case("") == ""


# --- issue 13: yes/no features -----------------------------------------------------

@pytest.mark.parametrize(
    "column,yes,no",
    [("hasApp", "Has app", "No app"), ("has_app", "Has app", "No app"),
     ("is_premium", "Premium", "Not premium"), ("isActive", "Active", "Not active"),
     ("churned", "Churned", "Not churned"), ("newsletter_optin", "Newsletter optin", "No newsletter optin"),
     ("email_verified", "Email verified", "Email not verified"), ("opted_in", "Opted in", "Not opted in"),
     ("has_churned", "Has churned", "Has not churned"), ("flag_vip", "VIP", "Not VIP"),
     ("premium_flag", "Premium", "Not premium"), ("push_yn", "Push", "No push"),
     ("weekend", "Weekend", "Not weekend"), ("app", "App", "No app"),
     ("is_NPS_promoter", "NPS promoter", "Not NPS promoter"), ("paid", "Paid", "Not paid"),
     ("bought_shoes", "Bought shoes", "Has not bought shoes"), ("any_purchase", "Any purchase", "No purchase")],
)
def test_yes_no_features_are_worded_as_such(column, yes, no):
    assert yes_no_phrases(column) == (yes, no)


def flags(**columns: tuple[float, float, float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """z-scores and means of yes/no features from (share in segment 0, share in segment 1, overall)."""
    z, means = {}, {}
    for name, (a, b, overall) in columns.items():
        spread = math.sqrt(overall * (1 - overall))
        z[name] = [(a - overall) / spread, (b - overall) / spread]
        means[name] = [a, b]
    return pd.DataFrame(z, index=[0, 1]), pd.DataFrame(means, index=[0, 1])


def test_a_flag_most_of_a_segment_has_is_worded_yes_and_one_it_mostly_lacks_no():
    z, means = flags(hasApp=(0.9, 0.1, 0.5))
    names = auto_names(z, booleans=["hasApp"], means=means)
    assert names == {0: "Has app", 1: "No app"}
    z, means = flags(is_premium=(0.95, 0.05, 0.4))
    assert auto_names(z, booleans={"is_premium"}, means=means) == {0: "Premium", 1: "Not premium"}


def test_a_rare_flag_far_above_average_is_often_and_a_common_one_far_below_is_less_often():
    # churned: 30% of segment 0 against 5% overall: far above average but not most of the segment
    z, means = flags(churned=(0.3, 0.02, 0.05))
    assert auto_names(z, booleans=["churned"], means=means) == {0: "Often churned", 1: "Typical"}
    # hasApp: 70% of segment 1 against 95% overall: far below average but most still have it
    z, means = flags(hasApp=(0.99, 0.7, 0.95))
    assert auto_names(z, booleans=["hasApp"], means=means)[1] == "Less often has app"


def test_without_means_the_sign_decides_the_wording():
    z = zscores({0: {"hasApp": 1.2}, 1: {"hasApp": -1.2}})
    assert auto_names(z, booleans=["hasApp"]) == {0: "Has app", 1: "No app"}


def test_flags_are_never_high_or_low():
    z, means = flags(hasApp=(0.9, 0.1, 0.5), is_premium=(0.8, 0.2, 0.5))
    names = auto_names(z, booleans=["hasApp", "is_premium"], means=means)
    assert names == {0: "Has app · Premium", 1: "No app · Not premium"}
    assert not any(word in " ".join(names.values()) for word in ("High", "Low", "hasApp", "is "))


# --- issue 13: category values ------------------------------------------------------

@pytest.mark.parametrize(
    "value,name",
    [("photo", "Mostly photo"), ("3", "Mostly channel 3"), ("3.0", "Mostly channel 3.0"),
     ("shared_video", "Mostly shared video"), ("other", "Mostly channel other"), ("B", "Mostly channel B"),
     ("Facebook Ads", "Mostly Facebook Ads"),
     ("a very long campaign name that goes on", "Mostly a very long campaign name…")],
)
def test_category_values_read_well_and_codes_keep_their_feature(value, name):
    shares = pd.DataFrame({f"acquisition_channel = {value}": [0.9, 0.1]}, index=[0, 1])
    overall = pd.Series({f"acquisition_channel = {value}": 0.3})
    got = auto_names(pd.DataFrame(index=[0, 1]), shares, overall_shares=overall)[0]
    assert got == name.replace("channel", "acquisition channel")


def test_the_value_text_of_a_category():
    assert category_value_text("status_type", "video") == "video"
    assert category_value_text("regionCode", "2") == "region code 2"


# --- issue 13: no numeric suffixes -------------------------------------------------------

def test_ties_are_told_apart_by_degree_when_no_further_trait_differs():
    z = zscores({0: {"num_likes": 2.0}, 1: {"num_likes": 0.8}, 2: {"num_likes": 3.5}})
    assert auto_names(z) == {0: "Very high likes", 1: "High likes", 2: "Extremely high likes"}
    # degree shows only where it is needed
    assert auto_names(zscores({0: {"num_likes": 2.0}, 1: {"num_likes": -2.0}})) == {0: "High likes",
                                                                                   1: "Low likes"}


def test_ties_are_told_apart_by_a_weaker_next_trait_first():
    z = zscores({0: {"likes": 2.0, "shares": 0.3}, 1: {"likes": 2.0, "shares": -0.3}})
    assert auto_names(z) == {0: "High likes · Slightly high shares", 1: "High likes · Slightly low shares"}


def test_category_ties_are_told_apart_by_degree():
    shares = pd.DataFrame({"t = video": [0.95, 0.6]}, index=[0, 1])
    overall = pd.Series({"t = video": 0.3})
    assert auto_names(None, shares, overall_shares=overall) == {0: "Nearly all video", 1: "Mostly video"}


def test_three_or_more_identical_segments_are_named_by_size():
    z = zscores({i: {"likes": 1.0} for i in range(4)})
    names = auto_names(z, sizes={0: 10, 1: 40, 2: 30, 3: 20})
    assert names == {0: "High likes · Smallest group", 1: "High likes · Largest group",
                     2: "High likes · Second largest group", 3: "High likes · Third largest group"}
    # equal sizes cannot tell them apart: letters, in segment order
    assert auto_names(z, sizes={0: 10, 1: 10, 2: 30, 3: 20})[1] == "High likes · Group B"


@pytest.mark.parametrize("sizes", [None, "distinct", "equal"])
def test_fifty_identical_segments_get_fifty_names_without_a_digit(sizes):
    z = pd.DataFrame({"likes": [0.1] * 50, "shares": [0.0] * 50}, index=range(50))
    given = {None: None, "distinct": {i: 1000 - i for i in range(50)}, "equal": {i: 7 for i in range(50)}}[sizes]
    names = auto_names(z, sizes=given)
    assert len(set(names.values())) == 50
    assert not any(ch.isdigit() for name in names.values() for ch in name)
    if sizes == "distinct":
        assert names[0] == "Typical · Largest group" and names[49] == "Typical · Smallest group"
        assert names[20] == "Typical · Twenty-first largest group"
        assert names[1] == "Typical · Second largest group"
    else:
        assert names[0] == "Typical · Group A" and names[26] == "Typical · Group AA"


def test_a_size_word_another_name_already_uses_gives_way_to_letters():
    # a yes/no column literally called "larger group" makes the size word ambiguous
    z = zscores({0: {"likes": 2.0, "larger_group": 0.0}, 1: {"likes": 2.0, "larger_group": 0.0},
                 2: {"likes": 2.0, "larger_group": 1.0}})
    names = auto_names(z, booleans=["larger_group"], sizes={0: 5, 1: 3, 2: 1})
    assert names == {0: "High likes · Group A", 1: "High likes · Group B", 2: "High likes · Larger group"}


def test_a_numeral_is_the_last_resort_when_every_word_is_taken():
    # flags called "larger group", "Group_A" and "Group_B": no word is left to tell 0 and 1 apart
    flags = ["larger_group", "Group_A", "Group_B"]
    z = zscores({0: {"likes": 2.0, "larger_group": 0.0, "Group_A": 0.0, "Group_B": 0.0},
                 1: {"likes": 2.0, "larger_group": 0.0, "Group_A": 0.0, "Group_B": 0.0},
                 2: {"likes": 2.0, "larger_group": 1.0, "Group_A": 0.0, "Group_B": 0.0},
                 3: {"likes": 2.0, "larger_group": 0.0, "Group_A": 1.0, "Group_B": 0.0},
                 4: {"likes": 2.0, "larger_group": 0.0, "Group_A": 0.0, "Group_B": 1.0}})
    names = auto_names(z, booleans=flags, sizes={0: 5, 1: 3, 2: 1, 3: 1, 4: 1})
    assert names[0] == "High likes" and names[1] == "High likes (2)"
    assert len(set(names.values())) == 5


# --- issue 13: Typical only when close to average on everything -------------------------

def test_typical_only_when_every_feature_is_close_to_average():
    z = zscores({0: {"a": 0.24, "b": -0.2, "c": 0.1}, 1: {"a": 0.26, "b": 0.0, "c": 0.0}})
    assert auto_names(z) == {0: "Typical", 1: "Slightly high a"}
    assert TYPICAL_Z == 0.25


def test_a_large_group_moderately_below_average_everywhere_is_named_by_its_direction():
    inactive = {"likes": -0.3, "comments": -0.45, "shares": -0.35, "loves": -0.4, "wows": -0.32}
    z = zscores({0: inactive, 1: {"likes": 2.0, "comments": 1.5, "shares": 1.2, "loves": 1.0, "wows": 0.9}})
    assert auto_names(z) == {0: "Below average overall", 1: "High likes · High comments"}
    # two such groups differ by their most distinctive weak traits
    z = zscores({0: inactive, 1: dict(inactive, comments=-0.26, likes=-0.48)})
    assert auto_names(z) == {0: "Below average overall · Slightly low comments",
                             1: "Below average overall · Slightly low likes"}
    # mixed directions: the slight traits themselves
    mixed = zscores({0: {"likes": -0.3, "comments": 0.45, "shares": -0.35}})
    assert auto_names(mixed) == {0: "Slightly high comments · Slightly low shares"}


def test_a_count_at_half_its_average_is_low_even_when_its_spread_hides_it():
    # heavily skewed counts: the z-score is small, the mean a third of the average
    z = zscores({0: {"comments": -0.17, "shares": -0.18, "likes": -0.05}, 1: {"comments": 2.8, "shares": 2.6,
                                                                            "likes": 0.5}})
    means = pd.DataFrame({"comments": [75.0, 2700.0], "shares": [12.0, 280.0], "likes": [180.0, 420.0]},
                         index=[0, 1])
    overall = pd.Series({"comments": 225.0, "shares": 30.0, "likes": 200.0})
    assert auto_names(z)[0] == "Typical"
    named = auto_names(z, means=means, overall_means=overall, nonnegative={"comments", "shares", "likes"})
    assert named[0] == "Low shares · Low comments"
    # not for measures that can be negative
    assert auto_names(z, means=means, overall_means=overall, nonnegative={"likes"})[0] == "Typical"


def test_inactive_group_on_three_counts_below_half_their_average_is_below_average_overall():
    z = zscores({0: {"a": -0.2, "b": -0.2, "c": -0.2}, 1: {"a": 1.0, "b": 1.0, "c": 1.0}})
    means = pd.DataFrame({"a": [1.0, 9.0], "b": [1.0, 9.0], "c": [1.0, 9.0]}, index=[0, 1])
    overall = pd.Series({"a": 3.0, "b": 3.0, "c": 3.0})
    names = auto_names(z, means=means, overall_means=overall, nonnegative=["a", "b", "c"])
    assert names[0] == "Below average overall"


# --- issue 13: naming by overall level ---------------------------------------------------

def level_table(levels: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"likes": levels, "comments": levels}, index=[10 + i for i in range(len(levels))])


@pytest.mark.parametrize("k,expected", [
    (2, ["More active", "Less active"]),
    (3, ["Most active", "Moderately active", "Least active"]),
    (4, ["Most active", "Very active", "Less active", "Least active"]),
    (5, ["Most active", "Very active", "Moderately active", "Less active", "Least active"]),
    (6, ["Most active", "Very active", "Active", "Moderately active", "Less active", "Least active"]),
    (7, ["Most active", "Very active", "Active", "Moderately active", "Less active", "Occasionally active",
         "Least active"]),
    (8, ["Most active", "Second most active", "Third most active", "Fourth most active",
         "Fourth least active", "Third least active", "Second least active", "Least active"]),
])
def test_level_names_rank_segments_by_their_mean_z(k, expected):
    levels = [float(k - i) for i in range(k)]  # segment 10 highest
    shuffled = level_table(levels).sample(frac=1.0, random_state=1)
    names = auto_names(shuffled, style="level")
    assert list(names) == sorted(names)
    assert [names[10 + i] for i in range(k)] == expected


def test_the_lowest_level_is_inactive_only_when_its_means_are_near_zero():
    z = level_table([2.0, 0.5, -0.8])
    overall = pd.Series({"likes": 50.0, "comments": 10.0})
    near_zero = pd.DataFrame({"likes": [150.0, 60.0, 1.0], "comments": [30.0, 12.0, 0.0]}, index=z.index)
    assert auto_names(z, style="level", means=near_zero, overall_means=overall)[12] == "Inactive"
    some = near_zero.assign(likes=[150.0, 60.0, 20.0])
    assert auto_names(z, style="level", means=some, overall_means=overall)[12] == "Least active"
    assert auto_names(z, style="level")[12] == "Least active"


def test_equal_levels_are_ranked_by_size_and_stay_unique():
    z = level_table([1.0, 1.0, 1.0])
    names = auto_names(z, style="level", sizes={10: 5, 11: 50, 12: 20})
    assert names == {10: "Least active", 11: "Most active", 12: "Moderately active"}


def test_level_without_numeric_features_falls_back_to_traits():
    shares = pd.DataFrame({"t = video": [0.9, 0.1]}, index=[0, 1])
    assert auto_names(pd.DataFrame(index=[0, 1]), shares, style="level")[0] == "Mostly video"


@pytest.mark.parametrize("bad", ["levels", "", None, 3, "Traits"])
def test_an_unknown_naming_style_is_refused_in_words(bad):
    with pytest.raises(SegwidgetsValueError) as info:
        auto_names(zscores({0: {"a": 1.0}}), style=bad)
    message = str(info.value)
    assert f"There is no naming style {bad!r}." in message and '"traits"' in message and '"level"' in message
    assert NAMING_STYLES == ("traits", "level")
    assert check_naming_style("level") == "level"


# --- issue 13: uniqueness and readability for any input ---------------------------------------

Z_VALUES = [0.0, 0.1, 0.3, -0.3, 0.45, -0.45, 0.6, -0.6, 2.0, -2.0, 3.5, float("nan")]


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 50).flatmap(lambda k: st.tuples(
           st.lists(st.lists(st.sampled_from(Z_VALUES), min_size=4, max_size=4), min_size=k, max_size=k),
           st.lists(st.sampled_from([0.0, 0.3, 0.6, 0.95]), min_size=k, max_size=k),
           st.one_of(st.none(), st.lists(st.integers(1, 5), min_size=k, max_size=k)),
       )),
       st.integers(1, 3), st.sampled_from(NAMING_STYLES))
def test_names_are_unique_readable_and_free_of_digits_for_any_input(data, max_terms, style):
    rows, video, size_list = data
    ids = [5 * i + 2 for i in range(len(rows))]
    z = pd.DataFrame(rows, columns=["num_likes", "tenureDays", "hasApp", "is_premium"], index=ids)
    means = pd.DataFrame({"hasApp": [0.9 if v > 0 else 0.1 for v in z["hasApp"].fillna(0)],
                          "is_premium": [0.4] * len(ids)}, index=ids)
    shares = pd.DataFrame({"t = video": video, "t = photo": [1 - v for v in video]}, index=ids)
    sizes = None if size_list is None else dict(zip(ids, size_list))
    names = auto_names(z, shares, max_terms=max_terms, booleans=["hasApp", "is_premium"], sizes=sizes,
                       means=means, style=style)
    assert list(names) == ids
    assert len(set(names.values())) == len(ids)
    for name in names.values():
        assert name.strip() and "nan" not in name.lower()
        assert not any(ch.isdigit() for ch in name), name
        assert "tenureDays" not in name and "hasApp" not in name and "num_" not in name
        for raw in ("High has", "Low has", "high has", "low has", "is premium", "igh premium", "ow premium"):
            assert raw not in name, name


def test_names_leave_out_a_period_unless_it_tells_two_features_apart():
    z = zscores({0: {"likes_30d": 1.0, "comments_30d": 0.8}, 1: {"likes_30d": -1.0, "comments_30d": 0.0}})
    assert auto_names(z) == {0: "High likes · High comments", 1: "Low likes"}
    z = zscores({0: {"likes_7d": 1.0, "likes_30d": 0.8}})
    assert auto_names(z) == {0: "High likes in 7 days · High likes in 30 days"}


def test_generated_names_carry_no_bidi_override_or_control_characters():
    zscores = pd.DataFrame({"\u202elikes": [2.0, -2.0], "shares\x07": [0.0, 0.0]}, index=[0, 1])
    names = auto_names(zscores)
    assert all("\u202e" not in n and "\x07" not in n for n in names.values()), names
    assert any("likes" in n for n in names.values())
