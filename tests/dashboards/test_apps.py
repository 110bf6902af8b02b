"""A link's settings reach a model that was built before the link was read (preheated kernels)."""

from __future__ import annotations

import numpy as np
import pytest

from segwidgets import Segmentation
from segwidgets.dashboards.apps import apply_link_settings


def test_link_settings_refit_once():
    model = Segmentation("facebook_live", background=False)
    revision = model.revision
    assert apply_link_settings(model, "k=6&scaling=robust") is None
    assert (model.k, model.scaling) == (6, "robust")
    assert model.revision == revision + 1 and len(model.segment_ids) == 6


def test_bad_link_settings_are_named_and_the_rest_applies():
    model = Segmentation("facebook_live", background=False)
    notice = apply_link_settings(model, "k=5&features=no_such_column")
    assert notice and "features were ignored" in notice
    assert model.k == 5 and model.state == "idle"
    notice = apply_link_settings(model, "k=banana")
    assert notice and "ignored" in notice and model.k == 5


def test_an_empty_link_changes_nothing():
    model = Segmentation("facebook_live", background=False)
    revision = model.revision
    assert apply_link_settings(model, "") is None
    assert model.revision == revision


def test_umap_warm_up_runs_in_the_background_unless_turned_off(monkeypatch):
    from segwidgets.dashboards.apps import start_umap_warm_up

    monkeypatch.setenv("SEGWIDGETS_UMAP_WARMUP", "0")
    assert start_umap_warm_up() is None
    monkeypatch.delenv("SEGWIDGETS_UMAP_WARMUP")
    thread = start_umap_warm_up()
    assert thread is not None and thread.daemon
    thread.join(300)
    assert not thread.is_alive()


def test_a_shared_links_names_land_on_the_sharers_segments():
    sharer = Segmentation("facebook_live", background=False)
    for k in (6, 3, 5):
        sharer.k = k
    named = sharer.segment_ids[-1]
    sharer.rename(named, "Sharer's pick")
    recipient = Segmentation("facebook_live", background=False)  # a preheated kernel: default k
    assert apply_link_settings(recipient, sharer.spec.to_query()) is None
    ids = [i for i, name in recipient.segment_names.items() if name == "Sharer's pick"]
    assert len(ids) == 1
    np.testing.assert_array_equal(recipient.labels == ids[0], sharer.labels == named)
