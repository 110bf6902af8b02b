"""Labelling a table of any size on Dask (segwidgets.labelling, ``segwidgets label``): the
analyst saved the tuned segmentation; the full table, split over several files and
partitions, gets exactly the model's segments, on a real LocalCluster."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from segwidgets import cli
from segwidgets.core import artefact
from segwidgets.errors import SegwidgetsDataError, SegwidgetsValueError
from segwidgets.labelling import label

distributed = pytest.importorskip("distributed")

ALGORITHMS = ("kmeans", "minibatch_kmeans", "gmm", "ward", "average", "complete", "hdbscan")
FEATURES = ["a", "b", "c", "channel"]


@pytest.fixture(scope="module")
def client():
    """One small real cluster for the module: 2 worker processes × 1 thread."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def customers(tmp_path_factory):
    """1,500 customers in one Parquet file (fitted on), and the same rows as 3 Parquet files and
    as 3 CSV files (labelled)."""
    from tests.helpers import blob_frame

    root = tmp_path_factory.mktemp("customers")
    frame = blob_frame(1500, centers=4, std=1.5, channel=True, ids=("customer_id", "C"))
    frame["customer_id"] = [f"{i:07d}" for i in range(len(frame))]  # zeros that must survive a CSV
    frame.to_parquet(root / "customers.parquet")
    (root / "parquet").mkdir()
    (root / "csv").mkdir()
    for part, rows in enumerate(np.array_split(np.arange(len(frame)), 3)):
        frame.iloc[rows].to_parquet(root / "parquet" / f"part{part}.parquet")
        frame.iloc[rows].to_csv(root / "csv" / f"part{part}.csv", index=False)
    return frame, root


def saved(make_model, root, tmp_path, algorithm="kmeans", **settings):
    params = {"min_cluster_size": 40} if algorithm == "hdbscan" else {}
    model = make_model(root / "customers.parquet", k=4, algorithm=algorithm, features=FEATURES, params=params,
                       **settings)
    model.save_artefact(tmp_path / "seg.json")
    return model, tmp_path / "seg.json"


def written(folder) -> pd.DataFrame:
    return pd.read_parquet(folder).sort_values("customer_id").reset_index(drop=True)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_row_of_many_files_gets_the_models_segment(client, customers, make_model, tmp_path, algorithm):
    frame, root = customers
    model, spec = saved(make_model, root, tmp_path, algorithm)
    reference = model.predict(frame)
    for kind in ("parquet", "csv"):
        summary = label(spec, root / kind, tmp_path / f"out_{kind}", client=client, blocksize=20_000)
        out = written(tmp_path / f"out_{kind}")

        assert summary.files == 3 and summary.partitions >= 3 and summary.rows == len(frame)
        assert out["customer_id"].tolist() == frame["customer_id"].tolist()  # "0000017" kept as written
        assert out["segment"].tolist() == reference["segment"].tolist()
        assert out["segment_name"].tolist() == reference["segment_name"].tolist()
        if algorithm in ("kmeans", "minibatch_kmeans", "gmm"):
            assert out["segment"].to_numpy(dtype=np.int64).tolist() == model.labels.tolist()
        assert summary.segments["rows"].sum() == len(frame) and not summary.unplaced
    if algorithm in ("ward", "hdbscan"):
        assert summary.rule == "nearest centre" and "nearest segment centre" in summary.text()


def test_csv_partitions_smaller_than_a_file_give_the_same_labels(client, customers, make_model, tmp_path):
    frame, root = customers
    model, spec = saved(make_model, root, tmp_path)
    summary = label(spec, root / "csv" / "part1.csv", tmp_path / "out", client=client, blocksize=5_000)
    assert summary.partitions > 1 and summary.files == 1
    rows = np.array_split(np.arange(len(frame)), 3)[1]
    assert written(tmp_path / "out")["segment"].to_numpy(dtype=np.int64).tolist() == model.labels[rows].tolist()


def test_unplaced_rows_are_written_and_counted(client, customers, make_model, tmp_path):
    frame, root = customers
    model, spec = saved(make_model, root, tmp_path)
    odd = frame.head(10).astype({"a": object})
    odd.loc[0, ["a", "b", "c", "channel"]] = None
    odd.loc[1, "a"] = "n/a?"
    (tmp_path / "odd").mkdir()
    odd.to_csv(tmp_path / "odd" / "odd.csv", index=False)
    summary = label(spec, tmp_path / "odd", tmp_path / "out", client=client)
    out = written(tmp_path / "out")
    assert len(out) == 10 and summary.rows == 10
    assert summary.unplaced == {artefact.UNPLACED_ALL_MISSING: 1, artefact.UNPLACED_UNREADABLE: 1}
    assert out["segment"].isna().sum() == 2
    assert "2 rows (20.0%) have no segment" in summary.text()


