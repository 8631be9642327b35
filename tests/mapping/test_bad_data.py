"""Bad raw data: findings are Issues naming file, row, variable and value; nothing is silently lost."""
from __future__ import annotations

import pytest

from cdisc_dm.convert import convert
from cdisc_dm.errors import OutputError

from mapping_helpers import line_of


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def issues(result, code):
    return [i for i in result.report if i.code == code]


def test_unknown_codelist_term_is_an_issue_with_its_row(second_study):
    _edit(second_study / "raw" / "ADVERSE.csv", ",Moderate,", ",Medium,")  # 2nd data record
    result = convert(second_study / "raw", second_study)
    (issue,) = issues(result, "MAP-CT-UNMAPPED")
    assert (issue.file, issue.row, issue.variable, issue.value, issue.dataset) == ("ADVERSE.csv", 2, "AESEV", "Medium", "AE")
    spec = second_study / "sdtm" / "ae.yaml"
    assert issue.spec == f"{spec.resolve()}:{line_of(spec, 'AESEV: {ct:')}" and issue.severity == "error"
    ae = result.package["AE"].data
    assert ae.loc[ae["AETERM"] == "dizziness", "AESEV"].isna().all(), "an unmapped term is never passed through"


def test_impossible_date_is_an_issue(second_study):
    _edit(second_study / "raw" / "DEMOG.csv", "1958-11-30", "1958-11-31")  # 3rd data record
    result = convert(second_study / "raw", second_study)
    (issue,) = issues(result, "MAP-DATE-IMPOSSIBLE")
    assert (issue.file, issue.row, issue.variable, issue.value) == ("DEMOG.csv", 3, "BRTHDTC", "1958-11-31")


def test_duplicate_subject_in_demographics(second_study):
    demog = second_study / "raw" / "DEMOG.csv"
    lines = demog.read_text(encoding="utf-8").splitlines()
    demog.write_text("\n".join(lines + [lines[2]]) + "\n", encoding="utf-8")  # 101-002 again as record 6
    result = convert(second_study / "raw", second_study)
    (issue,) = issues(result, "MAP-DUPKEY")
    assert issue.dataset == "DM" and issue.file == "DEMOG.csv" and issue.row == 2 and "raw rows 2, 6" in issue.message
    # both records stay in DM (nothing silently dropped) and the reconciliation shows them
    assert (result.package["DM"].data["SUBJID"] == "101-002").sum() == 2
    recon = result.reconciliation.set_index("form")
    assert recon.loc["DEMOG", ["raw_records", "mapped"]].tolist() == [6, 6]


def test_orphan_join_record_is_dropped_with_reason(second_study, tmp_path):
    # a DOSING record for a subject not in DEMOG: DM reads DOSING per subject, EX maps it
    _edit(second_study / "raw" / "DOSING.csv", "102-002,V1,1", "109-999,V1,1")
    result = convert(second_study / "raw", second_study)
    assert "HTN-TEST-201-109-999" in set(result.package["EX"].data["USUBJID"])
    assert result.reconciliation["accounted"].all()


def test_non_ascii_text_for_xpt_fails_naming_dataset_variable_row_and_writes_nothing(second_study, tmp_path):
    _edit(second_study / "raw" / "ADVERSE.csv", "Nausea,01/30/2024", "Nausée,01/30/2024")
    out = tmp_path / "out"
    with pytest.raises(OutputError) as info:
        convert(second_study / "raw", second_study, out)
    msg = str(info.value)
    # AE is sorted by subject and start date: 101-001's two AEs, then 101-002's Nausea (row 3)
    assert "ae.xpt" in msg and "variable AETERM" in msg and "row 3" in msg
    assert not out.exists(), "a failed run leaves no half-written outputs"
    assert not list(tmp_path.glob(".out.tmp-*")), "the temporary folder is removed"


def test_json_only_run_keeps_non_ascii(second_study, tmp_path):
    _edit(second_study / "raw" / "ADVERSE.csv", "Nausea,01/30/2024", "Nausée,01/30/2024")
    result = convert(second_study / "raw", second_study, tmp_path / "out", formats=("json",))
    assert "Nausée" in (tmp_path / "out" / "sdtm" / "ae.json").read_text(encoding="utf-8")
    assert result.ok


def test_distinct_drops_exact_duplicates_with_the_row_they_repeat(second_study):
    adverse = second_study / "raw" / "ADVERSE.csv"
    lines = adverse.read_text(encoding="utf-8").splitlines()
    adverse.write_text("\n".join(lines[:2] + [lines[1]] + lines[2:]) + "\n", encoding="utf-8")  # record 1 resent as record 2
    result = convert(second_study / "raw", second_study)
    assert len(result.package["AE"].data) == 5, "without distinct: the duplicate is mapped, and flagged by the key check"
    assert [i.row for i in issues(result, "MAP-DUPKEY")] == [1]
    spec = second_study / "sdtm" / "ae.yaml"
    _edit(spec, "sources:\n  ae: {form: ADVERSE}\n", "sources:\n  ae: {form: ADVERSE}\nrecords: {from: ae, distinct: true}\n")
    result = convert(second_study / "raw", second_study)
    assert len(result.package["AE"].data) == 4 and issues(result, "MAP-DUPKEY") == []
    (issue,) = issues(result, "MAP-DUPLICATE-RECORD")
    assert (issue.row, issue.file, issue.severity) == (2, "ADVERSE.csv", "warning")
    dropped = result.dropped
    assert dropped.loc[dropped["form"] == "ADVERSE", ["row", "reason", "detail"]].values.tolist() == [
        [2, "exact duplicate of an earlier raw record", "repeats raw row 1"]]
    recon = result.reconciliation.set_index("form")
    assert recon.loc["ADVERSE", ["raw_records", "mapped", "dropped"]].tolist() == [5, 4, 1]
