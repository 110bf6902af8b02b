"""The explorer app in a real Voila server, driven in Chromium the way an analyst uses it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

EXPLORER = ".sw-explorer"
STATUS = ".sw-status"
ROWS = ".sw-profile-row"


def _slider_handle(page):
    return page.locator(".sw-k-slider [role=slider], .sw-k-slider .noUi-handle").first


def _upload(page, path) -> None:
    """Choose ``path`` in the explorer's upload button, as a person does."""
    with page.expect_file_chooser() as chooser:
        page.locator(".sw-upload").click()
    chooser.value.set_files(str(path))


def _download_labels(page):
    """The labelled rows as a person downloads them from the Download tab: the file's path."""
    page.get_by_role("tab", name="Download").click()  # a table this size: prepared ahead, one click
    link = page.locator(".sw-labels-link")
    expect(link).to_be_visible(timeout=60_000)
    with page.expect_download() as download:
        link.click()
    return download.value.path()


def _table(tmp_path_factory, name: str, text: str):
    path = tmp_path_factory.mktemp("upload") / name
    path.write_text(text)
    return path


def test_explorer_opens_on_the_demo_and_follows_the_keyboard(page, open_app, save_screenshot):
    open_app(page, "explorer", EXPLORER)
    expect(page.locator(STATUS)).to_contain_text("4 segments of 7,050 rows", timeout=60_000)
    expect(page.locator(ROWS)).to_have_count(4)
    expect(page.locator(".sw-embedding-scatter canvas").first).to_be_attached()
    save_screenshot(page, "explorer")
    page.set_viewport_size({"width": 1280, "height": 1500})  # every component, below the fold too
    for part in (".sw-feature-picker", ".sw-preprocessing-picker", ".sw-algorithm-picker",
                 ".sw-profile-table", ".sw-segment-legend", ".sw-status-bar"):
        expect(page.locator(part).first).to_be_visible()
    save_screenshot(page, "explorer_all_components")
    page.set_viewport_size({"width": 1280, "height": 800})

    _slider_handle(page).focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator(STATUS)).to_contain_text("5 segments of 7,050 rows", timeout=30_000)
    expect(page.locator(ROWS)).to_have_count(5)
    page.keyboard.press("ArrowLeft")
    expect(page.locator(STATUS)).to_contain_text("4 segments of 7,050 rows", timeout=30_000)
    expect(page.locator(ROWS)).to_have_count(4)
    save_screenshot(page, "explorer_after_slider")
    assert not [e for e in page.sw_errors if "page error" in e], page.sw_errors


def test_upload_a_table_then_a_bad_file_keeps_the_table(page, open_app, tmp_path_factory, save_screenshot):
    rows = "\n".join(f"{i},{(i * 7) % 13},{(i * 5) % 11},{'yes' if i % 2 else 'no'}" for i in range(60))
    good = _table(tmp_path_factory, "shop.csv", "customer_id,visits,spend,member\n" + rows + "\n")
    bad = _table(tmp_path_factory, "broken.csv", "")
    open_app(page, "explorer", EXPLORER)
    expect(page.locator(STATUS)).to_contain_text("7,050 rows", timeout=60_000)

    _upload(page, good)
    expect(page.locator(STATUS)).to_contain_text("of 60 rows", timeout=60_000)
    expect(page.locator(".sw-data-source")).to_contain_text("shop.csv")

    _upload(page, bad)
    expect(page.locator(STATUS)).to_contain_text("The file is empty", timeout=30_000)
    expect(page.locator(STATUS)).to_contain_text("previous data is still loaded")
    expect(page.locator(".sw-data-source")).to_contain_text("shop.csv")
    save_screenshot(page, "explorer_bad_upload")

    # still usable: the slider refits the table that stayed loaded
    _slider_handle(page).focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator(STATUS)).to_contain_text(re.compile(r"5 segments of 60 rows"), timeout=30_000)


def test_a_shared_link_opens_the_explorer_in_that_state(page, open_app):
    open_app(page, "explorer", EXPLORER, query="?k=6&features=num_shares,num_comments,num_likes")
    expect(page.locator(STATUS)).to_contain_text("6 segments of 7,050 rows · k-means · 3 features",
                                                 timeout=60_000)
    expect(page.locator(ROWS)).to_have_count(6)


def test_the_labelled_rows_download_as_csv(page, open_app):
    open_app(page, "explorer", EXPLORER)
    expect(page.locator(STATUS)).to_contain_text("4 segments", timeout=60_000)
    path = _download_labels(page)
    header = open(path, encoding="utf-8").readline()
    assert header.rstrip().endswith("segment,segment_name")


def test_a_file_given_on_the_command_line_that_cannot_be_segmented_says_why(page, open_app, tmp_path_factory):
    tiny = _table(tmp_path_factory, "three_rows.csv", "a,b\n1,2\n3,4\n5,6\n")
    open_app(page, "explorer", EXPLORER, env={"SEGWIDGETS_DATA": str(tiny)})
    expect(page.locator(STATUS)).to_contain_text("k=4 is too many: there are only 3 rows", timeout=60_000)


def test_the_page_makes_no_outside_request_and_keeps_its_template(page, voila_server, wait_for_voila):
    base = voila_server("explorer")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(base + "?template=lab&theme=dark", timeout=120_000)  # a visitor tries to switch the template
    wait_for_voila(page, EXPLORER)

    outside = [url for url in requests
               if not url.startswith(base) and not url.startswith(("data:", "blob:"))]
    assert outside == []
    html = page.content()
    assert "fortawesome" not in html  # still our template, not "lab"
    assert "theme-light" in html


