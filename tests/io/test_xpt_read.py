"""The column-wise XPT reader and both of its callers give what pyreadstat gives (the reference reader).

Files are written by the project's writer (``cdisc_dm.io.write_xpt``) and read back both ways; bytes
are patched where a case cannot be written (SAS special missing values, non-ASCII text, control
characters, 56-bit IBM fractions, a second member) to check the fallbacks. Expected values come from
pyreadstat (``read_xpt`` + ``_blank_to_na`` for ADaM derivation, ``pyreadstat.read_xport`` for the
validator), never from the reader under test.
"""
from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdisc_dm.dataset import Dataset, Variable
from cdisc_dm.derive import _blank_to_na, _xpt_frame_fast, read_sdtm
from cdisc_dm.io import read_xpt, write_xpt
from cdisc_dm.io import xpt_read
from cdisc_dm.io.ibm_float import ibm_to_ieee
from cdisc_dm.io.xpt_read import XptText, read_xpt_columns
from cdisc_dm.validate.study_data import load_study_data

CREATED = datetime(2026, 1, 1)


# --- helpers -------------------------------------------------------------------------------------

def reference(path) -> pd.DataFrame:
    """What derive read from pyreadstat before the fast reader existed."""
    return _blank_to_na(read_xpt(path))


def assert_derive_same(path) -> pd.DataFrame:
    fast = _xpt_frame_fast(path)
    assert fast is not None
    want = reference(path)
    pd.testing.assert_frame_equal(fast, want, check_exact=True)
    assert list(fast.dtypes) == list(want.dtypes)
    assert fast.attrs == want.attrs
    return fast


def assert_validate_same(path, frame: pd.DataFrame) -> None:
    ref, meta = pyreadstat.read_xport(str(path))
    assert list(frame.columns) == list(ref.columns)
    assert len(frame) == len(ref)
    for col in ref.columns:
        want, got = ref[col], frame[col]
        if meta.readstat_variable_types[col] == "double":
            assert got.dtype == np.float64
            np.testing.assert_array_equal(got.to_numpy(), want.to_numpy())  # NaN positions included
        else:
            assert got.dtype == object
            assert got.tolist() == want.fillna("").tolist(), col


def _write(tmp_path, frame: pd.DataFrame, types: dict[str, str], name="LB"):
    variables = [Variable(c, f"Label of {c}", types[c]) for c in frame.columns]
    path = tmp_path / f"{name.lower()}.xpt"
    write_xpt(Dataset(name, "Laboratory Test Results", frame, variables), path)
    return path


def lb_dataset(n: int = 7) -> Dataset:
    frame = pd.DataFrame({
        "USUBJID": pd.Series(["01-001", "01-002", None, "", "  lead", "trail  ", "x" * 40][:n], dtype="str"),
        "LBTESTCD": pd.Series(["CK", "CK", "ALT", "ALT", "CK", None, "AST"][:n], dtype="str"),
        "LBSTRESN": [260.0, np.nan, 0.0, -1.5, 1e-70, 7.2e75, 123456789.123][:n],
        "VISITNUM": [1.0, 2.0, 3.0, 99.01, 4.0, 5.0, 6.0][:n],
        "LBBLANK": pd.Series([None] * n, dtype="str"),
        "LBTEST": pd.Series(["Creatine Kinase", "Creatine Kinase", "ALT", "ALT", "CK", None, "AST"][:n], dtype="str"),
    })
    variables = [Variable("USUBJID", "Unique Subject Identifier", "Char"),
                 Variable("LBTESTCD", "Lab Test Short Name", "Char", length=8),
                 Variable("LBSTRESN", "Numeric Result", "Num"),
                 Variable("VISITNUM", "Visit Number", "Num", display_format="8.2"),
                 Variable("LBBLANK", "Always blank", "Char", length=3),
                 Variable("LBTEST", "Lab Test Name", "Char", length=40)]  # records of 115 bytes
    return Dataset("LB", "Laboratory Test Results", frame, variables)


def _layout(path):
    """(offset of the first observation, record width, {name: position}) from pyreadstat's metadata."""
    _, meta = pyreadstat.read_xport(str(path), metadataonly=True)
    data = path.read_bytes()
    obs = data.index(b"HEADER RECORD*******OBS     HEADER RECORD!!!!!!!") + 80
    widths = meta.variable_storage_width
    positions, pos = {}, 0
    for name in meta.column_names:
        positions[name] = pos
        pos += widths[name]
    return obs, pos, positions


