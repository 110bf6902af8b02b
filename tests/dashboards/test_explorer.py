"""The Explorer's diagnostic tabs: present, built the first time they are opened, linked to the model."""

from __future__ import annotations

import ipywidgets as w
import pytest

from segwidgets.dashboards import Explorer
from segwidgets.widgets import (
    ComparisonPanel,
    DendrogramView,
    ExplanationPanel,
    KSweepPanel,
    SilhouettePlot,
    StabilityPanel,
)


@pytest.fixture()
def explorer() -> Explorer:
    return Explorer("facebook_live", background=False)


def titles(explorer: Explorer) -> list[str]:
    return [explorer.tabs.get_title(i) for i in range(len(explorer.tabs.children))]


def test_every_diagnostic_has_a_tab_and_nothing_is_built_until_opened(explorer):
    assert titles(explorer) == ["Map", "Choose k", "Silhouette", "Tree", "Compare", "Explain"]
    assert explorer._built == {}
    explorer.tabs.selected_index = 2  # a person opens "Silhouette"
    view = explorer.tabs.children[2].children[0]
    assert isinstance(view, SilhouettePlot) and explorer.diagnostic("Silhouette") is view
    assert set(explorer._built) == {"Silhouette"}


def test_each_view_is_the_one_its_tab_names(explorer):
    kinds = {"Tree": DendrogramView, "Compare": ComparisonPanel, "Explain": ExplanationPanel}
    for title, kind in kinds.items():
        assert isinstance(explorer.diagnostic(title), kind)
    choose = explorer.diagnostic("Choose k")
    assert [type(c) for c in choose.children] == [KSweepPanel, StabilityPanel]


def test_the_elbow_tab_sets_the_explorer_k(explorer):
    sweep = explorer.diagnostic("Choose k").children[0]
    sweep.run(wait=True)
    sweep.click_surface._handle_custom_msg({"event": "element_click", "data": {"click_x": 6.0, "click_y": 0}}, [])
    assert explorer.model.k == 6 and explorer.k_slider.slider.value == 6
    assert explorer.model.timings["cache_hit"] == 1.0


def test_a_view_that_cannot_start_says_so_in_its_tab():
    def broken(model):
        raise RuntimeError("no luck")

    explorer = Explorer("facebook_live", background=False, diagnostics=False)
    assert titles(explorer) == ["Map"]
    explorer.add_lazy_tab("Broken", broken)
    view = explorer.diagnostic("Broken")
    assert isinstance(view, w.HTML) and "could not start" in view.value and "no luck" in view.value
    with pytest.raises(KeyError):
        explorer.diagnostic("Nope")


def test_a_tab_added_behind_the_map_knows_it_is_hidden_until_opened(explorer):
    from segwidgets.widgets.publish_panel import PublishPanel

    panel = PublishPanel(explorer.model)
    explorer.add_tab("Publish", panel)
    assert not panel.active  # the map is on show: the panel does not redraw on every k step
    rows = panel.segment_rows.children
    explorer.model.k = explorer.model.k + 1
    assert panel.segment_rows.children == rows
    explorer.tabs.selected_index = len(explorer.tabs.children) - 1
    assert panel.active and len(panel.segment_rows.children) == explorer.model.k
