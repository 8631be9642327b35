"""Hand-built validation results for the report tests (imported by conftest and the tests).

The realistic result has: a failed error rule with findings in two datasets (AE, SUPPAE) and
hostile values (markup, quotes, non-ASCII, control characters, a 40,000-character value, a
formula-looking string, NaN, numpy scalars); a failed warning rule with more findings than the
HTML shows; a failed notice rule from our own rule set with a dataset-level finding; a passed
rule; an execution error; two skipped rules (one with an id that needs escaping in an anchor).
The expected numbers below are counted by construction, not computed by the code under test.
"""
from __future__ import annotations

import numpy as np

from cdisc_dm.validate.results import DatasetInfo, Finding, RuleResult, ValidationResult

SCRIPT_VALUE = "<script>document.title='PWNED'</script>"
QUOTES_VALUE = "He said \"no\" & 'yes' </td></tr></table>"
CJK_VALUE = "肌炎 (dermatomyositis) — été"
LONG_VALUE = "X" * 40_000
FORMULA_VALUE = '=HYPERLINK("http://example.invalid","click")'

N_AE = 3  # CORE-000001 findings in AE
N_SUPPAE = 1  # CORE-000001 findings in SUPPAE
N_LB = 1_203  # CORE-000002 findings, all in LB (more than the HTML shows per rule)
N_NOTICE = 2  # CDM-0001 findings (one dataset-level)
EXPECTED = {"error": N_AE + N_SUPPAE, "warning": N_LB, "notice": N_NOTICE, "execution_error": 1}
EXPECTED_TOTAL = N_AE + N_SUPPAE + N_LB + N_NOTICE
STARTED = "2026-11-29T08:00:00+08:00"  # 00:00:00 UTC


def realistic() -> ValidationResult:
    ae_findings = [
        Finding("AE", 1, {"AESEV": SCRIPT_VALUE, "AETERM": QUOTES_VALUE}, usubjid="IL2DM-PKU-301-01-0001", seq=1),
        Finding("AE", 7, {"AESEV": CJK_VALUE, "AETERM": LONG_VALUE}, usubjid="IL2DM-PKU-301-01-0002", seq=np.float64(2.0)),
        Finding("AE", 12, {"AESEV": float("nan"), "AETERM": "bell\x07 and tab\tend"}, usubjid="IL2DM-PKU-301-02-0003", seq=np.int64(3)),
    ]
    suppae = [Finding("SUPPAE", 2, {"QNAM": "AESOSP", "QVAL": FORMULA_VALUE}, usubjid="IL2DM-PKU-301-01-0001", seq=None)]
    lb = [
        Finding("LB", i + 1, {"LBORRES": f"{i / 10}", "LBORRESU": None if i % 2 else "mg/dL"}, usubjid=f"IL2DM-PKU-301-01-{i // 10:04d}", seq=i % 10 + 1)
        for i in range(N_LB)
    ]
    notice = [
        Finding("DM", None, {"ARMCD": "IL2"}, message="DM has no subject with ARMCD PBO: is the unblinding complete?"),
        Finding("DM", 4, {"AGE": np.int64(17)}, usubjid="IL2DM-PKU-301-01-0004"),
    ]
    rules = [
        RuleResult("CORE-000003", "passed", "DM.SEX is not in the SEX codelist", severity="error",
                   description="SEX must use CDISC CT C66731", citations=["SDTMIG 3.4 section 5.2"], datasets=["DM"],
                   executability="Fully Executable", rule_type="Record Data"),
        RuleResult("CORE-000001", "failed", "AESEV is not in the AESEV codelist <C66769>", severity="error",
                   description="Severity must be MILD, MODERATE or SEVERE & nothing else",
                   citations=["SDTMIG 3.4 section 6.2 AE", "FDA SD0011 \"CT\""], datasets=["AE", "SUPPAE"],
                   findings=ae_findings + suppae, executability="Fully Executable", rule_type="Record Data"),
        RuleResult("CORE-000002", "failed", "LBORRESU is missing when LBORRES is present", severity="warning",
                   datasets=["LB"], findings=lb, executability="Partially Executable"),
        RuleResult("CDM-0001", "failed", "Subject younger than the protocol minimum age 18", severity="notice",
                   source="cdisc_dm", datasets=["DM"], findings=notice),
        RuleResult("CORE-000004", "error", "Duplicate --SEQ within USUBJID", severity="error",
                   error="operator 'is_unique_set' needs a list of columns <got 'AESEQ'>\nrule.yml line 14",
                   datasets=["AE"]),
        RuleResult("CORE-000005", "skipped", "Define-XML origin mismatch", severity="warning",
                   skip_reason="needs a Define-XML file (--define)"),
        RuleResult("SD0001 (FDA)/x", "skipped", "Missing TS parameter", severity="error",
                   skip_reason="TS not in the package"),
    ]
    datasets = [
        DatasetInfo("DM", "DM", "Demographics", 240, 27, "sdtm/dm.xpt", klass="SPECIAL PURPOSE"),
        DatasetInfo("AE", "AE", "Adverse Events", 812, 33, "sdtm/ae.xpt", klass="EVENTS"),
        DatasetInfo("LB", "LB", "Laboratory Test Results", 25_000, 40, "sdtm/lb.xpt", klass="FINDINGS"),
        DatasetInfo("SUPPAE", "AE", "Supplemental Qualifiers for AE <&>", 57, 10, "sdtm/suppae.xpt", klass="RELATIONSHIP"),
    ]
    return ValidationResult(
        path="/runs/il2dm/sdtm", standard="SDTMIG 3.4", ct_version="2024-09-27", tool_version="0.1.0",
        started=STARTED, duration_seconds=12.34, datasets=datasets, rules=rules, define=None,
    )


def empty() -> ValidationResult:
    return ValidationResult(path="/runs/empty", standard="SDTMIG 3.4", ct_version=None, tool_version="0.1.0",
                            started="2026-11-29T08:00:00Z", duration_seconds=0.0)
