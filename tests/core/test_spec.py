"""A saved segmentation comes back exactly, from a file (JSON) or a link
(query string); a bad value is refused in words a marketer understands."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segwidgets.core.algorithms import PARAMETERS
from segwidgets.core.constraints import plain_text
from segwidgets.core.spec import SPEC_VERSION, SegmentationSpec
from segwidgets.errors import SegwidgetsValueError

# Column names and segment names: any text, including commas, spaces, "&",
# "=", "%", "+", quotes and non-Latin scripts.
text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40)
awkward = st.sampled_from(["a,b", "num shares", "x&y=z", "100%", "a+b", "é,ü", "名前", "'quoted'", " ", ","])
param_values = (
    st.integers(-10**12, 10**12) | st.floats(allow_nan=False, allow_infinity=False) | st.booleans()
    | st.none() | st.text(max_size=20) | st.sampled_from(["10", "true", "null", "1e5", '"x"', "NaN"])
)
specs = st.builds(
    SegmentationSpec,
    source=st.none() | text,
    features=st.lists(awkward | text, max_size=8, unique=True),
    scaling=st.sampled_from(["standard", "robust", "minmax", "none"]),
    impute=st.sampled_from(["median", "mean", "zero", "drop"]),
    log1p=st.booleans(),
    algorithm=st.sampled_from(["kmeans", "minibatch_kmeans", "ward", "average", "complete", "gmm",
                               "hdbscan"]),
    k=st.integers(2, 50),
    seed=st.integers(0, 2**32 - 1),
    # settings no algorithm knows (the known ones are checked by their constraints, so
    # Hypothesis' mining of literals such as "covariance_type" would make invalid specs)
    params=st.dictionaries((awkward | text).filter(lambda key: key not in PARAMETERS), param_values, max_size=4),
    names=st.dictionaries(st.integers(0, 10_000), awkward | st.text(max_size=80), max_size=6),
    embedding=st.sampled_from(["pca", "umap"]),
    segment_ids=st.lists(st.integers(0, 10_000), unique=True, max_size=12),
)


@settings(max_examples=200, deadline=None)
@given(specs)
def test_any_spec_round_trips_through_json(spec):
    again = SegmentationSpec.from_json(spec.to_json())
    assert again == spec
    assert all(type(key) is int for key in again.names)


@settings(max_examples=200, deadline=None)
@given(specs)
def test_any_spec_round_trips_through_a_link(spec):
    query = spec.to_query()
    assert SegmentationSpec.from_query(query) == spec
    assert SegmentationSpec.from_query("?" + query) == spec
    assert " " not in query and "#" not in query


def test_the_json_names_its_format_version():
    data = json.loads(SegmentationSpec(k=5, names={3: "Big fans"}).to_json())
    assert data["version"] == SPEC_VERSION == 1
    assert data["k"] == 5 and data["names"] == {"3": "Big fans"}


def test_a_link_reads_like_the_documented_example():
    spec = SegmentationSpec.from_query(
        "k=5&features=a,b&algorithm=kmeans&scaling=standard&seed=0&name.3=Big%20fans&v=1"
    )
    assert spec == SegmentationSpec(k=5, features=["a", "b"], names={3: "Big fans"})


def test_feature_names_with_commas_survive_a_link():
    spec = SegmentationSpec(features=["spend, EUR", "visits"])
    assert "features=spend%2C%20EUR,visits" in spec.to_query()
    assert SegmentationSpec.from_query(spec.to_query()).features == ["spend, EUR", "visits"]


def test_a_hand_typed_plus_in_a_link_is_a_space():
    assert SegmentationSpec.from_query("name.0=Big+fans").names == {0: "Big fans"}


def test_algorithm_settings_keep_their_type_in_a_link():
    spec = SegmentationSpec(params={"min_cluster_size": 25, "alpha": 0.5, "flag": True, "none": None,
                                    "linkage": "ward", "looks_like_a_number": "10"})
    again = SegmentationSpec.from_query(spec.to_query())
    assert again.params == spec.params
    assert type(again.params["alpha"]) is float and type(again.params["looks_like_a_number"]) is str


def test_a_link_ignores_keys_it_does_not_know():
    spec = SegmentationSpec.from_query("?voila-template=lab&template=x&k=6&dark=1")
    assert spec == SegmentationSpec(k=6)


def test_a_voila_link_with_its_own_settings_around_ours_reads_ours():
    spec = SegmentationSpec(k=6, features=["num_shares", "num likes"], names={2: "Fans & friends"},
                            segment_ids=[0, 2, 5, 9, 11, 12])
    link = f"?voila-template=lab&voila-theme=dark&{spec.to_query()}&token=abc&redirect=%2Fhome"
    assert SegmentationSpec.from_query(link) == spec


@settings(max_examples=100, deadline=None)
@given(st.lists(awkward | text, min_size=1, max_size=6, unique=True),
       st.dictionaries(st.integers(0, 10_000), awkward | text, max_size=6),
       st.lists(st.integers(0, 10_000), unique=True, max_size=8))
def test_any_feature_names_segment_names_and_ids_survive_a_link_and_a_file(features, names, ids):
    spec = SegmentationSpec(features=features, names=names, segment_ids=ids)
    names = {i: plain_text(n) for i, n in names.items()}  # issue 14: control and bidi characters are dropped
    assert spec.names == names
    for again in (SegmentationSpec.from_query(spec.to_query()), SegmentationSpec.from_json(spec.to_json())):
        assert again.features == features and again.names == names and again.segment_ids == ids


def test_an_empty_link_or_file_gives_the_defaults():
    assert SegmentationSpec.from_query("") == SegmentationSpec()
    assert SegmentationSpec.from_query("?") == SegmentationSpec()
    assert SegmentationSpec.from_json("{}") == SegmentationSpec()
    assert SegmentationSpec.from_json('{"k": 7}') == SegmentationSpec(k=7)


def test_numbers_from_numpy_are_accepted():
    assert SegmentationSpec(k=np.int64(5), seed=np.int32(3)).k == 5


def test_replace_changes_a_copy_and_validates():
    spec = SegmentationSpec(k=4, features=["a"])
    changed = spec.replace(k=6)
    assert changed.k == 6 and spec.k == 4 and changed.features == ["a"]
    with pytest.raises(SegwidgetsValueError, match="from 2 to 50"):
        spec.replace(k=99)
    with pytest.raises(SegwidgetsValueError, match="no setting 'kk'"):
        spec.replace(kk=3)


def test_the_spec_does_not_share_the_callers_lists():
    features, names = ["a", "b"], {1: "x"}
    spec = SegmentationSpec(features=features, names=names)
    features.append("c")
    names[2] = "y"
    assert spec.features == ["a", "b"] and spec.names == {1: "x"}


BAD_FIELDS = [
    ({"k": "abc"}, "k must be a whole number from 2 to 50, not 'abc'."),
    ({"k": 1}, "from 2 to 50, not 1."),
    ({"k": 51}, "not 51."),
    ({"k": 4.5}, "not 4.5."),
    ({"k": True}, "not True."),
    ({"seed": -1}, "not -1."),
    ({"seed": "x"}, "not 'x'."),
    ({"scaling": "log"}, "scaling must be one of standard, robust, minmax, none, not 'log'."),
    ({"scaling": "x"}, "scaling must be one of standard, robust, minmax, none, not 'x'."),
    ({"algorithm": "x"}, "algorithm must be one of kmeans, minibatch_kmeans, ward, average, complete, gmm, "
                         "hdbscan, not 'x'."),
    ({"seed": -1}, "The seed must be a whole number from 0 to 4294967295, not -1."),
    ({"k": 51}, "k must be a whole number from 2 to 50, not 51."),
    ({"names": {4: "y" * 81}}, "The name of segment 4 is longer than 80 characters."),
    ({"version": 7}, "This spec was saved by a newer segwidgets (format 7); this version reads format 1. "
                     "Update segwidgets."),
    ({"impute": "guess"}, "'guess'"),
    ({"algorithm": "magic"}, "'magic'"),
    ({"embedding": "tsne"}, "'tsne'"),
    ({"log1p": "maybe"}, "'maybe'"),
    ({"features": "num_shares"}, "list of column names"),
    ({"features": ["a", ""]}, "non-empty text"),
    ({"features": ["a", 3]}, "not 3."),
    ({"names": {1: "x" * 81}}, "longer than 80 characters"),
    ({"names": {"one": "x"}}, "not 'one'."),
    ({"names": {1: 5}}, "must be text"),
    ({"params": {"alpha": float("nan")}}, "finite number"),
    ({"params": {"alpha": [1, 2]}}, "number, yes/no or text"),
    ({"version": 2}, "newer segwidgets"),
    ({"version": 0}, "from 1"),
    ({"names": {1: "\ud800"}}, "cannot be saved"),
]


@pytest.mark.parametrize("changes,words", BAD_FIELDS, ids=[str(c) for c, _ in BAD_FIELDS])
def test_bad_values_are_refused_in_words(changes, words):
    with pytest.raises(SegwidgetsValueError) as info:
        SegmentationSpec(**changes)
    message = str(info.value)
    assert words in message
    assert "{}" not in message and "{" not in message.replace("{'", "")


BAD_LINKS = [
    ("k=abc", "k must be a whole number from 2 to 50, not 'abc'."),
    ("?voila-template=lab&k=1", "k must be a whole number from 2 to 50, not 1."),
    ("k=51", "k must be a whole number from 2 to 50, not 51."),
    ("scaling=x", "scaling must be one of standard, robust, minmax, none, not 'x'."),
    ("seed=-1", "The seed must be a whole number from 0 to 4294967295, not -1."),
    ("name.4=" + "y" * 81, "The name of segment 4 is longer than 80 characters."),
    ("ids=1,1", "segment_ids must be distinct"),
    ("?k=%C2%B2", "not '²'."),
    ("k=5&algorithm=magic", "'magic'"),
    ("v=2", "newer segwidgets"),
    ("name.x=Fans", "name.3=Big%20fans"),
    ("name.-1=Fans", "segment number"),
    ("features=a,,b", "non-empty text"),
    ("seed=1e3", "'1e3'"),
    ("log1p=perhaps", "'perhaps'"),
    ("param.alpha=NaN", "finite number"),
]


@pytest.mark.parametrize("query,words", BAD_LINKS, ids=[q for q, _ in BAD_LINKS])
def test_bad_links_are_refused_in_words(query, words):
    with pytest.raises(SegwidgetsValueError) as info:
        SegmentationSpec.from_query(query)
    assert words in str(info.value) and "{}" not in str(info.value)


@pytest.mark.parametrize(
    "text,words",
    [("not json", "not valid JSON"), ("[1, 2]", "JSON object"), ('{"version": 3}', "newer segwidgets")],
)
def test_bad_files_are_refused_in_words(text, words):
    with pytest.raises(SegwidgetsValueError, match=words):
        SegmentationSpec.from_json(text)


# --- the usual settings, and a typed link --------------------------------------------

# Specs as the apps make them: plain text names, no algorithm settings.
short_names = st.text(min_size=1, max_size=30)
common_specs = st.builds(
    SegmentationSpec,
    source=st.none() | short_names,
    features=st.lists(short_names, max_size=6, unique=True),
    scaling=st.sampled_from(["standard", "robust", "minmax", "none"]),
    impute=st.sampled_from(["median", "mean", "zero", "drop"]),
    log1p=st.booleans(),
    algorithm=st.sampled_from(["kmeans", "minibatch_kmeans", "ward", "gmm", "hdbscan"]),
    k=st.integers(2, 50),
    seed=st.integers(0, 2**32 - 1),
    names=st.dictionaries(st.integers(0, 60), st.text(max_size=80), max_size=5),
    embedding=st.sampled_from(["pca", "umap"]),
    segment_ids=st.lists(st.integers(0, 60), unique=True, max_size=8),
)


@settings(max_examples=150, deadline=None)
@given(common_specs)
def test_spec_round_trips_through_json_and_query(spec):
    assert SegmentationSpec.from_json(spec.to_json()) == spec
    assert SegmentationSpec.from_query("?" + spec.to_query()) == spec


def test_query_ignores_unknown_keys_and_reads_a_shared_link():
    spec = SegmentationSpec.from_query("?voila-template=lab&k=5&features=num_shares,num_likes&name.2=Fans")
    assert spec.k == 5 and spec.features == ["num_shares", "num_likes"] and spec.names == {2: "Fans"}


@pytest.mark.parametrize(
    "changes,words",
    [({"k": "abc"}, "'abc'"), ({"k": 1}, "from 2 to 50"), ({"k": 51}, "51"),
     ({"algorithm": "magic"}, "'magic'"), ({"scaling": "log"}, "'log'"), ({"seed": -1}, "-1"),
     ({"names": {1: "x" * 81}}, "80 characters"), ({"version": 99}, "newer segwidgets")],
)
def test_bad_spec_values_are_refused_in_words(changes, words):
    with pytest.raises(SegwidgetsValueError) as info:
        SegmentationSpec(**changes)
    assert words in str(info.value)
    assert "{}" not in str(info.value)


# ------------------------------------------------------------ one error contract (issue 14)
@pytest.mark.parametrize("text", [
    "[" * 10_000 + "]" * 10_000,
    "{\"k\": " * 10_000 + "3" + "}" * 10_000,
    '{"params": {"x": ' + "[" * 5_000 + "]" * 5_000 + "}}",
])
def test_a_spec_nested_thousands_of_levels_is_refused_in_words(text):
    with pytest.raises(SegwidgetsValueError) as refused:
        SegmentationSpec.from_json(text)
    assert "Recursion" not in str(refused.value)


def test_a_spec_that_is_not_utf8_is_refused_in_words():
    with pytest.raises(SegwidgetsValueError, match="UTF-8"):
        SegmentationSpec.from_json('{"names": {"0": "Café"}}'.encode("latin-1"))
    with pytest.raises(SegwidgetsValueError, match="line 1, column"):
        SegmentationSpec.from_json("{k: 3}")
    with pytest.raises(SegwidgetsValueError):
        SegmentationSpec.from_json(None)


def test_segment_names_lose_control_and_bidi_characters():
    spec = SegmentationSpec(names={0: "\u202aBig\u202c \u2067fans\u2069\u200e", 1: "tab\there\x85"})
    assert spec.names == {0: "Big fans", 1: "tab here "}  # a model shows them tidied
    again = SegmentationSpec.from_query(spec.to_query() + "&name.2=%E2%80%AEevil")
    assert again.names[2] == "evil"
