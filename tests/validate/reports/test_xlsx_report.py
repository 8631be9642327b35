"""validation.xlsx: Pinnacle 21-style tabs, counts that agree with the result, stable bytes."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
import report_fixtures
from report_fixtures import (
    CJK_VALUE, EXPECTED, EXPECTED_TOTAL, FORMULA_VALUE, LONG_VALUE, N_AE, N_LB, N_NOTICE, N_SUPPAE, SCRIPT_VALUE,
)

from cdisc_dm.errors import UsageError
from cdisc_dm.validate.reports import write_xlsx_report

HEADERS = {
    "Conformance Details": ["Item", "Value"],
    "Dataset Details": ["Dataset", "Label", "Class", "Records", "Variables", "File"],
    "Issue Summary": ["Dataset", "Rule ID", "Message", "Severity", "Count"],
    "Issue Details": ["Rule ID", "Dataset", "Row", "USUBJID", "Seq", "Variables", "Values", "Message", "Severity"],
    "Rules Report": ["Rule ID", "Status", "Severity", "Source", "Message", "Description", "Executability",
                     "Rule Type", "Citations", "Datasets", "Count", "Reason"],
}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = write_xlsx_report(report_fixtures.realistic(), tmp_path_factory.mktemp("xlsx") / "validation.xlsx")
    return openpyxl.load_workbook(path)


def _rows(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def test_tabs_and_headers(workbook):
    assert workbook.sheetnames == list(HEADERS)
    for name, headers in HEADERS.items():
        ws = workbook[name]
        assert [c.value for c in ws[1]] == headers, name
        assert all(c.font.b for c in ws[1]), f"{name}: header not bold"
        assert ws.freeze_panes == "A2", f"{name}: header not frozen"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), f"{name}: no autofilter"
        widths = [ws.column_dimensions[chr(ord("A") + i)].width for i in range(len(headers))]
        assert all(w and len(h) < w <= 100 for w, h in zip(widths, headers)), f"{name}: column widths {widths}"


def test_issue_counts_agree_with_the_result(workbook):
    details = _rows(workbook["Issue Details"])
    assert len(details) == EXPECTED_TOTAL
    by_rule_dataset = Counter((r["Rule ID"], r["Dataset"]) for r in details)
    assert by_rule_dataset == {("CORE-000001", "AE"): N_AE, ("CORE-000001", "SUPPAE"): N_SUPPAE,
                               ("CORE-000002", "LB"): N_LB, ("CDM-0001", "DM"): N_NOTICE}
    summary = {(r["Rule ID"], r["Dataset"]): r["Count"] for r in _rows(workbook["Issue Summary"])}
    assert summary == dict(by_rule_dataset)
    by_severity = Counter()
    for r in details:
        by_severity[r["Severity"]] += 1
    assert dict(by_severity) == {k: v for k, v in EXPECTED.items() if k != "execution_error"}
    conformance = {r["Item"]: r["Value"] for r in _rows(workbook["Conformance Details"])}
    assert (conformance["Errors"], conformance["Warnings"], conformance["Notices"]) == (N_AE + N_SUPPAE, N_LB, N_NOTICE)
    assert conformance["Rules with execution errors"] == 1 and conformance["Rules skipped"] == 2
    assert conformance["Standard"] == "SDTMIG 3.4" and conformance["Controlled terminology"] == "2024-09-27"
    assert conformance["Tool"] == "cdisc_dm 0.1.0" and conformance["Started"] == "2026-11-29T08:00:00+08:00"
    assert f"all {EXPECTED_TOTAL:,} findings" in conformance["Issue Details"]


def test_issue_details_values_and_order(workbook):
    details = _rows(workbook["Issue Details"])
    # dataset, then record: AE rows 1, 7, 12 before DM (dataset-level first), LB, SUPPAE.
    assert [(r["Dataset"], r["Row"]) for r in details[:5]] == [("AE", 1), ("AE", 7), ("AE", 12), ("DM", None), ("DM", 4)]
    first = details[0]
    assert first["USUBJID"] == "IL2DM-PKU-301-01-0001" and first["Seq"] == 1
    assert first["Variables"] == "AESEV, AETERM" and first["Values"].startswith(SCRIPT_VALUE + ", ")
    assert first["Message"] == "AESEV is not in the AESEV codelist <C66769>" and first["Severity"] == "error"
    assert details[1]["Values"].startswith(CJK_VALUE + ", X")
    assert details[2]["Values"] == "null, bell\\x07 and tab\tend"
    dataset_level = details[3]
    assert dataset_level["Message"].startswith("DM has no subject with ARMCD PBO")  # the finding's own message
    suppae = next(r for r in details if r["Dataset"] == "SUPPAE")
    assert suppae["Values"] == f"AESOSP, {FORMULA_VALUE}" and suppae["Seq"] is None


def test_untrusted_strings_stay_text_and_long_values_are_cut(realistic_result, tmp_path):
    path = write_xlsx_report(realistic_result, tmp_path / "v.xlsx")
    ws = openpyxl.load_workbook(path)["Issue Details"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    formula_cell = next(c for v, c in cells.items() if FORMULA_VALUE in v)
    assert formula_cell.data_type == "s"  # text, never a formula
    long_cell = next(v for v in cells if v.count("X") > 30_000)
    assert len(long_cell) == 32_767 and "full value is in validation.json" in long_cell
    assert len(LONG_VALUE) > 32_767


def test_rules_report_lists_every_rule_with_reasons(workbook):
    rows = {r["Rule ID"]: r for r in _rows(workbook["Rules Report"])}
    assert set(rows) == {r.rule_id for r in report_fixtures.realistic().rules}
    assert rows["CORE-000004"]["Status"] == "error" and rows["CORE-000004"]["Reason"].startswith("operator 'is_unique_set'")
    assert rows["CORE-000005"]["Reason"] == "needs a Define-XML file (--define)"
    assert rows["CORE-000003"]["Status"] == "passed" and rows["CORE-000003"]["Count"] == 0
    assert rows["CORE-000002"]["Count"] == N_LB and rows["CORE-000001"]["Citations"].startswith("SDTMIG 3.4 section 6.2 AE; ")


def test_dataset_details(workbook):
    rows = _rows(workbook["Dataset Details"])
    assert [(r["Dataset"], r["Class"], r["Records"], r["Variables"]) for r in rows] == [
        ("DM", "SPECIAL PURPOSE", 240, 27), ("AE", "EVENTS", 812, 33), ("LB", "FINDINGS", 25_000, 40),
        ("SUPPAE", "RELATIONSHIP", 57, 10)]


def test_byte_identical_and_dated_from_the_result(realistic_result, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = write_xlsx_report(realistic_result, tmp_path / "a" / "validation.xlsx")
    b = write_xlsx_report(realistic_result, tmp_path / "b" / "other-name.xlsx")
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert {i.date_time[:3] for i in z.infolist()} <= {(1980, 1, 1), (1980, 1, 31)}
        core = z.read("docProps/core.xml").decode()
    # started 2026-11-29T08:00:00+08:00 is midnight UTC
    assert "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-11-29T00:00:00Z</dcterms:created>" in core


def test_byte_identical_in_another_time_zone(realistic_result, tmp_path):
    here = write_xlsx_report(realistic_result, tmp_path / "here.xlsx")
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import report_fixtures;"
        "from cdisc_dm.validate.reports import write_xlsx_report;"
        "write_xlsx_report(report_fixtures.realistic(), sys.argv[2])"
    )
    there = tmp_path / "there.xlsx"
    env = {**os.environ, "TZ": "America/Los_Angeles"}
    subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), str(there)], check=True, env=env)
    assert there.read_bytes() == here.read_bytes()


def test_row_limit_truncates_with_a_note(realistic_result, tmp_path):
    path = write_xlsx_report(realistic_result, tmp_path / "v.xlsx", max_detail_rows=10)
    wb = openpyxl.load_workbook(path)
    details = list(wb["Issue Details"].iter_rows(values_only=True))
    assert len(details) == 1 + 10  # header, 9 findings, the note
    assert details[-1][0] == f"{EXPECTED_TOTAL - 9:,} more findings not listed: Excel's row limit. validation.json has every finding."
    # the first 9 in dataset/record order: AE x3, DM x2, LB rows 1-4
    assert [(r[1], r[2]) for r in details[1:-1]] == [("AE", 1), ("AE", 7), ("AE", 12), ("DM", None), ("DM", 4),
                                                      ("LB", 1), ("LB", 2), ("LB", 3), ("LB", 4)]
    conformance = {r[0]: r[1] for r in wb["Conformance Details"].iter_rows(min_row=2, values_only=True)}
    assert conformance["Issue Details"].startswith(f"Issue Details lists 9 of {EXPECTED_TOTAL:,} findings")
    # The Issue Summary is not cut: it still counts every finding.
    assert sum(r[4] for r in wb["Issue Summary"].iter_rows(min_row=2, values_only=True)) == EXPECTED_TOTAL


def test_empty_result_gives_headers_only(empty_result, tmp_path):
    wb = openpyxl.load_workbook(write_xlsx_report(empty_result, tmp_path / "v.xlsx"))
    for name in ("Dataset Details", "Issue Summary", "Issue Details", "Rules Report"):
        assert wb[name].max_row == 1, name
    conformance = {r[0]: r[1] for r in wb["Conformance Details"].iter_rows(min_row=2, values_only=True)}
    assert conformance["Errors"] == 0 and conformance["Controlled terminology"] is None


def test_bad_start_date_names_the_value(empty_result, tmp_path):
    empty_result.started = "29/11/2026"
    with pytest.raises(UsageError, match="'29/11/2026'.*ISO 8601"):
        write_xlsx_report(empty_result, tmp_path / "v.xlsx")
    assert list(tmp_path.iterdir()) == []  # neither the report nor a temp file is left
