"""ODM 1.3.2 writer: XSD-valid, deterministic, and reading it back equals the CSV export."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from _raw_export import FORMS, write_export
from cdisc_dm.errors import OutputError
from cdisc_dm.raw import read_raw, write_odm
from cdisc_dm.raw.odm_write import DEFAULT_CREATION_DATETIME

NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3"}


@pytest.fixture(scope="module")
def odm_schema():
    odmlib = pytest.importorskip("odmlib")
    xsd = Path(odmlib.__file__).parent / "schemas" / "odm" / "1.3.2" / "ODM1-3-2.xsd"
    if not xsd.is_file():
        pytest.skip("odmlib does not ship the ODM 1.3.2 XSD")
    return etree.XMLSchema(etree.parse(str(xsd)))


@pytest.fixture()
def export(tmp_path):
    return write_export(tmp_path / "export")


def assert_same_tables(root: Path, forms: list[str]) -> None:
    flat = read_raw(root)
    odm = read_raw(root, prefer="odm")
    for form in forms:
        a, b = flat[form], odm[form]
        assert a.format == "csv" and b.format == "odm"
        pd.testing.assert_frame_equal(a.data, b.data, check_exact=True)
        assert a.rows.tolist() == b.rows.tolist()


def test_written_file_is_valid_odm_132(export, odm_schema):
    out = write_odm(export, export / "odm" / "ODM.xml")
    doc = etree.parse(str(out))
    assert odm_schema.validate(doc), str(odm_schema.error_log)
    root = doc.getroot()
    assert root.get("ODMVersion") == "1.3.2" and root.get("FileType") == "Snapshot"
    assert root.get("CreationDateTime") == DEFAULT_CREATION_DATETIME


def test_round_trip_equals_csv_tables(export):
    write_odm(export, export / "odm" / "ODM.xml")
    assert_same_tables(export, list(FORMS))


def test_lab_transfer_is_not_written(export):
    out = write_odm(export, export / "odm" / "ODM.xml")
    doc = etree.parse(str(out))
    assert doc.xpath("//odm:FormDef/@OID", namespaces=NS) == list(FORMS)
    assert read_raw(export, prefer="odm")["LAB"].format == "csv"


def test_missing_cells_have_no_item_data(export):
    out = write_odm(export, export / "odm" / "ODM.xml")
    doc = etree.parse(str(out))
    for form, spec in FORMS.items():
        clinical = [c[0] for c in spec["columns"]]
        # count filled cells independently, from the csv module
        with open(export / "edc" / f"{form}.csv", encoding="utf-8", newline="") as fh:
            recs = list(csv.DictReader(fh))
        filled = sum(1 for r in recs for c in clinical if r[c] != "")
        items = doc.xpath(f"//odm:FormData[@FormOID='{form}']//odm:ItemData", namespaces=NS)
        assert len(items) == filled
        assert all(i.get("Value") != "" for i in items)


def test_values_with_line_breaks_survive_attribute_normalisation(export):
    out = write_odm(export, export / "odm" / "ODM.xml")
    doc = etree.parse(str(out))
    (value,) = doc.xpath("//odm:ItemData[@ItemOID='DM.RACEOTH' and contains(@Value, 'line')]/@Value", namespaces=NS)
    assert value == "line one\nline two"


def test_output_is_byte_identical_and_clock_free(export, tmp_path):
    a = write_odm(export, tmp_path / "a.xml")
    b = write_odm(export, tmp_path / "b.xml")
    assert a.read_bytes() == b.read_bytes()
    c = write_odm(export, tmp_path / "c.xml", creation_datetime="2024-05-01T12:00:00+08:00")
    assert etree.parse(str(c)).getroot().get("CreationDateTime") == "2024-05-01T12:00:00+08:00"


def test_repeat_names_come_back_from_aliases(export):
    out = write_odm(export, export / "odm" / "ODM.xml")
    odm = read_raw(export, prefer="odm")
    assert odm["VS"].data["InstanceName"].tolist() == ["Screening", "Unscheduled 1", "Unscheduled 2", "Screening"]
    assert "Adverse Events (2)" in odm["AE"].data["DataPageName"].tolist()
    doc = etree.parse(str(out))
    assert doc.xpath("//odm:StudyEventDef[@OID='UNS']/@Repeating", namespaces=NS) == ["Yes"]


def test_data_type_falls_back_to_text_when_values_do_not_conform(export):
    out = write_odm(export, export / "odm" / "ODM.xml")
    doc = etree.parse(str(out))
    types = {d.get("OID"): d.get("DataType") for d in doc.xpath("//odm:ItemDef", namespaces=NS)}
    assert types["DM.AGE"] == "integer"
    assert types["DM.HEIGHT"] == "float"
    assert types["VS.SYSBP"] == "text"        # holds "<90"
    assert types["DM.BRTHDAT"] == "text"      # "12 MAR 1970" is not an ODM date
    assert types["AE.AESTDAT"] == "date"      # ISO 8601 values


def test_unsorted_export_is_refused_not_reordered(export):
    # put subject 02-0001's AE record between subject 01-0001's records
    path = export / "edc" / "AE.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        recs = list(csv.reader(fh))
    header, body = recs[0], recs[1:]
    body = [body[0], body[3], body[1], body[2]]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header] + body)
    with pytest.raises(OutputError, match="form AE are not grouped by subject"):
        write_odm(export, export / "odm" / "ODM.xml")
    assert not (export / "odm" / "ODM.xml").exists()


def test_duplicate_record_keys_are_refused(export):
    path = export / "edc" / "DM.csv"
    text = path.read_text(encoding="utf-8")
    first_record = text.splitlines()[1]
    path.write_text(text + first_record + "\n", encoding="utf-8")
    with pytest.raises(OutputError, match="same Subject/Folder/FolderSeq"):
        write_odm(export, export / "odm" / "ODM.xml")


def test_column_missing_from_dictionary_is_an_error(export):
    data = json.loads((export / "data_dictionary.json").read_text(encoding="utf-8"))
    data["forms"][0]["columns"] = [c for c in data["forms"][0]["columns"] if c["name"] != "SEX"]
    (export / "data_dictionary.json").write_text(json.dumps(data), encoding="utf-8")
    from cdisc_dm.errors import RawInputError

    with pytest.raises(RawInputError, match="SEX of form DM are not in the data dictionary"):
        write_odm(export, export / "odm" / "ODM.xml")


def _synthesize_with_odm(out: Path) -> None:
    """`cdisc-dm synth --odm` when the sub-command exists, else the synth package's function."""
    import importlib.util

    if importlib.util.find_spec("cdisc_dm._cli.synth") is not None:
        from cdisc_dm.cli import main

        rc = main(["synth", "--out", str(out), "--subjects", "30", "--seed", "7", "--odm", "--quiet"])
        assert rc == 0
        return
    try:
        from cdisc_dm.synth import synthesize
    except ImportError:
        pytest.skip("cdisc_dm.synth is not available")
    synthesize(out, subjects=30, seed=7, odm=True)


