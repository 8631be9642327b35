"""SAS XPT v5 writer: files read back identically by two independent readers, exact errors.

The readers are pyreadstat (ReadStat's C parser) and pandas' own XPORT parser, neither
of which shares code with the writer. Expected values are the inputs themselves, taken
through the documented rules (NA/"" -> blank, NaN -> ".").
"""
from __future__ import annotations

import string
from datetime import datetime

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdisc_dm.dataset import Dataset, Variable
from cdisc_dm.errors import OutputError
from cdisc_dm.io import read_xpt, read_xpt_dataset, write_xpt
from cdisc_dm.io.ibm_float import IBM_MIN_NORMAL

CREATED = datetime(2026, 11, 29, 8, 30, 5)


def ae_dataset(terms=None) -> Dataset:
    terms = terms if terms is not None else ["HEADACHE", "Muscle weakness", "RASH", "NAUSEA"]
    n = len(terms)
    frame = pd.DataFrame({
        "STUDYID": pd.array(["IL2DM-PKU-301"] * n, dtype="str"),
        "USUBJID": pd.array([f"IL2DM-PKU-301-01-{i:04d}" for i in range(n)], dtype="str"),
        "AESEQ": np.arange(1, n + 1, dtype=np.float64),
        "AETERM": pd.array(terms, dtype="str"),
        "AESEV": pd.array(["MILD", None, "SEVERE", ""][:n] + ["MILD"] * max(0, n - 4), dtype="str"),
        "AESTDY": np.array([1.0, np.nan, -3.0, 0.1][:n] + [2.0] * max(0, n - 4)),
        "ASTDT": np.array([23000.0, 23001.0, np.nan, -1.0][:n] + [0.0] * max(0, n - 4)),
    })
    variables = [
        Variable("STUDYID", "Study Identifier", "Char"),
        Variable("USUBJID", "Unique Subject Identifier", "Char"),
        Variable("AESEQ", "Sequence Number", "Num", display_format="8."),
        Variable("AETERM", "Reported Term for the Adverse Event", "Char", length=60),
        Variable("AESEV", "Severity/Intensity", "Char"),
        Variable("AESTDY", "Study Day of Start of Adverse Event", "Num", display_format="8.2"),
        Variable("ASTDT", "Analysis Start Date", "Num", display_format="DATE9."),
    ]
    return Dataset("AE", "Adverse Events", frame, variables)


def read_both(path):
    frame_rs, meta = pyreadstat.read_xport(str(path), disable_datetime_conversion=True)
    reader = pd.read_sas(path, format="xport", iterator=True, encoding="ascii")
    frame_pd = reader.read()
    fields, member = reader.fields, reader.member_info
    reader.close()
    return frame_rs, meta, frame_pd, fields, member


def expected_text(series: pd.Series) -> list[str]:
    # documented: NA and "" are both blank; SAS drops trailing blanks
    return [("" if pd.isna(v) else str(v)).rstrip() for v in series]


def test_round_trip_values_and_metadata_through_pyreadstat_and_pandas(tmp_path):
    ds = ae_dataset()
    path = write_xpt(ds, tmp_path / "ae.xpt", creation_datetime=CREATED)
    frame_rs, meta, frame_pd, fields, member = read_both(path)

    assert list(frame_rs.columns) == ds.names == list(frame_pd.columns)
    for var in ds.variables:
        if var.type == "Char":
            want = expected_text(ds.data[var.name])
            assert frame_rs[var.name].tolist() == want, var.name
            assert frame_pd[var.name].tolist() == want, var.name
        else:
            want = ds.data[var.name].to_numpy()
            np.testing.assert_array_equal(frame_rs[var.name].to_numpy(), want)  # exact, NaN == NaN
            np.testing.assert_array_equal(frame_pd[var.name].to_numpy(), want)

    assert meta.table_name == "AE" and member["set_name"] == "AE"
    assert meta.file_label == "Adverse Events" == member["label"]
    assert meta.column_labels == [v.label for v in ds.variables]
    assert [f["label"].decode() for f in fields] == [v.label for v in ds.variables]
    # lengths: Num 8; Char = declared length, else the longest value (min 1)
    want_len = {"STUDYID": 13, "USUBJID": 21, "AESEQ": 8, "AETERM": 60, "AESEV": 6, "AESTDY": 8, "ASTDT": 8}
    assert meta.variable_storage_width == want_len
    assert {f["name"].decode(): f["field_length"] for f in fields} == want_len
    # display formats: name, width, decimals in the namestr
    assert [(f["nform"].decode(), f["nfl"], f["num_decimals"]) for f in fields] == [
        ("", 0, 0), ("", 0, 0), ("", 8, 0), ("", 0, 0), ("", 0, 0), ("", 8, 2), ("DATE", 9, 0)]
    assert meta.original_variable_types["ASTDT"] == "DATE9"
    assert member["created"] == CREATED == member["modified"]


