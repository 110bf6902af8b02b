"""Write the bad-input corpus: files as analysts' exports really come.

Run ``python tests/data/bad/make_corpus.py`` to (re)write the small files in
this folder. Large cases (over the size limit, 50,000 categories) are made by
:func:`large_cases` at test time and never committed.

Each case is ``name -> (bytes, expectation)``; ``expectation`` is one of
``("refuse", words)`` — reading fails with a message containing ``words`` —
``("unusable", words)`` — it reads, but it cannot be segmented (its first fit fails with
``words``), so loading it keeps the previous data (a load and its first fit succeed together) —
or ``("load", words)`` — it reads, and ``words`` appear in the load notes or,
after fitting with k=3, in the model's status or warnings. ``words`` is one
phrase or a tuple of phrases that must all appear, never empty: a file that
reads cleanly still says how many rows and features it was read as
("of 4 rows", "2 features"), which a misread separator or header changes.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent


def _csv(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"spend": [10.5, 20.0, 35.5, 12.0], "visits": [1, 4, 9, 2]}).to_excel(buffer, index=False)
    return buffer.getvalue()


def _parquet() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"spend": [10.5, 20.0, 35.5, 12.0], "visits": [1, 4, 9, 2]}).to_parquet(buffer)
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("customers.csv", "a,b\n1,2\n")
    return buffer.getvalue()


def _wide_sheet() -> bytes:
    """A workbook of 700 rows whose one far cell (XFD1) makes every row 16,384 cells wide:
    11.5 million cells read from 14 KB."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["spend", "visits"])
    for i in range(700):
        sheet.append([i * 1.5, i % 7])
    sheet["XFD1"] = "far"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _unpacks_to(size: int) -> bytes:
    """A workbook whose ZIP directory says its sheet unpacks to ``size`` bytes (a ZIP bomb's
    directory; its stated size is the most ``zipfile`` would unpack)."""
    data = bytearray(_xlsx())
    entry = data.rfind(b"PK\x01\x02", 0, data.find(b"PK\x05\x06"))
    while data[entry + 46:entry + 46 + 24] != b"xl/worksheets/sheet1.xml":
        entry = data.rfind(b"PK\x01\x02", 0, entry)
    data[entry + 24:entry + 28] = size.to_bytes(4, "little")
    return bytes(data)


NUMBERS = "\n".join(f"{i},{(i * 37) % 101},{(i * 11) % 7}" for i in range(40))

