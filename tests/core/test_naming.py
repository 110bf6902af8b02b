"""Segment names a marketer can say out loud: "High shares · Low likes",
"Mostly video", "Typical" — short, made from what sets a segment apart, and
never the same for two segments."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segwidgets.core.naming import (
    JOINER,
    TYPICAL,
    auto_names,
    category_column,
    category_lift,
    pretty_feature_name,
    split_category_column,
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
    z = zscores({0: {"a": 0.5}, 1: {"a": -0.5}, 2: {"a": 0.49}, 3: {"a": -0.49}})
    assert auto_names(z) == {0: "High a", 1: "Low a", 2: "Typical", 3: "Typical 2"}


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


def test_what_stays_the_same_gets_a_numeral_in_segment_order():
    z = zscores({
        2: {"num_shares": 0.1, "num_likes": 0.0},
        5: {"num_shares": 0.0, "num_likes": 0.2},
        9: {"num_shares": -0.3, "num_likes": 0.0},
        11: {"num_shares": 1.0, "num_likes": 0.0},
        12: {"num_shares": 1.2, "num_likes": 0.0},
    })
    assert auto_names(z) == {2: "Typical", 5: "Typical 2", 9: "Typical 3", 11: "High shares",
                             12: "High shares 2"}


def test_a_numeral_never_takes_a_name_a_feature_already_gives():
    z = zscores({0: {"x": 1.0, "x_2": 0.0}, 1: {"x": 1.0, "x_2": 0.0}, 2: {"x": 0.0, "x_2": 1.0}})
    names = auto_names(z)
    assert names[2] == "High x 2"
    assert names[0] == "High x" and names[1] == "High x 3"


def test_a_category_much_more_common_in_a_segment_names_it():
    shares = pd.DataFrame({
        "status_type = video": [0.9, 0.2, 0.3],
        "status_type = photo": [0.1, 0.8, 0.7],
    }, index=[0, 1, 2])
    overall = pd.Series({"status_type = video": 0.33, "status_type = photo": 0.67})
    z = zscores({0: {"num_shares": 0.1}, 1: {"num_shares": 0.0}, 2: {"num_shares": -1.0}})
    names = auto_names(z, shares, overall_shares=overall)
    assert names[0] == "Mostly video"
    # photo is most of segment 1, but hardly more than overall: not distinctive
    assert names[1] == "Typical"
    assert names[2] == "Low shares"


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
    assert auto_names(pd.DataFrame(index=[0, 1, 2]), shares) == {0: "Mostly a", 1: "Mostly b", 2: "Mostly c"}


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
    [("num_shares", "shares"), ("n_comments", "comments"), ("Num_Likes", "Likes"),
     ("total_spend__eur", "total spend eur"), ("  monthly   spend ", "monthly spend"),
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
