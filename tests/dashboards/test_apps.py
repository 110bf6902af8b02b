"""A link's settings reach a model that was built before the link was read (preheated kernels);
the report app reads its data only from regular files in its data folder."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import ipywidgets as w
import numpy as np
import pandas as pd
import pytest

from segwidgets import Report, Segmentation
from segwidgets.dashboards.apps import DATA_CHANGED, apply_link_settings, report_app
from segwidgets.widgets import DownloadPanel
from tests.helpers import html_of


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


# ------------------------------------------------------- the report app's data confinement
#: A value only the file outside the data folder holds.
SECRET = "hunter2-secret-cell"
NOT_IN_FOLDER = "This report's data is not in the server's data folder."


def _tree(widget: w.Widget) -> list[w.Widget]:
    out = [widget]
    for child in getattr(widget, "children", ()):
        out.extend(_tree(child))
    return out


def _within(call, timeout: float = 60.0):
    """``call()``, failing instead of hanging when it does not return in ``timeout`` seconds."""
    out: dict = {}
    thread = threading.Thread(target=lambda: out.setdefault("value", call()), daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"the report app did not return within {timeout} s"
    return out["value"]


@pytest.fixture()
def served(tmp_path, make_frame, monkeypatch):
    """A specs folder holding a good report, its data file beside it, and a spec writer."""
    for name in ("SEGWIDGETS_SPECS_DIR", "SEGWIDGETS_SPEC", "SEGWIDGETS_DATA_DIR", "SEGWIDGETS_UPLOAD_LIMIT_MB"):
        monkeypatch.delenv(name, raising=False)
    specs = tmp_path / "specs"
    specs.mkdir()
    frame = make_frame(300, centers=3, features=2, std=0.6, seed=5, columns=["spend", "visits"])
    frame.to_csv(specs / "customers.csv", index=False)
    outside = tmp_path / "private"
    outside.mkdir()
    secret = frame.assign(note=SECRET)
    secret.to_csv(outside / "secret.csv", index=False)
    model = Segmentation(str(specs / "customers.csv"), k=3, background=False)
    model.rename(model.segment_ids[0], "Shown to everyone")
    spec = model.spec.replace(source="customers.csv")  # the data folder's name for its file
    model.close()
    assert spec.data_sha256 is not None

    def write(name: str, **changes) -> str:
        (specs / f"{name}.json").write_text(spec.replace(**changes).to_json())
        return name

    write("good")
    return specs, outside, spec, write


def _refused(app: w.Widget, message: str = NOT_IN_FOLDER, *places: Path) -> str:
    assert not isinstance(app, Report)
    assert "sw-app-error" in app._dom_classes
    page = html_of(app)
    assert message.replace("'", "&#x27;") in page
    assert not any(isinstance(part, DownloadPanel) for part in _tree(app))
    assert SECRET not in page and "root:" not in page and "spend" not in page
    for place in places:
        assert str(place) not in page
    return page


def test_the_report_reads_a_data_file_from_its_folder_and_shows_the_segments(served):
    specs, _, _, _ = served
    app = report_app(query="?spec=good", specs_dir=specs)
    assert isinstance(app, Report)
    assert "Shown to everyone" in app.body.value and len(app.model.segment_ids) == 3
    assert app.model.source == "customers.csv"  # no path of the server in the report
    assert str(specs) not in html_of(app)


def test_the_data_folder_can_be_another_folder(served, monkeypatch, tmp_path):
    specs, _, _, _ = served
    data = tmp_path / "data"
    data.mkdir()
    (specs / "customers.csv").rename(data / "customers.csv")
    _refused(report_app(query="?spec=good", specs_dir=specs))  # not in the specs folder any more
    assert isinstance(report_app(query="?spec=good", specs_dir=specs, data_dir=data), Report)
    monkeypatch.setenv("SEGWIDGETS_DATA_DIR", str(data))
    assert isinstance(report_app(query="?spec=good", specs_dir=specs), Report)
    assert isinstance(report_app(spec=specs / "good.json", query=""), Report)  # `segwidgets report SPEC`


def test_a_spec_given_by_path_reads_its_data_beside_it_not_in_the_working_folder(served, monkeypatch):
    specs, outside, _, _ = served
    assert isinstance(report_app(spec=specs / "good.json", query=""), Report)
    monkeypatch.chdir(outside)
    (outside / "customers.csv").write_text((specs / "customers.csv").read_text())
    (specs / "customers.csv").unlink()
    _refused(report_app(spec=specs / "good.json", query=""), NOT_IN_FOLDER, specs, outside)


@pytest.mark.parametrize("kind", ["/etc/passwd", "absolute", "../private/secret.csv", "link out", "/dev/zero",
                                  "link to /dev/zero", "folder", "C:/data.csv", "http://example.com/x.csv"])
def test_a_report_whose_data_is_outside_the_folder_is_refused_in_words(served, kind):
    specs, outside, _, write = served
    source = kind
    if kind == "absolute":
        source = str(outside / "secret.csv")
    elif kind == "link out":
        (specs / "escape.csv").symlink_to(outside / "secret.csv")
        source = "escape.csv"
    elif kind == "link to /dev/zero":
        (specs / "zero.csv").symlink_to("/dev/zero")
        source = "zero.csv"
    elif kind == "folder":
        (specs / "folder.csv").mkdir()
        source = "folder.csv"
    write("bad", source=source, data_sha256=None)  # no fingerprint to hide behind
    message = ("This report's data is not an ordinary file (it is a folder, a device or a pipe), "
               "so the report cannot show it.") if kind == "folder" else NOT_IN_FOLDER
    _refused(_within(lambda: report_app(query="?spec=bad", specs_dir=specs)), message, specs, outside)


def test_a_fifo_as_data_is_refused_promptly(served):
    specs, _, _, write = served
    os.mkfifo(specs / "pipe.csv")
    write("pipe", source="pipe.csv", data_sha256=None)
    app = _within(lambda: report_app(query="?spec=pipe", specs_dir=specs), timeout=20)
    _refused(app, "This report's data is not an ordinary file (it is a folder, a device or a pipe), "
                  "so the report cannot show it.", specs)


def test_a_data_file_over_the_upload_limit_is_refused(served, monkeypatch):
    specs, _, _, _ = served
    monkeypatch.setenv("SEGWIDGETS_UPLOAD_LIMIT_MB", "1")
    with open(specs / "customers.csv", "a") as handle:
        handle.write("1.0,2.0\n" * 140_000)  # 1.1 MB
    _refused(report_app(query="?spec=good", specs_dir=specs),
             "This report's data file is larger than the limit of 1.0 MB.", specs)


def test_a_data_file_changed_since_the_report_was_saved_is_refused(served):
    specs, _, _, write = served
    with open(specs / "customers.csv", "a") as handle:
        handle.write("1.0,2.0\n")  # one more row: not the data the report was saved with
    _refused(report_app(query="?spec=good", specs_dir=specs), DATA_CHANGED, specs)
    assert DATA_CHANGED == ("The data file of this report has changed since the report was saved, so the "
                            "report would not show what was saved. Publish the report again.")
    write("old", data_sha256=None)  # a report saved before fingerprints: read as it is
    assert isinstance(report_app(query="?spec=old", specs_dir=specs), Report)


def test_a_saved_spec_records_its_datas_fingerprint_through_json(served):
    import hashlib

    from segwidgets import SegmentationSpec

    specs, _, spec, _ = served
    assert spec.data_sha256 == hashlib.sha256((specs / "customers.csv").read_bytes()).hexdigest()
    assert SegmentationSpec.from_json(spec.to_json()).data_sha256 == spec.data_sha256
    assert "data_sha256" not in spec.to_query()
    model = Segmentation(pd.read_csv(specs / "customers.csv"), background=False)
    assert model.spec.data_sha256 is None  # a DataFrame has no file
    model.close()


def test_the_explorer_app_has_a_tab_to_write_and_publish_the_report(tmp_path, monkeypatch):
    from segwidgets.dashboards.apps import explorer_app
    from segwidgets.widgets.publish_panel import PublishPanel

    monkeypatch.setenv("SEGWIDGETS_SPECS_DIR", str(tmp_path))
    monkeypatch.setenv("SEGWIDGETS_REPORT_URL", "http://127.0.0.1:8867/")
    monkeypatch.setenv("SEGWIDGETS_UMAP_WARMUP", "0")
    app = explorer_app(query="?k=3")
    titles = [app.tabs.get_title(i) for i in range(len(app.tabs.children))]
    panel = app.tabs.children[titles.index("Publish")]
    assert isinstance(panel, PublishPanel) and panel.folder == tmp_path
    panel.name.value = "q3"
    assert panel.publish().link == "http://127.0.0.1:8867/?spec=q3"
    assert (tmp_path / "q3.json").is_file()
    app.close()
    app.model.close()
