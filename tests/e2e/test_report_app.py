"""The stakeholder report in a real Voila server: opened from a saved spec, refusing anything else."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from segwidgets import Segmentation

REPORT = ".sw-report"


#: A name only the secret spec outside the specs folder carries.
SECRET_NAME = "Top secret segment"


@pytest.fixture(scope="module")
def specs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("specs")
    model = Segmentation("facebook_live", k=5, seed=2, background=False)
    biggest = int(model.profile.summary["size"].idxmax())
    model.rename(biggest, "Everyday posts")
    model.save(folder / "q3-review.json")
    model.rename(biggest, SECRET_NAME)
    secret = tmp_path_factory.mktemp("private") / "secret.json"  # pytest names it private0, private1 ...
    secret.write_text(model.spec.to_json())
    (folder / "escape.json").symlink_to(secret)  # a link inside the folder to a file outside it
    return folder, secret


def test_the_report_shows_names_sizes_charts_and_descriptions(page, open_app, specs, save_screenshot):
    folder, _ = specs
    open_app(page, "report", REPORT, env={"SEGWIDGETS_SPECS_DIR": str(folder)}, query="?spec=q3-review")
    cards = page.locator(".sw-report-segment")
    expect(cards).to_have_count(5, timeout=60_000)
    expect(cards.filter(has_text="Everyday posts")).to_have_count(1)
    expect(cards.first).to_contain_text("% of all rows")
    expect(cards.first).to_contain_text("the average")
    expect(cards.first.locator("svg.sw-chart")).to_have_count(1)
    expect(page.locator(".sw-report-sizes svg")).to_have_count(1)
    for control in (".sw-k-slider", ".sw-embedding-scatter", ".sw-segment-legend", ".sw-profile-table"):
        expect(page.locator(control)).to_have_count(0)  # nothing here refits, filters or selects
    save_screenshot(page, "report")


@pytest.mark.parametrize("name", ["<outside>", "escape", "/etc/passwd", "http://example.com/spec", "nope"])
def test_a_spec_outside_the_folder_is_refused_in_words(page, open_app, specs, name):
    folder, secret = specs
    if name == "<outside>":  # the secret's real path, relative to the folder: ../private0/secret
        name = os.path.relpath(secret.with_suffix(""), folder)
        assert (folder / f"{name}.json").resolve() == secret.resolve(), "the traversal must reach a real file"
    open_app(page, "report", ".sw-app-error", env={"SEGWIDGETS_SPECS_DIR": str(folder)},
             query="?spec=" + name)
    expect(page.locator(".sw-app-error")).to_contain_text("report")
    expect(page.locator(REPORT)).to_have_count(0)
    expect(page.locator(".sw-report-segment")).to_have_count(0)
    content = page.content()
    assert SECRET_NAME not in content  # nothing of the file outside the folder reaches the page
    assert str(folder) not in content and str(secret.parent) not in content


def test_a_spec_whose_data_is_outside_the_data_folder_is_refused_in_words(page, open_app, specs):
    folder, _ = specs
    leak = Segmentation("facebook_live", k=3, background=False).spec.replace(source="/etc/passwd",
                                                                             data_sha256=None)
    (folder / "passwords.json").write_text(leak.to_json())
    open_app(page, "report", ".sw-app-error", env={"SEGWIDGETS_SPECS_DIR": str(folder)},
             query="?spec=passwords")
    expect(page.locator(".sw-app-error")).to_have_text("This report's data is not in the server's data folder.")
    expect(page.locator(REPORT)).to_have_count(0)
    expect(page.locator(".sw-report-segment")).to_have_count(0)
    expect(page.locator("a[download]")).to_have_count(0)  # no download link
    expect(page.locator(".sw-download-labels, .sw-download-excel")).to_have_count(0)
    content = page.content()
    assert "root:x:0:0" not in content and "nologin" not in content  # not one row of the file
    assert "Traceback" not in content and "Error" not in page.locator("body").inner_text()
    assert str(folder) not in content
