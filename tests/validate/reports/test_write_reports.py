"""write_reports: the files asked for, atomically, and nothing on bad arguments."""
from __future__ import annotations

import json

import pytest
import xlsxwriter

from cdisc_dm.errors import UsageError
from cdisc_dm.validate.reports import write_reports


def test_writes_all_three_by_default(realistic_result, tmp_path):
    out = tmp_path / "run" / "reports"
    paths = write_reports(realistic_result, out)
    assert [p.name for p in paths] == ["validation.json", "validation.html", "validation.xlsx"]
    assert sorted(p.name for p in out.iterdir()) == ["validation.html", "validation.json", "validation.xlsx"]
    assert json.loads(paths[0].read_bytes())["rules"][1]["rule_id"] == "CORE-000001"
    assert paths[1].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert paths[2].read_bytes()[:2] == b"PK"


def test_same_result_same_bytes(realistic_result, tmp_path):
    first = write_reports(realistic_result, tmp_path / "a")
    second = write_reports(realistic_result, tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_formats_in_order_deduplicated_and_case_insensitive(realistic_result, tmp_path):
    paths = write_reports(realistic_result, tmp_path, formats=("XLSX", "json", "xlsx"))
    assert [p.name for p in paths] == ["validation.xlsx", "validation.json"]
    assert [p.name for p in write_reports(realistic_result, tmp_path / "c", formats="html,json")] == [
        "validation.html", "validation.json"]


@pytest.mark.parametrize("formats", [("json", "pdf"), ()])
def test_bad_formats_write_nothing(realistic_result, tmp_path, formats):
    with pytest.raises(UsageError, match="json, html, xlsx"):
        write_reports(realistic_result, tmp_path / "out", formats=formats)
    assert not (tmp_path / "out").exists()


def test_a_failed_write_keeps_the_previous_report(realistic_result, tmp_path, monkeypatch):
    (xlsx,) = write_reports(realistic_result, tmp_path, formats=["xlsx"])
    before = xlsx.read_bytes()

    def broken_close(self):
        raise OSError("disk full")

    monkeypatch.setattr(xlsxwriter.Workbook, "close", broken_close)
    realistic_result.rules = []
    with pytest.raises(OSError, match="disk full"):
        write_reports(realistic_result, tmp_path, formats=["xlsx"])
    assert xlsx.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["validation.xlsx"]  # no temp file left behind