def test_drift_says_what_moved(client, customers, make_model, tmp_path):
    frame, root = customers
    model, spec = saved(make_model, root, tmp_path)
    moved = frame.assign(a=frame["a"] + 10)
    moved.to_parquet(tmp_path / "moved.parquet")
    summary = label(spec, tmp_path / "moved.parquet", tmp_path / "out", client=client, drift=True)
    assert summary.drift.features.loc["a", "verdict"] == "large shift"
    assert summary.drift.features.loc["b", "verdict"] == "stable"
    assert summary.drift.segments["change"].abs().max() > 0.05  # the move sends rows to other segments
    assert "Feature drift" in summary.text()


# ---------------------------------------------------------------- refusals in words
def test_bad_inputs_are_refused_in_words(client, customers, make_model, tmp_path):
    frame, root = customers
    model, spec = saved(make_model, root, tmp_path)
    frame.drop(columns=["b"]).to_parquet(tmp_path / "nob.parquet")
    with pytest.raises(SegwidgetsDataError, match="The input has no column 'b'"):
        label(spec, tmp_path / "nob.parquet", tmp_path / "o1", client=client)
    frame.assign(a=frame["a"].astype(str) + " EUR").to_parquet(tmp_path / "text.parquet")
    with pytest.raises(SegwidgetsDataError, match="'a' holds text .* uses it as numbers"):
        label(spec, tmp_path / "text.parquet", tmp_path / "o2", client=client)
    with pytest.raises(SegwidgetsDataError, match="no id column 'account'"):
        label(spec, root / "parquet", tmp_path / "o3", client=client, id_columns=["account"])
    with pytest.raises(SegwidgetsValueError, match="no file or folder"):
        label(spec, tmp_path / "nowhere", tmp_path / "o4", client=client)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    with pytest.raises(SegwidgetsValueError, match="already exists and is not an empty folder"):
        label(spec, root / "parquet", tmp_path / "full", client=client)
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"


def test_a_spec_for_other_data_or_an_unloadable_model_is_refused(client, customers, make_model, tmp_path):
    frame, root = customers
    model, spec = saved(make_model, root, tmp_path)
    data = json.loads(spec.read_text())
    data["data_sha256"] = "f" * 64
    spec.write_text(json.dumps(data))
    with pytest.raises(SegwidgetsValueError, match="fitted on other data"):
        label(spec, root / "parquet", tmp_path / "o1", client=client)
    artefact.artefact_path(spec).write_bytes(b"garbage")
    with pytest.raises(SegwidgetsDataError, match="is not a segmentation model file"):
        label(spec, root / "parquet", tmp_path / "o2", client=client)


def test_workers_with_another_scikit_learn_are_refused(client, customers, make_model, tmp_path):
    frame, root = customers
    model, spec = saved(make_model, root, tmp_path)
    art = model.artefact()
    art.versions["scikit-learn"] = "0.24.2"  # as if the workers had another version than the model
    with pytest.raises(SegwidgetsValueError, match=r"has scikit-learn 1\.\d+.*fitted with 0\.24\.2"):
        label(art, root / "parquet", tmp_path / "out", client=client)
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- the command
def test_the_command_labels_on_a_running_scheduler_and_prints_the_summary(client, customers, make_model, tmp_path,
                                                                          capsys):
    frame, root = customers
    model, spec = saved(make_model, root, tmp_path)
    code = cli.main(["label", str(spec), str(root / "parquet"), str(tmp_path / "out"),
                     "--scheduler", client.scheduler.address, "--id-columns", "customer_id", "--drift",
                     "--no-progress"])
    said = capsys.readouterr().out
    assert code == 0
    assert f"Labelled {len(frame):,} rows from 3 files" in said
    for sid, name in model.segment_names.items():
        assert f"{name} [{sid}]: {int((model.labels == sid).sum()):,} rows" in said
    assert "Every row has a segment." in said and "Feature drift" in said
    assert written(tmp_path / "out")["segment"].to_numpy(dtype=np.int64).tolist() == model.labels.tolist()


def test_the_command_says_what_is_wrong_and_fails(client, customers, make_model, tmp_path, capsys):
    frame, root = customers
    model, spec = saved(make_model, root, tmp_path)
    artefact.artefact_path(spec).unlink()
    code = cli.main(["label", str(spec), str(root / "parquet"), str(tmp_path / "out"),
                     "--scheduler", client.scheduler.address])
    assert code == 1
    assert "no model file 'seg.model.skops' beside the spec" in capsys.readouterr().err


def test_the_command_can_fit_the_spec_first(client, customers, make_model, tmp_path, capsys):
    frame, root = customers
    model, spec = saved(make_model, root, tmp_path)
    artefact.artefact_path(spec).unlink()
    code = cli.main(["label", str(spec), str(root / "parquet"), str(tmp_path / "out"), "--fit",
                     "--scheduler", client.scheduler.address, "--no-progress"])
    assert code == 0 and artefact.artefact_path(spec).is_file()
    assert written(tmp_path / "out")["segment"].to_numpy(dtype=np.int64).tolist() == model.labels.tolist()


