"""format_console_summary: the lines `cdisc-dm validate` prints."""
from __future__ import annotations

import dataclasses

from report_fixtures import N_AE, N_LB, N_NOTICE, N_SUPPAE

from cdisc_dm.validate.reports import format_console_summary
from cdisc_dm.validate.results import Finding, RuleResult


def test_counts_top_rules_and_execution_errors(realistic_result):
    text = format_console_summary(realistic_result)
    lines = text.splitlines()
    assert lines[0] == ("Validated /runs/il2dm/sdtm (SDTMIG 3.4, CT 2024-09-27) with cdisc_dm 0.1.0 "
                        "on 2026-11-29T08:00:00+08:00")
    assert lines[1] == "4 datasets; 7 rules: 1 passed, 3 failed, 1 execution error, 2 skipped"
    assert lines[2] == f"Findings: {N_AE + N_SUPPAE} errors, {N_LB:,} warnings, {N_NOTICE} notices"
    top = lines[lines.index("Top rules:") + 1: lines.index("Execution errors:")]
    assert [line.split()[:3] for line in top] == [
        ["error", "CORE-000001", str(N_AE + N_SUPPAE)], ["warning", "CORE-000002", f"{N_LB:,}"],
        ["notice", "CDM-0001", str(N_NOTICE)]]
    assert top[0].endswith(f"(AE {N_AE}, SUPPAE {N_SUPPAE})")
    # the error's two-line reason is kept on one line
    assert lines[lines.index("Execution errors:") + 1] == (
        "  CORE-000004  operator 'is_unique_set' needs a list of columns <got 'AESEQ'> rule.yml line 14")
    assert lines[-1] == f"Result: FAILED ({N_AE + N_SUPPAE} error findings)"
    assert all(len(line) <= 100 for line in lines[1:])


def test_top_limits_the_rule_list(realistic_result):
    text = format_console_summary(realistic_result, top=2)
    assert "Top 2 of 3 failed rules:" in text and "CORE-000002" in text and "CDM-0001" not in text


def test_long_and_multiline_messages_stay_on_one_cut_line(realistic_result):
    rule = realistic_result.rules[1]
    realistic_result.rules[1] = dataclasses.replace(rule, message="first line\nsecond line \x1b[31m " + "y" * 300)
    lines = format_console_summary(realistic_result, width=80).splitlines()
    line = next(line for line in lines if "CORE-000001" in line)
    assert len(line) == 80 and line.endswith("…") and "first line second line \\x1b[31m" in line
    assert not any(line.startswith("second") for line in lines)


def test_verdicts(empty_result):
    assert format_console_summary(empty_result).splitlines()[-1] == "Result: PASSED"
    assert "0 datasets; 0 rules" in format_console_summary(empty_result)
    empty_result.rules = [RuleResult("X-1", "failed", "m", severity="warning", findings=[Finding("AE", 1)])]
    assert format_console_summary(empty_result).splitlines()[-1] == "Result: PASSED with warnings"
    empty_result.rules.append(RuleResult("X-2", "error", "m", error="boom"))
    assert format_console_summary(empty_result).splitlines()[-1] == "Result: INCOMPLETE (1 rule could not be executed)"
