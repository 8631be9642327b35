"""The order reports list rules and findings in: most severe first, then most findings.

Every report uses these so a reviewer sees the same order in the HTML, XLSX and console.

Example::

    for rule in rules_by_importance(result.rules): ...
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ..results import RuleResult

__all__ = ["SEVERITIES", "STATUSES", "severity_rank", "rules_by_importance", "findings_per_dataset", "rule_anchors"]

SEVERITIES = ("error", "warning", "notice")
STATUSES = ("failed", "error", "skipped", "passed")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def rules_by_importance(rules: Iterable[RuleResult]) -> list[RuleResult]:
    """Failed rules by severity, then finding count (descending), then rule id; stable otherwise."""
    return sorted(rules, key=lambda r: (severity_rank(r.severity), -r.count, r.rule_id))


def findings_per_dataset(rule: RuleResult) -> list[tuple[str, int]]:
    """``[(dataset, number of findings)]`` sorted by dataset name."""
    counts = Counter(f.dataset for f in rule.findings)
    return sorted(counts.items())


def rule_anchors(rules: Iterable[RuleResult]) -> list[str]:
    """One unique HTML id per rule, in the order given: ``rule-CORE-000001``.

    Characters outside ``[A-Za-z0-9._-]`` become ``_`` so the id needs no URL escaping in
    ``href="#..."``; a repeated id (same rule listed twice) gets ``-2``, ``-3``...
    """
    used: set[str] = set()
    out: list[str] = []
    for rule in rules:
        base = "rule-" + "".join(c if (c.isascii() and (c.isalnum() or c in "._-")) else "_" for c in rule.rule_id)
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        out.append(anchor)
    return out
