"""End to end: the whole IL-2 pipeline from a synthetic export to validation reports."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from cdisc_dm.cli import main
from cdisc_dm.pipeline import demo


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "run"
    return demo(out, subjects=30, seed=11)


def test_every_stage_wrote_its_outputs(demo_run):
    out = demo_run.out_dir
    for rel in ["raw/data_dictionary.json", "sdtm/dm.xpt", "sdtm/dm.json", "sdtm/ts.xpt", "manifest.json",
                "lineage.csv", "reports/reconciliation.csv", "reports/validation.json",
                "reports/validation.html", "reports/validation.xlsx"]:
        assert (out / rel).is_file(), rel


def test_dm_has_one_record_per_screened_subject_read_back_by_two_readers(demo_run):
    xpt = demo_run.out_dir / "sdtm" / "dm.xpt"
    by_readstat, meta = pyreadstat.read_xport(str(xpt))
    by_pandas = pd.read_sas(str(xpt), format="xport", encoding="ascii")
    screened = demo_run.synth.screened
    assert len(by_readstat) == len(by_pandas) == screened
    assert by_readstat["USUBJID"].is_unique
    assert meta.column_names_to_labels["USUBJID"] == "Unique Subject Identifier"


def test_all_raw_records_are_accounted_for(demo_run):
    rec = pd.read_csv(demo_run.out_dir / "reports" / "reconciliation.csv")
    assert rec["accounted"].all(), rec[~rec["accounted"]]


def test_validation_report_matches_the_result(demo_run):
    doc = json.loads((demo_run.out_dir / "reports" / "validation.json").read_text())
    assert doc["summary"] == demo_run.validation.counts()
    assert {d["name"] for d in doc["datasets"]} >= {"DM", "AE", "EX", "DS", "CM", "QS", "TS"}


def test_same_inputs_give_byte_identical_outputs(demo_run, tmp_path):
    again = demo(tmp_path / "run", subjects=30, seed=11)
    first, second = _hashes(demo_run.out_dir), _hashes(again.out_dir)
    assert first.keys() == second.keys()
    differing = [k for k in first if first[k] != second[k]]
    assert not differing, differing


def test_demo_cli_rejects_zero_subjects(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--subjects", "0"])
    assert exc.value.code == 2
    assert "at least 1" in capsys.readouterr().err
