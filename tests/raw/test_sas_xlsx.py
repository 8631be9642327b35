"""SAS (XPT, SAS7BDAT) and Excel readers: typed cells rendered as text by the documented rules."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.errors import RawInputError
from cdisc_dm.raw import read_raw, read_sas_table, read_table, read_xlsx_tables

pyreadstat = pytest.importorskip("pyreadstat")

SAS_EPOCH = dt.date(1960, 1, 1)


def _xpt(path: Path) -> Path:
    birth = dt.date(1970, 3, 12)
    visit = dt.datetime(2021, 3, 15, 8, 30, 5)
    frame = pd.DataFrame(
        {
            "USUBJID": ["01-0001", "NA", ""],
            "AGE": [54.0, 63.0, np.nan],
            "HEIGHT": [162.5, 0.1, 1e-20],
            "BRTHDT": [float((birth - SAS_EPOCH).days), np.nan, 0.0],
            "VISDTM": [(visit - dt.datetime(1960, 1, 1)).total_seconds(), np.nan, 0.5],
            "VISTM": [8 * 3600 + 30 * 60 + 5.0, np.nan, 0.0],
        }
    )
    pyreadstat.write_xport(
        frame, str(path), file_format_version=5, table_name="DM",
        variable_format={"BRTHDT": "DATE9.", "VISDTM": "DATETIME20.", "VISTM": "TIME8."},
    )
    return path


def test_xpt_numbers_and_dates_as_text(tmp_path):
    t = read_sas_table(_xpt(tmp_path / "dm.xpt"))
    assert t.format == "xpt" and t.name == "DM"
    d = t.data
    assert d["USUBJID"].tolist()[:2] == ["01-0001", "NA"]       # "NA" is a value
    assert pd.isna(d["USUBJID"].iloc[2])                        # empty is missing
    assert d["AGE"].tolist()[:2] == ["54", "63"] and pd.isna(d["AGE"].iloc[2])
    assert d["HEIGHT"].tolist() == ["162.5", "0.1", "1e-20"]
    assert [float(x) for x in d["HEIGHT"]] == [162.5, 0.1, 1e-20]   # lossless
    assert d["BRTHDT"].iloc[0] == "1970-03-12" and d["BRTHDT"].iloc[2] == "1960-01-01"
    assert d["VISDTM"].iloc[0] == "2021-03-15T08:30:05"
    assert d["VISDTM"].iloc[2] == "1960-01-01T00:00:00.500"
    assert d["VISTM"].iloc[0] == "08:30:05"
    assert t.formats["BRTHDT"].startswith("DATE")
    assert t.rows.tolist() == [1, 2, 3]
    assert all(str(dtype) == "str" for dtype in d.dtypes)


def test_xpt_in_a_folder(tmp_path):
    _xpt(tmp_path / "dm.xpt")
    raw = read_raw(tmp_path)
    assert list(raw.tables) == ["DM"] and raw["dm"].format == "xpt"


def test_sas7bdat_reader():
    pytest.skip(
        "no SAS7BDAT file to test with: pyreadstat cannot write SAS7BDAT and none is shipped in the "
        "environment; read_sas_table shares its text rendering with the XPT path tested above"
    )


def test_corrupt_sas_file_is_a_raw_input_error(tmp_path):
    bad = tmp_path / "dm.sas7bdat"
    bad.write_bytes(b"not a sas file at all" * 10)
    with pytest.raises(RawInputError, match="cannot be read as sas7bdat") as err:
        read_sas_table(bad)
    assert str(bad) in str(err.value)


def _workbook(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Dm"
    ws.append(["SUBJECT", "AGE", "HEIGHT", "BRTHDAT", "VISDTM", "OK", "NOTE"])
    ws.append(["01-0001", 54, 162.5, dt.datetime(1970, 3, 12), dt.datetime(2021, 3, 15, 8, 30), True, "NA"])
    ws.append([None, None, None, None, None, None, None])           # an empty row
    ws.append(["01-0002", 63.0, 0.1, dt.date(1961, 1, 1), None, False, " padded "])
    ws["D2"].number_format = "yyyy-mm-dd"
    ws["E2"].number_format = "yyyy-mm-dd hh:mm"
    ws["D4"].number_format = "dd-mmm-yyyy"
    ae = wb.create_sheet("AE")
    ae.append(["AETERM"])
    ae.append(["皮疹"])
    wb.save(path)
    return path


def test_xlsx_one_table_per_sheet(tmp_path):
    tables = read_xlsx_tables(_workbook(tmp_path / "listing.xlsx"))
    assert [t.name for t in tables] == ["DM", "AE"]
    dm = tables[0]
    assert dm.columns == ["SUBJECT", "AGE", "HEIGHT", "BRTHDAT", "VISDTM", "OK", "NOTE"]
    assert dm.data["AGE"].tolist() == ["54", "63"]
    assert dm.data["HEIGHT"].tolist() == ["162.5", "0.1"]
    assert dm.data["BRTHDAT"].tolist() == ["1970-03-12", "1961-01-01"]
    assert dm.data["VISDTM"].iloc[0] == "2021-03-15T08:30:00" and pd.isna(dm.data["VISDTM"].iloc[1])
    assert dm.data["OK"].tolist() == ["TRUE", "FALSE"]
    assert dm.data["NOTE"].tolist() == ["NA", " padded "]
    assert dm.rows.tolist() == [1, 3]                   # Excel rows 2 and 4
    assert tables[1].data["AETERM"].tolist() == ["皮疹"]


def test_xlsx_value_without_header_is_an_error(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "VS"
    ws.append(["A", "B"])
    ws.append(["1", "2", "stray"])
    path = tmp_path / "vs.xlsx"
    wb.save(path)
    with pytest.raises(RawInputError, match="row 2 has a value in column 3, which has no header name"):
        read_table(path)