def test_importing_the_package_and_the_model_does_not_import_dask():
    import subprocess
    import sys

    code = ("import sys, segwidgets; from segwidgets import Segmentation, label; import segwidgets.widgets; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed', 'skops'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_which_files_are_read(tmp_path):
    from segwidgets.labelling import input_files

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.parquet").write_bytes(b"")
    (tmp_path / "a" / "sub").mkdir()
    (tmp_path / "a" / "sub" / "y.parquet").write_bytes(b"")
    (tmp_path / "a" / "_SUCCESS.parquet").write_bytes(b"")   # written by Spark and the like: not data
    files, kind = input_files(tmp_path / "a")
    assert kind == "parquet"
    assert [f.rsplit("/", 1)[1] for f in files] == ["y.parquet", "x.parquet"]  # path order: sub/ before x
    (tmp_path / "a" / "z.csv").write_text("a\n1\n")
    with pytest.raises(SegwidgetsValueError, match="mixes Parquet and CSV"):
        input_files(tmp_path / "a")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(SegwidgetsValueError, match="'notes.txt' is neither Parquet nor CSV"):
        input_files(tmp_path / "notes.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SegwidgetsValueError, match="has no Parquet or CSV files"):
        input_files(tmp_path / "empty")


def test_labelling_again_replaces_the_output_only_when_asked(client, customers, make_model, tmp_path):
    frame, root = customers
    model, spec = saved(make_model, root, tmp_path)
    label(spec, root / "parquet" / "part0.parquet", tmp_path / "out", client=client)
    with pytest.raises(SegwidgetsValueError, match="already exists"):
        label(spec, root / "parquet", tmp_path / "out", client=client)
    summary = label(spec, root / "parquet", tmp_path / "out", client=client, overwrite=True)
    assert summary.rows == len(frame) == len(written(tmp_path / "out"))


def test_the_command_reads_id_columns_as_a_list():
    args = cli.build_parser().parse_args(["label", __file__, "in", "out", "--id-columns", "a, b,,c"])
    assert args.id_columns == ["a", "b", "c"] and args.progress and not args.drift


def test_a_file_unlike_the_first_stops_the_run_in_words(client, customers, make_model, tmp_path):
    frame, root = customers
    model, spec = saved(make_model, root, tmp_path)
    (tmp_path / "mixed").mkdir()
    frame.head(100).to_csv(tmp_path / "mixed" / "a.csv", index=False)
    frame.head(100).drop(columns=["b"]).to_csv(tmp_path / "mixed" / "b.csv", index=False)
    with pytest.raises(SegwidgetsDataError, match="Labelling stopped while reading.*columns of the first"):
        label(spec, tmp_path / "mixed", tmp_path / "out", client=client)


def test_mini_batch_k_means_learns_from_every_row_of_the_files(client, make_model, tmp_path):
    from sklearn.cluster import KMeans

    from segwidgets.labelling import fit_minibatch
    from tests.helpers import blob_frame

    full = blob_frame(6000, centers=5, features=3, std=1.0, seed=11)
    (tmp_path / "full").mkdir()
    for part in range(3):
        full.iloc[part::3].to_parquet(tmp_path / "full" / f"part{part}.parquet")
    sample = full.sample(150, random_state=0)  # a small, uneven sample: its centres are rough
    model = make_model(sample, k=5, algorithm="minibatch_kmeans", params={"batch_size": 256})
    before = model.artefact()

    after = fit_minibatch(model, tmp_path / "full", client=client, passes=2)

    X = before.preprocess.transform(full[before.features])
    inertia = lambda centres: ((X[:, None, :] - centres[None]) ** 2).sum(axis=2).min(axis=1).sum()  # noqa: E731
    best = KMeans(5, n_init=5, random_state=0).fit(X).inertia_
    assert inertia(after.centers) < inertia(before.centers)
    assert inertia(after.centers) < 1.05 * best  # within 5% of a full k-means on all rows
    assert after.fitting["partial_fit"] == {"files": 3, "rows": 6000, "passes": 2}
    assert after.data_sha256 is None and after.raw_to_id == before.raw_to_id and after.names == before.names
    artefact.save(after, tmp_path / "full.model.skops")
    summary = label(artefact.load(tmp_path / "full.model.skops"), tmp_path / "full", tmp_path / "out",
                    client=client)
    assert summary.rows == 6000 and not summary.unplaced


def test_fitting_on_the_files_needs_mini_batch_k_means(client, customers, make_model, tmp_path):
    from segwidgets.labelling import fit_minibatch

    frame, root = customers
    model, spec = saved(make_model, root, tmp_path)
    with pytest.raises(SegwidgetsValueError, match="needs a segmentation tuned with mini-batch k-means"):
        fit_minibatch(model, root / "parquet", client=client)