@pytest.mark.slow
def test_synthetic_export_round_trips_through_odm(tmp_path, odm_schema):
    out = tmp_path / "synth"
    _synthesize_with_odm(out)
    odm_file = out / "odm" / "ODM.xml"
    assert odm_file.is_file()
    assert odm_schema.validate(etree.parse(str(odm_file))), str(odm_schema.error_log)
    dictionary = json.loads((out / "data_dictionary.json").read_text(encoding="utf-8"))
    edc = [f["form"].upper() for f in dictionary["forms"] if f.get("source") == "EDC"]
    assert len(edc) >= 5, f"the synthetic dictionary lists only {edc} as EDC forms"
    assert_same_tables(out, edc)
    # the lab transfer is not part of the ODM file
    labs = [f["form"].upper() for f in dictionary["forms"] if f.get("source") != "EDC"]
    odm_forms = etree.parse(str(odm_file)).xpath("//odm:FormDef/@OID", namespaces=NS)
    assert sorted(odm_forms) == sorted(edc) and not set(labs) & set(odm_forms)


def test_form_without_records_round_trips_as_an_empty_table(export, odm_schema):
    path = export / "edc" / "AE.csv"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(header + "\n", encoding="utf-8")
    out = write_odm(export, export / "odm" / "ODM.xml")
    assert odm_schema.validate(etree.parse(str(out))), str(odm_schema.error_log)
    assert_same_tables(export, list(FORMS))
    assert len(read_raw(export, prefer="odm")["AE"].data) == 0