def test_zip_binary_and_oversized_uploads_say_why_and_keep_the_demo(page, open_app, tmp_path_factory,
                                                                      save_screenshot):
    import zipfile

    folder = tmp_path_factory.mktemp("bad")
    archive = folder / "customers.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("customers.csv", "a,b\n1,2\n")
    binary = folder / "photo.csv"
    binary.write_bytes(bytes(range(256)) * 64)
    big = folder / "big.csv"
    big.write_bytes(b"a,b\n" + b"123456.5,654321.5\n" * 120_000)  # about 2 MB
    open_app(page, "explorer", EXPLORER, env={"SEGWIDGETS_UPLOAD_LIMIT_MB": "1"})
    expect(page.locator(STATUS)).to_contain_text("4 segments of 7,050 rows", timeout=60_000)
    expect(page.locator(".sw-data-panel")).to_contain_text("up to 1.0 MB")
    for path, words in ((archive, "ZIP archive"), (binary, "not a table we can read"),
                        (big, "the limit is 1.0 MB")):
        _upload(page, path)
        expect(page.locator(STATUS)).to_contain_text(words, timeout=60_000)
        expect(page.locator(STATUS)).to_contain_text("previous data is still loaded")
        expect(page.locator(".sw-data-source")).to_contain_text("facebook_live")
        expect(page.locator(ROWS)).to_have_count(4)
    save_screenshot(page, "explorer_refused_uploads")


def test_small_files_that_would_exhaust_the_server_are_refused_and_the_explorer_stays_usable(
        page, open_app, tmp_path_factory, save_screenshot):
    """The resource bombs of issue 14 through the upload button: refused in words before the
    work, the demo kept, and the slider still refits."""
    import importlib.util
    from pathlib import Path

    here = Path(__file__).resolve().parents[1] / "data" / "bad"
    spec = importlib.util.spec_from_file_location("make_corpus", here / "make_corpus.py")
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    bombs = {**corpus.large_cases(2 * 1024 * 1024), **corpus.CASES}
    folder = tmp_path_factory.mktemp("bombs")
    open_app(page, "explorer", EXPLORER)
    expect(page.locator(STATUS)).to_contain_text("4 segments of 7,050 rows", timeout=60_000)
    for name in ("expands_to_22_million_cells.parquet", "hundred_thousand_columns.csv", "wide_sheet.xlsx",
                 "unpacks_to_3_gb.xlsx", "sixty_wide_categories.csv"):
        data, (_, words) = bombs[name]
        (folder / name).write_bytes(data)
        _upload(page, folder / name)
        for phrase in (words,) if isinstance(words, str) else words:
            expect(page.locator(STATUS)).to_contain_text(phrase, timeout=60_000)
        expect(page.locator(STATUS)).to_contain_text("previous data is still loaded")
        expect(page.locator(".sw-data-source")).to_contain_text("facebook_live")
        expect(page.locator(ROWS)).to_have_count(4)
    save_screenshot(page, "explorer_refused_bombs")
    _slider_handle(page).focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator(STATUS)).to_contain_text("5 segments of 7,050 rows", timeout=60_000)
    expect(page.locator(ROWS)).to_have_count(5)


def test_a_real_export_gets_the_roles_an_analyst_would_give_and_comes_back_as_read(page, open_app):
    """The CRM export of tests/data/exports: ids and zips stay text, codes are categories, a role
    changed from its menu refits, and the downloaded rows are the cells as they were read."""
    import csv
    from pathlib import Path

    export = Path(__file__).resolve().parents[1] / "data" / "exports" / "crm_export.csv"
    open_app(page, "explorer", EXPLORER)
    expect(page.locator(STATUS)).to_contain_text("7,050 rows", timeout=60_000)
    _upload(page, export)
    expect(page.locator(STATUS)).to_contain_text("of 1,000 rows", timeout=60_000)
    notes = page.locator(".sw-load-notes")
    expect(notes).to_contain_text("tenure_months")  # the same duration as tenureDays: left out
    expect(notes).to_contain_text("any_purchase")

    def row(name: str):  # a column's row, found by its role menu's tooltip
        return page.locator(".sw-feature-row").filter(has=page.locator(f"select[title='What {name} is']"))

    expect(row("region").locator("select")).to_have_value("category")  # the menu shows the role's word
    expect(row("region")).to_contain_text("codes")
    row("region").locator("select").select_option(label="ignored")
    expect(page.locator(STATUS)).to_contain_text("of 1,000 rows", timeout=30_000)
    expect(row("region")).to_have_count(0)  # ignored: listed only with "Show all columns"
    page.locator(".sw-feature-show-all input").check()
    expect(row("zip").locator("select")).to_have_value("identifier")
    expect(row("region")).to_contain_text("set by you")
    expect(page.locator(STATUS)).not_to_contain_text("wrong")

    with open(_download_labels(page), encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    with open(export, encoding="utf-8", newline="") as handle:
        given_header, *given = list(csv.reader(handle))
    assert header[:len(given_header)] == given_header
    assert header[len(given_header):] == ["segwidgets_segment", "segwidgets_segment_name"]  # "segment" is taken
    for column in ("user_hash", "zip", "customer_id"):
        at = given_header.index(column)
        assert [r[at] for r in rows] == [g[at] for g in given]
