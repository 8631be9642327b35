"""The files follow the contract: folders, system columns first, headers = data dictionary."""
from __future__ import annotations

import csv
import json

import pytest

SYSTEM = ["project", "SiteNumber", "Subject", "Folder", "FolderSeq", "InstanceName", "DataPageName",
          "PageRepeatNumber", "RecordPosition"]


@pytest.fixture(scope="module")
def dictionary(export):
    return json.loads((export / "data_dictionary.json").read_text(encoding="utf-8"))


def test_every_file_matches_the_dictionary(export, dictionary):
    assert dictionary["study"] == "IL2DM-PKU-301"
    files = {f["file"] for f in dictionary["forms"]}
    on_disk = {p.relative_to(export).as_posix() for p in export.rglob("*.csv") if not p.name.startswith("data_dictionary")}
    assert files == on_disk
    for form in dictionary["forms"]:
        with open(export / form["file"], encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
        assert header == [c["name"] for c in form["columns"]], form["form"]
        if form["source"] == "EDC":
            assert header[:9] == SYSTEM
            assert all(c.isupper() for c in header[9:]), form["form"]
            assert [c["system"] for c in form["columns"]] == [True] * 9 + [False] * (len(header) - 9)


def test_flat_dictionary_has_the_same_columns(export, dictionary):
    with open(export / "data_dictionary.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    flat = [(r["form"], r["column"], r["type"]) for r in rows]
    nested = [(f["form"], c["name"], c["type"]) for f in dictionary["forms"] for c in f["columns"]]
    assert flat == nested


def test_required_forms_exist(dictionary):
    forms = {f["form"] for f in dictionary["forms"]}
    assert {"DM", "IC", "IE", "RAND", "EX", "AE", "CM", "DS", "SV", "MMT8", "HAQ", "VAS", "LAB"} <= forms


def test_system_columns_identify_records(tables):
    # one row per subject x folder x folder repeat x page repeat x record: the ODM keys are unique
    keys = ["Subject", "Folder", "FolderSeq", "PageRepeatNumber", "RecordPosition"]
    for name, df in tables.items():
        if name == "LAB":
            continue
        assert not df.duplicated(keys).any(), name
        assert (df.Subject.str.slice(0, 2) == df.SiteNumber).all(), name


def test_values_of_coded_columns_are_crf_values_or_documented_variants(export, tables, dictionary):
    from cdisc_dm.synth.variants import VARIANTS

    for form in dictionary["forms"]:
        df = tables[form["form"]]
        for col in form["columns"]:
            if not col["values"] or col["type"] == "integer":
                continue
            allowed = set(col["values"]) | {""}
            if col.get("variants"):
                allowed |= {v for table in VARIANTS.values() for alts in table.values() for v in alts}
            bad = set(df[col["name"]]) - allowed
            assert not bad, (form["form"], col["name"], sorted(bad)[:5])
