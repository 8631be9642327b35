"""Dataset-JSON 1.1 writer and reader.

Oracles: our JSON Schema (written from the specification's attribute tables) via
jsonschema; Python's standard ``json`` parser for the text itself; the specification's
"Supported Column Data Type Combinations" table, re-checked value by value below; dates
computed with ``datetime.date`` arithmetic.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

import jsonschema
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdisc_dm.dataset import Dataset, Variable
from cdisc_dm.errors import OutputError, RawInputError
from cdisc_dm.io import datasetjson as dj_module
from cdisc_dm.io import dataset_json_schema, read_dataset_json, write_dataset_json

CREATED = datetime(2026, 11, 29, 8, 30, 5)
SCHEMA = dataset_json_schema()
TOP_ORDER = ["datasetJSONCreationDateTime", "datasetJSONVersion", "fileOID", "dbLastModifiedDateTime", "originator",
             "sourceSystem", "studyOID", "metaDataVersionOID", "metaDataRef", "itemGroupOID", "records", "name",
             "label", "columns", "rows"]
COLUMN_ORDER = ["itemOID", "name", "label", "dataType", "targetDataType", "length", "displayFormat", "keySequence"]


def ae_dataset() -> Dataset:
    frame = pd.DataFrame({
        "STUDYID": pd.array(["IL2DM-PKU-301"] * 5, dtype="str"),
        "USUBJID": pd.array([f"IL2DM-PKU-301-01-{i:04d}" for i in range(5)], dtype="str"),
        "AESEQ": np.array([1.0, 2.0, 3.0, 4.0, 5.0]),
        "AETERM": pd.array(['HEAD "ACHE"', "Myosite érythémateuse", None, "tab\there\nnext\\x", "bell\x07"], dtype="str"),
        "AESEV": pd.Series(["MILD", "", None, "SEVERE", "MODERATE"], dtype=object),
        "AESTDTC": pd.array(["2026-03-01", "2026-03", None, "2026-03-04T10:15", ""], dtype="str"),
        "AESTDY": np.array([1.0, np.nan, -3.0, 0.1, 1e-7]),
        "ASTDT": np.array([23000.0, 0.0, np.nan, -1.0, 24166.0]),
        "AGE": pd.array([34, None, 61, 18, 75], dtype="Int64"),
    })
    variables = [
        Variable("STUDYID", "Study Identifier", "Char"),
        Variable("USUBJID", "Unique Subject Identifier", "Char"),
        Variable("AESEQ", "Sequence Number", "Num"),
        Variable("AETERM", "Reported Term for the Adverse Event", "Char", length=60),
        Variable("AESEV", "Severity/Intensity", "Char"),
        Variable("AESTDTC", "Start Date/Time of Adverse Event", "Char", data_type="datetime"),
        Variable("AESTDY", "Study Day of Start of Adverse Event", "Num", display_format="8.2"),
        Variable("ASTDT", "Analysis Start Date", "Num", display_format="DATE9."),
        Variable("AGE", "Age", "Num", data_type="integer"),
    ]
    return Dataset("AE", "Adverse Events", frame, variables, keys=["STUDYID", "USUBJID", "AESEQ"])


def write(ds, path, **kw):
    args = dict(study_oid="IL2DM-PKU-301", metadata_version_oid="MDV.SDTM.1", creation_datetime=CREATED)
    args.update(kw)
    return write_dataset_json(ds, path, **args)


def load_any(path) -> dict:
    """Parse a .json or .ndjson file with the standard library into one Dataset-JSON object."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ndjson":
        lines = text.split("\n")
        assert lines[-1] == "" and all(lines[:-1]), "NDJSON: one JSON text per line, newline-terminated"
        meta = json.loads(lines[0])
        assert "rows" not in meta
        return {**meta, "rows": [json.loads(line) for line in lines[1:-1]]}
    return json.loads(text)