def patch(path, row: int, name: str, raw: bytes) -> None:
    obs, width, positions = _layout(path)
    data = bytearray(path.read_bytes())
    at = obs + row * width + positions[name]
    data[at:at + len(raw)] = raw
    path.write_bytes(bytes(data))


# --- the reader and the validator's frame ---------------------------------------------------------

def test_numbers_and_text_match_pyreadstat(tmp_path):
    rng = np.random.default_rng(3)
    n = 500
    nums = rng.normal(0, 1e3, n)
    nums[::7] = np.nan
    nums[1] = 0.0
    nums[2] = -4.199999999999999  # a SAS binary artifact must survive exactly
    nums[3] = 1e-70
    nums[4] = 123456789012345.0
    codes = np.array(["ALT", "AST", "", " LEAD", "BILI"], dtype=object)[rng.integers(0, 5, n)]
    frame = pd.DataFrame({
        "USUBJID": pd.Series([f"S1-{i % 37:03d}" for i in range(n)], dtype=object),
        "LBTESTCD": pd.Series(codes, dtype=object),
        "LBSTRESN": nums,
        "LBSEQ": np.arange(1, n + 1, dtype=float),
    })
    path = _write(tmp_path, frame, {"USUBJID": "Char", "LBTESTCD": "Char", "LBSTRESN": "Num", "LBSEQ": "Num"})
    ds = load_study_data(path)["LB"]
    assert ds.file == str(path)
    assert_validate_same(path, ds.frame)
    assert ds.types == {"USUBJID": "Char", "LBTESTCD": "Char", "LBSTRESN": "Num", "LBSEQ": "Num"}
    assert ds.labels["LBSEQ"] == "Label of LBSEQ"
    assert ds.label == "Laboratory Test Results"
    _, meta = pyreadstat.read_xport(str(path), metadataonly=True)
    assert ds.lengths == meta.variable_storage_width
    assert ds.ascii_columns == {"USUBJID", "LBTESTCD"}
    np.testing.assert_array_equal(ds.empty["LBTESTCD"], codes == "")
    # repeated values are one shared string object (the memory saving this reader exists for)
    out = ds.frame
    first = out["USUBJID"].iloc[0]
    assert all(v is first for v in out["USUBJID"][out["USUBJID"] == first])
    # records of 27 bytes: derive leaves the file to pyreadstat, its frame is still the reference
    pd.testing.assert_frame_equal(read_sdtm(tmp_path)["LB"], reference(path))


def test_several_chunks_give_the_same_frame(tmp_path, monkeypatch):
    n = 1000
    frame = pd.DataFrame({"ID": pd.Series([f"X{i % 13}" for i in range(n)], dtype=object),
                          "V": np.arange(n, dtype=float) / 3})
    path = _write(tmp_path, frame, {"ID": "Char", "V": "Num"}, name="XX")
    whole = load_study_data(path)["XX"].frame
    monkeypatch.setattr(xpt_read, "_CHUNK_BYTES", 7 * 16)  # 7 records per step
    chunked = load_study_data(path)["XX"].frame
    pd.testing.assert_frame_equal(whole, chunked)
    assert_validate_same(path, chunked)


def test_without_pyarrow_the_numpy_grouping_gives_the_same_frame(tmp_path, monkeypatch):
    path = write_xpt(lb_dataset(), tmp_path / "lb.xpt", creation_datetime=CREATED)
    with_arrow = load_study_data(path)["LB"]
    monkeypatch.setattr(xpt_read, "pa", None)
    without = load_study_data(path)["LB"]
    assert_validate_same(path, without.frame)
    pd.testing.assert_frame_equal(with_arrow.frame, without.frame)
    assert with_arrow.empty.keys() == without.empty.keys()
    assert all((with_arrow.empty[k] == without.empty[k]).all() for k in with_arrow.empty)


def test_short_records_padding_is_not_a_record(tmp_path):
    # 3-byte records: the blank padding of the last 80-byte block holds whole "records"
    frame = pd.DataFrame({"A": pd.Series(["x", "yy", "zzz", "w"], dtype=object)})
    path = _write(tmp_path, frame, {"A": "Char"}, name="TA")
    out = load_study_data(path)["TA"].frame
    assert_validate_same(path, out)
    assert out["A"].tolist() == ["x", "yy", "zzz", "w"]


