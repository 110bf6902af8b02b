"""The analyst publishes from the explorer; a stakeholder opens the link in a fresh browser on a
fresh report server; the static HTML opens from disk with the network blocked, and prints.

One story in Chromium against real Voila servers (no mocks): upload, name, recommend, publish,
read, download the report as one file, open it offline, print it to PDF."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, VIEWPORT

EXPLORER = ".sw-explorer"
STATUS = ".sw-status"
TITLE = "Q3 customer review"
INTRO = "Who our customers are, in four groups, and what to do about each."


def _shop_csv(folder):
    """300 customers in four well-separated groups, with ids that must survive as written."""
    rng = np.random.default_rng(4)
    centres = [(20, 2), (80, 3), (40, 12), (150, 15)]
    lines = ["customer_id,spend,visits,channel"]
    for i in range(300):
        spend, visits = centres[i % 4]
        lines.append(f"00{1000 + i},{spend + rng.normal(0, 3):.2f},{max(visits + rng.normal(0, 1), 0):.1f},"
                     f"{'web' if i % 4 in (0, 3) else 'store'}")
    path = folder / "shop export.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _type(locator, text: str) -> None:
    """Type into a text box and leave it, as a person does (the value is sent on blur)."""
    locator.fill(text)
    locator.press("Tab")


def test_publish_read_download_offline_and_print(browser, voila_server, wait_for_voila, tmp_path_factory,
                                                save_screenshot):
    specs = tmp_path_factory.mktemp("published")
    upload = _shop_csv(tmp_path_factory.mktemp("upload"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # --- the analyst, in the explorer
    analyst = browser.new_context(viewport=VIEWPORT, permissions=["clipboard-read", "clipboard-write"])
    page = analyst.new_page()
    page.set_default_timeout(30_000)
    page.goto(voila_server("explorer", {"SEGWIDGETS_SPECS_DIR": str(specs)}), timeout=120_000)
    wait_for_voila(page, EXPLORER)
    expect(page.locator(STATUS)).to_contain_text("7,050 rows", timeout=60_000)
    with page.expect_file_chooser() as chooser:
        page.locator(".sw-upload").click()
    chooser.value.set_files(str(upload))
    expect(page.locator(STATUS)).to_contain_text("4 segments of 300 rows", timeout=60_000)

    page.get_by_role("tab", name="Publish").click()
    panel = page.locator(".sw-publish-panel")
    expect(panel.locator(".sw-publish-segment")).to_have_count(4)
    _type(panel.locator(".sw-publish-title input"), TITLE)
    _type(panel.locator(".sw-publish-intro textarea"), INTRO)
    _type(panel.locator(".sw-publish-segment-name input").first, "Weekend browsers")
    plans = {}
    for i in range(4):
        plan = f"Plan {i + 1}: call these customers before the spring sale."
        _type(panel.locator(".sw-publish-recommendation textarea").nth(i), plan)
        plans[i] = plan
    panel.locator(".sw-publish-share-rows input").check()
    expect(panel.locator(".sw-publish-segment-name input").first).to_have_value("Weekend browsers")
    names = [panel.locator(".sw-publish-segment-name input").nth(i).input_value() for i in range(4)]
    assert "Weekend browsers" in names and len(set(names)) == 4

    _type(panel.locator(".sw-publish-name input"), "q3/../../etc")  # refused in words, nothing written
    panel.locator(".sw-publish-button").click()
    expect(panel.locator(".sw-publish-result")).to_contain_text("cannot be a report name")
    _type(panel.locator(".sw-publish-name input"), "q3-review")
    panel.locator(".sw-publish-button").click()
    expect(panel.locator(".sw-publish-result")).to_contain_text("Published q3-review")
    link = panel.locator(".sw-report-link-box input").input_value()
    assert link == "?spec=q3-review"
    assert sorted(p.name for p in specs.iterdir()) == ["q3-review.json", "q3-review.parquet",
                                                       "q3-review.report.json"]
    # "Copy link" for the explorer's own state: a full address that opens it as it is
    panel.locator(".sw-explorer-link-box button").click()
    expect(panel.locator(".sw-explorer-link-box button")).to_have_text("Copied")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("http://127.0.0.1:") and "k=4" in copied and "name." in copied
    page.set_viewport_size({"width": 1280, "height": 1600})
    save_screenshot(page, "publish_panel")
    analyst.close()

    # --- a stakeholder, in a fresh browser context, on a fresh report server
    reader = browser.new_context(viewport=VIEWPORT)
    page = reader.new_page()
    page.set_default_timeout(30_000)
    report_url = voila_server("report", {"SEGWIDGETS_SPECS_DIR": str(specs)})
    page.goto(report_url + link, timeout=120_000)
    wait_for_voila(page, ".sw-report")
    expect(page.locator(".sw-published-report")).to_have_count(1)  # shown as published: no refit
    sections = page.locator(".sw-report-segment")
    expect(sections).to_have_count(4, timeout=60_000)
    expect(page.locator(".sw-report-title")).to_have_text(TITLE)
    expect(page.locator(".sw-report-intro")).to_contain_text(INTRO)
    expect(page.locator(".sw-report-overview")).to_contain_text("The 300 rows fall into 4 segments")
    for name in names:
        expect(sections.filter(has_text=name)).to_have_count(1)
    for plan in plans.values():
        expect(page.locator(".sw-report-recommendation", has_text=plan)).to_have_count(1)
    expect(page.locator(".sw-report-segment svg.sw-chart")).to_have_count(4)  # one per segment
    for control in (".sw-k-slider", ".sw-embedding-scatter", ".sw-segment-legend", ".sw-profile-table",
                    "input[type=range]", ".sw-download-spec:visible"):
        expect(page.locator(control)).to_have_count(0)
    body = page.locator("body").inner_text()
    assert " s\n" not in body and str(specs) not in page.content() and "shop export" not in body
    page.set_viewport_size({"width": 1280, "height": 3200})  # the whole report in one picture
    save_screenshot(page, "report_published")
    page.set_viewport_size(VIEWPORT)

    page.locator(".sw-download-report").click()
    expect(page.locator(".sw-report-link")).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        page.locator(".sw-report-link").click()
    static = ARTIFACTS / "report_static.html"
    download.value.save_as(str(static))
    reader.close()

    # --- the static file, opened from disk with every request outside it refused
    offline = browser.new_context(viewport=VIEWPORT)
    asked: list[str] = []

    def refuse(route):
        asked.append(route.request.url)
        route.abort()

    offline.route(lambda url: not url.startswith(("file:", "data:")), refuse)
    page = offline.new_page()
    page.goto(static.as_uri())
    sections = page.locator(".sw-report-segment")
    expect(sections).to_have_count(4)
    for name in names:
        expect(sections.filter(has_text=name)).to_have_count(1)
    expect(page.locator("a.sw-report-rows")).to_have_count(1)  # the analyst allowed the rows
    assert page.locator("a.sw-report-rows").get_attribute("href").startswith("data:text/csv;base64,")
    assert asked == [], asked
    save_screenshot(page, "report_static_offline")
    pdf = ARTIFACTS / "report_static.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    last = sections.last
    last_name = last.locator(".sw-report-name").inner_text()
    last_plan = last.locator(".sw-report-recommendation").inner_text()
    offline.close()

    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is needed to read the PDF"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    for name in names:
        assert name in flat
    assert last_name in flat and " ".join(last_plan.split()) in flat  # the last section is all there
    assert "How the segments were found" in flat
