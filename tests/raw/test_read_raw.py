"""read_raw: one entry point over folders and files; names, duplicates, describe, dictionary."""
from __future__ import annotations

import json

import pandas as pd
import pytest

import cdisc_dm.raw as raw_pkg
from _raw_export import FORMS, LAB_ROWS, write_export
from cdisc_dm.errors import RawInputError, UsageError
from cdisc_dm.raw import RawStudy, RawTable, read_raw, read_table, write_odm


def test_public_api_is_declared():
    for name in raw_pkg.__all__:
        assert hasattr(raw_pkg, name), name
    for name in ("read_raw", "read_table", "RawStudy", "RawTable", "write_odm"):
        assert name in raw_pkg.__all__


def test_export_folder(tmp_path):
    root = write_export(tmp_path / "export")
    raw = read_raw(root)
    assert isinstance(raw, RawStudy)
    assert sorted(raw.tables) == sorted(list(FORMS) + ["LAB"])
    assert isinstance(raw["dm"], RawTable) and raw["DM"] is raw["dm"]
    assert raw.dictionary == json.loads((root / "data_dictionary.json").read_text(encoding="utf-8"))
    assert (root / "data_dictionary.json", "data dictionary") in raw.skipped
    lab = raw["LAB"]
    assert lab.data.values.tolist() == LAB_ROWS


def test_describe_lists_every_table(tmp_path):
    root = write_export(tmp_path / "export")
    desc = read_raw(root).describe()
    assert list(desc.columns) == ["table", "file", "format", "encoding", "rows", "columns"]
    dm = desc.set_index("table").loc["DM"]
    assert dm["file"] == "edc/DM.csv" and dm["format"] == "csv" and dm["encoding"] == "utf-8"
    assert dm["rows"] == len(FORMS["DM"]["rows"])
    assert dm["columns"] == 9 + len(FORMS["DM"]["columns"])


def test_unknown_table_names_the_known_ones(tmp_path):
    raw = read_raw(write_export(tmp_path / "export"))
    with pytest.raises(RawInputError, match=r"no raw table 'XX'.*AE, DM, LAB, VS"):
        raw["XX"]


def test_same_table_name_twice_names_both_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "dm.csv").write_text("X\n1\n", encoding="utf-8")
    (tmp_path / "b" / "DM.csv").write_text("X\n2\n", encoding="utf-8")
    with pytest.raises(RawInputError) as err:
        read_raw(tmp_path)
    msg = str(err.value)
    assert "two raw tables are named DM" in msg
    assert str(tmp_path / "a" / "dm.csv") in msg and str(tmp_path / "b" / "DM.csv") in msg


def test_odm_and_csv_of_the_same_forms(tmp_path):
    root = write_export(tmp_path / "export")
    write_odm(root, root / "odm" / "ODM.xml")
    flat = read_raw(root)
    assert {t.format for n, t in flat.tables.items()} == {"csv"}
    assert any("ODM copy" in why for _, why in flat.skipped)
    odm = read_raw(root, prefer="odm")
    assert {odm[f].format for f in FORMS} == {"odm"} and odm["LAB"].format == "csv"
    only_odm = read_raw(root / "odm" / "ODM.xml")
    assert sorted(only_odm.tables) == sorted(FORMS)
    with pytest.raises(UsageError):
        read_raw(root, prefer="sas")


def test_other_files_are_listed_as_skipped(tmp_path):
    (tmp_path / "DM.csv").write_text("A\n1\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("notes", encoding="utf-8")
    (tmp_path / "other.xml").write_text("<root/>", encoding="utf-8")
    raw = read_raw(tmp_path)
    reasons = {p.name: why for p, why in raw.skipped}
    assert reasons["README.md"].startswith("not a raw data format")
    assert reasons["other.xml"] == "XML that is not CDISC ODM"
    assert list(raw.tables) == ["DM"]


def test_read_table_kinds(tmp_path):
    (tmp_path / "vs.tsv").write_text("A\tB\n1\t\n", encoding="utf-8")
    t = read_table(tmp_path / "vs.tsv")
    assert isinstance(t, RawTable) and t.name == "VS"
    assert t.data["A"].tolist() == ["1"] and pd.isna(t.data["B"].iloc[0])
    with pytest.raises(RawInputError, match="unknown raw file type .json"):
        (tmp_path / "x.json").write_text("{}", encoding="utf-8")
        read_table(tmp_path / "x.json")
    with pytest.raises(RawInputError, match="no such file"):
        read_raw(tmp_path / "missing")


def test_partial_overlap_of_odm_and_csv_is_listed(tmp_path):
    root = write_export(tmp_path / "export")
    write_odm(root, root / "odm" / "ODM.xml")
    (root / "edc" / "AE.csv").unlink()          # AE now only in the ODM file
    raw = read_raw(root)
    assert raw["AE"].format == "odm" and raw["DM"].format == "csv"
    reasons = [why for p, why in raw.skipped if p.name == "ODM.xml"]
    assert "form DM is read from DM.csv (prefer='flat')" in reasons