def test_ibm_special_missing_values_are_nan():
    words = np.frombuffer(bytes.fromhex(
        "4110000000000000"  # 1.0
        "c120000000000000"  # -2.0
        "2e00000000000000"  # .
        "4100000000000000"  # .A (first byte 'A', fraction zero)
        "5a00000000000000"  # .Z
        "5f00000000000000"  # ._
        "0000000000000000"  # 0
        "3f10000000000000"  # 1/16**2: first byte 0x3F is no missing code
    ), dtype=">u8")
    got = ibm_to_ieee(words)
    assert got[:2].tolist() == [1.0, -2.0]
    assert np.isnan(got[2:6]).all()
    assert got[6] == 0.0
    assert got[7] == 2.0**-8


def test_ibm_fraction_wider_than_a_double_is_refused():
    # 0x41F0000000000001 = 15 + 16**-13: 56 significant bits, an IEEE double holds 53
    assert ibm_to_ieee(np.frombuffer(bytes.fromhex("41F0000000000001"), dtype=">u8")) is None
    assert ibm_to_ieee(np.frombuffer(bytes.fromhex("41F0000000000010"), dtype=">u8")) is not None  # 52 bits


def test_non_ascii_text_is_left_to_pyreadstat(tmp_path):
    frame = pd.DataFrame({"A": pd.Series(["abc", "def"], dtype=object)})
    path = _write(tmp_path, frame, {"A": "Char"}, name="TA")
    data = bytearray(path.read_bytes())
    at = data.rindex(b"def")
    data[at:at + 2] = "é".encode("utf-8")  # UTF-8 e-acute: not 7-bit ASCII
    path.write_bytes(bytes(data))
    assert read_xpt_columns(path) is None
    study = load_study_data(path)  # the validator still reads it (through pyreadstat)
    assert study["TA"].frame["A"].tolist() == ["abc", "éf"]


def test_folder_with_xpt_and_json_reads_the_xpt_once(tmp_path):
    from cdisc_dm.io import write_dataset_json

    frame = pd.DataFrame({"STUDYID": pd.Series(["S1", "S1"], dtype=object), "DOMAIN": pd.Series(["DM", "DM"], dtype=object),
                          "USUBJID": pd.Series(["S1-1", "S1-2"], dtype=object), "AGE": [30.0, 41.0]})
    ds = Dataset("DM", "Demographics", frame, [Variable("STUDYID", "Study Identifier", "Char"),
                                                Variable("DOMAIN", "Domain Abbreviation", "Char"),
                                                Variable("USUBJID", "Unique Subject Identifier", "Char"),
                                                Variable("AGE", "Age", "Num")])
    write_xpt(ds, tmp_path / "dm.xpt")
    write_dataset_json(ds, tmp_path / "dm.json", study_oid="S1", metadata_version_oid="MDV.1",
                       creation_datetime="2000-01-01T00:00:00")
    study = load_study_data(tmp_path)
    assert list(study.datasets) == ["DM"]
    assert study["DM"].file.endswith("dm.xpt")
    assert study["DM"].frame["AGE"].tolist() == [30.0, 41.0]


@pytest.mark.parametrize("backend", ["arrow", "numpy", "numpy-collisions"])
@pytest.mark.parametrize("width", [1, 8, 9, 200])
def test_distinct_rows_groups_equal_values(width, backend, monkeypatch):
    if backend != "arrow":
        monkeypatch.setattr(xpt_read, "pa", None)
    if backend == "numpy-collisions":  # every row hashes alike: the exact (sorting) method must take over
        monkeypatch.setattr(xpt_read, "_MIX", np.zeros(4, dtype=np.uint64))
    rng = np.random.default_rng(width)
    values = rng.integers(0x41, 0x44, size=(300, width), dtype=np.uint8)  # few letters: many repeats
    values[-1] = 0  # NUL bytes are values too (numpy's S dtype would drop them)
    uniq, codes = xpt_read._distinct_rows(values)
    assert (uniq[codes] == values).all()
    assert len(uniq) == len({bytes(r) for r in values})


