"""CSV reader: exact text round trip, encodings, delimiters, ragged rows, NA handling."""
from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdisc_dm.errors import RawInputError
from cdisc_dm.raw import read_csv_table
from cdisc_dm.raw.csv_reader import detect_delimiter

# Any character a site could type, except NUL (never valid in a text export) and
# surrogates (not characters); CJK, quotes, delimiters and line breaks included.
_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_VALUE = st.one_of(
    st.text(_CHARS, max_size=12),
    st.sampled_from(["", "NA", "NULL", "nan", "NaN", "None", "#N/A", "-1.#IND", "n/a", " ", ".", "皮疹, 轻度", 'say "hi"', "a\nb", "x;y|z\tw", "  lead", "trail  "]),
)
_NAME = st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789"), min_size=1, max_size=8)


@st.composite
def _tables(draw):
    names = draw(st.lists(_NAME, min_size=2, max_size=5, unique=True))
    rows = draw(st.lists(st.lists(_VALUE, min_size=len(names), max_size=len(names)), max_size=8))
    return names, rows


def _write(path: Path, names, rows, encoding: str, delimiter: str) -> None:
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(names)
        writer.writerows(rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=_tables(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
)
def test_any_text_round_trips_exactly(table, encoding, delimiter):
    names, rows = table
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "form.csv"
        _write(path, names, rows, encoding, delimiter)
        t = read_csv_table(path)
    expected = pd.DataFrame(
        {n: pd.array([None if r[j] == "" else r[j] for r in rows], dtype="str") for j, n in enumerate(names)}
    )
    assert t.columns == names
    pd.testing.assert_frame_equal(t.data, expected)
    assert t.rows.tolist() == list(range(1, len(rows) + 1))
    # An ASCII-only file is legitimately both UTF-8 and GB18030; UTF-8 is reported then.
    ascii_only = all(ch.isascii() for r in [names] + rows for v in r for ch in v)
    reported = {"utf-8-sig": "utf-8-sig"}.get(encoding, "utf-8" if ascii_only else encoding)
    assert t.encoding == reported
    assert t.format == "csv" and t.name == "FORM"


def test_gb18030_file_is_detected_and_decoded(tmp_path):
    path = tmp_path / "ae.csv"
    _write(path, ["AETERM", "AESEV"], [["皮疹", "轻度"], ["头痛", "中度"]], "gb18030", ",")
    # the same bytes are not UTF-8: the detection must not take them as such
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    t = read_csv_table(path)
    assert t.encoding == "gb18030"
    assert t.data["AETERM"].tolist() == ["皮疹", "头痛"]


def test_na_text_is_a_value_and_empty_is_missing(tmp_path):
    path = tmp_path / "lb.csv"
    path.write_text('A,B,C\nNA,,NULL\n"",N/A, \n', encoding="utf-8")
    t = read_csv_table(path)
    assert t.data["A"].tolist()[0] == "NA"
    assert pd.isna(t.data["A"].iloc[1])           # quoted empty is still empty
    assert pd.isna(t.data["B"].iloc[0])
    assert t.data["B"].iloc[1] == "N/A"
    assert t.data["C"].tolist() == ["NULL", " "]    # a blank is a value, not stripped


def test_quoted_delimiters_quotes_and_newlines(tmp_path):
    path = tmp_path / "cm.csv"
    path.write_bytes(b'CMTRT,CMDOSE\r\n"prednisone, oral","5 ""mg"""\r\n"two\r\nlines",x\r\n')
    t = read_csv_table(path)
    assert t.data["CMTRT"].tolist() == ["prednisone, oral", "two\r\nlines"]
    assert t.data["CMDOSE"].tolist() == ['5 "mg"', "x"]


@pytest.mark.parametrize(
    "body, record, found",
    [
        ("1,2,3\n4,5\n6,7,8\n", 2, 2),                       # too few
        ("1,2,3\n4,5,6,7\n", 2, 4),                          # too many
        ('1,"two\nlines",3\n4,5,6\n7,8\n', 3, 2),            # record 3 starts on line 5
        ('1,2,3\n\n4,5,6\n7\n', 4, 1),                       # a blank line still counts as a record number
    ],
)
def test_ragged_rows_name_the_record_and_counts(tmp_path, body, record, found):
    path = tmp_path / "vs.csv"
    path.write_text("A,B,C\n" + body, encoding="utf-8")
    with pytest.raises(RawInputError) as err:
        read_csv_table(path)
    msg = str(err.value)
    assert str(path) in msg
    assert f"record {record} has {found} fields, expected 3" in msg
    assert err.value.location.row == record


def test_ragged_rows_lists_further_records(tmp_path):
    path = tmp_path / "vs.csv"
    path.write_text("A;B\n1;2\n3\n4;5;6\n7\n", encoding="utf-8")
    with pytest.raises(RawInputError, match=r"record 2 has 1 fields, expected 2.*also records 3, 4"):
        read_csv_table(path)


def test_blank_lines_are_skipped_but_counted(tmp_path):
    path = tmp_path / "dm.csv"
    path.write_text("A,B\n1,2\n\n3,4\n\r\n5,6", encoding="utf-8")
    t = read_csv_table(path)
    assert t.data["A"].tolist() == ["1", "3", "5"]
    assert t.rows.tolist() == [1, 3, 5]


def test_mid_field_quote_does_not_break_the_reader(tmp_path):
    # 5'10" typed in an unquoted field: not RFC 4180, but pandas and the csv module
    # both read the quote literally; the fast field counter must not be fooled.
    path = tmp_path / "vs.csv"
    path.write_text('HEIGHT,WEIGHT\n5\'10",70\n6\'1",80\n', encoding="utf-8")
    t = read_csv_table(path)
    assert t.data["HEIGHT"].tolist() == ["5'10\"", "6'1\""]


def test_undecodable_file_names_the_offset(tmp_path):
    path = tmp_path / "bad.csv"
    data = b"A,B\n1,2\n3,\x81\x20\n"   # 0x81 0x20 is neither UTF-8 nor GB18030
    path.write_bytes(data)
    with pytest.raises(RawInputError) as err:
        read_csv_table(path)
    offset = data.index(b"\x81")
    assert f"utf-8 fails at byte offset {offset}" in str(err.value)
    assert f"gb18030 fails at byte offset {offset}" in str(err.value)
    assert str(path) in str(err.value)


def test_offset_is_exact_across_chunk_boundaries(tmp_path, monkeypatch):
    import cdisc_dm.raw.encoding as enc

    monkeypatch.setattr(enc, "_CHUNK", 7)
    path = tmp_path / "bad.csv"
    data = "A,B\n中文,x\n".encode("utf-8") + b"\xff"
    path.write_bytes(data)
    with pytest.raises(RawInputError, match=f"utf-8 fails at byte offset {len(data) - 1}"):
        read_csv_table(path)


def test_explicit_encoding_is_checked(tmp_path):
    path = tmp_path / "dm.csv"
    path.write_text("A,B\ncafé,x\n", encoding="cp1252")
    assert read_csv_table(path, encoding="cp1252").data["A"].tolist() == ["café"]
    with pytest.raises(RawInputError, match="cannot be decoded as utf-8"):
        read_csv_table(path, encoding="utf-8")


def test_header_problems_are_errors(tmp_path):
    dup = tmp_path / "dup.csv"
    dup.write_text("A,B,A\n1,2,3\n", encoding="utf-8")
    with pytest.raises(RawInputError, match=r"'A' appears twice in the header \(columns 1 and 3\)"):
        read_csv_table(dup)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(RawInputError, match="empty"):
        read_csv_table(empty)


def test_header_only_gives_an_empty_table(tmp_path):
    path = tmp_path / "ae.csv"
    path.write_text("A,B\n", encoding="utf-8")
    t = read_csv_table(path)
    assert t.columns == ["A", "B"] and len(t.data) == 0 and len(t.rows) == 0


@pytest.mark.parametrize(
    "sample, expected",
    [
        ("A,B,C\n1,2,3\n", ","),
        ("A;B;C\n1;2,5;3\n", ";"),
        ("A\tB\n1\t2\n", "\t"),
        ("A|B|C\n1|2|3\n", "|"),
        ("Weight, kg;Height, cm\n70;180\n71;181\n", ";"),   # commas in names, semicolons between
        ("ONLY\n1\n", ","),
    ],
)
def test_delimiter_detection(sample, expected):
    assert detect_delimiter(sample, complete=True) == expected


@pytest.mark.parametrize("chunk", [7, 64, 1 << 23])
def test_fast_field_count_matches_csv_module(tmp_path, monkeypatch, chunk):
    """The vectorized counter against the csv module on a file with quotes, newlines and
    blank lines, with chunk sizes that cut records, quotes and CRLF pairs anywhere."""
    import cdisc_dm.raw.csv_reader as reader
    from cdisc_dm.raw.csv_reader import _fast_field_counts

    monkeypatch.setattr(reader, "_CHUNK", chunk)

    rng = np.random.default_rng(7)
    pieces = np.array(["a", "", '"q,1"', '"x\ny"', '"say ""hi"""', "中", "b c"])
    rows = [",".join(rng.choice(pieces, size=int(rng.integers(1, 5)))) for _ in range(300)]
    path = tmp_path / "t.csv"
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    with open(path, encoding="utf-8", newline="") as fh:
        expected = [len(r) for r in csv.reader(fh)]
    counts, blank = _fast_field_counts(path, ",")
    expected = np.array(expected)
    assert blank.tolist() == (expected == 0).tolist()      # an empty line is a blank record
    assert counts[~blank].tolist() == expected[expected > 0].tolist()


def test_row_slices_do_not_change_the_result(tmp_path, monkeypatch):
    import cdisc_dm.raw.csv_reader as reader

    path = tmp_path / "ae.csv"
    rows = [[f"0{i}", "x,y" if i % 2 else "", "two\nlines" if i % 3 == 0 else "NA"] for i in range(11)]
    _write(path, ["A", "B", "C"], rows, "utf-8", ",")
    whole = read_csv_table(path)
    monkeypatch.setattr(reader, "_ROWS_PER_SLICE", 2)
    sliced = read_csv_table(path)
    pd.testing.assert_frame_equal(whole.data, sliced.data)
    assert whole.rows.tolist() == sliced.rows.tolist() == list(range(1, 12))
    # a ragged record in a later slice is still named
    with open(path, "a", encoding="utf-8", newline="") as fh:
        fh.write("1,2,3,4\n")
    with pytest.raises(RawInputError, match="record 12 has 4 fields, expected 3"):
        read_csv_table(path)
