"""The spec's fields are declared once; the model, the spec and links all read that table."""

from __future__ import annotations

import dataclasses

import pytest
from traitlets import TraitError

from segwidgets import Segmentation
from segwidgets.core.algorithms import PARAMETERS, check_params
from segwidgets.core.schema import FIELD, FIELDS, TRAIT_FIELDS
from segwidgets.core.spec import SegmentationSpec
from segwidgets.errors import SegwidgetsValueError


def test_the_spec_has_exactly_the_declared_fields():
    assert [f.name for f in dataclasses.fields(SegmentationSpec)] == [f.name for f in FIELDS]
    spec = SegmentationSpec()
    for field in FIELDS:
        assert getattr(spec, field.name) == field.default()


def test_the_model_has_a_trait_per_trait_field_with_its_default_and_help():
    model = Segmentation()
    for name in TRAIT_FIELDS:
        trait = model.traits()[name]
        assert trait.help == FIELD[name].help
        assert getattr(model, name) == FIELD[name].default()


@pytest.mark.parametrize("name,bad", [("k", 1), ("k", 51), ("seed", -1), ("names", {"x": "a"}),
                                      ("params", {"n_init": "abc"}), ("params", {"min_cluster_size": 1})])
def test_the_model_and_the_spec_refuse_the_same_values_in_the_same_words(name, bad):
    with pytest.raises(SegwidgetsValueError) as spec_error:
        SegmentationSpec(**{name: bad})
    model = Segmentation()
    with pytest.raises(TraitError) as trait_error:
        setattr(model, name, bad)
    assert str(spec_error.value) == str(trait_error.value)
    assert "Traceback" not in str(trait_error.value) and "{" not in str(trait_error.value)


@pytest.mark.parametrize("params,words", [
    ({"n_init": "abc"}, "number of k-means starts"),
    ({"n_init": 1_000_000}, "from 1 to 100"),
    ({"batch_size": 0}, "mini-batch size"),
    ({"covariance_type": "round"}, "full, tied, diag, spherical"),
    ({"min_cluster_size": 1}, "minimum segment size"),
    ({"min_samples": -3}, "min_samples"),
])
def test_every_algorithm_setting_is_checked_in_words_before_scikit_learn(params, words):
    with pytest.raises(SegwidgetsValueError, match=words):
        check_params(params)
    query = "&".join(f"param.{k}={v}" for k, v in params.items())
    with pytest.raises(SegwidgetsValueError, match=words):
        SegmentationSpec.from_query(query)


def test_a_link_reads_algorithm_settings_into_their_types():
    spec = SegmentationSpec.from_query("param.n_init=10&param.min_samples=null&param.covariance_type=diag")
    assert spec.params == {"n_init": 10, "min_samples": None, "covariance_type": "diag"}
    assert set(spec.params) <= set(PARAMETERS)


def test_a_spec_with_n_init_ten_reproduces_ten_restarts(blobs_frame):
    model = Segmentation(blobs_frame, k=3, params={"n_init": 10}, background=False)
    assert model.result.fit.estimator.n_init == 10


def test_an_unknown_model_setting_is_refused_in_words():
    with pytest.raises(SegwidgetsValueError, match="no setting 'kk'"):
        Segmentation(kk=3)
