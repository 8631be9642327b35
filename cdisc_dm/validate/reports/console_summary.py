"""The few lines ``cdisc-dm validate`` prints: counts by severity, top rules, execution errors.

Example::

    print(format_console_summary(result))

    Validated /run/sdtm (SDTMIG 3.4, CT 2024-09-27) with cdisc_dm 0.1.0 on 2026-11-29T08:00:00Z
    12 datasets; 120 rules: 104 passed, 9 failed, 2 execution errors, 5 skipped
    Findings: 31 errors, 8 warnings, 0 notices
    Top rules:
      error    CORE-000001    20  AESEV not in codelist (AE 18, SUPPAE 2)
    Execution errors:
      CORE-000200  operator 'is_unique_set' needs a column list
    Result: FAILED (31 error findings)
"""
from __future__ import annotations

from ..results import ValidationResult
from ._ordering import findings_per_dataset, rules_by_importance
from ._values import clean_text

__all__ = ["format_console_summary"]


def _shorten(text: str, width: int) -> str:
    text = " ".join(clean_text(text).split())  # one line: messages may hold newlines
    return text if len(text) <= width else text[: max(width - 1, 1)] + "…"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def format_console_summary(result: ValidationResult, *, top: int = 10, width: int = 100) -> str:
    """A compact, plain-text summary (no colours, no trailing newline).

    ``top`` rules are listed, most severe and most frequent first; messages are cut to fit
    ``width`` characters per line. Execution errors are always all listed, because each one
    means a rule did not check anything.
    """
    counts = result.counts()
    by_status = {s: sum(1 for r in result.rules if r.status == s) for s in ("passed", "failed", "error", "skipped")}
    ct = f", CT {result.ct_version}" if result.ct_version else ""
    lines = [
        _shorten(f"Validated {result.path} ({result.standard}{ct}) with cdisc_dm {result.tool_version} "
                 f"on {result.started}", width * 2),
        f"{_plural(len(result.datasets), 'dataset')}; {_plural(len(result.rules), 'rule')}: "
        f"{by_status['passed']:,} passed, {by_status['failed']:,} failed, "
        f"{_plural(by_status['error'], 'execution error')}, {by_status['skipped']:,} skipped",
        f"Findings: {_plural(counts['error'], 'error')}, {_plural(counts['warning'], 'warning')}, "
        f"{_plural(counts['notice'], 'notice')}",
    ]
    failed = rules_by_importance(r for r in result.rules if r.status == "failed")
    if failed:
        lines.append("Top rules:" if len(failed) <= top else f"Top {top} of {len(failed)} failed rules:")
        id_width = max(len(r.rule_id) for r in failed[:top])
        count_width = max(len(f"{r.count:,}") for r in failed[:top])
        for rule in failed[:top]:
            where = ", ".join(f"{ds} {n:,}" for ds, n in findings_per_dataset(rule))
            head = f"  {rule.severity:<8} {rule.rule_id:<{id_width}}  {rule.count:>{count_width},}  "
            lines.append(head + _shorten(f"{rule.message} ({where})", max(width - len(head), 20)))
    errors = [r for r in result.rules if r.status == "error"]
    if errors:
        lines.append("Execution errors:")
        id_width = max(len(r.rule_id) for r in errors)
        for rule in errors:
            head = f"  {rule.rule_id:<{id_width}}  "
            lines.append(head + _shorten(rule.error or "(no reason given)", max(width - len(head), 20)))
    if result.has_errors:
        verdict = f"FAILED ({_plural(counts['error'], 'error finding')})"
    elif counts["execution_error"]:
        verdict = f"INCOMPLETE ({_plural(counts['execution_error'], 'rule')} could not be executed)"
    elif counts["warning"] or counts["notice"]:
        verdict = "PASSED with warnings" if counts["warning"] else "PASSED with notices"
    else:
        verdict = "PASSED"
    lines.append(f"Result: {verdict}")
    return "\n".join(lines)
