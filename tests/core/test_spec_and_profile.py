"""The spec round-trips; profiles and metrics are the numbers a person computes by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

from segwidgets import datasets
from segwidgets.core.metrics import compute_metrics
from segwidgets.core.naming import auto_names
from segwidgets.core.profile import describe_segment, profile_segments
from segwidgets.core.spec import SegmentationSpec
from segwidgets.errors import SegwidgetsValueError

names_st = st.text(min_size=1, max_size=30)
specs = st.builds(
    SegmentationSpec,
    source=st.none() | names_st,
    features=st.lists(names_st, max_size=6, unique=True),
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
@given(specs)
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


def test_generated_names_are_distinctive_and_unique():
    z = pd.DataFrame({"num_shares": [2.0, -1.0, 0.1], "num_likes": [-1.5, 0.0, 0.2]}, index=[0, 1, 2])
    names = auto_names(z)
    assert names[0] == "High shares · Low likes"
    assert names[1] == "Low shares"
    assert names[2] == "Typical"


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


def test_metrics_equal_scikit_learn():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3)) + np.repeat(np.eye(3) * 5, 100, axis=0)
    model = KMeans(3, random_state=0, n_init="auto").fit(X)
    metrics = compute_metrics(X, model.labels_)
    assert metrics["inertia"] == pytest.approx(model.inertia_, rel=1e-6)
    assert metrics["silhouette"] == pytest.approx(silhouette_score(X, model.labels_))
    assert metrics["calinski_harabasz"] == pytest.approx(calinski_harabasz_score(X, model.labels_))
    assert metrics["davies_bouldin"] == pytest.approx(davies_bouldin_score(X, model.labels_))
    sampled = compute_metrics(X, model.labels_, sample_size=100)
    assert sampled["silhouette_sample"] == 100
    labels = model.labels_.copy()
    labels[:10] = -1
    assert compute_metrics(X, labels)["n_segments"] == 3
    single = compute_metrics(X, np.zeros(300, dtype=int))
    assert single["silhouette"] is None and single["calinski_harabasz"] is None