def test_the_schema_is_valid_and_rejects_what_the_specification_forbids():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    good = {"datasetJSONCreationDateTime": "2026-11-29T08:30:05", "datasetJSONVersion": "1.1.0",
            "itemGroupOID": "IG.DM", "records": 1, "name": "DM", "label": "Demographics",
            "columns": [{"itemOID": "IT.DM.AGE", "name": "AGE", "label": "Age", "dataType": "integer"}],
            "rows": [[34]]}
    jsonschema.validate(good, SCHEMA)
    broken = [
        {"datasetJSONVersion": "1.0.0"},  # version pattern 1.1(.n)?
        {"datasetJSONCreationDateTime": "2026-11-29"},  # a date-time, not a date
        {"records": -1},
        {"sourceSystem": {"name": "X"}},  # name and version both required
        {"columns": [{"itemOID": "IT.DM.AGE", "name": "AGE", "label": "Age", "dataType": "number"}]},
        {"columns": [{"itemOID": "IT.DM.AGE", "name": "AGE", "label": "Age", "dataType": "string",
                      "targetDataType": "integer"}]},  # integer target only for date/datetime/time
        {"rows": [[{"nested": 1}]]},  # values are scalars
    ]
    for change in broken:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**good, **change}, SCHEMA)


def check_against_spec(obj: dict) -> None:
    """Independent checks of what the schema cannot say: counts, order, value types per dataType."""
    jsonschema.validate(obj, SCHEMA)
    keys = list(obj)
    assert keys == [k for k in TOP_ORDER if k in obj], "top-level attributes out of the specification's order"
    for col in obj["columns"]:
        assert list(col) == [k for k in COLUMN_ORDER if k in col], col
    assert obj["records"] == len(obj["rows"])
    for i, row in enumerate(obj["rows"]):
        assert len(row) == len(obj["columns"]), f"row {i + 1}"
        for value, col in zip(row, obj["columns"]):
            if value is None:
                continue
            kind = col["dataType"]
            if kind == "integer":
                assert type(value) is int, (col["name"], value)
            elif kind in ("float", "double"):
                assert type(value) in (int, float), (col["name"], value)
            elif kind == "boolean":
                assert type(value) is bool
            else:  # string, decimal, date, datetime, time, URI travel as JSON strings
                assert type(value) is str, (col["name"], value)
            if kind == "date" and col.get("targetDataType") == "integer":
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)


@pytest.mark.parametrize("ndjson", [False, True])
def test_round_trip_and_schema(tmp_path, ndjson):
    ds = ae_dataset()
    path = write(ds, tmp_path / ("ae.ndjson" if ndjson else "ae.json"), ndjson=ndjson, metadata_ref="define.xml")
    obj = load_any(path)
    check_against_spec(obj)

    back = read_dataset_json(path)
    assert (back.name, back.label, back.keys) == ("AE", "Adverse Events", ["STUDYID", "USUBJID", "AESEQ"])
    assert [v.name for v in back.variables] == ds.names
    assert [v.label for v in back.variables] == [v.label for v in ds.variables]
    assert [v.type for v in back.variables] == [v.type for v in ds.variables]
    assert [v.display_format for v in back.variables] == [v.display_format for v in ds.variables]
    assert back.variable("AETERM").length == 60 and back.variable("USUBJID").length == 21
    for var in ds.variables:
        got, want = back.data[var.name], ds.data[var.name]
        if var.type == "Char":  # NA stays null, "" stays "" (Dataset-JSON 1.1, Row Data)
            assert got.isna().tolist() == want.isna().tolist(), var.name
            assert got[want.notna()].tolist() == want[want.notna()].tolist(), var.name
        else:
            np.testing.assert_array_equal(got.to_numpy(dtype=float), want.to_numpy(dtype=float, na_value=np.nan))
    assert back.data.attrs["dataset_json"]["metaDataRef"] == "define.xml"


