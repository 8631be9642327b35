"""A failed run leaves nothing half-written; a rerun replaces its own files only."""
from __future__ import annotations

import importlib

import pytest

from cdisc_dm.errors import UsageError
from cdisc_dm.synth import synthesize


def test_failure_midway_leaves_no_output(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise OSError("disk full")

    # the module, not the function of the same name that the package exports
    synth_mod = importlib.import_module("cdisc_dm.synth.synthesize")
    monkeypatch.setattr(synth_mod, "write_csv_chunks", boom)
    with pytest.raises(OSError):
        synthesize(tmp_path / "raw", subjects=8)
    assert list(tmp_path.iterdir()) == []


def test_rerun_replaces_export_and_keeps_foreign_files(tmp_path):
    out = tmp_path / "raw"
    synthesize(out, subjects=8, seed=1)
    (out / "notes.txt").write_text("mine")
    (out / "edc" / "OLD.csv").write_text("stale form from an earlier version")
    synthesize(out, subjects=8, seed=2)
    assert (out / "notes.txt").read_text() == "mine"
    assert not (out / "edc" / "OLD.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]
    assert sorted(p.name for p in out.iterdir()) == ["data_dictionary.csv", "data_dictionary.json", "edc", "lab", "notes.txt"]


def test_existing_empty_folder_is_filled(tmp_path):
    out = tmp_path / "raw"
    out.mkdir()
    synthesize(out, subjects=4)
    assert sorted(p.name for p in out.iterdir()) == ["data_dictionary.csv", "data_dictionary.json", "edc", "lab"]


@pytest.mark.parametrize("kwargs", [{"subjects": 0}, {"subjects": 2.5}, {"seed": -3}])
def test_api_rejects_bad_arguments(tmp_path, kwargs):
    with pytest.raises(UsageError):
        synthesize(tmp_path / "raw", **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_output_path_that_is_a_file(tmp_path):
    f = tmp_path / "raw"
    f.write_text("x")
    with pytest.raises(UsageError, match="not a folder"):
        synthesize(f, subjects=4)
