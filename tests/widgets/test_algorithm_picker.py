"""AlgorithmPicker: a person tries another algorithm, tunes HDBSCAN, and re-rolls the seed."""

from __future__ import annotations

import pytest
from traitlets import TraitError

from segwidgets.core.algorithms import ALGORITHMS
from segwidgets.session import Segmentation
from segwidgets.widgets import AlgorithmPicker


@pytest.fixture()
def model(make_frame, make_model) -> Segmentation:
    return make_model(make_frame(300, centers=4, features=3, seed=3), k=3)


def test_the_dropdown_lists_every_algorithm_by_its_label(model):
    view = AlgorithmPicker(model)
    assert "sw-algorithm-picker" in view._dom_classes
    assert view.dropdown.options == tuple((info.label, key) for key, info in ALGORITHMS.items())
    assert view.dropdown.value == "kmeans"
    assert ALGORITHMS["kmeans"].description in view.about.value


def test_choosing_gaussian_mixture_refits_and_describes_it(model):
    view = AlgorithmPicker(model)
    revision = model.revision
    view.dropdown.value = "gmm"
    assert model.algorithm == "gmm"
    assert model.revision == revision + 1
    assert "Gaussian mixture" in model.status
    assert ALGORITHMS["gmm"].description in view.about.value


def test_minimum_segment_size_shows_only_for_hdbscan_and_refits(model):
    view = AlgorithmPicker(model)
    assert view.min_size.layout.display == "none"
    view.dropdown.value = "hdbscan"
    assert view.min_size.layout.display is None
    assert view.min_size.description == "Minimum segment size"
    assert view.min_size.value == 25
    revision = model.revision
    view.min_size.value = 10
    assert model.params["min_cluster_size"] == 10
    assert model.revision == revision + 1 and model.state == "idle"
    view.dropdown.value = "ward"
    assert view.min_size.layout.display == "none"


def test_the_seed_box_sets_the_seed_and_new_seed_picks_another(model):
    view = AlgorithmPicker(model)
    assert view.seed.description == "Random seed"
    view.seed.value = 7
    assert model.seed == 7
    view.new_seed.click()
    assert model.seed != 7 and view.seed.value == model.seed
    assert 0 <= model.seed < 2**32


def test_the_controls_follow_settings_changed_elsewhere(model):
    view = AlgorithmPicker(model)
    spec = model.spec
    spec.algorithm, spec.seed, spec.params = "hdbscan", 42, {"min_cluster_size": 12}
    revision = model.revision
    model.apply_spec(spec)
    assert model.revision == revision + 1  # one refit, no echo from the controls
    assert view.dropdown.value == "hdbscan"
    assert view.seed.value == 42
    assert view.min_size.value == 12 and view.min_size.layout.display is None


@pytest.mark.parametrize("size", [-5, 0, 1, 10**12, 2**70])
def test_impossible_minimum_sizes_are_refused_with_a_message(model, size):
    view = AlgorithmPicker(model)
    view.dropdown.value = "hdbscan"
    params = dict(model.params)
    view.min_size.set_state({"value": size})
    assert "minimum segment size" in model.status.lower() and "Traceback" not in model.status
    assert model.params == params
    assert view.min_size.value == 25  # the box shows what stands
    model.k = 3  # the model is still usable (HDBSCAN ignores k)
    view.min_size.value = 15
    assert model.state == "idle" and model.params["min_cluster_size"] == 15


@pytest.mark.parametrize("seed", [-1, 2**32, 2**70])
def test_impossible_seeds_are_refused_with_a_message(model, seed):
    view = AlgorithmPicker(model)
    view.seed.set_state({"value": seed})
    assert model.seed == 0 and view.seed.value == 0
    assert "seed must be a whole number from 0" in model.status
    view.seed.value = 3
    assert model.seed == 3 and model.state == "idle"


@pytest.mark.parametrize("index", [99, -1, None])
def test_an_impossible_algorithm_choice_is_refused(model, index):
    view = AlgorithmPicker(model)
    with pytest.raises(TraitError):  # the kernel logs and drops such a message
        view.dropdown.set_state({"index": index})
    assert model.algorithm == "kmeans" and view.dropdown.value == "kmeans"
    assert "There is no choice number" in model.status
    view.dropdown.value = "ward"
    assert model.algorithm == "ward" and model.state == "idle"


def test_tampered_option_labels_do_not_reach_past_the_real_options(model):
    view = AlgorithmPicker(model)
    fake = [f"option {i}" for i in range(20)]
    with pytest.raises(TraitError):
        view.dropdown.set_state({"_options_labels": fake, "index": 15})
    assert model.algorithm == "kmeans"
    assert view.dropdown._options_labels == tuple(info.label for info in ALGORITHMS.values())


def test_restarts_are_offered_for_k_means_and_reach_the_fit(model):
    view = AlgorithmPicker(model)
    assert view.n_init.layout.display is None and view.n_init.value == 1
    view.n_init.value = 10
    assert model.params["n_init"] == 10 and model.fit.estimator.n_init == 10
    view.n_init.value = 1
    assert "n_init" not in model.params
    view.n_init.value = 1000
    assert view.n_init.value == 1 and "n_init" not in model.params
    assert "Restarts must be a whole number from 1 to 100" in model.status
    model.params = {"n_init": 5}
    assert view.n_init.value == 5
    model.algorithm = "ward"
    assert view.n_init.layout.display == "none"


def test_dozens_of_density_segments_are_said_and_one_click_gives_fewer():
    from segwidgets import datasets
    from segwidgets.session import Segmentation
    from segwidgets.widgets.algorithm_picker import AlgorithmPicker

    model = Segmentation(datasets.load("facebook_live"), background=False)  # the demo table
    picker = AlgorithmPicker(model)
    assert picker.fewer_button.layout.display == "none"
    model.algorithm = "hdbscan"
    found = len(model.result.segment_ids)
    assert found > 12 and f"{found} segments were found" in picker.many.value
    assert picker.fewer_button.layout.display is None
    suggested = picker._advice.min_cluster_size
    assert picker.fewer_button.description == f"Use minimum size {suggested}"
    picker.fewer_button.click()
    assert model.params["min_cluster_size"] == suggested
    assert len(model.result.segment_ids) < found
