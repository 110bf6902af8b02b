"""The explorer app, served by `segwidgets app`'s own Voila command, opens in Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import expect

STUB = ".sw-explorer-stub"


def test_explorer_stub_shows_its_text(page, open_app, save_screenshot):
    open_app(page, "explorer", STUB)

    expect(page.locator(STUB)).to_contain_text("segwidgets explorer — loading data")
    # "7,050 rows from facebook_live_sellers_thailand.csv", or "no data" until it is bundled
    expect(page.locator(STUB)).to_contain_text(re.compile(r"[\d,]+ rows from \S+\.csv|no data"))
    save_screenshot(page, "explorer_stub")
    assert not [e for e in page.sw_errors if "page error" in e], page.sw_errors


def test_explorer_reads_the_file_it_is_given(page, open_app, tmp_path_factory):
    table = tmp_path_factory.mktemp("data") / "three_rows.csv"
    table.write_text("a,b\n1,2\n3,4\n5,6\n")

    open_app(page, "explorer", STUB, env={"SEGWIDGETS_DATA": str(table)})

    expect(page.locator(STUB)).to_contain_text("3 rows from three_rows.csv")


def test_the_page_makes_no_outside_request_and_keeps_its_template(
        page, voila_server, wait_for_voila):
    base = voila_server("explorer")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(base + "?template=lab&theme=dark")  # a visitor tries to switch the template
    wait_for_voila(page, STUB)

    outside = [url for url in requests
               if not url.startswith(base) and not url.startswith(("data:", "blob:"))]
    assert outside == []
    html = page.content()
    assert "fortawesome" not in html  # still our template, not "lab"
    assert "theme-light" in html
