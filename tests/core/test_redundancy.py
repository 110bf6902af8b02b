"""Features that measure the same thing are used once, with the reason in words; counts
whose few very large values would dominate are found, for the offer of log(1 + x)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segwidgets.core import redundancy
from segwidgets.core.redundancy import Redundant, find_redundant, skewed_counts
from segwidgets.core.roles import ColumnInfo, Role, infer_column

ENGAGEMENT = ["num_reactions", "num_comments", "num_shares", "num_likes", "num_loves", "num_wows",
              "num_hahas", "num_sads", "num_angrys"]


def roles_of(frame: pd.DataFrame) -> dict[str, ColumnInfo]:
    return {name: infer_column(name, frame[name])[0] for name in frame.columns}


def redundant(frame: pd.DataFrame, candidates=None) -> dict[str, Redundant]:
    return find_redundant(frame, roles_of(frame), list(frame.columns) if candidates is None else candidates)


def skewed(frame: pd.DataFrame) -> list[str]:
    return skewed_counts(frame, roles_of(frame), list(frame.columns))


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


# --- the same measure in other units ---------------------------------------------------------

def test_days_months_and_years_of_one_tenure_keep_the_days(rng):
    days = rng.integers(0, 3650, 2000)
    frame = pd.DataFrame({"tenure_years": np.round(days / 365.25), "tenure_months": np.round(days / 30.44),
                          "tenure_days": days, "spend": rng.gamma(2, 30, 2000)})
    assert redundant(frame) == {
        "tenure_years": Redundant("tenure_years", "tenure_days",
                                  "the same measure as tenure_days in other units (r = 1.00)"),
        "tenure_months": Redundant("tenure_months", "tenure_days",
                                   "the same measure as tenure_days in other units (r = 1.00)"),
    }


@pytest.mark.parametrize("convert", [np.floor, np.ceil, np.round])
def test_a_short_tenure_in_rounded_months_is_found_though_rounding_lowers_r(rng, convert):
    days = rng.integers(0, 90, 1000)
    frame = pd.DataFrame({"days": days, "months": convert(days / 30.44)})
    r = np.corrcoef(frame["days"], frame["months"])[0, 1]
    assert r < redundancy.SAME_R  # r alone would not have found it
    found = redundant(frame)
    assert found == {"months": Redundant("months", "days", f"the same measure as days in other units (r = {r:.2f})")}


def test_exact_units_with_as_many_values_keep_the_first(rng):
    hours = rng.gamma(2, 5, 500).round(2)
    frame = pd.DataFrame({"hours": hours, "minutes": hours * 60})
    assert redundant(frame) == {"minutes": Redundant("minutes", "hours",
                                                     "the same measure as hours in other units (r = 1.00)")}


def test_correlated_but_not_a_unit_change_is_not_redundant(rng):
    x = rng.gamma(2, 30, 1000)
    frame = pd.DataFrame({"spend": x, "spend_band": np.round(x / 10 + rng.normal(0, 1, 1000))})
    assert 0.9 < np.corrcoef(frame["spend"], frame["spend_band"])[0, 1] < 0.98
    assert redundant(frame) == {}


# --- moving together -----------------------------------------------------------------------------

def test_two_counts_that_move_together_keep_the_one_with_more_values(rng):
    likes = rng.negative_binomial(1, 0.01, 3000)
    frame = pd.DataFrame({"likes": likes // 2 * 2, "reactions": likes + rng.poisson(1, 3000)})
    r = np.corrcoef(frame["likes"], frame["reactions"])[0, 1]
    assert r >= 0.98 and frame["reactions"].nunique() > frame["likes"].nunique()
    assert redundant(frame) == {"likes": Redundant("likes", "reactions", f"moves with reactions (r = {r:.2f})")}


def test_a_tie_in_distinct_values_keeps_the_first_column():
    x = np.arange(100, dtype=float) % 37
    frame = pd.DataFrame({"b": x * 2 + 1, "a": x})
    assert redundant(frame)["a"].kept == "b"


def test_columns_that_move_against_each_other(rng):
    x = rng.normal(size=500)
    frame = pd.DataFrame({"days_since_visit": x, "recency_score": -3 * x + 10})
    assert redundant(frame)["recency_score"].reason == "moves against days_since_visit (r = −1.00)"


def test_r_just_under_the_line_is_not_redundant(rng):
    x = rng.normal(size=20_000)
    noise = rng.normal(size=20_000)
    frame = pd.DataFrame({"a": x, "b": 0.975 * x + np.sqrt(1 - 0.975**2) * noise})
    assert 0.97 < np.corrcoef(frame["a"], frame["b"])[0, 1] < 0.98
    assert redundant(frame) == {}


def test_r_is_pairwise_complete(rng):
    x = rng.normal(size=1000)
    a = pd.Series(x)
    b = pd.Series(2 * x + 1)
    a[:300] = np.nan
    b[600:] = np.nan  # the two have 300 rows in common, on which b = 2a + 1
    assert np.isnan(np.corrcoef(a, b)[0, 1])  # r over all rows cannot be computed
    assert redundant(pd.DataFrame({"a": a, "b": b})) == {"b": Redundant("b", "a", "moves with a (r = 1.00)")}


def test_constant_columns_and_other_roles_never_count(rng):
    x = rng.normal(size=200)
    frame = pd.DataFrame({"x": x, "copy": x.copy(), "one": 1.0, "also_one": 1.0,
                          "plan": np.where(x > 0, "a", "b")})
    columns = roles_of(frame)
    assert columns["one"].role == Role.IGNORED and columns["plan"].role == Role.CATEGORICAL
    found = find_redundant(frame, columns, list(frame.columns))
    assert list(found) == ["copy"]
    # a numeric column whose values are all one (given as numeric) is left alone too
    columns["one"] = ColumnInfo("one", Role.NUMERIC, "holds numbers", 0, 1)
    columns["also_one"] = ColumnInfo("also_one", Role.NUMERIC, "holds numbers", 0, 2)  # says 2, is 1
    assert list(find_redundant(frame, columns, list(frame.columns))) == ["copy"]


def test_only_candidates_are_looked_at(rng):
    x = rng.normal(size=200)
    frame = pd.DataFrame({"x": x, "copy": x.copy(), "y": rng.normal(size=200)})
    assert redundant(frame, ["x", "y"]) == {}


def test_identical_flags(rng):
    flag = rng.random(500) < 0.4
    frame = pd.DataFrame({"has_app": flag, "app_installed": flag.copy()})
    assert redundant(frame) == {"app_installed": Redundant(
        "app_installed", "has_app", "agrees with has_app on almost every row (r = 1.00)")}


# --- an "any" flag --------------------------------------------------------------------------------

def test_an_any_flag_that_is_the_or_of_other_flags(rng):
    online, store = rng.random(1000) < 0.3, rng.random(1000) < 0.2
    frame = pd.DataFrame({"any_purchase": online | store, "purchased_online": online,
                          "purchased_store": store, "newsletter": rng.random(1000) < 0.5})
    assert redundant(frame) == {"any_purchase": Redundant(
        "any_purchase", "purchased_online, purchased_store",
        "is yes exactly when one of purchased_online, purchased_store is yes")}


def test_an_any_flag_of_text_yes_no_with_gaps(rng):
    a, b, c = (rng.random(600) < p for p in (0.2, 0.1, 0.15))
    def words(v: np.ndarray) -> np.ndarray:
        return np.where(v, "Y", "N").astype(object)

    frame = pd.DataFrame({"web": words(a), "app": words(b), "shop": words(c), "any": words(a | b | c)})
    frame.loc[:9, "web"] = None
    columns = {name: infer_column(name, frame[name])[0] for name in frame}
    converted = pd.DataFrame({name: infer_column(name, frame[name])[1] for name in frame})
    assert all(i.role == Role.BOOLEAN for i in columns.values())
    found = find_redundant(converted, columns, list(frame.columns))
    assert list(found) == ["any"] and found["any"].kept == "web, app, shop"


def test_nested_any_flags_point_at_the_flags_not_at_each_other(rng):
    a, b, c = (rng.random(800) < p for p in (0.2, 0.2, 0.2))
    frame = pd.DataFrame({"any_at_all": a | b | c, "any_online": a | b, "web": a, "app": b, "shop": c})
    found = redundant(frame)
    assert found["any_online"].kept == "web, app"
    assert found["any_at_all"].kept == "web, app, shop"


def test_a_flag_that_is_almost_the_or_is_kept(rng):
    online, store = rng.random(1000) < 0.3, rng.random(1000) < 0.2
    almost = online | store
    almost[np.flatnonzero(~almost)[0]] = True  # one row says yes with neither
    frame = pd.DataFrame({"any_purchase": almost, "purchased_online": online, "purchased_store": store})
    assert redundant(frame) == {}


def test_a_flag_implied_by_a_single_flag_is_not_an_any_flag(rng):
    vip = rng.random(500) < 0.1
    frame = pd.DataFrame({"active": vip | (rng.random(500) < 0.5), "vip": vip, "other": rng.random(500) < 0.3})
    assert redundant(frame) == {}


# --- a large table --------------------------------------------------------------------------------

def test_a_large_table_is_sampled(rng, monkeypatch):
    monkeypatch.setattr(redundancy, "SAMPLE_ROWS", 500)
    n = 5000
    days = rng.integers(0, 3650, n)
    frame = pd.DataFrame({"days": days, "months": np.round(days / 30.44), "noise": rng.normal(size=n)})
    seen: list[int] = []
    corr = pd.DataFrame.corr

    def spy(self, *args, **kwargs):
        seen.append(len(self))
        return corr(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "corr", spy)
    assert list(redundant(frame)) == ["months"]
    assert seen == [500]


# --- skewed counts ----------------------------------------------------------------------------------

def test_the_demo_engagement_counts_are_heavily_skewed(demo_table):
    assert skewed_counts(demo_table.frame, demo_table.columns, demo_table.feature_candidates()) == ENGAGEMENT


def test_the_demo_reactions_and_likes_measure_the_same(demo_table):
    found = find_redundant(demo_table.frame, demo_table.columns, demo_table.feature_candidates())
    assert found == {"num_likes": Redundant("num_likes", "num_reactions", "moves with num_reactions (r = 0.99)")}


@pytest.mark.parametrize("n", [500, 5000, 100_000])
def test_what_is_heavily_skewed(n):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({
        "visits": rng.poisson(5, n),  # not skewed
        "complaints": rng.poisson(0.1, n),  # skewed, but a rare event counted 0..3 times
        "logins": rng.geometric(0.5, n) - 1,  # skewness about 2
        "minutes": np.round(rng.exponential(10, n)),  # skewness 2
        "spend": rng.lognormal(2, 1, n),  # skewed, but not whole numbers: not a count
        "balance_change": np.round(rng.lognormal(2, 1, n)) * rng.choice([-1, 1], n),  # below zero
        "purchases": np.round(rng.lognormal(2, 1.2, n)),  # heavy: a log helps
        "follows": np.round(rng.pareto(1.5, n) * 10),  # heavy
    })
    assert skewed(frame) == ["purchases", "follows"]


def test_one_huge_value_in_a_count_is_a_heavy_tail():
    values = np.random.default_rng(0).poisson(5, 1000)
    values[0] = 5000
    assert skewed(pd.DataFrame({"visits": values})) == ["visits"]


def test_skewed_counts_keep_candidate_order_and_leave_others_out(demo_table):
    names = ["num_shares", "num_comments", "status_type"]
    assert skewed_counts(demo_table.frame, demo_table.columns, names) == ["num_shares", "num_comments"]
    assert skewed_counts(demo_table.frame, demo_table.columns, []) == []


def test_a_few_rows_are_never_called_skewed():
    assert skewed(pd.DataFrame({"likes": [0, 0, 0, 1, 0, 0, 0, 0, 0, 900]})) == []