def test_read_xpt_returns_labels(tmp_path):
    ds = ae_dataset()
    frame = read_xpt(write_xpt(ds, tmp_path / "ae.xpt"))
    assert frame.attrs["labels"]["AETERM"] == "Reported Term for the Adverse Event"
    assert frame.attrs["dataset_label"] == "Adverse Events"
    assert frame["USUBJID"].tolist() == ds.data["USUBJID"].tolist()


def test_read_xpt_dataset_restores_the_metadata(tmp_path):
    ds = ae_dataset()
    back = read_xpt_dataset(write_xpt(ds, tmp_path / "ae.xpt"))
    assert (back.name, back.label, back.names) == ("AE", "Adverse Events", ds.names)
    assert [(v.label, v.type, v.display_format) for v in back.variables] == \
        [(v.label, v.type, v.display_format) for v in ds.variables]
    # Char lengths: declared (AETERM 60) or the longest value
    assert [v.length for v in back.variables if v.type == "Char"] == [13, 21, 60, 6]
    np.testing.assert_array_equal(back.data["ASTDT"].to_numpy(), ds.data["ASTDT"].to_numpy())
    assert back.data["AESEV"].tolist() == expected_text(ds.data["AESEV"])


def test_bytes_are_deterministic_and_the_stamp_comes_from_the_argument(tmp_path):
    ds = ae_dataset()
    a = write_xpt(ds, tmp_path / "a.xpt", creation_datetime=CREATED).read_bytes()
    b = write_xpt(ae_dataset(), tmp_path / "b.xpt", creation_datetime=CREATED).read_bytes()
    c = write_xpt(ds, tmp_path / "c.xpt", creation_datetime="2027-01-02T03:04:05").read_bytes()
    assert a == b
    assert a != c and len(a) == len(c)
    # TS-140: the stamp is ddMMMyy:hh:mm:ss at the end of the second library record
    assert a[80 + 64 : 160] == b"29NOV26:08:30:05"
    assert c[80 + 64 : 160] == b"02JAN27:03:04:05"
    assert a[:80] == b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!" + b"0" * 30 + b"  "
    # headers (3 library + 2 member + 2 descriptor + namestr header + 7 namestrs in 80-byte
    # records + obs header) then 4 records of 13+21+8+60+6+8+8 = 124 bytes: 496 bytes of
    # observations, blank-padded to 560 (7 cards of 80)
    namestr_records = -(-7 * 140 // 80)
    head = 80 * (3 + 4 + 1 + namestr_records + 1)
    assert len(a) == head + 560
    assert a[head + 496 :] == b" " * 64
    assert a[head + 495 : head + 496] != b" "  # the last byte of the last record is data (ASTDT)


def test_object_arrow_and_categorical_columns_give_the_same_bytes(tmp_path):
    ds = ae_dataset()
    arrow = write_xpt(ds, tmp_path / "a.xpt").read_bytes()
    obj = ae_dataset()
    obj.data = obj.data.astype({c: object for c in ["STUDYID", "USUBJID", "AETERM", "AESEV"]})
    assert write_xpt(obj, tmp_path / "o.xpt").read_bytes() == arrow
    cat = ae_dataset()
    cat.data = cat.data.astype({"AESEV": "category", "AESTDY": "category"})
    assert write_xpt(cat, tmp_path / "c.xpt").read_bytes() == arrow


def test_numeric_edge_values(tmp_path):
    values = [0.0, -0.0, 1e-300, 2.0**53, -(2.0**53), 0.1, 1e75, -1e-5, np.nan]
    frame = pd.DataFrame({"X": values, "I": pd.array([1, None, 2**53, -7, 0, 3, 4, 5, 6], dtype="Int64")})
    ds = Dataset("EDGE", "Edge values", frame, [Variable("X", "X", "Num"), Variable("I", "I", "Num")])
    frame_rs, _, frame_pd, _, _ = read_both(write_xpt(ds, tmp_path / "edge.xpt"))
    # documented: -0 -> 0 and values below 16**-65 -> 0; everything else exact
    want = np.array([0.0, 0.0, 0.0, 2.0**53, -(2.0**53), 0.1, 1e75, -1e-5, np.nan])
    np.testing.assert_array_equal(frame_rs["X"].to_numpy(), want)
    # pandas' XPORT decoder has no case for zero and reads it as 16**-65 (pandas-dev/pandas#50670, open)
    pandas_x = frame_pd["X"].to_numpy()
    assert (pandas_x[:3] == IBM_MIN_NORMAL).all()
    np.testing.assert_array_equal(pandas_x[3:], want[3:])
    np.testing.assert_array_equal(frame_rs["I"].to_numpy(), [1, np.nan, 2**53, -7, 0, 3, 4, 5, 6])


def test_datetime_column_is_written_as_sas_date_or_datetime(tmp_path):
    stamps = pd.Series(pd.to_datetime(["1960-01-01", "2026-03-01", None]))
    frame = pd.DataFrame({"ADT": stamps, "ADTM": stamps + pd.Timedelta(hours=1, seconds=30)})
    ds = Dataset("ADX", "Dates", frame, [Variable("ADT", "Analysis Date", "Num", display_format="DATE9."),
                                        Variable("ADTM", "Analysis Datetime", "Num", display_format="DATETIME20.")])
    frame_rs, *_ = read_both(write_xpt(ds, tmp_path / "adx.xpt"))
    # SAS dates count days from 1960-01-01; 2026-03-01 is day 24166 (checked: date(2026,3,1) - date(1960,1,1))
    np.testing.assert_array_equal(frame_rs["ADT"].to_numpy(), [0.0, 24166.0, np.nan])
    np.testing.assert_array_equal(frame_rs["ADTM"].to_numpy(), [3630.0, 24166 * 86400.0 + 3630, np.nan])


def test_zero_rows_and_all_missing_columns(tmp_path):
    frame = pd.DataFrame({"A": pd.array([], dtype="str"), "B": np.array([], dtype=float)})
    ds = Dataset("EMPTY", "No rows", frame, [Variable("A", "A", "Char"), Variable("B", "B", "Num")])
    frame_rs, meta = pyreadstat.read_xport(str(write_xpt(ds, tmp_path / "e.xpt")))
    assert len(frame_rs) == 0 and meta.column_names == ["A", "B"] and meta.variable_storage_width["A"] == 1
    frame = pd.DataFrame({"A": pd.array([None, None], dtype="str"), "B": [np.nan, np.nan], "C": ["x", "y"]})
    ds = Dataset("MISS", "All missing", frame, [Variable("A", "A", "Char"), Variable("B", "B", "Num"),
                                                Variable("C", "C", "Char")])
    frame_rs, *_ = read_both(write_xpt(ds, tmp_path / "m.xpt"))
    assert frame_rs["A"].tolist() == ["", ""] and frame_rs["B"].isna().all()


# ---------------------------------------------------------------- errors name dataset, variable, row, value

def write_error(ds, tmp_path) -> str:
    path = tmp_path / "bad.xpt"
    with pytest.raises(OutputError) as info:
        write_xpt(ds, path)
    assert not path.exists(), "a failed write must not leave a file"
    return str(info.value)


def test_non_ascii_value_names_row_variable_and_character(tmp_path):
    ds = ae_dataset(["HEADACHE", "RASH", "Myosite érythémateuse", "NAUSEA"])
    message = write_error(ds, tmp_path)
    assert message.startswith(f"{tmp_path / 'bad.xpt'}, row 3, variable AETERM: dataset AE: value 'Myosite érythémateuse'")
    assert "non-ASCII character 'é' (U+00E9) at position 9" in message


def test_error_names_the_first_offending_row_in_data_order(tmp_path):
    ds = ae_dataset(["HEADACHE", "Œdème", "éruption", "Œdème"])
    assert ", row 2, variable AETERM: dataset AE: value 'Œdème' contains the non-ASCII character 'Œ'" in write_error(ds, tmp_path)


def test_rows_are_positions_not_index_labels(tmp_path):
    ds = ae_dataset(["A", "B", "Ç", "D"])
    ds.data.index = [40, 30, 20, 10]  # e.g. a filtered or sorted frame
    assert ", row 3, variable AETERM:" in write_error(ds, tmp_path)
    ds.data["AETERM"] = pd.array(["A", "B", "C", "D"], dtype="str")
    frame, _ = pyreadstat.read_xport(str(write_xpt(ds, tmp_path / "ok.xpt")))
    assert frame["AETERM"].tolist() == ["A", "B", "C", "D"]


def test_value_over_200_bytes(tmp_path):
    ds = ae_dataset(["A", "B", "C", "X" * 201])
    ds.variables[3] = ds.variables[3].with_(length=None)
    message = write_error(ds, tmp_path)
    assert ", row 4, variable AETERM: dataset AE: value 'XXXX" in message
    assert "is 201 bytes long, over the XPT v5 limit of 200 bytes" in message


def test_value_over_declared_length(tmp_path):
    ds = ae_dataset(["A", "Y" * 61, "C", "D"])
    message = write_error(ds, tmp_path)
    assert ", row 2, variable AETERM: dataset AE:" in message and "61 bytes long, over the declared length 60" in message


def test_string_in_a_num_column(tmp_path):
    ds = ae_dataset()
    ds.data["AESEQ"] = pd.Series([1.0, 2.0, "3a", 4.0], dtype=object)
    message = write_error(ds, tmp_path)
    assert ", row 3, variable AESEQ: dataset AE: is type Num but row 3 holds '3a' (str)" in message


def test_number_in_a_char_column(tmp_path):
    ds = ae_dataset()
    ds.data["AESEV"] = pd.Series(["MILD", None, 3, "SEVERE"], dtype=object)
    message = write_error(ds, tmp_path)
    assert ", row 3, variable AESEV: dataset AE: is type Char but row 3 holds 3 (int)" in message


def test_overflow_and_infinity(tmp_path):
    ds = ae_dataset()
    ds.data["AESTDY"] = [1.0, 2.0, 1e76, 3.0]
    assert ", row 3, variable AESTDY: dataset AE: value 1e+76 cannot be stored as an IBM double" in write_error(ds, tmp_path)
    ds.data["AESTDY"] = [1.0, -np.inf, 1.0, 3.0]
    assert ", row 2, variable AESTDY: dataset AE: value -inf cannot" in write_error(ds, tmp_path)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda ds: setattr(ds, "name", "ADVERSEEV"), "dataset name 'ADVERSEEV' is not a valid XPT v5 name"),
        (lambda ds: setattr(ds, "name", "ae"), "dataset name 'ae' is not a valid XPT v5 name"),
        (lambda ds: setattr(ds, "label", "L" * 41), "dataset label 'LLLL"),
        (lambda ds: (ds.variables.__setitem__(3, ds.variables[3].with_(name="AETERMVERB")),
                     setattr(ds, "data", ds.data.rename(columns={"AETERM": "AETERMVERB"}))),
         "variable AETERMVERB: dataset AE: variable name 'AETERMVERB' is not a valid XPT v5 name"),
        (lambda ds: ds.variables.__setitem__(3, ds.variables[3].with_(label="Reported Term for the Adverse Event (verbatim)")),
         "variable AETERM: dataset AE: variable label 'Reported Term for the Adverse Event (verbatim)' has 46 characters; XPT v5 allows at most 40"),
        (lambda ds: ds.variables.__setitem__(4, ds.variables[4].with_(label="Sévérité")),
         "variable AESEV: dataset AE: variable label 'Sévérité' contains the non-ASCII character 'é'"),
        (lambda ds: ds.variables.__setitem__(6, ds.variables[6].with_(display_format="DATE 9")),
         "variable ASTDT: dataset AE: display format 'DATE 9' is not a SAS format reference"),
        (lambda ds: ds.variables.__setitem__(3, ds.variables[3].with_(length=201)),
         "variable AETERM: dataset AE: declared length 201 is outside 1..200"),
        (lambda ds: ds.data.__setitem__("AESEV", ["MILD", "a\x00b", "", ""]),
         "row 2, variable AESEV: dataset AE: value 'a\\x00b' contains the NUL character"),
        (lambda ds: ds.data.__setitem__("AESTDY", [True, False, True, True]),
         "variable AESTDY: dataset AE: is type Num but holds booleans"),
        (lambda ds: ds.variables.pop(), "columns and metadata disagree (in metadata only: [], in data only: ['ASTDT']"),
        (lambda ds: (ds.variables.clear(), setattr(ds, "data", ds.data[[]])), "dataset AE: has no variables"),
    ],
)
def test_metadata_violations(tmp_path, change, expected):
    ds = ae_dataset()
    change(ds)
    assert expected in write_error(ds, tmp_path)


