"""The stakeholder report in a real Voila server: opened from a saved spec, refusing anything else."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from segwidgets import Segmentation

REPORT = ".sw-report"


@pytest.fixture(scope="module")
def specs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("specs")
    model = Segmentation("facebook_live", k=5, seed=2, background=False)
    biggest = int(model.profile.summary["size"].idxmax())
    model.rename(biggest, "Everyday posts")
    model.save(folder / "q3-review.json")
    (tmp_path_factory.mktemp("private") / "secret.json").write_text(model.spec.to_json())
    return folder


def test_the_report_shows_names_sizes_descriptions_and_map(page, open_app, specs, save_screenshot):
    open_app(page, "report", REPORT, env={"SEGWIDGETS_SPECS_DIR": str(specs)}, query="?spec=q3-review")
    cards = page.locator(".sw-segment-card")
    expect(cards).to_have_count(5, timeout=60_000)
    expect(cards.filter(has_text="Everyday posts")).to_have_count(1)
    expect(cards.first).to_contain_text("% of all rows")
    expect(cards.first).to_contain_text("the average")
    expect(page.locator(".sw-profile-row")).to_have_count(5)
    expect(page.locator(".sw-embedding-scatter canvas").first).to_be_attached()
    expect(page.locator(".sw-k-slider")).to_have_count(0)  # nothing here refits
    save_screenshot(page, "report")


@pytest.mark.parametrize("name", ["../private/secret", "/etc/passwd", "http://example.com/spec", "nope"])
def test_a_spec_outside_the_folder_is_refused_in_words(page, open_app, specs, name):
    open_app(page, "report", ".sw-app-error", env={"SEGWIDGETS_SPECS_DIR": str(specs)},
             query="?spec=" + name)
    expect(page.locator(".sw-app-error")).to_contain_text("report")
    assert str(specs) not in page.content()
