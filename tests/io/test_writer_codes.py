"""The writers' per-distinct-value routes: text categoricals, shared codes, numbers by bit pattern.

Each route must give exactly the bytes of the plain route: a categorical column the bytes of
the same text as a string column, a numeric column the IBM words computed value by value.
"""
from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.dataset import Dataset, Variable
from cdisc_dm.errors import OutputError
from cdisc_dm.io.datasetjson import write_dataset_json
from cdisc_dm.io.ibm_float import ieee_to_ibm
from cdisc_dm.io.xpt import write_xpt

CREATED = datetime(2026, 11, 29, 8, 0, 0)
TERMS = ["MMT01", None, "MMT02", "MMT01", "", "HAQ0201"]


def _ds(test: pd.Series, num: np.ndarray | None = None) -> Dataset:
    n = len(test)
    frame = pd.DataFrame({"USUBJID": pd.array([f"S-{i % 3}" for i in range(n)], dtype="str"), "QSTESTCD": test,
                          "QSSTRESN": np.arange(n, dtype=float) if num is None else num})
    variables = [Variable("USUBJID", "Unique Subject Identifier", "Char"), Variable("QSTESTCD", "Test Short Name", "Char"),
                 Variable("QSSTRESN", "Numeric Result", "Num")]
    return Dataset("QS", "Questionnaires", frame, variables)


def _bytes(ds: Dataset, tmp_path, stem: str) -> tuple[bytes, bytes]:
    x = write_xpt(ds, tmp_path / f"{stem}.xpt", creation_datetime=CREATED)
    j = write_dataset_json(ds, tmp_path / f"{stem}.json", study_oid="S", metadata_version_oid="MDV.1", creation_datetime=CREATED)
    return x.read_bytes(), j.read_bytes()


def test_a_categorical_column_writes_the_bytes_of_the_same_text(tmp_path):
    text = pd.Series(pd.array(TERMS, dtype="str"))
    # a category no record uses, longer than every value: it must not widen the XPT column
    categorical = text.astype(pd.CategoricalDtype(pd.Index(["A-MUCH-LONGER-UNUSED-CODE", "", "HAQ0201", "MMT01", "MMT02"],
                                                           dtype="str")))
    assert categorical.tolist()[0] == "MMT01" and pd.isna(categorical.iloc[1])
    assert _bytes(_ds(categorical), tmp_path, "cat") == _bytes(_ds(text), tmp_path, "str")


def test_shared_codes_give_the_bytes_of_separate_writes(tmp_path):
    ds = _ds(pd.Series(pd.array(TERMS, dtype="str")))
    cache: dict = {}
    x = write_xpt(ds, tmp_path / "a.xpt", creation_datetime=CREATED, _text_cache=cache)
    j = write_dataset_json(ds, tmp_path / "a.json", study_oid="S", metadata_version_oid="MDV.1", creation_datetime=CREATED,
                           _text_cache=cache)
    assert set(cache) == {"USUBJID", "QSTESTCD"}  # the JSON writer took the XPT writer's codes
    assert (x.read_bytes(), j.read_bytes()) == _bytes(ds, tmp_path, "plain")


def test_a_categorical_value_too_long_names_its_row(tmp_path):
    values = ["A", "B", "TOO LONG", "A"]
    ds = _ds(pd.Series(values, dtype="category"))
    ds.variables[1] = Variable("QSTESTCD", "Test Short Name", "Char", length=4)
    with pytest.raises(OutputError, match="TOO LONG") as xpt_error:
        write_xpt(ds, tmp_path / "a.xpt", creation_datetime=CREATED)
    with pytest.raises(OutputError, match="TOO LONG") as json_error:
        write_dataset_json(ds, tmp_path / "a.json", study_oid="S", metadata_version_oid="MDV.1", creation_datetime=CREATED)
    assert xpt_error.value.location.row == json_error.value.location.row == 3


def _records(xpt: bytes, n: int, width: int) -> np.ndarray:
    """The observation records of a one-dataset XPT file (they follow the OBS header record)."""
    start = xpt.index(b"HEADER RECORD*******OBS     HEADER RECORD!!!!!!!") + 80
    return np.frombuffer(xpt[start : start + n * width], dtype=np.uint8).reshape(n, width)


def test_repeated_numbers_are_written_as_each_value_alone(tmp_path):
    # few distinct values (the route converting each distinct bit pattern once), with -0.0 next
    # to 0.0 and NaN: every record's 8 bytes must be the IBM word of its own value
    base = np.array([1.0, 0.0, -0.0, np.nan, 2.5, 1e-80, -118.625, 1.0])
    values = np.tile(base, 40)
    ds = _ds(pd.Series(pd.array(["MMT01"] * len(values), dtype="str")), values)
    xpt = write_xpt(ds, tmp_path / "n.xpt", creation_datetime=CREATED).read_bytes()
    width = 3 + 5 + 8  # USUBJID (S-0..S-2), QSTESTCD, QSSTRESN
    words = _records(xpt, len(values), width)[:, 8:16]
    expected = np.stack([np.frombuffer(ieee_to_ibm(np.array([v])).tobytes(), dtype=np.uint8) for v in values])
    assert (words == expected).all()


def test_an_overflow_among_repeated_numbers_names_its_first_row(tmp_path):
    values = np.tile(np.array([1.0, 2.0, 3.0]), 10)
    values[[13, 20]] = 1e300
    ds = _ds(pd.Series(pd.array(["MMT01"] * len(values), dtype="str")), values)
    with pytest.raises(OutputError, match="cannot be stored as an IBM double") as err:
        write_xpt(ds, tmp_path / "o.xpt", creation_datetime=CREATED)
    assert err.value.location.row == 14 and err.value.location.variable == "QSSTRESN"


@pytest.mark.parametrize("base, expected_of", [
    # floats: the shortest round-trip text of each value, -0.0 kept apart from 0.0
    (np.array([2.5, 0.0, -0.0, np.nan, 1e300, 2.5, 0.1]), lambda v: "null" if np.isnan(v) else repr(float(v))),
    # whole numbers: integers
    (np.array([1.0, 2.0, np.nan, 470.0, -3.0, 1.0]), lambda v: "null" if np.isnan(v) else str(int(v))),
])
def test_repeated_json_numbers_are_written_as_each_value_alone(tmp_path, base, expected_of):
    values = np.tile(base, 30)  # few distinct values: the route writing each distinct value once
    ds = _ds(pd.Series(pd.array(["MMT01"] * len(values), dtype="str")), values)
    path = write_dataset_json(ds, tmp_path / "n.ndjson", ndjson=True, study_oid="S", metadata_version_oid="MDV.1",
                              creation_datetime=CREATED)
    rows = path.read_text(encoding="utf-8").splitlines()[1:]
    got = [row[:-1].rsplit(", ", 1)[1] for row in rows]  # the last column's text, as written
    assert got == [expected_of(v) for v in values]
    assert "-0.0" in got and "0.0" in got or "470" in got