CASES: dict[str, tuple[bytes, tuple[str, str | tuple[str, ...]]]] = {
    "empty.csv": (b"", ("refuse", "The file is empty")),
    "blank_lines.csv": (b"\n\n\n", ("refuse", "The file is empty")),
    "header_only.csv": (b"spend,visits\n", ("refuse", "header but no rows")),
    "one_row.csv": (b"spend,visits\n10,2\n", ("unusable", "only 1 row")),
    # both columns hold one value: ignored, so nothing is left to segment on
    "two_identical_rows.csv": (b"spend,visits\n10,2\n10,2\n", ("unusable", "no numeric or categorical columns")),
    "all_text.csv": (_csv("name,city\nAnn,Paris\nBob,Rome\nCy,Oslo\nDee,Rome\n"), ("load", "no numeric columns")),
    "thousands_separators.csv": (_csv('spend,visits\n"1,234",2\n"12,500",5\n"900",1\n"2,000",7\n'),
                                 ("load", "separators")),
    "currency.csv": (_csv('spend,visits\n"$1,234.50",2\n"$12.00",5\n"$900",1\n"$20.10",7\n'),
                     ("load", "separators")),
    "euro_signs.csv": (_csv("spend,visits\n€12,2\n€15,5\n€9,1\n€20,7\n"), ("load", "separators")),
    "percent.csv": (_csv("share,visits\n12%,2\n50%,5\n7%,1\n33%,7\n"), ("load", "separators")),
    "negative_parentheses.csv": (_csv('profit,visits\n"(1,200)",2\n300,5\n"(50)",1\n20,7\n'),
                                 ("load", "separators")),
    "european_semicolons.csv": (_csv("spend;visits\n1.234,50;2\n12,25;5\n900,00;1\n20,10;7\n", "latin-1"),
                                ("load", "';'")),
    "latin1.csv": (_csv("ville,spend\nZürich,12\nGenève,15\nMünchen,9\nLyon,20\n", "latin-1"),
                   ("load", "Latin-1")),
    "utf16.csv": (_csv("spend,visits\n12,2\n15,5\n9,1\n20,7\n", "utf-16"), ("load", "UTF-16")),
    "utf8_bom.csv": (b"\xef\xbb\xbfspend,visits\n12,2\n15,5\n9,1\n20,7\n", ("load", ("of 4 rows", "2 features"))),
    "quoted_newlines.csv": (_csv('note,spend,visits\n"line one\nline two",12,2\n"x",15,5\n"y",9,1\n"z",20,7\n'),
                            ("load", ("of 4 rows", "2 features"))),
    "ragged_rows.csv": (_csv("spend,visits\n12,2\n15,5,99\n9,1\n20,7,1,1\n30,3\n"), ("load", "skipped")),
    "duplicate_columns.csv": (_csv("spend,spend,visits\n1,2,3\n4,5,6\n7,8,9\n1,1,1\n"), ("load", "renamed")),
    "unnamed_columns.csv": (_csv(",spend,\n1,2,3\n4,5,6\n7,8,1\n2,2,2\n"), ("load", "without a name")),
    "empty_columns.csv": (_csv("spend,visits,Column1,Column2\n12,2,,\n15,5,,\n9,1,,\n20,7,,\n"),
                          ("load", "empty columns ignored")),
    "nan_inf_huge.csv": (_csv("spend,visits,score\n12,2,inf\nnan,5,1e300\n9,1,-inf\n20,7,3\n30,1,4\n"),
                         ("load", "too large to compute with")),
    "constant_column.csv": (_csv("spend,visits,country\n" + "\n".join(f"{i},{i % 3},1" for i in range(20))),
                            ("load", ("of 20 rows", "2 features", "same value on every row"))),
    "one_category.csv": (_csv("spend,plan\n" + "\n".join(f"{i},basic" for i in range(20))),
                         ("load", ("of 20 rows", "1 feature "))),
    "dates_only.csv": (_csv("signup,last_seen\n2024-01-02,2024-03-01\n2024-02-03,2024-03-05\n"
                            "2024-02-09,2024-04-01\n"), ("unusable", "no numeric or categorical columns")),
    "only_identifier.csv": (_csv("customer_id\n" + "\n".join(f"C{i}" for i in range(30))),
                            ("unusable", "no numeric or categorical columns")),
    "excel_renamed.csv": (_xlsx(), ("load", "Excel")),
    "parquet_renamed.csv": (_parquet(), ("load", ("of 4 rows", "2 features"))),
    "tab_separated.tsv": (_csv("spend\tvisits\n12\t2\n15\t5\n9\t1\n20\t7\n"), ("load", ("of 4 rows", "2 features"))),
    "pipe_separated.csv": (_csv("spend|visits\n12|2\n15|5\n9|1\n20|7\n"), ("load", ("of 4 rows", "2 features"))),
    "whitespace_headers.csv": (_csv(" spend , visits \n12,2\n15,5\n9,1\n20,7\n"),
                               ("load", ("of 4 rows", "2 features"))),
    "mixed_text_numbers.csv": (_csv("spend,visits\n12,2\nn/a,5\n9,unknown\n20,7\n"),
                               ("load", ("of 4 rows", "Missing values (spend: 1)"))),
    "binary.csv": (bytes(range(256)) * 64, ("refuse", "not a table we can read")),
    "archive.zip": (_zip(), ("refuse", "ZIP archive")),
    "old_excel.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, ("refuse", "Old Excel")),
    "html_error_page.csv": (_csv("<html><body><h1>502 Bad Gateway</h1></body></html>\n"),
                            ("refuse", "header but no rows")),
    # resource bombs: small files that would expand past a budget, refused before the work
    "wide_sheet.xlsx": (_wide_sheet(), ("refuse", ("more than the 5,000,000 cells a workbook may have",
                                                   "Save it as CSV or Parquet"))),
    "unpacks_to_3_gb.xlsx": (_unpacks_to(3 * 2**30), ("refuse", "The workbook unpacks to 3072.0 MB, more than")),
    # text that reads as something else: bidi overrides and control characters in the headers
    "bidi_headers.csv": (_csv("\u202eexe.dneps,vis\u2066its\u200f,note\x07\n12,2,a\n15,5,b\n9,1,c\n20,7,d\n"),
                         ("load", ("of 4 rows", "2 features"))),
    "numbers.csv": (_csv("id,spend,visits\n" + NUMBERS + "\n"),
                    ("load", ("Identifier column not used as features: id.", "of 40 rows", "2 features"))),
}


