"""PackageWriter: one dataset at a time, the bytes write_package writes; StoredDataset reads them back."""
from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.dataset import Dataset, Package, Variable
from cdisc_dm.errors import OutputError, UsageError
from cdisc_dm.io.package import PackageWriter, StoredDataset, write_package

CREATED = datetime(2026, 11, 29, 8, 0, 0)


def _dataset(name: str, terms: list[str | None], studyid: str = "IL2DM-PKU-301") -> Dataset:
    n = len(terms)
    frame = pd.DataFrame({
        "STUDYID": pd.array([studyid] * n, dtype="str"),
        "DOMAIN": pd.array([name] * n, dtype="str"),
        f"{name}SEQ": np.arange(1, n + 1, dtype="int64"),  # an integer column: read back as float64 by Dataset-JSON
        f"{name}TERM": pd.array(terms, dtype="str"),
        f"{name}DY": np.array([np.nan] + [float(i) for i in range(2, n + 1)]),
    })
    variables = [Variable("STUDYID", "Study Identifier", "Char"), Variable("DOMAIN", "Domain Abbreviation", "Char"),
                 Variable(f"{name}SEQ", "Sequence Number", "Num"), Variable(f"{name}TERM", "Reported Term", "Char"),
                 Variable(f"{name}DY", "Study Day", "Num")]
    return Dataset(name, f"{name} dataset", frame, variables, keys=["STUDYID", f"{name}SEQ"], klass="EVENTS")


def _datasets() -> list[Dataset]:
    return [_dataset("AE", ["HEADACHE", None, "RASH"]), _dataset("CM", ["PREDNISONE", "", "MTX"])]


@pytest.mark.parametrize("formats", [("xpt", "json"), ("xpt", "ndjson"), ("json",)])
def test_same_bytes_as_write_package(tmp_path, formats):
    pkg = Package("SDTMIG 3.4")
    for ds in _datasets():
        pkg.add(ds)
    expected = write_package(pkg, tmp_path / "whole", formats=formats, creation_datetime=CREATED)
    writer = PackageWriter(tmp_path / "streamed", creation_datetime=CREATED, formats=formats, standard="SDTMIG 3.4")
    for ds in _datasets():
        writer.add(ds)
    got = writer.close()
    assert [p.name for p in got] == [p.name for p in expected]
    assert [p.read_bytes() for p in got] == [p.read_bytes() for p in expected]


def test_stored_dataset_reads_back_the_frame_written(tmp_path):
    writer = PackageWriter(tmp_path, creation_datetime=CREATED, standard="SDTMIG 3.4")
    original = _dataset("AE", ["HEADACHE", None, "RASH"])
    stored = writer.add(original)
    writer.close()
    assert isinstance(stored, StoredDataset) and stored.source == tmp_path / "ae.json"
    assert stored.records == 3
    assert (stored.name, stored.label, stored.keys, stored.klass) == ("AE", "AE dataset", ["STUDYID", "AESEQ"], "EVENTS")
    assert stored.variables == original.variables
    # text with NA, int64 (restored from Dataset-JSON's float) and float with NaN all come back as written
    pd.testing.assert_frame_equal(stored.data, original.data, check_exact=True)
    assert stored.data.attrs == {}


def test_stored_dataset_checks_the_file_still_matches(tmp_path):
    writer = PackageWriter(tmp_path, creation_datetime=CREATED, standard="SDTMIG 3.4")
    stored = writer.add(_dataset("AE", ["HEADACHE", "RASH"]))
    other = PackageWriter(tmp_path / "other", creation_datetime=CREATED, standard="SDTMIG 3.4")
    other.add(_dataset("AE", ["HEADACHE", "RASH", "FEVER"]))
    (tmp_path / "other" / "ae.json").replace(tmp_path / "ae.json")  # the file was replaced by a longer one
    with pytest.raises(OutputError, match="no longer holds the 2 records"):
        stored.data


def test_assigning_data_replaces_the_file_as_source(tmp_path):
    stored = PackageWriter(tmp_path, creation_datetime=CREATED, standard="SDTMIG 3.4").add(_dataset("AE", ["A"]))
    frame = _dataset("AE", ["B", "C"]).data
    stored.data = frame
    assert stored.source is None and stored.data is frame


def test_not_released_without_a_json_format_or_when_asked(tmp_path):
    ds = _dataset("AE", ["HEADACHE"])
    assert PackageWriter(tmp_path / "x", creation_datetime=CREATED, formats=("xpt",)).add(ds) is ds
    assert PackageWriter(tmp_path / "j", creation_datetime=CREATED, standard="SDTMIG 3.4").add(ds, release=False) is ds


def test_datasets_of_different_studies_are_refused_as_write_package_does(tmp_path):
    pkg = Package("SDTMIG 3.4")
    pkg.add(_dataset("AE", ["A"], studyid="S1"))
    pkg.add(_dataset("CM", ["B"], studyid="S2"))
    with pytest.raises(UsageError, match="STUDYID values found"):
        write_package(pkg, tmp_path / "whole", creation_datetime=CREATED)
    writer = PackageWriter(tmp_path / "streamed", creation_datetime=CREATED, standard="SDTMIG 3.4")
    writer.add(_dataset("AE", ["A"], studyid="S1"))
    writer.add(_dataset("CM", ["B"], studyid="S2"))
    with pytest.raises(UsageError, match="S1, S2"):
        writer.close()


def test_names_colliding_once_lower_cased_are_refused(tmp_path):
    writer = PackageWriter(tmp_path, creation_datetime=CREATED, formats=("xpt",))
    writer.add(_dataset("AE", ["A"]))
    with pytest.raises(OutputError, match="collide"):
        writer.add(_dataset("AE", ["B"]))
