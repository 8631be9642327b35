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
                "lineage.csv", "reports/reconciliation.csv", "sdtm/define.xml", "sdtm/define.html",
                "adam/adsl.xpt", "adam/adeff.xpt", "adam/define.xml", "adam/define.html"]:
        assert (out / rel).is_file(), rel
    for package in ("sdtm", "adam"):
        for fmt in ("json", "html", "xlsx"):
            assert (out / "reports" / package / f"validation.{fmt}").is_file(), (package, fmt)


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
    doc = json.loads((demo_run.out_dir / "reports" / "sdtm" / "validation.json").read_text())
    assert doc["summary"] == demo_run.validation.counts()
    assert {d["name"] for d in doc["datasets"]} >= {"DM", "AE", "EX", "DS", "CM", "QS", "LB", "TS", "TA", "SE", "SV", "IE"}
    adam = json.loads((demo_run.out_dir / "reports" / "adam" / "validation.json").read_text())
    assert adam["standard"] == "ADaMIG 1.3"
    assert {d["name"] for d in adam["datasets"]} >= {"ADSL", "ADAE", "ADQS", "ADLB", "ADEFF"}


def test_both_defines_are_xsd_valid_and_agree_with_the_data(demo_run):
    for check in (demo_run.define, demo_run.adam.define):
        assert check.xsd_errors == []
        assert check.report.count("error") == 0, [str(i) for i in check.report if i.severity == "error"]


def test_our_sdtm_and_adam_have_no_error_findings(demo_run):
    for result in (demo_run.validation, demo_run.adam.validation):
        failed = [(r.rule_id, r.count) for r in result.rules if r.status == "failed" and r.severity == "error"]
        assert failed == [], failed
        assert [r.rule_id for r in result.rules if r.status == "error"] == []


def test_adsl_has_one_record_per_dm_subject(demo_run):
    dm = demo_run.convert.package["DM"].data
    adsl = demo_run.derive.package["ADSL"].data
    assert adsl["USUBJID"].is_unique
    assert set(adsl["USUBJID"]) == set(dm["USUBJID"])


def test_same_inputs_give_byte_identical_outputs(demo_run, tmp_path):
    again = demo(tmp_path / "run", subjects=30, seed=11)
    first, second = _hashes(demo_run.out_dir), _hashes(again.out_dir)
    assert first.keys() == second.keys()
    differing = [k for k in first if first[k] != second[k]]
    assert not differing, differing


def test_stage_commands_alone_rebuild_the_same_defines(demo_run, tmp_path):
    """`convert` and `derive` leave metadata.json next to the data, so `cdisc-dm define` run later on either
    package writes the very define the pipeline wrote (same specs, same metadata, same bytes)."""
    out = demo_run.out_dir
    for package in ("sdtm", "adam"):
        assert (out / package / "metadata.json").is_file(), package
        rebuilt = tmp_path / f"{package}-define.xml"
        assert main(["define", "--package", str(out / package), "--study", "il2dm", "--out", str(rebuilt),
                     "--no-html", "--quiet"]) == 0
        assert rebuilt.read_bytes() == (out / package / "define.xml").read_bytes(), package
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = manifest["outputs"]["sdtm/metadata.json"]
    assert listed == hashlib.sha256((out / "sdtm" / "metadata.json").read_bytes()).hexdigest()


def test_demo_cli_rejects_zero_subjects(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--subjects", "0"])
    assert exc.value.code == 2
    assert "at least 1" in capsys.readouterr().err


def test_adam_from_the_written_sdtm_equals_adam_from_the_converted_package(demo_run, tmp_path):
    """The pipeline derives ADaM from the SDTM files it wrote; deriving from the in-memory result of
    convert (its datasets read back from Dataset-JSON) gives the same bytes."""
    from cdisc_dm.derive import derive

    from_package = derive(demo_run.convert, "il2dm", tmp_path, formats=("xpt", "json"), created="2000-01-01T00:00:00")
    out = demo_run.out_dir / "adam"
    written = [Path(p) for p in from_package.paths if Path(p).suffix in (".xpt", ".json")]
    assert {p.name for p in written} >= {"adsl.xpt", "adsl.json", "adqs.xpt", "adeff.json", "metadata.json"}
    for path in written:
        assert path.read_bytes() == (out / path.name).read_bytes(), path.name
