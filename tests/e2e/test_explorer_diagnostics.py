"""The Explorer's diagnostic tabs in a real Voila server and Chromium: each renders, runs, and
clicking a k on the elbow plot refits the explorer at that k."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

EXPLORER = ".sw-explorer"
STATUS = ".sw-status"


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def test_clicking_a_k_on_the_elbow_refits_the_explorer(page, open_app, save_screenshot):
    open_app(page, "explorer", EXPLORER)
    expect(page.locator(STATUS)).to_contain_text("4 segments of 7,050 rows", timeout=60_000)
    open_tab(page, "Choose k")
    page.locator(".sw-sweep-run").click()
    expect(page.locator(".sw-sweep-message")).to_contain_text("Done", timeout=120_000)
    expect(page.locator(".sw-sweep-table")).to_contain_text("Davies")
    save_screenshot(page, "explorer_choose_k")

    # a real mouse click on the plot, straight above the x-axis tick "7"
    plot = page.locator(".sw-sweep-plot")
    tick = plot.locator(".tick text").filter(has_text=re.compile(r"^7$")).first
    tick_box, plot_box = tick.bounding_box(), plot.bounding_box()
    page.mouse.click(tick_box["x"] + tick_box["width"] / 2, plot_box["y"] + plot_box["height"] * 0.4)
    expect(page.locator(STATUS)).to_contain_text("7 segments of 7,050 rows", timeout=30_000)
    expect(page.locator(STATUS)).to_contain_text("from cache")  # the sweep filled the cache
    expect(page.locator(".sw-profile-row")).to_have_count(7)

    page.locator(".sw-stability-runs input, .sw-stability-runs [role=slider]").first.focus()
    page.locator(".sw-stability-run").click()
    expect(page.locator(".sw-stability-message")).to_contain_text("Done", timeout=180_000)
    save_screenshot(page, "explorer_stability")
    assert not [e for e in page.sw_errors if "page error" in e], page.sw_errors


@pytest.fixture(scope="module")
def compared():
    """The agreement matrix the Compare tab must show: the same comparison, made here."""
    from segwidgets import Segmentation
    from segwidgets.widgets.comparison_panel import ComparisonPanel

    panel = ComparisonPanel(Segmentation("facebook_live", background=False), background=False)
    panel.run(wait=True)
    assert panel.comparison.ari.loc["kmeans", "ward"] < 0.995  # else the check below could not fail
    return panel.comparison.ari


def test_every_diagnostic_tab_renders_and_runs(page, open_app, save_screenshot, compared):
    open_app(page, "explorer", EXPLORER)
    expect(page.locator(STATUS)).to_contain_text("4 segments of 7,050 rows", timeout=60_000)
    page.set_viewport_size({"width": 1280, "height": 1400})

    open_tab(page, "Silhouette")
    expect(page.locator(".sw-silhouette-message")).to_contain_text("Mean silhouette", timeout=60_000)
    expect(page.locator(".sw-silhouette-figure svg").first).to_be_visible()
    save_screenshot(page, "explorer_silhouette")

    open_tab(page, "Tree")
    expect(page.locator(".sw-dendrogram-message")).to_contain_text("sample", timeout=60_000)
    expect(page.locator(".sw-dendrogram-figure svg").first).to_be_visible()
    save_screenshot(page, "explorer_tree")

    open_tab(page, "Compare")
    page.locator(".sw-compare-run").click()
    # an off-diagonal cell: the diagonal shows 1.00 whatever was compared
    kmeans_ward = f"{compared.loc['kmeans', 'ward']:.2f}"
    cell = page.locator(".sw-compare-ari .sw-ari-cell[data-row='kmeans'][data-col='ward']")
    expect(cell).to_have_text(kmeans_ward, timeout=120_000)
    expect(page.locator(".sw-compare-ari .sw-ari-cell[data-row='ward'][data-col='kmeans']")).to_have_text(kmeans_ward)
    expect(page.locator(".sw-compare-ari .sw-ari-cell[data-row='kmeans'][data-col='gmm']")).not_to_have_text("1.00")
    expect(page.locator(".sw-compare-reading")).to_contain_text(f"(ARI {kmeans_ward})")
    expect(page.locator(".sw-compare-table")).to_contain_text("Gaussian")
    save_screenshot(page, "explorer_compare")

    open_tab(page, "Explain")
    expect(page.locator(".sw-explain-row-message")).to_contain_text("sum", timeout=60_000)
    page.locator(".sw-explain-run").click()
    expect(page.locator(".sw-explain-accuracy")).to_contain_text("held-out", timeout=180_000)
    expect(page.locator(".sw-explain-rules")).to_contain_text("of rows in their own segment", timeout=60_000)
    save_screenshot(page, "explorer_explain")
    assert not [e for e in page.sw_errors if "page error" in e], page.sw_errors
