"""The Segmentation model: the story an analyst lives through in a notebook."""

from __future__ import annotations

import dataclasses
import json
import threading
import types

import numpy as np
import pandas as pd
import pytest

from segwidgets import datasets
from segwidgets.core.spec import SegmentationSpec
from segwidgets.session import PALETTE, Segmentation


@pytest.fixture()
def blobs(make_frame) -> pd.DataFrame:
    """900 customers in 5 blobs over recency, frequency, monetary and tenure."""
    return make_frame(900, centers=5, features=4, seed=1,
                      columns=["recency", "frequency", "monetary", "tenure"])


@pytest.fixture()
def noise() -> pd.DataFrame:
    """Rows with no real groups: k-means from another seed ends in another partition."""
    rng = np.random.default_rng(7)
    return pd.DataFrame(rng.uniform(size=(600, 3)), columns=["recency", "frequency", "monetary"])


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two labellings put the rows in the same groups (whatever the ids)."""
    a, b = np.asarray(a).tolist(), np.asarray(b).tolist()
    pairs = set(zip(a, b))
    return len(a) == len(b) and len(pairs) == len(set(a)) == len(set(b))


def fresh_fit(frame: pd.DataFrame, model: Segmentation) -> Segmentation:
    """A new model fitted inline with every setting of ``model``: what a cache hit must equal."""
    return Segmentation(frame, features=list(model.features), k=model.k, algorithm=model.algorithm,
                        scaling=model.scaling, impute=model.impute, log1p=model.log1p, seed=model.seed,
                        params=dict(model.params), background=False)


def assert_shows(model: Segmentation, reference: Segmentation) -> None:
    """Every result trait of ``model`` belongs to the fit ``reference`` made of the same spec."""
    assert model.k == reference.k
    assert model.state == "idle", model.status
    assert len(model.segment_ids) == len(reference.segment_ids) == model.fit.n_segments
    assert sorted(set(model.labels[model.labels >= 0])) == sorted(model.segment_ids)
    assert same_partition(model.labels, reference.labels)
    sizes = sorted(model.profile.summary["size"].tolist())
    assert sizes == sorted(reference.profile.summary["size"].tolist())
    assert model.status.startswith(f"{len(reference.segment_ids)} segments of ")


class _Gate:
    """Holds work for one value until released: a fit (or a measure) that is really still running."""

    def __init__(self) -> None:
        self.value = None
        self.started = threading.Event()
        self.release = threading.Event()

    def hold(self) -> None:
        self.started.set()
        if not self.release.wait(60):
            raise RuntimeError("the gate was never released")


@pytest.fixture()
def fit_gate(monkeypatch):
    """``fit_gate.value = 7``: every fit with k=7 (any algorithm) waits for ``fit_gate.release``.

    Hooks the algorithm registry of ``segwidgets.core.algorithms`` (what every fit calls) and
    its cut of a hierarchical tree, not the model's internals, so it holds whatever the model's scheduling looks like.
    """
    from segwidgets.core import algorithms

    gate = _Gate()
    for key, info in list(algorithms.ALGORITHMS.items()):
        def make(k, seed, params, _make=info.make):
            estimator = _make(k, seed, params)
            if k == gate.value:
                inner = estimator.fit_predict

                def fit_predict(X, *args, **kwargs):
                    gate.hold()
                    return inner(X, *args, **kwargs)

                estimator.fit_predict = fit_predict
            return estimator

        monkeypatch.setitem(algorithms.ALGORITHMS, key, dataclasses.replace(info, make=make))
    real_cut = algorithms.cut  # hierarchical methods cut a tree built once instead of fitting

    def cut(tree, k):
        if k == gate.value:
            gate.hold()
        return real_cut(tree, k)

    monkeypatch.setattr(algorithms, "cut", cut)
    yield gate
    gate.release.set()


@pytest.fixture()
def metrics_gate(monkeypatch):
    """``metrics_gate.value = 7``: measuring a fit of 7 segments waits for ``metrics_gate.release``."""
    from segwidgets.core import metrics

    gate = _Gate()
    real = metrics.silhouette_score

    def silhouette(X, labels, *args, **kwargs):
        if len(np.unique(labels)) == gate.value:
            gate.hold()
        return real(X, labels, *args, **kwargs)

    monkeypatch.setattr(metrics, "silhouette_score", silhouette)
    yield gate
    gate.release.set()


def test_plain_shell_story(demo_frame):
    model = Segmentation(demo_frame, k=4)
    assert model.state == "idle", model.status
    assert model.labels.shape == (len(demo_frame),)
    assert sorted(set(model.labels)) == model.segment_ids
    assert len(model.segment_ids) == 4
    table = model.profile.table()
    assert len(table) == 4
    assert table["size"].sum() == len(demo_frame)
    assert all(isinstance(n, str) and n for n in table["name"])
    for key in ("inertia", "silhouette", "calinski_harabasz", "davies_bouldin"):
        assert np.isfinite(model.metrics[key])
    assert "4 segments of 7,050 rows" in model.status


def test_dataset_name_and_path_are_accepted():
    by_name = Segmentation("facebook_live", k=3, background=False)
    by_path = Segmentation(str(datasets.path("facebook_live")), k=3, background=False)
    assert (by_name.labels == by_path.labels).all()
    assert by_name.source == "facebook_live"


def test_rapid_k_changes_end_with_the_last_k(blobs):
    model = Segmentation(blobs, k=2)
    rng = np.random.default_rng(0)
    values = rng.integers(2, 13, size=200)
    values[-1] = 6
    for k in values:
        model.k = int(k)
    assert model.wait(60)
    assert model.k == 6
    assert len(model.segment_ids) == 6
    assert model.state == "idle"
    reference = Segmentation(blobs, k=6, background=False)
    from sklearn.metrics import adjusted_rand_score

    assert adjusted_rand_score(reference.labels, model.labels) == 1.0


def test_returning_to_a_k_already_seen_comes_from_the_cache(blobs):
    model = Segmentation(blobs, k=3)
    model.k = 5
    model.wait(30)
    model.k = 3  # seen: applied at once, no worker involved
    assert model.timings["cache_hit"] == 1.0
    assert len(model.segment_ids) == 3
    assert "from cache" in model.status
    # what the cache gives back is the fit itself, row for row
    assert_shows(model, Segmentation(blobs, k=3, background=False))


def test_every_cache_hit_equals_a_fresh_fit_of_the_same_spec(blobs):
    model = Segmentation(blobs, k=3, background=False)
    steps = [{"k": 5}, {"scaling": "robust"}, {"k": 3}, {"scaling": "standard"}, {"k": 5},
             {"seed": 4}, {"seed": 0}, {"k": 3}, {"features": ["recency", "frequency"]},
             {"features": ["recency", "frequency", "monetary", "tenure"]}, {"k": 5}]
    def spec_key():
        return (tuple(model.features), model.scaling, model.k, model.seed)

    seen, hits = {spec_key()}, 0
    for step in steps:
        for name, value in step.items():
            setattr(model, name, value)
        cached = spec_key() in seen
        seen.add(spec_key())
        assert model.timings["cache_hit"] == float(cached), step
        hits += cached
        assert_shows(model, fresh_fit(blobs, model))
    assert hits >= 5  # the walk really came back to specs it had seen


def test_a_swept_k_comes_from_the_cache_and_equals_a_fresh_fit(blobs):
    model = Segmentation(blobs, k=3, background=False)
    model.sweep(range(2, 8))
    for k in (6, 2, 7):
        model.k = k
        assert model.timings["cache_hit"] == 1.0
        assert_shows(model, Segmentation(blobs, k=k, background=False))


@pytest.mark.parametrize("background", [False, True], ids=["inline", "background"])
def test_a_seed_change_gives_the_fit_of_that_seed(noise, background):
    first, second = (Segmentation(noise, k=6, seed=s, background=False) for s in (0, 1))
    assert not same_partition(first.labels, second.labels)  # the data tells the seeds apart
    model = Segmentation(noise, k=6, seed=0, background=background)
    assert not model.is_cached(seed=1)
    model.seed = 1
    assert model.wait(60)
    assert model.timings["cache_hit"] == 0.0
    assert_shows(model, second)
    model.seed = 0  # back to a seed already fitted: from the cache, and still that seed's fit
    assert model.wait(60)
    assert model.timings["cache_hit"] == 1.0
    assert_shows(model, first)
    model.seed = 1
    assert model.wait(60)
    assert_shows(model, second)
    assert model.spec.seed == 1


@pytest.mark.parametrize("algorithm,warm_start", [("kmeans", False), ("ward", True)])
def test_a_fit_overtaken_by_a_cache_hit_is_dropped(blobs, fit_gate, algorithm, warm_start):
    model = Segmentation(blobs, k=3, algorithm=algorithm, warm_start=warm_start)
    model.k = 5
    assert model.wait(60)
    fit_gate.value = 7
    model.k = 7  # not cached: the worker starts fitting it
    assert fit_gate.started.wait(30), "the k=7 fit never started"
    model.k = 3  # cached: shown at once while the k=7 fit is still running
    assert model.timings["cache_hit"] == 1.0
    shown = model.revision
    fit_gate.release.set()  # the k=7 fit now finishes, after the newer change
    assert model.wait(60)
    assert model.revision == shown, "a result was applied after the newer change"
    assert_shows(model, Segmentation(blobs, k=3, algorithm=algorithm, background=False))
    assert model.spec.k == 3 and model.metrics["n_segments"] == 3


def test_a_warm_start_preview_overtaken_by_a_cache_hit_is_dropped(blobs, fit_gate):
    model = Segmentation(blobs, k=3)  # k-means, background, warm start: a k change shows a preview first
    model.provisional_rows = 0  # (on large tables only: treat this one as large)
    model.k = 5
    assert model.wait(60)
    fit_gate.value = 7
    model.k = 7
    assert fit_gate.started.wait(30), "the k=7 preview never started"
    model.k = 3
    shown = model.revision
    fit_gate.release.set()
    assert model.wait(60)
    assert model.revision == shown, "a result was applied after the newer change"
    assert model.timings["warm_start"] == 0.0
    assert_shows(model, Segmentation(blobs, k=3, background=False))


def test_metrics_of_an_overtaken_fit_are_not_shown(blobs, metrics_gate):
    model = Segmentation(blobs, k=3)
    model.k = 5
    assert model.wait(60)
    metrics_gate.value = 7
    model.k = 7  # fitted and shown; its metrics are measured after it is shown
    assert metrics_gate.started.wait(60), "the k=7 metrics were never measured"
    model.k = 3  # a cache hit while the k=7 metrics are still being measured
    metrics_gate.release.set()
    assert model.wait(60)
    assert_shows(model, Segmentation(blobs, k=3, background=False))
    reference = Segmentation(blobs, k=3, background=False).metrics
    assert model.metrics["n_segments"] == 3
    assert model.metrics == pytest.approx(reference)


def test_a_k_change_keeps_the_map_and_changes_only_colours(blobs):
    model = Segmentation(blobs, k=3, background=False)
    coords = model.coords
    model.k = 4
    assert model.coords is coords
    model.features = ["recency", "frequency"]
    assert model.coords is not coords


def test_revision_goes_up_once_per_result(blobs):
    model = Segmentation(blobs, k=3, background=False)
    seen = []
    model.observe(lambda change: seen.append(change["new"]), "revision")
    model.k = 4
    assert len(seen) == 1


def test_a_name_survives_k_and_seed_changes(make_frame):
    frame = make_frame(800, centers=4, features=3, std=0.6, seed=4,
                       columns=["recency", "frequency", "monetary"])
    model = Segmentation(frame, k=4, background=False, seed=0)
    target = model.segment_ids[0]
    rows = model.labels == target
    model.rename(target, "Loyal big spenders")
    assert model.segment_names[target] == "Loyal big spenders"
    assert model.profile.summary.loc[target, "name"] == "Loyal big spenders"

    def named_rows():
        ids = [i for i, n in model.segment_names.items() if n == "Loyal big spenders"]
        assert len(ids) == 1
        return model.labels == ids[0]

    def precision_and_coverage():
        named = named_rows()
        return (named & rows).sum() / named.sum(), (named & rows).sum() / rows.sum()

    model.k = 5  # one group splits: the name stays on a part of its own segment
    precision, coverage = precision_and_coverage()
    assert precision > 0.9 and coverage > 0.4
    model.k = 4
    model.seed = 11  # same segments found from another start: the name follows them
    precision, coverage = precision_and_coverage()
    assert precision > 0.99 and coverage > 0.99
    frame = model.labels_frame()
    assert (frame.loc[named_rows(), "segment_name"] == "Loyal big spenders").all()


def test_ids_colours_carry_over_and_new_segments_get_fresh_ones(blobs):
    model = Segmentation(blobs, k=4, background=False)
    before = dict(model.colors)
    model.k = 5
    kept = set(before) & set(model.colors)
    assert len(kept) == 4
    assert all(model.colors[i] == before[i] for i in kept)
    (fresh,) = set(model.colors) - set(before)
    assert model.colors[fresh] not in before.values()
    assert model.colors[fresh] == PALETTE[fresh]


def test_splits_are_reported(blobs):
    model = Segmentation(blobs, k=2, background=False)
    model.k = 5
    assert any("split into" in w for w in model.warnings)


def test_saved_spec_round_trips(tmp_path, blobs):
    model = Segmentation("facebook_live", k=5, seed=3, scaling="robust", background=False)
    model.rename(model.segment_ids[1], "Video fans")
    path = model.save(tmp_path / "spec.json")
    assert json.loads(path.read_text())["k"] == 5
    again = Segmentation.load(path, background=False)
    assert again.spec == model.spec
    assert (again.labels == model.labels).all()
    assert again.segment_names == model.segment_names
    csv = model.save(tmp_path / "labels.csv")
    back = pd.read_csv(csv)
    assert list(back.columns[-2:]) == ["segment", "segment_name"]
    assert len(back) == len(model.data)


def test_a_spec_saved_after_k_changes_reloads_with_its_ids_names_and_rows(tmp_path, blobs):
    model = Segmentation(blobs, k=2, background=False)
    for k in (4, 3, 5):  # ids follow the rows, so they are no longer the fit's own numbering
        model.k = k
    ids = model.spec.segment_ids
    assert ids != list(range(len(ids)))
    named = model.segment_ids[-1]
    model.rename(named, "Late joiners")
    again = Segmentation.load(model.save(tmp_path / "spec.json"), data=blobs, background=False)
    assert again.spec == model.spec
    assert (again.labels == model.labels).all()
    assert again.segment_names == model.segment_names
    assert (again.labels_frame()["segment_name"] == model.labels_frame()["segment_name"]).all()
    assert again.colors == model.colors


def test_selection_gives_a_selection_profile(blobs):
    model = Segmentation(blobs, k=3, background=False)
    model.selection = np.arange(50)
    profile = model.selection_profile
    assert profile.summary.loc[0, "size"] == 50
    assert profile.summary.loc[0, "name"] == "Selection"
    model.selection = None
    assert model.selection_profile is None


# ------------------------------------------------------------------ bad inputs
def test_unreadable_upload_keeps_the_previous_data(blobs):
    model = Segmentation(blobs, k=3, background=False)
    labels = model.labels.copy()
    assert model.load_data(b"", filename="empty.csv") is False
    assert model.state == "error"
    assert "empty" in model.status.lower()
    assert "previous data" in model.status
    assert model.data is not None and len(model.data) == len(blobs)
    assert (model.labels == labels).all()


@pytest.mark.parametrize(
    "frame,k,words",
    [
        (pd.DataFrame({"a": [1.0], "b": [2.0]}), 2, "only 1 row to segment"),
        (pd.DataFrame({"a": [1.0, 1.0, 2.0, 2.0], "b": [3.0, 3.0, 4.0, 4.0]}), 3, "2 distinct rows"),
        (pd.DataFrame({"customer_id": [f"C{i}" for i in range(30)]}), 2, "no numeric or categorical"),
    ],
    ids=["one-row", "k-above-distinct-rows", "identifiers-only"],
)
def test_bad_data_is_refused_in_words_and_the_previous_data_and_result_stay(blobs, frame, k, words):
    model = Segmentation(blobs, k=k, background=False)
    data, result = model.data, model.result
    assert model.load_data(frame) is False  # a load and its first fit succeed together or not at all
    assert model.state == "error"
    assert words in model.status and "previous data is still loaded" in model.status
    assert "Traceback" not in model.status
    assert model.data is data and model.result is result


def test_k_larger_than_distinct_rows_keeps_the_result():
    frame = pd.DataFrame({"a": [1.0, 1.0, 2.0, 2.0, 3.0, 3.0], "b": [1.0, 1.0, 5.0, 5.0, 9.0, 9.0]})
    model = Segmentation(frame, k=2, background=False)
    labels = model.labels.copy()
    model.k = 4
    assert model.state == "error"
    assert "k=4 is more than the 3 distinct rows" in model.status
    assert "previous segments" in model.status
    assert (model.labels == labels).all()
    assert model.k == 4  # the person's setting is kept, the result is the last good one


def test_all_nan_feature_is_refused_in_words(blobs):
    frame = blobs.copy()
    frame["empty_score"] = np.nan
    frame["empty_score"] = frame["empty_score"].astype(float)
    model = Segmentation(frame, k=3, background=False)
    assert model.state == "idle"
    assert "empty_score" not in model.features  # an empty column is not offered
    assert model.table.roles["empty_score"] == "empty"


def test_invalid_settings_are_refused_by_validation(blobs):
    from traitlets import TraitError

    model = Segmentation(blobs, k=3, background=False)
    for bad in (0, 1, 51, -3):
        with pytest.raises(TraitError):
            model.k = bad
    with pytest.raises(TraitError):
        model.features = ["no_such_column"]
    with pytest.raises(TraitError):
        model.algorithm = "dbscan++"
    with pytest.raises(TraitError):
        model.selection = np.array([0, 10_000])
    with pytest.raises(TraitError):
        model.names = {0: "x" * 500}
    assert model.k == 3 and model.state == "idle"


def test_a_failed_background_fit_leaves_the_model_usable(blobs):
    model = Segmentation(blobs, k=3)
    model.features = []  # nothing to fit on
    model.wait(30)
    assert model.state == "error"
    assert "at least one feature" in model.status
    model.features = ["recency", "frequency"]
    model.wait(30)
    assert model.state == "idle"


def test_a_large_table_is_mapped_by_a_stated_sample_and_profiled_in_full():
    from segwidgets.session import MAX_MAP_POINTS

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(MAX_MAP_POINTS + 20_000, 3)), columns=["a", "b", "c"])
    model = Segmentation(frame, k=3, background=False)
    assert model.coords.shape == (MAX_MAP_POINTS, 2)
    assert len(np.unique(model.coord_rows)) == MAX_MAP_POINTS
    assert any("random sample of 100,000 of the 120,000 rows" in w for w in model.warnings)
    assert model.profile.summary["size"].sum() == len(frame)


def test_names_given_up_front_land_on_the_first_fits_segments(blobs_frame):
    model = Segmentation(blobs_frame, k=3, names={0: "First", 2: "Third"}, background=False)
    assert model.segment_ids == [0, 1, 2]
    assert model.segment_names[0] == "First" and model.segment_names[2] == "Third"
    spec = SegmentationSpec(k=3, names={1: "Middle"})
    again = Segmentation.from_spec(spec, data=blobs_frame, background=False)
    assert again.segment_names[1] == "Middle"
