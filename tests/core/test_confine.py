"""Data confinement: a served report reads only regular files inside its data folder
(``segwidgets.core.confine.resolve_data``), and reading a path never blocks on a FIFO nor
reads a device without end (``segwidgets.core.io.read_table``)."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest

from segwidgets import datasets
from segwidgets.core.confine import (
    NOT_A_FILE,
    NOT_IN_FOLDER,
    DataNotAllowed,
    resolve_data,
)
from segwidgets.core.io import read_table
from segwidgets.errors import SegwidgetsDataError, SegwidgetsError

LIMIT = 1024 * 1024
CSV = b"a,b\n1,2\n3,4\n5,6\n"


def promptly(call, timeout: float = 10.0):
    """``call()``'s result or exception, failing (not hanging) if it does not end in ``timeout``."""
    out: dict = {}

    def run() -> None:
        try:
            out["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            out["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"did not return within {timeout} s"
    if "error" in out:
        raise out["error"]
    return out["value"]


@pytest.fixture()
def folder(tmp_path) -> Path:
    data = tmp_path / "data"
    (data / "2024").mkdir(parents=True)
    (data / "customers.csv").write_bytes(CSV)
    (data / "2024" / "q3.csv").write_bytes(CSV)
    (tmp_path / "secret.csv").write_bytes(b"password,pin\nhunter2,1234\n")
    return data


def refused(source, folder, message=NOT_IN_FOLDER, max_bytes=LIMIT) -> str:
    with pytest.raises(DataNotAllowed) as caught:
        promptly(lambda: resolve_data(source, folder, max_bytes=max_bytes))
    text = str(caught.value)
    assert text == message
    assert str(folder) not in text and "/" not in text
    return text


def test_a_name_inside_the_folder_gives_its_real_path(folder):
    assert resolve_data("customers.csv", folder, max_bytes=LIMIT) == (folder / "customers.csv").resolve()
    assert resolve_data("2024/q3.csv", folder, max_bytes=LIMIT) == (folder / "2024" / "q3.csv").resolve()
    assert resolve_data("./customers.csv", str(folder), max_bytes=LIMIT).name == "customers.csv"


def test_a_link_that_stays_inside_the_folder_is_followed(folder):
    (folder / "latest.csv").symlink_to(folder / "2024" / "q3.csv")
    assert resolve_data("latest.csv", folder, max_bytes=LIMIT) == (folder / "2024" / "q3.csv").resolve()


def test_a_dataset_name_is_allowed_as_it_is(folder):
    assert resolve_data("facebook_live", folder, max_bytes=LIMIT) == datasets.path("facebook_live")


@pytest.mark.parametrize("source", [
    "/etc/passwd", "/dev/zero", "../secret.csv", "2024/../../secret.csv", "..", ".", "",
    "   ", "customers.csv\x00.txt", "C:/Windows/win.ini", "C:secret.csv", "\\\\server\\share\\x.csv",
    "..\\secret.csv", "file:///etc/passwd", "http://example.com/x.csv", "~/secret.csv",
    "no-such.csv", "x" * 5000, None, 3, b"customers.csv",
])
def test_anything_that_is_not_a_file_name_inside_the_folder_is_refused_in_words(folder, source):
    refused(source, folder)


def test_an_absolute_path_inside_the_folder_is_read_as_a_name_in_it(folder):
    # what Segmentation.save writes; still confined: the real path must stay inside
    assert resolve_data(str(folder / "customers.csv"), folder, max_bytes=10**6) == (folder / "customers.csv").resolve()
    refused(str(folder / ".." / "secret.csv"), folder)
    refused(str(folder.parent / "secret.csv"), folder)
    (folder / "escape.csv").symlink_to(folder.parent / "secret.csv")
    refused(str(folder / "escape.csv"), folder)


def test_a_link_out_of_the_folder_is_refused(folder):
    (folder / "escape.csv").symlink_to(folder.parent / "secret.csv")
    (folder / "up").symlink_to(folder.parent)
    refused("escape.csv", folder)
    refused("up/secret.csv", folder)
    (folder / "loop").symlink_to(folder / "loop")
    refused("loop", folder)


def test_a_fifo_a_folder_and_a_device_are_not_ordinary_files(folder):
    os.mkfifo(folder / "pipe.csv")
    refused("pipe.csv", folder, NOT_A_FILE)
    refused("2024", folder, NOT_A_FILE)  # a folder inside: it holds no table either
    (folder / "zero.csv").symlink_to("/dev/zero")
    refused("zero.csv", folder)  # its real path is outside the folder


def test_a_file_over_the_limit_is_refused_with_the_limit(folder):
    (folder / "big.csv").write_bytes(CSV * 10_000)
    text = refused("big.csv", folder, "This report's data file is larger than the limit of 0.1 MB.",
                   max_bytes=110_000)
    assert "0.1 MB" in text


def test_a_missing_data_folder_is_said(tmp_path):
    refused("customers.csv", tmp_path / "nowhere",
            "This server's data folder is missing, so no report can read its data.")


def test_refusals_are_package_errors_and_go_to_the_log(folder, caplog):
    with caplog.at_level("WARNING", logger="segwidgets.confine"), pytest.raises(SegwidgetsError):
        resolve_data("../secret.csv", folder, max_bytes=LIMIT)
    assert "../secret.csv" in caplog.text  # the details are for the server's log


# --- reading a path: regular files only, never blocking, never without end --------------

def test_read_table_refuses_a_fifo_promptly_in_words(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(SegwidgetsDataError) as caught:
        promptly(lambda: read_table(fifo))
    assert str(caught.value) == ("'pipe.csv' is not an ordinary file (it is a device, a pipe or a socket), "
                                 "so it cannot be read as a table.")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_read_table_refuses_a_device_at_once_even_without_a_limit():
    with pytest.raises(SegwidgetsDataError, match="not an ordinary file"):
        promptly(lambda: read_table("/dev/zero"))
    with pytest.raises(SegwidgetsDataError, match="not an ordinary file"):
        promptly(lambda: read_table("/dev/zero", max_bytes=1024))


def test_read_table_keeps_its_messages_for_missing_files_and_folders(tmp_path):
    with pytest.raises(SegwidgetsDataError, match="^There is no file called 'nope.csv'.$"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(SegwidgetsDataError, match="is a folder, not a file"):
        read_table(tmp_path)


def test_read_table_reads_at_most_the_limit(tmp_path):
    path = tmp_path / "big.csv"
    data = b"a,b\n" + b"1,2\n" * 3000
    path.write_bytes(data)
    with pytest.raises(SegwidgetsDataError, match="the limit is"):
        read_table(path, max_bytes=1024)
    assert len(read_table(path, max_bytes=len(data)).frame) == 3000  # exactly the limit: read


def test_a_file_that_grows_after_it_is_opened_is_not_read_past_the_limit(tmp_path, monkeypatch):
    import segwidgets.core.io as io_module

    path = tmp_path / "growing.csv"
    path.write_bytes(CSV)
    real_fstat = os.fstat

    def fstat_before_growth(fd):  # the size seen at open; then the file grows under us
        info = real_fstat(fd)
        with open(path, "ab") as handle:
            handle.write(b"7,8\n" * 1000)
        return info

    monkeypatch.setattr(io_module.os, "fstat", fstat_before_growth)
    with pytest.raises(SegwidgetsDataError, match="the limit is"):
        read_table(path, max_bytes=1024)


def test_read_table_records_the_sha256_of_the_bytes_read(tmp_path, blobs_frame):
    path = tmp_path / "customers.csv"
    path.write_bytes(CSV)
    assert read_table(path).sha256 == hashlib.sha256(CSV).hexdigest()
    assert read_table(CSV, filename="upload.csv").sha256 == hashlib.sha256(CSV).hexdigest()
    parquet = tmp_path / "rows.parquet"
    blobs_frame.to_parquet(parquet)
    assert read_table(parquet).sha256 == hashlib.sha256(parquet.read_bytes()).hexdigest()
    assert read_table(blobs_frame).sha256 is None  # a DataFrame has no bytes
