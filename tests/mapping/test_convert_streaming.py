"""convert with an output folder writes each dataset as soon as it is final.

The datasets of ``result.package`` then read their rows back from the written Dataset-JSON
files; they must equal the datasets of a run that keeps everything in memory, and the files
must equal those of ``write_package`` on that in-memory package.
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from cdisc_dm.convert import convert
from cdisc_dm.dataset import Package
from cdisc_dm.io.package import StoredDataset, write_package
from cdisc_dm.synth import synthesize

CREATED = "2026-01-01T00:00:00"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("stream")
    synthesize(base / "raw", subjects=12, seed=11)
    in_memory = convert(base / "raw", "il2dm", created=CREATED)
    written = convert(base / "raw", "il2dm", base / "run", created=CREATED)
    return base, in_memory, written


def test_written_datasets_read_back_equal_the_in_memory_run(runs):
    _, in_memory, written = runs
    assert [ds.name for ds in written.package] == [ds.name for ds in in_memory.package]
    for ds in in_memory.package:
        got = written.package[ds.name]
        assert isinstance(got, StoredDataset) and got.source == written.out_dir / "sdtm" / f"{ds.name.lower()}.json"
        assert got.records == len(ds.data)
        pd.testing.assert_frame_equal(got.data, ds.data, check_exact=True)
        assert got.variables == ds.variables  # value-level metadata included
    pd.testing.assert_frame_equal(written.lineage, in_memory.lineage, check_exact=True)
    pd.testing.assert_frame_equal(written.reconciliation, in_memory.reconciliation, check_exact=True)


def test_summary_counts_without_reading_the_files(runs, tmp_path):
    _, in_memory, written = runs
    assert written.summary()["datasets"] == in_memory.summary()["datasets"]
    # datasets whose files are gone: the summary must not need them
    gone = Package(in_memory.package.standard)
    for ds in in_memory.package:
        gone.add(StoredDataset.of(ds, tmp_path / "missing" / f"{ds.name.lower()}.json"))
    assert replace(written, package=gone).summary()["datasets"] == {ds.name: len(ds.data) for ds in in_memory.package}


def test_streamed_files_equal_write_package_of_the_in_memory_package(runs, tmp_path):
    _, in_memory, written = runs
    paths = write_package(in_memory.package, tmp_path / "sdtm", formats=("xpt", "json"),
                          creation_datetime=pd.Timestamp(CREATED).to_pydatetime())
    for path in paths:
        assert path.read_bytes() == (written.out_dir / "sdtm" / path.name).read_bytes(), path.name
