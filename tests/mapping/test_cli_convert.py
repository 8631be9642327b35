"""`cdisc-dm convert`: --plan reads no data, --json prints a summary, progress goes to stderr."""
from __future__ import annotations

import json

from cdisc_dm.cli import main

from mapping_helpers import SECOND


def test_plan_prints_json_without_reading_data(capsys, tmp_path):
    code = main(["convert", "--plan", "--study", str(SECOND)])
    out = capsys.readouterr().out
    plan = json.loads(out)
    assert code == 0
    assert [d["dataset"] for d in plan["datasets"]][0] == "DM"
    vs = next(d for d in plan["datasets"] if d["dataset"] == "VS")
    assert vs["records"] == {"kind": "melt", "sources": ["vit"], "tests": 3, "keep": {"var": "test.value", "op": "notnull"}}
    sex = next(v for v in next(d for d in plan["datasets"] if d["dataset"] == "DM")["variables"] if v["name"] == "SEX")
    assert sex["steps"][0]["algorithm"] == "ct" and sex["steps"][0]["params"]["codelist"] == "SEX"
    assert sex["steps"][0]["origin"] == "Collected"


def test_convert_json_summary_and_progress(capsys, tmp_path):
    code = main(["convert", "--raw", str(SECOND / "raw"), "--study", str(SECOND), "--out", str(tmp_path / "run"), "--json"])
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert code == 0
    assert summary["datasets"]["DM"] == 5 and summary["all_raw_records_accounted"] is True
    assert summary["issues"] == {"error": 0, "warning": 0, "notice": 0}
    assert (tmp_path / "run" / "sdtm" / "dm.xpt").is_file()


def test_convert_progress_lines_on_stderr(capsys, tmp_path):
    main(["convert", "--raw", str(SECOND / "raw"), "--study", str(SECOND), "--out", str(tmp_path / "run")])
    err = capsys.readouterr().err.splitlines()
    assert any(line.split()[0] == "DM" and "5 records" in line for line in err)
    assert err[-1].startswith("wrote ") and "all raw records accounted for" in err[-1]


def test_convert_without_raw_is_a_usage_error(capsys):
    assert main(["convert", "--study", str(SECOND)]) == 2
    assert "needs --raw DIR and --out DIR" in capsys.readouterr().err
