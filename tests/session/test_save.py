"""Segmentation.labels_frame() and save(): what was read is what is given back."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from segwidgets import Segmentation
from segwidgets.core.export import is_formula_like
from segwidgets.errors import SegwidgetsValueError

FEATURES = ["spend", "visits"]
#: Columns whose text must come back byte for byte (the CSV leaves them alone, formulas aside).
EXACT = ["user_hash", "zip", "status", "segment", "segwidgets_segment", "spend", "visits"]


def crm_text(n: int = 90, seed: int = 4) -> str:
    """A CRM export as a person has it: signed 19-digit ids (some in E-notation, a few repeated),
    zip codes with leading zeros, "NA" text, a live formula, and columns called ``segment`` and
    ``segwidgets_segment`` (an earlier segmentation's)."""
    rng = np.random.default_rng(seed)
    lines = ["user_hash,zip,status,note,segment,segwidgets_segment,spend,visits"]
    for i in range(n):
        group = i % 3
        user = int(rng.integers(10**18, 9 * 10**18)) * (-1 if i % 2 else 1)
        user_hash = f"{user / 1e18:.4f}E+18" if i % 7 == 0 else str(user)
        if i % 11 == 5:
            user_hash = "-2347567364561868123"  # a few duplicates
        zip_code = f"{int(rng.integers(0, 3000)):05d}" if i % 9 else "00501"
        status = ["active", "NA", "churned"][i % 3]
        note = '"=HYPERLINK(""http://evil.example"",""click"")"' if i == 4 else ("-" if i % 5 == 0 else "ok")
        spend = f"{[20, 200, 900][group] + rng.normal(0, 5):.2f}"
        visits = str(int([2, 20, 60][group] + rng.integers(0, 3)))
        lines.append(f"{user_hash},{zip_code},{status},{note},{['retail', 'wholesale'][i % 2]},"
                     f"{i % 4},{spend},{visits}")
    return "\n".join(lines) + "\n"


def csv_columns(text: str) -> dict[str, list[str]]:
    """Each column's cells as the ``csv`` module reads them from raw text."""
    header, *rows = list(csv.reader(io.StringIO(text)))
    return {name: [row[i] for row in rows] for i, name in enumerate(header)}


@pytest.fixture()
def crm_path(tmp_path) -> Path:
    path = tmp_path / "crm.csv"
    path.write_text(crm_text(), encoding="utf-8", newline="")
    return path


@pytest.fixture()
def model(crm_path, make_model) -> Segmentation:
    return make_model(str(crm_path), k=3, features=FEATURES)


def test_labels_frame_gives_the_cells_as_read(model, crm_path):
    given = csv_columns(crm_path.read_text(encoding="utf-8"))
    frame = model.labels_frame()
    for column in [*EXACT, "note"]:
        assert frame[column].tolist() == given[column], column
    assert frame["user_hash"].str.contains("E+18", regex=False).any()
    new = list(frame.columns[-2:])
    assert new == ["segwidgets_segment_2", "segwidgets_segment_name_2"]  # "segment" and the next are taken
    assert frame[new[0]].tolist() == list(model.labels)
    assert frame[new[1]].tolist() == [model.segment_names[i] for i in model.labels]


def test_a_role_set_by_a_person_does_not_change_the_cells_exported(crm_path, make_model):
    given = csv_columns(crm_path.read_text(encoding="utf-8"))
    model = make_model(str(crm_path), k=3, features=FEATURES, roles={"status": "ignored", "zip": "categorical"})
    assert model.table.columns["status"].set_by_person
    frame = model.labels_frame()
    for column in EXACT:
        assert frame[column].tolist() == given[column], column


def test_the_csv_saved_gives_ids_codes_and_na_back_byte_for_byte(model, crm_path, tmp_path):
    given = csv_columns(crm_path.read_text(encoding="utf-8"))
    saved = csv_columns(model.save(tmp_path / "out.csv").read_text(encoding="utf-8"))
    for column in EXACT:
        assert saved[column] == given[column], column
    assert "2.347567364561868e+18" not in "".join(saved["user_hash"])
    assert saved["zip"][0] == "00501" and "NA" in saved["status"]
    assert saved["note"][4] == "'" + given["note"][4]  # the formula cannot run in a spreadsheet
    assert saved["note"][0] == "-"  # a dash placeholder is no formula: kept
    assert saved["segwidgets_segment_2"] == [str(i) for i in model.labels]


def test_the_workbook_saved_keeps_text_as_text_and_has_segments_and_settings(model, crm_path, tmp_path):
    given = csv_columns(crm_path.read_text(encoding="utf-8"))
    book = openpyxl.load_workbook(model.save(tmp_path / "out.xlsx"))
    assert book.sheetnames == ["Rows", "Segments", "Settings"]
    sheet = book["Rows"]
    header = [c.value for c in sheet[1]]
    column = {name: [row[i] for row in sheet.iter_rows(min_row=2)] for i, name in enumerate(header)}
    for name in ("user_hash", "zip", "status"):
        assert [c.value for c in column[name]] == given[name], name
        assert {c.data_type for c in column[name]} == {"s"}
    formula = column["note"][4]
    assert formula.value == given["note"][4] and formula.data_type == "s" and formula.quotePrefix
    assert [c.value for c in column["spend"]] == [float(v) for v in given["spend"]]  # numbers stay numbers
    sizes = {r[0].value: r[2].value for r in book["Segments"].iter_rows(min_row=2)}
    assert sizes == {i: int((model.labels == i).sum()) for i in model.segment_ids}
    settings = {r[0].value: r[1].value for r in book["Settings"].iter_rows(min_row=2)}
    assert json.loads(settings["all settings (JSON)"]) == json.loads(model.spec.to_json())


def test_the_parquet_saved_is_the_labelled_rows(model, tmp_path):
    back = pd.read_parquet(model.save(tmp_path / "out.parquet"))
    frame = model.labels_frame()
    assert list(back.columns) == list(frame.columns)
    for column in EXACT:
        assert back[column].tolist() == frame[column].tolist(), column


def test_a_table_given_as_a_dataframe_is_exported_with_its_own_values(make_model):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"customer": np.arange(2347567364561868000, 2347567364561868000 + 60, dtype="int64"),
                          "a": rng.normal(size=60), "b": rng.normal(size=60)})
    model = make_model(frame, k=3, features=["a", "b"])
    exported = model.labels_frame()
    assert exported["customer"].tolist() == frame["customer"].tolist()
    assert exported["customer"].dtype == np.int64
    text = exported.to_csv(index=False)
    assert "2347567364561868059" in text and "e+18" not in text


