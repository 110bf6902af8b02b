"""What a person notices in the first five minutes of the explorer, checked in Chromium.

The upload button says "Upload table" (no "(0)"), the sample CSV says its size, the sweep's
silhouette axis reads in plain decimals, the silhouette names do not overlap, the tree's branches
wear their segment's colour with each leaf's rows under it, Explain names a row by its
identifier, a small download says its real size, and HDBSCAN's dozens of segments are said
with one click to fewer. Screenshots: tests/artifacts/screenshots/first-minutes-*.png.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

EXPLORER = ".sw-explorer"
STATUS = ".sw-status"


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def boxes_overlap(a, b) -> bool:
    return not (a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
                or a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"])


def test_the_first_five_minutes(page, open_app, save_screenshot):
    open_app(page, "explorer", EXPLORER)
    expect(page.locator(STATUS)).to_contain_text("4 segments of 7,050 rows", timeout=60_000)
    page.set_viewport_size({"width": 1280, "height": 1400})

    upload = page.locator(".sw-upload")
    after = upload.evaluate("e => getComputedStyle(e, '::after').content")
    assert after == '"Upload table"', after
    assert upload.evaluate("e => getComputedStyle(e).fontSize") == "0px"  # "Upload table (0)" unseen
    expect(page.locator(".sw-sample-link").locator("xpath=..")).to_contain_text(re.compile(r"\d KB, 20 rows"))
    save_screenshot(page, "first-minutes-data")

    open_tab(page, "Choose k")
    page.locator(".sw-sweep-run").click()
    expect(page.locator(".sw-sweep-reading")).to_contain_text("look for the bend", timeout=120_000)
    page.locator(".sw-sweep-metric select").select_option(label="Silhouette")
    expect(page.locator(".sw-sweep-reading")).to_contain_text("higher is better")
    ticks = page.locator(".sw-sweep-plot .axis").nth(1).locator(".tick text")
    expect(ticks.first).to_have_text(re.compile(r"^[-−]?\d+(\.\d+)?$"))
    texts = ticks.all_text_contents()
    assert texts and all(re.fullmatch(r"[-−]?\d+(\.\d+)?", t) for t in texts), texts  # never "800m"
    assert len(set(texts)) == len(texts), texts  # decimals enough to tell the ticks apart
    save_screenshot(page, "first-minutes-sweep-silhouette")

    open_tab(page, "Silhouette")
    expect(page.locator(".sw-silhouette-message")).to_contain_text("Mean silhouette", timeout=60_000)
    names = page.locator(".sw-silhouette-figure text.label")
    expect(names).to_have_count(4)
    boxes = [names.nth(i).bounding_box() for i in range(4)]
    figure = page.locator(".sw-silhouette-figure").bounding_box()
    for i, a in enumerate(boxes):
        assert figure["x"] <= a["x"] and a["x"] + a["width"] <= figure["x"] + figure["width"]  # not clipped
        assert not any(boxes_overlap(a, b) for b in boxes[i + 1:]), boxes
    save_screenshot(page, "first-minutes-silhouette")

    open_tab(page, "Tree")
    expect(page.locator(".sw-dendrogram-message")).to_contain_text("sample", timeout=60_000)
    expect(page.locator(".sw-dendrogram-cut")).to_contain_text("4 segments")
    strokes = page.locator(".sw-dendrogram-figure path.line").evaluate_all(
        "els => [...new Set(els.map(e => getComputedStyle(e).stroke))]")
    assert len(strokes) >= 5, strokes  # four segment colours and the grey above the cut
    expect(page.locator(".sw-dendrogram-figure text.label").first).to_have_text(re.compile(r"^[\d,]+$"))
    leaf = page.locator(".sw-dendrogram-figure text.label").first.bounding_box()
    plot = page.locator(".sw-dendrogram-figure").bounding_box()
    assert leaf["height"] > 0 and leaf["y"] + leaf["height"] <= plot["y"] + plot["height"], (leaf, plot)
    save_screenshot(page, "first-minutes-tree")

    open_tab(page, "Explain")
    message = page.locator(".sw-explain-row-message")
    expect(message).to_contain_text("status_id", timeout=60_000)
    expect(message).not_to_contain_text("Row 0 ")
    save_screenshot(page, "first-minutes-explain")

    open_tab(page, "Download")  # every file prepared ahead: one click each, its size beside it
    ready = page.locator(".sw-download-ready")
    for cls in ("labels", "excel", "spec", "report"):
        expect(ready.locator(f".sw-{cls}-link")).to_be_visible(timeout=60_000)
    expect(ready).to_contain_text(re.compile(r"Settings \(JSON\) \(\d[\d,.]* (bytes|KB)\)"))
    expect(ready).not_to_contain_text("(0 KB)")
    expect(page.locator(".sw-download-labels")).to_be_hidden()
    with page.expect_download() as download:
        ready.locator(".sw-labels-link").click()
    assert download.value.suggested_filename == "segments.csv"
    save_screenshot(page, "first-minutes-download")

    page.locator(".sw-algorithm-dropdown select").select_option(label="HDBSCAN (density)")
    many = page.locator(".sw-many-segments")
    expect(many).to_contain_text("segments were found", timeout=120_000)
    found = int(re.search(r"(\d+) segments were found", many.inner_text())[1])
    assert found > 12
    expect(page.locator(STATUS)).to_contain_text(re.compile(rf"{found} segments of [\d,]+ rows · HDBSCAN"))
    save_screenshot(page, "first-minutes-many-segments")
    page.locator(".sw-fewer-segments").click()
    expect(page.locator(STATUS)).not_to_contain_text(f"{found} segments", timeout=120_000)
    expect(page.locator(STATUS)).to_contain_text("HDBSCAN")
    save_screenshot(page, "first-minutes-fewer-segments")
    assert not [e for e in page.sw_errors if "page error" in e], page.sw_errors