def test_values_as_the_specification_shows_them(tmp_path):
    obj = load_any(write(ae_dataset(), tmp_path / "ae.json"))
    cols = {c["name"]: c for c in obj["columns"]}
    assert obj["datasetJSONVersion"] == "1.1.0" and obj["datasetJSONCreationDateTime"] == "2026-11-29T08:30:05"
    assert obj["itemGroupOID"] == "IG.AE" and cols["USUBJID"]["itemOID"] == "IT.AE.USUBJID"
    assert [cols[k]["keySequence"] for k in ("STUDYID", "USUBJID", "AESEQ")] == [1, 2, 3]
    # whole numbers without a declared data type are integers; others JSON numbers
    assert cols["AESEQ"]["dataType"] == "integer" and [r[2] for r in obj["rows"]] == [1, 2, 3, 4, 5]
    assert cols["AESTDY"]["dataType"] == "float" and [r[6] for r in obj["rows"]] == [1.0, None, -3.0, 0.1, 1e-7]
    assert cols["AGE"]["dataType"] == "integer" and [r[8] for r in obj["rows"]] == [34, None, 61, 18, 75]
    # ADaM numeric dates: dataType date, targetDataType integer, ISO 8601 strings
    assert (cols["ASTDT"]["dataType"], cols["ASTDT"]["targetDataType"]) == ("date", "integer")
    sas_epoch = date(1960, 1, 1)
    want = [(sas_epoch + timedelta(days=d)).isoformat() for d in (23000, 0)] + [None] + \
           [(sas_epoch + timedelta(days=d)).isoformat() for d in (-1, 24166)]
    assert [r[7] for r in obj["rows"]] == want
    assert cols["AESTDTC"]["dataType"] == "datetime" and "targetDataType" not in cols["AESTDTC"]
    assert [r[3] for r in obj["rows"]] == ['HEAD "ACHE"', "Myosite érythémateuse", None, "tab\there\nnext\\x", "bell\x07"]
    assert [r[4] for r in obj["rows"]] == ["MILD", "", None, "SEVERE", "MODERATE"]


def test_deterministic_and_same_bytes_without_pyarrow(tmp_path, monkeypatch):
    ds = ae_dataset()
    for ndjson in (False, True):
        suffix = ".ndjson" if ndjson else ".json"
        a = write(ds, tmp_path / f"a{suffix}", ndjson=ndjson).read_bytes()
        assert write(ae_dataset(), tmp_path / f"b{suffix}", ndjson=ndjson).read_bytes() == a
        monkeypatch.setattr(dj_module, "_PA", None)
        assert write(ds, tmp_path / f"c{suffix}", ndjson=ndjson).read_bytes() == a
        back = read_dataset_json(tmp_path / f"c{suffix}")
        monkeypatch.undo()
        assert back.data["AETERM"].tolist()[:2] == ['HEAD "ACHE"', "Myosite érythémateuse"]


def test_chunked_writing_matches_one_chunk(tmp_path, monkeypatch):
    ds = ae_dataset()
    whole = write(ds, tmp_path / "w.json").read_bytes()
    monkeypatch.setattr(dj_module, "_CHUNK_ROWS", 2)
    assert write(ds, tmp_path / "c.json").read_bytes() == whole
    assert write(ds, tmp_path / "c.ndjson", ndjson=True).read_text().count("\n") == 1 + 5


def test_zero_rows(tmp_path):
    ds = ae_dataset()
    ds.data = ds.data.iloc[0:0]
    for name in ("e.json", "e.ndjson"):
        path = write(ds, tmp_path / name, ndjson=name.endswith("ndjson"))
        obj = load_any(path)
        check_against_spec(obj)
        assert obj["records"] == 0 and obj["rows"] == []
        assert len(read_dataset_json(path).data) == 0


printable = st.characters(codec="utf-8", exclude_categories=("Cs",))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.none(), st.text(printable, max_size=12)), min_size=1, max_size=12),
       st.lists(st.floats(allow_nan=True, allow_infinity=False), min_size=12, max_size=12))
def test_any_text_and_float_survive_the_standard_json_parser(tmp_path, texts, floats):
    n = len(texts)
    frame = pd.DataFrame({"T": pd.array(texts, dtype="str"), "X": np.array(floats[:n])})
    ds = Dataset("P", "Property", frame, [Variable("T", "Text", "Char"), Variable("X", "Number", "Num",
                                                                                  data_type="double")])
    for ndjson in (False, True):
        obj = load_any(write(ds, tmp_path / ("p.ndjson" if ndjson else "p.json"), ndjson=ndjson))
        check_against_spec(obj)
        assert [r[0] for r in obj["rows"]] == texts
        got = np.array([np.nan if r[1] is None else r[1] for r in obj["rows"]], dtype=float)
        np.testing.assert_array_equal(got, frame["X"].to_numpy())  # repr round-trips every double exactly


# ---------------------------------------------------------------- errors

def write_error(ds, tmp_path, **kw) -> str:
    with pytest.raises(OutputError) as info:
        write(ds, tmp_path / "bad.json", **kw)
    return str(info.value)