def test_rows_without_a_segment_are_exported_with_an_empty_id_and_name(make_model):
    rng = np.random.default_rng(2)
    points = np.vstack([rng.normal(0, 0.3, (60, 2)), rng.normal(8, 0.3, (60, 2)), rng.uniform(-20, 30, (8, 2))])
    frame = pd.DataFrame(points, columns=["a", "b"])
    model = make_model(frame, k=2, algorithm="hdbscan")
    exported = model.labels_frame()
    noise = model.labels < 0
    assert noise.any()
    assert exported.loc[noise, "segment"].isna().all() and exported.loc[noise, "segment_name"].isna().all()
    assert exported.loc[~noise, "segment"].notna().all()


# ---------------------------------------------------------------- the corpus of realistic exports

CORPUS = Path(__file__).resolve().parents[1] / "data" / "exports"


def raw_columns(path: Path) -> dict[str, list[str]]:
    """A CSV's columns as the ``csv`` module reads its raw text (its own delimiter and encoding)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    delimiter = max(",;\t|", key=text.splitlines()[0].count)
    header, *rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return {name: [row[i] if i < len(row) else "" for row in rows] for i, name in enumerate(header)}


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.csv")), ids=lambda p: p.name)
def test_each_corpus_csv_comes_back_cell_for_cell(path, tmp_path, make_model):
    model = make_model(str(path), k=3)
    given = raw_columns(path)
    saved = csv_columns(model.save(tmp_path / "out.csv").read_text(encoding="utf-8"))
    assert list(saved)[:len(given)] == list(given)
    for name, cells in given.items():
        expected = [c.replace("\x00", "") for c in cells]  # NUL bytes are not kept by reading
        expected = ["'" + c if is_formula_like(c) else c for c in expected]
        assert saved[name] == expected, name


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.parquet")), ids=lambda p: p.name)
def test_each_corpus_parquet_comes_back_value_for_value(path, tmp_path, make_model):
    model = make_model(str(path), k=3)
    given = pd.read_parquet(path)
    back = pd.read_parquet(model.save(tmp_path / "out.parquet"))
    pd.testing.assert_frame_equal(back[list(given.columns)], given)


# ---------------------------------------------------------------- refusals


def test_save_refuses_to_overwrite_the_file_it_read(model, crm_path):
    before = crm_path.read_bytes()
    other_spelling = crm_path.parent / "sub" / ".." / crm_path.name
    (crm_path.parent / "sub").mkdir()
    link = crm_path.parent / "link.csv"
    link.symlink_to(crm_path)
    hard = crm_path.parent / "hard.csv"
    os.link(crm_path, hard)
    for path in (crm_path, str(crm_path), other_spelling, link, hard):
        with pytest.raises(SegwidgetsValueError, match="the file the table was read from"):
            model.save(path)
    assert crm_path.read_bytes() == before


def test_save_refuses_the_same_file_under_another_suffix_case(tmp_path, make_model):
    path = tmp_path / "DATA.CSV"
    path.write_text(crm_text(), encoding="utf-8")
    model = make_model(str(path), k=3, features=FEATURES)
    with pytest.raises(SegwidgetsValueError, match="overwrite the input"):
        model.save(path)


def test_save_refuses_to_overwrite_a_bundled_dataset(make_model):
    from segwidgets import datasets

    model = make_model("facebook_live", k=3)
    before = datasets.path("facebook_live").stat().st_mtime_ns
    with pytest.raises(SegwidgetsValueError, match="the file the table was read from"):
        model.save(datasets.path("facebook_live"))
    assert datasets.path("facebook_live").stat().st_mtime_ns == before


@pytest.mark.parametrize("name", ["out.xls", "out.txt", "out", "out.JSONL"])
def test_save_names_the_types_it_can_write(model, tmp_path, name):
    with pytest.raises(SegwidgetsValueError, match=r"\.json, \.csv, \.xlsx, \.parquet"):
        model.save(tmp_path / name)
    assert not (tmp_path / name).exists()


def test_save_writes_the_type_its_suffix_names_whatever_the_case(model, tmp_path):
    assert json.loads(model.save(tmp_path / "SPEC.JSON").read_text())["k"] == 3
    assert model.save(tmp_path / "rows.XLSX").read_bytes()[:2] == b"PK"  # a workbook, not JSON
    assert model.save(tmp_path / "rows.Parquet").read_bytes()[:4] == b"PAR1"


@pytest.mark.parametrize("make_path, words", [
    (lambda d: d / "no such folder" / "out.csv", "There is no folder"),
    (lambda d: str(d / "out\x00.csv"), "NUL character"),
    (lambda d: d / ("x" * 300 + ".csv"), "too long"),
    (lambda d: d, "folder"),
    (lambda d: "", "Give a file name"),
])
def test_a_path_that_cannot_be_written_gives_plain_words(model, tmp_path, make_path, words):
    if make_path(tmp_path) == tmp_path:
        folder = tmp_path / "rows.csv"
        folder.mkdir()
        path = folder
    else:
        path = make_path(tmp_path)
    with pytest.raises(SegwidgetsValueError, match=words) as raised:
        model.save(path)
    assert not isinstance(raised.value, OSError)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_a_folder_without_permission_gives_plain_words(model, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(SegwidgetsValueError, match="no permission"):
            model.save(locked / "out.csv")
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize("error, words", [
    (PermissionError(errno.EACCES, "Permission denied"), "no permission"),
    (OSError(errno.ENOSPC, "No space left on device"), "disk is full"),
    (OSError(errno.ENAMETOOLONG, "File name too long"), "too long"),
    (OSError(errno.EIO, "Input/output error"), "could not be written"),
])
def test_a_write_the_system_refuses_gives_plain_words_and_leaves_the_file(model, tmp_path, monkeypatch,
                                                                          error, words):
    target = tmp_path / "out.csv"
    target.write_text("kept")

    def refuse(self, data):
        raise error

    monkeypatch.setattr(Path, "write_bytes", refuse)
    with pytest.raises(SegwidgetsValueError, match=words) as raised:
        model.save(target)
    assert not isinstance(raised.value, OSError) and "out.csv" in str(raised.value)
    assert target.read_text() == "kept"


# ---------------------------------------------------------------- anything fitted can be saved

AWKWARD = ["monthly spend", "ümlaut ß 客户", "=total", "x" * 200, "segment"]


@pytest.fixture()
def awkward(tmp_path, make_model) -> tuple[Segmentation, Path, pd.DataFrame]:
    rng = np.random.default_rng(5)
    n = 60
    frame = pd.DataFrame({name: (rng.normal(size=n) + 5 * (np.arange(n) % 3)).round(3) for name in AWKWARD[:4]})
    frame["segment"] = np.where(np.arange(n) % 2, "=cmd|' /C calc'!A0", "plain")
    path = tmp_path / "awkward table.csv"
    frame.to_csv(path, index=False)
    model = make_model(str(path), k=3, features=AWKWARD[:4])
    model.rename(model.segment_ids[0], "=Big spenders")
    model.rename(model.segment_ids[1], "Clientes fiéis 🚀")
    return model, path, pd.read_csv(path, dtype=str, keep_default_na=False)


def test_a_model_with_awkward_names_saves_and_reloads_its_spec(awkward, tmp_path):
    model, _, _ = awkward
    assert set(model.features) == set(AWKWARD[:4])
    again = Segmentation.load(model.save(tmp_path / "spec.json"), background=False)
    try:
        assert again.spec == model.spec
        assert again.segment_names == model.segment_names
    finally:
        again.close()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_a_model_with_awkward_names_saves_its_rows(awkward, tmp_path, suffix):
    model, _, given = awkward
    path = model.save(tmp_path / f"rows{suffix}")
    names = [model.segment_names[i] for i in model.labels]
    columns = [*AWKWARD, "segwidgets_segment", "segwidgets_segment_name"]
    if suffix == ".csv":  # formula-like text, header cells and names included, is neutralised
        back = pd.read_csv(path, dtype=str, keep_default_na=False)
        quote = lambda v: "'" + v if v.startswith("=") else v
        given = given.rename(columns=quote)
        given["segment"] = given["segment"].map(quote)
        names, columns = [quote(n) for n in names], [quote(c) for c in columns]
    elif suffix == ".xlsx":  # numbers are numbers in a workbook ("10.0" is 10 shown as 10.0)
        back = pd.read_excel(path, sheet_name="Rows", keep_default_na=False)
        given = given.astype({name: float for name in AWKWARD[:4]})
        back = back.astype({name: float for name in AWKWARD[:4]})
    else:
        back = pd.read_parquet(path)
    assert list(back.columns) == columns
    pd.testing.assert_frame_equal(back[list(given.columns)], given, check_dtype=False)
    assert back["segwidgets_segment"].astype(int).tolist() == list(model.labels)
    assert back["segwidgets_segment_name"].tolist() == names
