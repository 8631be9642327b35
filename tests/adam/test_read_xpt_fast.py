"""read_xpt_fast must give exactly the frame pyreadstat + blank-to-missing gives (pyreadstat is the reference).

Files are written by the project's XPT writer, then bytes are patched where a case cannot be written
(SAS special missing values, non-ASCII text, 56-bit IBM fractions) to check the fallbacks.
"""
from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cdisc_dm.adam.read_xpt_fast import read_xpt_fast
from cdisc_dm.dataset import Dataset, Variable
from cdisc_dm.derive import _blank_to_na, read_sdtm
from cdisc_dm.io import read_xpt, write_xpt

CREATED = datetime(2026, 1, 1)


def reference(path) -> pd.DataFrame:
    return _blank_to_na(read_xpt(path))


def assert_same(path) -> pd.DataFrame:
    fast = read_xpt_fast(path)
    assert fast is not None
    want = reference(path)
    pd.testing.assert_frame_equal(fast, want, check_exact=True)
    assert list(fast.dtypes) == list(want.dtypes)
    assert fast.attrs == want.attrs
    return fast


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


def test_same_frame_as_pyreadstat(tmp_path):
    fast = assert_same(write_xpt(lb_dataset(), tmp_path / "lb.xpt", creation_datetime=CREATED))
    # blanks and missing are both missing (SAS has no missing text); leading blanks are data
    assert fast["USUBJID"].isna().tolist() == [False, False, True, True, False, False, False]
    assert fast["USUBJID"].tolist()[4:6] == ["  lead", "trail"]
    assert fast["LBBLANK"].isna().all()
    assert fast["LBSTRESN"].tolist()[:4] == [260.0, pytest.approx(np.nan, nan_ok=True), 0.0, -1.5]


def test_zero_rows(tmp_path):
    ds = lb_dataset()
    ds.data = ds.data.iloc[:0]
    fast = assert_same(write_xpt(ds, tmp_path / "lb.xpt", creation_datetime=CREATED))
    assert len(fast) == 0


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
    assert_same(path)


def _layout(path):
    """(offset of the first observation, record width, {name: position}) from pyreadstat's metadata."""
    import pyreadstat

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


@pytest.mark.parametrize("code", [b".", b"_", b"A", b"Z"])
def test_sas_special_missing_values_are_nan(tmp_path, code):
    path = write_xpt(lb_dataset(), tmp_path / "lb.xpt", creation_datetime=CREATED)
    patch(path, 0, "LBSTRESN", code + b"\x00" * 7)
    fast = assert_same(path)
    assert np.isnan(fast["LBSTRESN"].iloc[0])


def test_non_ascii_text_goes_to_pyreadstat(tmp_path):
    path = write_xpt(lb_dataset(), tmp_path / "lb.xpt", creation_datetime=CREATED)
    patch(path, 0, "LBTESTCD", b"C\xc3\xa9")  # UTF-8 e-acute
    assert read_xpt_fast(path) is None
    frames = read_sdtm(tmp_path)  # the fallback still reads it
    assert frames["LB"]["LBTESTCD"].iloc[0] == reference(path)["LBTESTCD"].iloc[0]


def test_formatted_numbers_go_to_pyreadstat(tmp_path):
    ds = lb_dataset()
    ds.variables[3] = ds.variables[3].with_(display_format="DATE9.")
    path = write_xpt(ds, tmp_path / "lb.xpt", creation_datetime=CREATED)
    assert read_xpt_fast(path) is None


def test_fraction_wider_than_double_goes_to_pyreadstat(tmp_path):
    path = write_xpt(lb_dataset(), tmp_path / "lb.xpt", creation_datetime=CREATED)
    # fraction 0xF0...01: 56 significant bits, more than a double holds (IBM 15.0 is 0x41F0...00)
    patch(path, 0, "LBSTRESN", bytes.fromhex("41F0000000000001"))
    assert read_xpt_fast(path) is None


def test_records_shorter_than_a_card_go_to_pyreadstat(tmp_path):
    # blank padding after a record shorter than 80 bytes could be read as a record: pyreadstat decides
    ds = lb_dataset()
    ds.data, ds.variables = ds.data[["LBTESTCD", "VISITNUM"]], [ds.variables[1], ds.variables[3]]
    path = write_xpt(ds, tmp_path / "lb.xpt", creation_datetime=CREATED)
    assert read_xpt_fast(path) is None
    pd.testing.assert_frame_equal(read_sdtm(tmp_path)["LB"], reference(path))


def test_read_sdtm_reads_only_named_datasets(tmp_path):
    write_xpt(lb_dataset(), tmp_path / "lb.xpt", creation_datetime=CREATED)
    ds = lb_dataset()
    ds.name, ds.label = "QS", "Questionnaires"
    write_xpt(ds, tmp_path / "qs.xpt", creation_datetime=CREATED)
    assert sorted(read_sdtm(tmp_path)) == ["LB", "QS"]
    assert sorted(read_sdtm(tmp_path, ["qs"])) == ["QS"]
    assert read_sdtm(tmp_path, []) == {}
