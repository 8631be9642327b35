"""write_package: every dataset in every format, all or nothing."""
from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.dataset import Dataset, Package, Variable
from cdisc_dm.errors import OutputError, UsageError
from cdisc_dm.io import read_dataset_json, read_xpt
from cdisc_dm.io.package import write_package

CREATED = datetime(2026, 11, 29, 8, 0, 0)


def small(name: str, label: str, terms: list[str]) -> Dataset:
    frame = pd.DataFrame({
        "STUDYID": pd.array(["IL2DM-PKU-301"] * len(terms), dtype="str"),
        "DOMAIN": pd.array([name] * len(terms), dtype="str"),
        f"{name}SEQ": np.arange(1.0, len(terms) + 1),
        f"{name}TERM": pd.array(terms, dtype="str"),
    })
    variables = [Variable("STUDYID", "Study Identifier", "Char"), Variable("DOMAIN", "Domain Abbreviation", "Char"),
                 Variable(f"{name}SEQ", "Sequence Number", "Num"), Variable(f"{name}TERM", "Reported Term", "Char")]
    return Dataset(name, label, frame, variables)


def package(bad: bool = False) -> Package:
    pkg = Package("SDTMIG 3.4")
    pkg.add(small("AE", "Adverse Events", ["HEADACHE", "RASH"]))
    pkg.add(small("CM", "Concomitant Medications", ["PREDNISONE"]))
    # MH sorts last, so when it is the bad one the others have already been written
    pkg.add(small("MH", "Medical History", ["DERMATOMYOSITIS", "Myosite é" if bad else "ASTHMA"]))
    return pkg


def test_writes_every_dataset_in_every_format_sorted(tmp_path):
    out = tmp_path / "run" / "sdtm"
    paths = write_package(package(), out, formats=("xpt", "json", "ndjson"), creation_datetime=CREATED)
    names = [p.name for p in paths]
    assert names == sorted(names) == ["ae.json", "ae.ndjson", "ae.xpt", "cm.json", "cm.ndjson", "cm.xpt",
                                      "mh.json", "mh.ndjson", "mh.xpt"]
    assert all(p.parent == out for p in paths)
    assert sorted(p.name for p in out.iterdir()) == names
    assert read_xpt(out / "cm.xpt")["CMTERM"].tolist() == ["PREDNISONE"]
    dm = read_dataset_json(out / "mh.ndjson")
    assert dm.data["MHTERM"].tolist() == ["DERMATOMYOSITIS", "ASTHMA"]
    attrs = read_dataset_json(out / "ae.json").data.attrs["dataset_json"]
    assert (attrs["studyOID"], attrs["metaDataVersionOID"]) == ("IL2DM-PKU-301", "MDV.SDTMIG.3.4")
    assert [p.name for p in tmp_path.joinpath("run").iterdir()] == ["sdtm"], "no staging folder left behind"


def test_same_inputs_same_bytes(tmp_path):
    a = write_package(package(), tmp_path / "a", creation_datetime=CREATED)
    b = write_package(package(), tmp_path / "b", creation_datetime=CREATED)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_one_invalid_dataset_leaves_nothing_behind(tmp_path):
    out = tmp_path / "sdtm"
    with pytest.raises(OutputError, match=r"row 2, variable MHTERM: dataset MH: value 'Myosite é'"):
        write_package(package(bad=True), out, creation_datetime=CREATED)
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_an_existing_folder_unchanged(tmp_path):
    out = tmp_path / "sdtm"
    out.mkdir()
    (out / "ae.xpt").write_bytes(b"old")
    (out / "README").write_text("keep me")
    with pytest.raises(OutputError):
        write_package(package(bad=True), out, formats=("xpt",), creation_datetime=CREATED)
    assert sorted(p.name for p in out.iterdir()) == ["README", "ae.xpt"]
    assert (out / "ae.xpt").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["sdtm"]
    # success replaces same-named files and keeps the others
    write_package(package(), out, formats=("xpt",), creation_datetime=CREATED)
    assert sorted(p.name for p in out.iterdir()) == ["README", "ae.xpt", "cm.xpt", "mh.xpt"]
    assert (out / "ae.xpt").read_bytes()[:6] == b"HEADER"


def test_bad_arguments(tmp_path):
    with pytest.raises(UsageError, match="unknown output format"):
        write_package(package(), tmp_path / "x", formats=("csv",), creation_datetime=CREATED)
    pkg = package()
    pkg["CM"].data["STUDYID"] = pd.array(["OTHER"], dtype="str")
    with pytest.raises(UsageError, match="STUDYID values found: IL2DM-PKU-301, OTHER"):
        write_package(pkg, tmp_path / "x", creation_datetime=CREATED)
    assert not (tmp_path / "x").exists()
