"""The model's labels equal a plain scikit-learn pipeline's, for every algorithm and preprocessing.

The reference pipelines here are written out by hand, the way an analyst
would, and do not use segwidgets' own preprocessing builder.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import HDBSCAN, AgglomerativeClustering, KMeans, MiniBatchKMeans
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MinMaxScaler,
    OneHotEncoder,
    RobustScaler,
    StandardScaler,
)

from segwidgets.session import Segmentation
from tests.helpers import blob_points

SEED = 7


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    X, y = blob_points(600, centers=4, features=3, std=1.2, seed=3)
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "spend": np.round(np.exp(X[:, 0] / 4 + 4), 2),  # positive, skewed
            "visits": np.round(np.abs(X[:, 1]) * 3).astype(int),  # non-negative counts
            "tenure": X[:, 2],  # takes negative values: never logged
            "premium": np.where(y % 2 == 0, "True", "False"),
            "channel": rng.choice(["web", "store", "phone"], size=600),
        }
    )
    frame.loc[rng.choice(600, 25, replace=False), "spend"] = np.nan
    frame.loc[rng.choice(600, 10, replace=False), "channel"] = None
    return frame


def _reference_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[["spend", "visits", "tenure", "channel"]].copy()
    out["premium"] = (frame["premium"] == "True").astype(float)
    out["channel"] = out["channel"].astype(object).where(out["channel"].notna(), np.nan)
    return out


def _scaler(name):
    return {"standard": StandardScaler(), "robust": RobustScaler(), "minmax": MinMaxScaler(),
            "none": "passthrough"}[name]


def _imputer(name):
    if name == "drop":
        return "passthrough"
    if name == "zero":
        return SimpleImputer(strategy="constant", fill_value=0.0)
    return SimpleImputer(strategy=name)


def reference_labels(frame, scaling, impute, log1p, estimator, features):
    data = _reference_frame(frame)[features]
    keep = np.ones(len(data), dtype=bool)
    if impute == "drop":
        keep = data.notna().all(axis=1).to_numpy()
        data = data[keep]
    numeric = [f for f in features if f != "channel"]
    logged = [f for f in numeric if log1p and f in ("spend", "visits")]  # the non-negative ones
    plain = [f for f in numeric if f not in logged]
    parts = []
    if plain:
        parts.append(("num", make_pipeline(_imputer(impute), _scaler(scaling)), plain))
    if logged:
        parts.append(("log", make_pipeline(_imputer(impute), FunctionTransformer(np.log1p),
                                           _scaler(scaling)), logged))
    if "channel" in features:
        parts.append(("cat", make_pipeline(
            "passthrough" if impute == "drop" else SimpleImputer(strategy="constant", fill_value="missing"),
            OneHotEncoder(handle_unknown="ignore", sparse_output=False)), ["channel"]))
    pipe = Pipeline([("prep", ColumnTransformer(parts)), ("model", estimator)])
    labels = np.full(len(frame), -1)
    labels[keep] = pipe.fit_predict(data)
    return labels


def model_labels(frame, **settings):
    model = Segmentation(frame, background=False, **settings)
    assert model.state == "idle", model.status
    return model.labels


NUMERIC = ["spend", "visits", "tenure", "premium"]


@pytest.mark.parametrize(
    "scaling,impute,log1p",
    list(itertools.product(["standard", "robust", "minmax", "none"], ["median", "mean", "zero", "drop"],
                           [False, True])),
)
def test_every_preprocessing_equals_plain_sklearn_kmeans(customers, scaling, impute, log1p):
    expected = reference_labels(customers, scaling, impute, log1p,
                                KMeans(n_clusters=4, random_state=SEED, n_init="auto"), NUMERIC)
    got = model_labels(customers, features=NUMERIC, k=4, seed=SEED, scaling=scaling, impute=impute,
                       log1p=log1p)
    assert ((got < 0) == (expected < 0)).all()
    assert adjusted_rand_score(expected, got) == 1.0


ESTIMATORS = {
    "kmeans": lambda k: KMeans(n_clusters=k, random_state=SEED, n_init="auto"),
    "minibatch_kmeans": lambda k: MiniBatchKMeans(n_clusters=k, random_state=SEED, n_init="auto",
                                                  batch_size=4096),
    "ward": lambda k: AgglomerativeClustering(n_clusters=k, linkage="ward"),
    "average": lambda k: AgglomerativeClustering(n_clusters=k, linkage="average"),
    "complete": lambda k: AgglomerativeClustering(n_clusters=k, linkage="complete"),
    "gmm": lambda k: GaussianMixture(n_components=k, random_state=SEED),
    "hdbscan": lambda k: HDBSCAN(min_cluster_size=25),
}


@pytest.mark.parametrize("algorithm", list(ESTIMATORS))
@pytest.mark.parametrize("features", [NUMERIC, NUMERIC + ["channel"]], ids=["numeric", "with-category"])
def test_every_algorithm_equals_plain_sklearn(customers, algorithm, features):
    expected = reference_labels(customers, "standard", "median", False, ESTIMATORS[algorithm](3), features)
    got = model_labels(customers, features=features, k=3, seed=SEED, algorithm=algorithm)
    assert ((got < 0) == (expected < 0)).all()
    assert adjusted_rand_score(expected, got) == 1.0


def test_demo_data_equals_plain_sklearn():
    from segwidgets import datasets

    frame = datasets.load("facebook_live")
    model = Segmentation(frame, k=4, seed=0, background=False)
    # the default features: num_likes moves with num_reactions (r = 0.99) and is left out
    numeric = [c for c in frame.columns if c.startswith("num_") and c != "num_likes"]
    assert model.features == numeric
    plain = make_pipeline(StandardScaler(), KMeans(n_clusters=4, random_state=0, n_init="auto"))
    expected = plain.fit_predict(frame[numeric].astype(float))
    assert adjusted_rand_score(expected, model.labels) == 1.0


# --- k-means restarts: one start at a time, stoppable, within the time budget -------------

@pytest.mark.parametrize("n_init", [2, 10, 25])
@pytest.mark.parametrize("seed", [0, 7, 123])
def test_kmeans_with_several_starts_equals_plain_sklearn(customers, n_init, seed):
    """The starts run one by one (so they can be stopped) and still give KMeans(n_init=…)'s labels."""
    expected = reference_labels(customers, "standard", "median", False,
                                KMeans(n_clusters=5, random_state=seed, n_init=n_init), NUMERIC)
    got = model_labels(customers, features=NUMERIC, k=5, seed=seed, params={"n_init": n_init})
    assert (got == expected).all()  # the same labels, in the same numbering before ids are matched
    # ... and so the same fitted centres
    from segwidgets.core.algorithms import fit_prepared
    from segwidgets.core.preprocess import PreprocessSpec, prepare

    X, _ = blob_points(2_000, centers=9, features=6, std=3.0, seed=seed)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(6)])
    prepared = prepare(frame, list(frame.columns), {}, PreprocessSpec("none", "median", False))
    ours = fit_prepared(prepared, "kmeans", 6, seed, {"n_init": n_init})
    plain = KMeans(n_clusters=6, random_state=seed, n_init=n_init).fit(prepared.X)
    assert (ours.labels == plain.labels_).all()
    np.testing.assert_allclose(ours.centers_scaled, plain.cluster_centers_)
    assert ours.estimator.n_init == n_init and ours.estimator.random_state == seed