def test_blank_last_row_shorter_than_a_card_is_refused(tmp_path):
    # a blank record shorter than 80 bytes at the end is indistinguishable from TS-140 padding
    ds = Dataset("X", "x", pd.DataFrame({"A": ["a", None]}), [Variable("A", "A", "Char")])
    assert "row 2: dataset X: the last row (2) is entirely blank" in write_error(ds, tmp_path)


# ---------------------------------------------------------------- property: random frames read back identically

ascii_text = st.text(alphabet=string.ascii_letters + string.digits + " -_./,;:()'\"%&+*", max_size=30).map(str.rstrip)
numbers = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False, min_value=-1e60, max_value=1e60)
                    .filter(lambda x: x == 0 or abs(x) >= IBM_MIN_NORMAL),
                    st.integers(-(2**53), 2**53).map(float))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(
    st.lists(st.one_of(st.none(), ascii_text), min_size=n, max_size=n),
    st.lists(numbers, min_size=n, max_size=n),
    st.lists(ascii_text, min_size=n, max_size=n),
)))
def test_random_frames_read_back_identically(tmp_path, columns):
    text, nums, more = columns
    frame = pd.DataFrame({
        "KEY": pd.array([f"K{i}" for i in range(len(text))], dtype="str"),
        "TXT": pd.array(text, dtype="str"),
        "NUM": np.array([np.nan if v is None else v for v in nums], dtype=np.float64),
        "MORE": pd.Series(more, dtype=object),
    })
    ds = Dataset("RAND", "Random", frame, [Variable("KEY", "Key", "Char"), Variable("TXT", "Text", "Char"),
                                          Variable("NUM", "Number", "Num"), Variable("MORE", "More", "Char")])
    path = write_xpt(ds, tmp_path / "rand.xpt")
    frame_rs, _ = pyreadstat.read_xport(str(path))
    assert len(frame_rs) == len(frame)
    assert frame_rs["TXT"].tolist() == expected_text(frame["TXT"])
    assert frame_rs["MORE"].tolist() == expected_text(frame["MORE"])
    np.testing.assert_array_equal(frame_rs["NUM"].to_numpy(), frame["NUM"].to_numpy())