def test_string_in_num_column_names_row(tmp_path):
    ds = ae_dataset()
    ds.data["AESTDY"] = pd.Series([1.0, "x", 2.0, 3.0, 4.0], dtype=object)
    assert ", row 2, variable AESTDY: dataset AE: is type Num but row 2 holds 'x' (str)" in write_error(ds, tmp_path)


def test_value_longer_than_declared(tmp_path):
    ds = ae_dataset()
    ds.data["AETERM"] = pd.array(["x", "y", "z", "w" * 61, "v"], dtype="str")
    assert ", row 4, variable AETERM: dataset AE: value 'wwww" in write_error(ds, tmp_path)


def test_fraction_in_an_integer_variable(tmp_path):
    ds = ae_dataset()
    ds.data["AGE"] = [34.0, 35.5, 1.0, 2.0, 3.0]
    message = write_error(ds, tmp_path)
    assert ", row 2, variable AGE: dataset AE: value 35.5 is not an integer but the variable's data type is integer" in message


def test_infinity_and_bad_arguments(tmp_path):
    ds = ae_dataset()
    ds.data["AESTDY"] = [1.0, np.inf, 2.0, 3.0, 4.0]
    assert ", row 2, variable AESTDY: dataset AE: value inf has no JSON representation" in write_error(ds, tmp_path)
    assert "creation_datetime '29/11/2026' is not an ISO 8601 date-time" in write_error(
        ae_dataset(), tmp_path, creation_datetime="29/11/2026")
    assert "study_oid must be a non-empty OID" in write_error(ae_dataset(), tmp_path, study_oid="")
    assert "is after the creation time" in write_error(ae_dataset(), tmp_path,
                                                       db_last_modified_datetime=datetime(2027, 1, 1))


def test_reader_reports_broken_files(tmp_path):
    path = write(ae_dataset(), tmp_path / "ae.ndjson", ndjson=True)
    lines = path.read_text().split("\n")
    lines[3] = "[1, 2]"
    path.write_text("\n".join(lines))
    with pytest.raises(RawInputError, match=r"row 3: row 3 has 2 values but there are 9 columns"):
        read_dataset_json(path)
    lines[3] = '["IL2DM-PKU-301", "x"'
    path.write_text("\n".join(lines))
    with pytest.raises(RawInputError, match=r"ae.ndjson:4:\d+: not valid JSON"):
        read_dataset_json(path)
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "AE",\n "columns": [}')
    with pytest.raises(RawInputError, match=r"bad.json:2:14: not valid JSON"):
        read_dataset_json(bad)
    obj = load_any(write(ae_dataset(), tmp_path / "ae.json"))
    obj["records"] = 7
    (tmp_path / "count.json").write_text(json.dumps(obj))
    with pytest.raises(RawInputError, match="records says 7 but the file holds 5 rows"):
        read_dataset_json(tmp_path / "count.json")


def test_sas_times_and_datetimes_round_trip_as_iso_strings(tmp_path):
    frame = pd.DataFrame({"ATM": [0.0, 3661.0, np.nan, 86399.0], "ADTM": [0.0, 86400 * 366 + 5.0, np.nan, -1.0]})
    ds = Dataset("ADX", "Times", frame, [Variable("ATM", "Analysis Time", "Num", display_format="TIME8."),
                                        Variable("ADTM", "Analysis Datetime", "Num", display_format="E8601DT19.")])
    path = write(ds, tmp_path / "adx.json")
    obj = load_any(path)
    check_against_spec(obj)
    # 1960 is a leap year: 366 days after the SAS epoch is 1961-01-01
    assert obj["rows"] == [["00:00:00", "1960-01-01T00:00:00"], ["01:01:01", "1961-01-01T00:00:05"],
                           [None, None], ["23:59:59", "1959-12-31T23:59:59"]]
    back = read_dataset_json(path)
    np.testing.assert_array_equal(back.data["ATM"].to_numpy(), frame["ATM"].to_numpy())
    np.testing.assert_array_equal(back.data["ADTM"].to_numpy(), frame["ADTM"].to_numpy())
    ds.data["ATM"] = [0.0, 90000.0, 1.0, 2.0]
    assert ", row 2, variable ATM: dataset ADX: value 90000.0 is not a time of day" in write_error(ds, tmp_path)
