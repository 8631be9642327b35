"""The result of a validation run: what the engine produces and every report renders.

The engine fills it; the JSON, HTML, XLSX and console reports only read it. Its JSON form
(:meth:`ValidationResult.to_dict`) is the stable machine-readable report whose JSON Schema is
kept in ``specs/schemas/validation-report.schema.json``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["Finding", "RuleResult", "DatasetInfo", "ValidationResult", "RuleStatus"]

RuleStatus = Literal["passed", "failed", "error", "skipped"]
Severity = Literal["error", "warning", "notice"]


@dataclass(frozen=True)
class Finding:
    """One reported issue: a record (row) or a whole dataset (row is None)."""

    dataset: str
    row: int | None  # 1-based record number in the dataset file; None for dataset-level findings
    variables: dict[str, Any] = field(default_factory=dict)  # the rule's output variables and their values
    usubjid: str | None = None
    seq: float | int | None = None  # --SEQ when the dataset has one
    message: str | None = None  # overrides the rule message when more specific


@dataclass
class RuleResult:
    rule_id: str  # CORE-000123 or our own prefix
    status: RuleStatus
    message: str  # the rule's Outcome message
    severity: Severity = "error"
    description: str = ""
    source: str = "CORE"  # "CORE" or "cdisc_dm"
    rule_type: str | None = None  # e.g. "Record Data"
    executability: str | None = None  # "Fully Executable" / "Partially Executable" / ...
    citations: list[str] = field(default_factory=list)  # e.g. "SDTMIG 3.4 section 4.2.1", "FDA SD0001"
    datasets: list[str] = field(default_factory=list)  # datasets the rule ran on
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # status == "error": what went wrong while executing the rule
    skip_reason: str | None = None  # status == "skipped": not applicable / not executable / needs define

    @property
    def count(self) -> int:
        return len(self.findings)


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    domain: str | None
    label: str | None
    records: int
    variables: int
    file: str
    klass: str | None = None


@dataclass
class ValidationResult:
    path: str  # what was validated
    standard: str  # e.g. "SDTMIG 3.4"
    ct_version: str | None
    tool_version: str
    started: str  # ISO 8601 (from the run manifest or an option, for deterministic reports)
    duration_seconds: float | None  # None in reproducible runs: wall-clock time kept out of report files
    datasets: list[DatasetInfo] = field(default_factory=list)
    rules: list[RuleResult] = field(default_factory=list)
    define: str | None = None

    def counts(self) -> dict[str, int]:
        """Number of findings by severity, and rule executions in error."""
        out = {"error": 0, "warning": 0, "notice": 0, "execution_error": 0}
        for r in self.rules:
            if r.status == "error":
                out["execution_error"] += 1
            elif r.status == "failed":
                out[r.severity] += r.count
        return out

    @property
    def has_errors(self) -> bool:
        return any(r.status == "failed" and r.severity == "error" for r in self.rules)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["summary"] = self.counts()
        return d