def test_control_characters_stay_text_for_the_validator_but_go_to_pyreadstat_for_derive(tmp_path):
    path = write_xpt(lb_dataset(), tmp_path / "lb.xpt", creation_datetime=CREATED)
    patch(path, 1, "LBTEST", b"Creatine\tKinase")
    table = read_xpt_columns(path)
    assert isinstance(table.columns["LBTEST"], XptText) and table.columns["LBTEST"].control
    assert not table.columns["USUBJID"].control
    assert_validate_same(path, load_study_data(path)["LB"].frame)
    assert _xpt_frame_fast(path) is None
    pd.testing.assert_frame_equal(read_sdtm(tmp_path)["LB"], reference(path))


def test_a_second_member_is_left_to_pyreadstat(tmp_path):
    path = write_xpt(lb_dataset(), tmp_path / "lb.xpt", creation_datetime=CREATED)
    other = write_xpt(lb_dataset(3), tmp_path / "qs.xpt", creation_datetime=CREATED)
    path.write_bytes(path.read_bytes() + other.read_bytes()[3 * 80:])  # its MEMBER header onwards
    assert read_xpt_columns(path) is None
    assert _xpt_frame_fast(path) is None


# --- derive's frame: exactly pyreadstat + blank-to-missing --------------------------------------

def test_same_frame_as_pyreadstat(tmp_path):
    fast = assert_derive_same(write_xpt(lb_dataset(), tmp_path / "lb.xpt", creation_datetime=CREATED))
    # blanks and missing are both missing (SAS has no missing text); leading blanks are data
    assert fast["USUBJID"].isna().tolist() == [False, False, True, True, False, False, False]
    assert fast["USUBJID"].tolist()[4:6] == ["  lead", "trail"]
    assert fast["LBBLANK"].isna().all()
    assert fast["LBSTRESN"].tolist()[:4] == [260.0, pytest.approx(np.nan, nan_ok=True), 0.0, -1.5]


def test_zero_rows(tmp_path):
    ds = lb_dataset()
    ds.data = ds.data.iloc[:0]
    path = write_xpt(ds, tmp_path / "lb.xpt", creation_datetime=CREATED)
    fast = assert_derive_same(path)
    assert len(fast) == 0
    assert_validate_same(path, load_study_data(path)["LB"].frame)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(allow_infinity=False, min_value=-1e70, max_value=1e70) | st.none(), min_size=1, max_size=40),
       st.lists(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=12), min_size=1, max_size=40))
def test_any_numbers_and_ascii_text(tmp_path_factory, numbers, texts):
    n = min(len(numbers), len(texts))
    frame = pd.DataFrame({"ID": pd.Series([f"S{i:03d}" for i in range(n)], dtype="str"),
                          "X": pd.Series([np.nan if v is None else v for v in numbers[:n]], dtype="float64"),
                          "T": pd.Series(texts[:n], dtype="str")})
    ds = Dataset("ZZ", "Property", frame, [Variable("ID", "Id", "Char"), Variable("X", "Number", "Num"),
                                           Variable("T", "Text", "Char", length=80)])
    path = write_xpt(ds, tmp_path_factory.mktemp("p") / "zz.xpt", creation_datetime=CREATED)
    assert_derive_same(path)
    assert_validate_same(path, load_study_data(path)["ZZ"].frame)


@pytest.mark.parametrize("code", [b".", b"_", b"A", b"Z"])
def test_sas_special_missing_values_are_nan(tmp_path, code):
    path = write_xpt(lb_dataset(), tmp_path / "lb.xpt", creation_datetime=CREATED)
    patch(path, 0, "LBSTRESN", code + b"\x00" * 7)
    fast = assert_derive_same(path)
    assert np.isnan(fast["LBSTRESN"].iloc[0])
    assert_validate_same(path, load_study_data(path)["LB"].frame)


def test_non_ascii_text_goes_to_pyreadstat(tmp_path):
    path = write_xpt(lb_dataset(), tmp_path / "lb.xpt", creation_datetime=CREATED)
    patch(path, 0, "LBTESTCD", b"C\xc3\xa9")  # UTF-8 e-acute
    assert _xpt_frame_fast(path) is None
    frames = read_sdtm(tmp_path)  # the fallback still reads it
    assert frames["LB"]["LBTESTCD"].iloc[0] == reference(path)["LBTESTCD"].iloc[0]


