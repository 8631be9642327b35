"""The validator's column-wise XPT reader gives what pyreadstat gives (the reference reader).

Files are written by the project's writer (``cdisc_dm.io.write_xpt``) and read back both ways;
the expected values come from pyreadstat, never from the reader under test.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from cdisc_dm.dataset import Dataset, Variable
from cdisc_dm.io import write_xpt
from cdisc_dm.validate import xpt_reader
from cdisc_dm.validate.study_data import load_study_data
from cdisc_dm.validate.xpt_reader import ibm_to_ieee, read_xpt_fast


def _write(tmp_path, frame: pd.DataFrame, types: dict[str, str], name="LB"):
    variables = [Variable(c, f"Label of {c}", types[c]) for c in frame.columns]
    path = tmp_path / f"{name.lower()}.xpt"
    write_xpt(Dataset(name, "Laboratory Test Results", frame, variables), path)
    return path


def _assert_same_as_pyreadstat(path, frame: pd.DataFrame) -> None:
    ref, meta = pyreadstat.read_xport(str(path))
    assert list(frame.columns) == list(ref.columns)
    assert len(frame) == len(ref)
    for col in ref.columns:
        want = ref[col]
        got = frame[col]
        if meta.readstat_variable_types[col] == "double":
            assert got.dtype == np.float64
            np.testing.assert_array_equal(got.to_numpy(), want.to_numpy())  # NaN positions included
        else:
            assert got.dtype == object
            assert got.tolist() == want.fillna("").tolist(), col


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
    got = read_xpt_fast(path)
    assert got is not None
    out, meta = got
    _assert_same_as_pyreadstat(path, out)
    assert meta.types == {"USUBJID": "Char", "LBTESTCD": "Char", "LBSTRESN": "Num", "LBSEQ": "Num"}
    assert meta.labels["LBSEQ"] == "Label of LBSEQ"
    assert meta.label == "Laboratory Test Results"
    # repeated values are one shared string object (the memory saving this reader exists for)
    first = out["USUBJID"].iloc[0]
    assert all(v is first for v in out["USUBJID"][out["USUBJID"] == first])


def test_several_chunks_give_the_same_frame(tmp_path, monkeypatch):
    n = 1000
    frame = pd.DataFrame({"ID": pd.Series([f"X{i % 13}" for i in range(n)], dtype=object),
                          "V": np.arange(n, dtype=float) / 3})
    path = _write(tmp_path, frame, {"ID": "Char", "V": "Num"}, name="XX")
    whole, _ = read_xpt_fast(path)
    monkeypatch.setattr(xpt_reader, "_CHUNK_BYTES", 7 * 16)  # 7 records per step
    chunked, _ = read_xpt_fast(path)
    pd.testing.assert_frame_equal(whole, chunked)
    _assert_same_as_pyreadstat(path, chunked)


def test_short_records_padding_is_not_a_record(tmp_path):
    # 3-byte records: the blank padding of the last 80-byte block holds whole "records"
    frame = pd.DataFrame({"A": pd.Series(["x", "yy", "zzz", "w"], dtype=object)})
    path = _write(tmp_path, frame, {"A": "Char"}, name="TA")
    out, _ = read_xpt_fast(path)
    _assert_same_as_pyreadstat(path, out)
    assert out["A"].tolist() == ["x", "yy", "zzz", "w"]


def test_ibm_special_missing_values_are_nan():
    words = np.array([
        [0x41, 0x10, 0, 0, 0, 0, 0, 0],  # 1.0
        [0xC1, 0x20, 0, 0, 0, 0, 0, 0],  # -2.0
        [0x2E, 0, 0, 0, 0, 0, 0, 0],  # .
        [0x41, 0, 0, 0, 0, 0, 0, 0],  # .A (first byte 'A', fraction zero)
        [0x5F, 0, 0, 0, 0, 0, 0, 0],  # ._
        [0, 0, 0, 0, 0, 0, 0, 0],  # 0
    ], dtype=np.uint8)
    got = ibm_to_ieee(words)
    assert got[:2].tolist() == [1.0, -2.0]
    assert np.isnan(got[2:5]).all()
    assert got[5] == 0.0


def test_non_ascii_text_is_left_to_pyreadstat(tmp_path):
    frame = pd.DataFrame({"A": pd.Series(["abc", "def"], dtype=object)})
    path = _write(tmp_path, frame, {"A": "Char"}, name="TA")
    data = bytearray(path.read_bytes())
    at = data.rindex(b"def")
    data[at : at + 2] = "é".encode("utf-8")  # UTF-8 e-acute: not 7-bit ASCII
    path.write_bytes(bytes(data))
    assert read_xpt_fast(path) is None
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


@pytest.mark.parametrize("width", [1, 8, 9, 200])
def test_distinct_rows_groups_equal_values(width):
    rng = np.random.default_rng(width)
    values = rng.integers(0x41, 0x44, size=(300, width), dtype=np.uint8)  # few letters: many repeats
    uniq, codes = xpt_reader._distinct_rows(values)
    rebuilt = uniq.view(np.uint8).reshape(len(uniq), width)[codes] if width else values
    assert (rebuilt == values).all()
    assert len(uniq) == len({bytes(r) for r in values})