def _blob_rows(n=3_000):
    from segwidgets.core.preprocess import PreprocessSpec, prepare

    X, _ = blob_points(n, centers=8, features=5, std=2.0, seed=1)
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    return prepare(frame, list(frame.columns), {}, PreprocessSpec("standard", "median", False))


def test_a_fit_that_would_outlast_the_time_budget_is_refused_in_words_after_its_first_start():
    from segwidgets.core.algorithms import fit_prepared
    from segwidgets.errors import SegwidgetsDataError

    with pytest.raises(SegwidgetsDataError) as info:
        fit_prepared(_blob_rows(), "kmeans", 8, 0, {"n_init": 100}, budget=1e-6)
    message = str(info.value)
    assert "k-means with 100 starts would take about" in message
    assert "more than the 1 s a fit may take" in message and "fewer starts (n_init)" in message


def test_a_newer_request_stops_a_fit_between_its_starts():
    from segwidgets.core.algorithms import fit_prepared
    from segwidgets.errors import SegwidgetsCancelled

    asked = []

    def cancel():
        asked.append(1)
        return len(asked) >= 3  # stop before the third start

    with pytest.raises(SegwidgetsCancelled):
        fit_prepared(_blob_rows(), "kmeans", 8, 0, {"n_init": 100}, cancel=cancel)
    assert len(asked) == 3  # two starts of a hundred ran


def test_the_model_refuses_a_fit_over_budget_and_keeps_the_segments_on_show(monkeypatch, customers):
    from segwidgets.core import algorithms

    model = Segmentation(customers, features=NUMERIC, k=3, background=False)
    before = model.labels.copy()
    monkeypatch.setattr(algorithms, "FIT_SECONDS", 1e-6)
    model.params = {"n_init": 50}
    assert model.state == "error"
    assert "would take about" in model.status and "Showing the previous segments." in model.status
    assert (model.labels == before).all()
    monkeypatch.setattr(algorithms, "FIT_SECONDS", 60.0)
    model.params = {"n_init": 3}
    assert model.state == "idle", model.status  # still usable
