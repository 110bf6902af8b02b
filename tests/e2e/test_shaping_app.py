"""An analyst shapes the segments by hand in the explorer (Voila, Chromium): merges two, splits
one, drills into one and brings it back, undoes and redoes (buttons and keys), publishes; the
explorer reopened from its link and the published report show the same segments."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import VIEWPORT

EXPLORER = ".sw-explorer"
STATUS = ".sw-status"


def _legend_names(page) -> list[str]:
    return [t.strip() for t in page.locator(".sw-segment-legend .sw-legend-name").all_inner_texts()]


def _choose(page, *indices: int) -> None:
    page.locator(".sw-edit-segments select").select_option(index=list(indices))


def test_merge_split_drill_undo_redo_publish_and_reload(browser, voila_server, wait_for_voila,
                                                        tmp_path_factory, save_screenshot):
    specs = tmp_path_factory.mktemp("shaped")
    context = browser.new_context(viewport=VIEWPORT, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(60_000)
    explorer_url = voila_server("explorer", {"SEGWIDGETS_SPECS_DIR": str(specs)})
    page.goto(explorer_url, timeout=120_000)
    wait_for_voila(page, EXPLORER)
    status = page.locator(STATUS).first
    expect(status).to_contain_text("4 segments of 7,050 rows")
    legend = page.locator(".sw-segment-legend .sw-legend-row")
    expect(legend).to_have_count(4)
    untouched = _legend_names(page)[2:]

    _choose(page, 0, 1)
    page.locator(".sw-edit-merge").click()
    expect(status).to_contain_text("1 hand edit")
    expect(legend).to_have_count(3)
    for name in untouched:  # an edit never renames a segment it leaves alone
        assert name in _legend_names(page)

    # split from the legend's "⋯" menu of the first segment
    page.locator(".sw-segment-legend .sw-segment-actions select").first.select_option(label="Split in 3")
    expect(status).to_contain_text("2 hand edits")
    expect(legend).to_have_count(5)
    save_screenshot(page, "shaping_split")

    _choose(page, 0)
    page.locator(".sw-edit-drill").click()  # the Shape panel's button (the menus drill in too)
    bar = page.locator(".sw-drill-bar")
    expect(bar).to_be_visible()
    expect(bar.locator(".sw-crumbs")).to_contain_text("All rows ›")
    expect(page.locator(STATUS).first).to_contain_text("2 segments of")
    save_screenshot(page, "shaping_drill_in")
    bar.locator(".sw-drill-bring-back").click()
    expect(page.locator(".sw-drill-bar")).to_have_count(0)
    expect(status).to_contain_text("3 hand edits")
    expect(legend).to_have_count(6)
    assert sum(" › " in name for name in _legend_names(page)) == 2
    shaped = _legend_names(page)

    page.locator(".sw-undo").click()
    expect(status).to_contain_text("2 hand edits")
    expect(legend).to_have_count(5)
    page.locator(".sw-redo").click()
    expect(status).to_contain_text("3 hand edits")
    expect(legend).to_have_count(6)
    assert _legend_names(page) == shaped
    expect(page.locator(".sw-history option")).to_have_count(4)
    save_screenshot(page, "shaping_history")

    # the keys (segwidgets-keys): Ctrl+Z and Ctrl+Shift+Z outside a text box, Ctrl+Y too
    page.locator(".sw-segment-legend").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+z")
    expect(status).to_contain_text("2 hand edits")
    page.keyboard.press("Control+Shift+z")
    expect(status).to_contain_text("3 hand edits")
    page.keyboard.press("Control+z")
    expect(status).to_contain_text("2 hand edits")
    page.keyboard.press("Control+y")
    expect(status).to_contain_text("3 hand edits")
    name_box = page.locator(".sw-profile-table .sw-segment-name input").first
    name_box.click()
    name_box.press("Control+z")  # a text box's own undo: the segments stay as they are
    page.wait_for_timeout(500)
    expect(status).to_contain_text("3 hand edits")
    assert _legend_names(page) == shaped

    # --- save: publish the report, and copy the explorer's own link
    page.get_by_role("tab", name="Publish").click()
    panel = page.locator(".sw-publish-panel")
    panel.locator(".sw-publish-name input").fill("shaped")
    panel.locator(".sw-publish-name input").press("Tab")
    panel.locator(".sw-publish-button").click()
    expect(panel.locator(".sw-publish-result")).to_contain_text("Published shaped")
    panel.locator(".sw-explorer-link-box button").click()
    expect(panel.locator(".sw-explorer-link-box button")).to_have_text("Copied")
    link = page.evaluate("() => navigator.clipboard.readText()")
    assert "edits=" in link
    context.close()

    # --- the explorer reopened from its link
    again = browser.new_context(viewport=VIEWPORT)
    page = again.new_page()
    page.set_default_timeout(60_000)
    page.goto(link, timeout=120_000)
    wait_for_voila(page, EXPLORER)
    expect(page.locator(STATUS).first).to_contain_text("3 hand edits")
    expect(page.locator(".sw-segment-legend .sw-legend-row")).to_have_count(6)
    assert _legend_names(page) == shaped
    again.close()

    # --- the report of the published spec
    reader = browser.new_context(viewport=VIEWPORT)
    page = reader.new_page()
    page.set_default_timeout(60_000)
    page.goto(voila_server("report", {"SEGWIDGETS_SPECS_DIR": str(specs)}) + "?spec=shaped", timeout=120_000)
    wait_for_voila(page, ".sw-report")
    sections = page.locator(".sw-report-segment")
    expect(sections).to_have_count(6)
    names = [t.strip() for t in page.locator(".sw-report-segment .sw-report-name").all_inner_texts()]
    assert sorted(names) == sorted(shaped)
    page.set_viewport_size({"width": 1280, "height": 3000})
    save_screenshot(page, "shaping_report")
    reader.close()