def large_cases(limit: int) -> dict[str, tuple[bytes, tuple[str, str | tuple[str, ...]]]]:
    """Cases too large to commit: a file over ``limit`` bytes, 50,000 categories, and the
    resource bombs of issue 14 (each well under ``limit`` bytes on disk)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    row = b"123456.789,987654.321,555555.555\n"
    over = b"a,b,c\n" + row * (limit // len(row) + 10)
    n = 60_000
    many = pd.DataFrame({
        "spend": rng.gamma(2.0, 30.0, n).round(2),
        "visits": rng.poisson(4, n),
        "product": [f"SKU-{i:05d}" for i in rng.integers(0, 50_000, n)],
    }).to_csv(index=False).encode()
    bomb = io.BytesIO()  # 22 million cells of zeros: 0.1 MB of Parquet
    zeros = pa.array(np.zeros(11_000_000, dtype=np.int8))
    pq.write_table(pa.table({"a": zeros, "b": zeros}), bomb, compression="zstd")
    wide = (",".join(f"c{i}" for i in range(100_000)) + "\n" + "1," * 99_999 + "1\n").encode()
    categories = pd.DataFrame({f"attribute_{j}": [f"v{(i * (j + 7)) % 200}" for i in range(3_000)]
                               for j in range(60)}).to_csv(index=False).encode()
    return {
        "over_limit.csv": (over, ("refuse", "the limit is")),
        "expands_to_22_million_cells.parquet": (bomb.getvalue(), (
            "refuse", "11,000,000 rows of 2 columns, more than the 20,000,000 cells")),
        "hundred_thousand_columns.csv": (wide, ("refuse", "100,000 columns; at most 2,000 can be read")),
        # no numbers: segmented on its categories, 60 x 200 one-hot columns would be 12,060
        "sixty_wide_categories.csv": (categories, ("unusable", "at most 1,000 can be used together")),
        "fifty_thousand_categories.csv": (many, ("load", ("of 60,000 rows", "2 features"))),
    }


# --- hostile specs: what a visitor's ?spec=NAME may open ------------------------------------
#: A good spec of the served folder's ``customers.csv`` (spend, visits); each case changes it.
GOOD_SPEC = {"version": 1, "source": "customers.csv", "features": ["spend", "visits"], "k": 3}


def _spec(**changes: object) -> bytes:
    import json

    return json.dumps({**GOOD_SPEC, **changes}).encode()


#: ``name -> (bytes, (outcome, words))`` written to ``specs/``: ``refuse`` — reading the spec or
#: showing its report fails with ``words`` and shows no row; ``load`` — the report opens and
#: ``words`` appear in it. Cases that need the file system (a FIFO, a link out, a device) are
#: made at test time (``tests/stories/test_bad_specs.py``).
SPEC_CASES: dict[str, tuple[bytes, tuple[str, str | tuple[str, ...]]]] = {
    "good.json": (_spec(), ("load", "The 300 rows fall into 3 segments")),
    # file disclosure: a source outside the data folder
    "source_etc_passwd.json": (_spec(source="/etc/passwd"), ("refuse", "not in the server's data folder")),
    "source_parent.json": (_spec(source="../private/secret.csv"), ("refuse", "not in the server's data folder")),
    "source_dev_zero.json": (_spec(source="/dev/zero"), ("refuse", "not in the server's data folder")),
    "source_url.json": (_spec(source="http://example.com/x.csv"), ("refuse", "not in the server's data folder")),
    "source_5000_chars.json": (_spec(source="a/" * 2500 + "x.csv"), ("refuse", "not in the server's data folder")),
    "source_nul.json": (_spec(source="customers.csv\u0000.txt"), ("refuse", "not in the server's data folder")),
    "source_changed.json": (_spec(data_sha256="0" * 64), ("refuse", "has changed since the report was saved")),
    # resource bombs in settings
    "n_init_million.json": (_spec(params={"n_init": 1_000_000}), ("refuse", "from 1 to 100")),
    "k_ten_thousand.json": (_spec(k=10_000), ("refuse", "k must be")),
    "min_cluster_size_huge.json": (_spec(algorithm="hdbscan", params={"min_cluster_size": 10**12}),
                                   ("refuse", "minimum segment size")),
    "k_as_text.json": (_spec(k="3; DROP TABLE"), ("refuse", "k must be")),
    "algorithm_unknown.json": (_spec(algorithm="__import__('os')"), ("refuse", "algorithm")),
    "features_markup.json": (_spec(features=["<script>alert(1)</script>"]),
                             ("refuse", "not usable columns of the table: '<script>alert(1)</script>'")),
    "nested_10000.json": (b'{"version": 1, "names": {"0": ' + b"[" * 10_000 + b"]" * 10_000 + b"}}",
                          ("refuse", "nested")),
    # exceptions that were not ours
    "latin1.json": ('{"version": 1, "source": "caf\u00e9.csv", "k": 3}'.encode("latin-1"),
                    ("refuse", "not UTF-8")),
    "not_json.json": (b"k=3&features=spend", ("refuse", "is not valid JSON")),
    "empty.json": (b"", ("refuse", "is not valid JSON")),
    "a_list.json": (b"[1, 2, 3]", ("refuse", "must be a JSON object")),
    # a field this version does not know (a newer version's) is passed over
    "unknown_field.json": (_spec(colour="red"), ("load", "The 300 rows fall into 3 segments")),
    # hand edits: a bomb of moved rows, an unknown op, rows past the table's end, a merge of a
    # segment the fit has not got (the report opens without that edit and says so)
    "edits_too_many.json": (_spec(edits=[{"op": "move", "rows": [0], "to": 0}] * 101),
                            ("refuse", "at most 100 edits")),
    "edits_unknown_op.json": (_spec(edits=[{"op": "__import__('os')"}]), ("refuse", "op must be one of")),
    "edits_rows_past_end.json": (_spec(edits=[{"op": "new", "rows": [5, 10**9], "id": 7}]),
                                 ("load", "the table has only 300 rows")),
    "edits_missing_segment.json": (_spec(edits=[{"op": "merge", "segments": [0, 9], "into": 9}]),
                                   ("load", "segment 9 is not in this segmentation")),
    # spoofable names: shown without their bidi overrides
    "names_bidi.json": (_spec(names={"0": "\u202eFIRST\u202c VIP", "1": "Sp\u2066end\u2069ers"}),
                        ("load", ("FIRST VIP", "Spenders"))),
}


def large_spec_cases() -> dict[str, tuple[bytes, tuple[str, str | tuple[str, ...]]]]:
    """Hostile specs too large to commit."""
    return {"over_1_mb.json": (_spec(padding=" " * 1_100_000), ("refuse", "too large to be a report"))}


def write() -> None:
    """Write the small cases into this folder (hostile specs into ``specs/``)."""
    for name, (data, _) in CASES.items():
        (HERE / name).write_bytes(data)
    (HERE / "specs").mkdir(exist_ok=True)
    for name, (data, _) in SPEC_CASES.items():
        (HERE / "specs" / name).write_bytes(data)


if __name__ == "__main__":
    write()
    print(f"wrote {len(CASES)} files to {HERE}")