def test_formatted_numbers_go_to_pyreadstat(tmp_path):
    ds = lb_dataset()
    ds.variables[3] = ds.variables[3].with_(display_format="DATE9.")
    path = write_xpt(ds, tmp_path / "lb.xpt", creation_datetime=CREATED)
    assert _xpt_frame_fast(path) is None
    pd.testing.assert_frame_equal(read_sdtm(tmp_path)["LB"], reference(path))
    # the validator reads the stored number, never a date
    assert load_study_data(path)["LB"].frame["VISITNUM"].tolist() == [1.0, 2.0, 3.0, 99.01, 4.0, 5.0, 6.0]


def test_fraction_wider_than_double_goes_to_pyreadstat(tmp_path):
    path = write_xpt(lb_dataset(), tmp_path / "lb.xpt", creation_datetime=CREATED)
    # fraction 0xF0...01: 56 significant bits, more than a double holds (IBM 15.0 is 0x41F0...00)
    patch(path, 0, "LBSTRESN", bytes.fromhex("41F0000000000001"))
    assert read_xpt_columns(path) is None
    assert _xpt_frame_fast(path) is None
    ref, _ = pyreadstat.read_xport(str(path))
    assert load_study_data(path)["LB"].frame["LBSTRESN"].iloc[0] == ref["LBSTRESN"].iloc[0]


def test_records_shorter_than_a_card_go_to_pyreadstat(tmp_path):
    # blank padding after a record shorter than 80 bytes could be read as a record: pyreadstat decides
    ds = lb_dataset()
    ds.data, ds.variables = ds.data[["LBTESTCD", "VISITNUM"]], [ds.variables[1], ds.variables[3]]
    path = write_xpt(ds, tmp_path / "lb.xpt", creation_datetime=CREATED)
    assert _xpt_frame_fast(path) is None
    pd.testing.assert_frame_equal(read_sdtm(tmp_path)["LB"], reference(path))


def test_read_sdtm_reads_only_named_datasets(tmp_path):
    write_xpt(lb_dataset(), tmp_path / "lb.xpt", creation_datetime=CREATED)
    ds = lb_dataset()
    ds.name, ds.label = "QS", "Questionnaires"
    write_xpt(ds, tmp_path / "qs.xpt", creation_datetime=CREATED)
    assert sorted(read_sdtm(tmp_path)) == ["LB", "QS"]
    assert sorted(read_sdtm(tmp_path, ["qs"])) == ["QS"]
    assert read_sdtm(tmp_path, []) == {}


def test_columns_decoded_by_several_threads_give_the_same_frame(tmp_path, monkeypatch):
    # big files decode their columns in threads (one thread per share of the columns, slab by slab)
    rng = np.random.default_rng(11)
    n = 2000
    frame = pd.DataFrame({
        "USUBJID": pd.Series([f"S-{i % 91:03d}" for i in range(n)], dtype=object),
        "QSTESTCD": pd.Series(np.array(["MMT01", "MMT02", "", "HAQ20"], dtype=object)[rng.integers(0, 4, n)]),
        "QSSTRESN": np.where(rng.random(n) < 0.1, np.nan, rng.normal(5, 3, n)),
        "QSSEQ": np.arange(1, n + 1, dtype=float),
        "QSORRES": pd.Series([f"{v:.3f}" for v in rng.normal(0, 1e3, n)], dtype=object),
    })
    types = {"USUBJID": "Char", "QSTESTCD": "Char", "QSSTRESN": "Num", "QSSEQ": "Num", "QSORRES": "Char"}
    path = _write(tmp_path, frame, types, name="QS")
    monkeypatch.setattr(xpt_read, "_PARALLEL_BYTES", 1 << 40)
    single = load_study_data(path)["QS"]
    monkeypatch.setattr(xpt_read, "_PARALLEL_BYTES", 0)
    monkeypatch.setattr(xpt_read, "_workers", lambda: 3)
    monkeypatch.setattr(xpt_read, "_CHUNK_BYTES", 2000)  # a few dozen records per slab
    assert len(xpt_read._shares(read_xpt_columns(path).variables, 3)) == 3
    threaded = load_study_data(path)["QS"]
    pd.testing.assert_frame_equal(single.frame, threaded.frame)
    assert_validate_same(path, threaded.frame)
    assert all((single.empty[k] == threaded.empty[k]).all() for k in single.empty)
