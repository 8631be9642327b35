"""The result of a validation run: what the engine produces and every report renders.

The engine fills it; the JSON, HTML, XLSX and console reports only read it. Its JSON form
(:meth:`ValidationResult.to_dict`) is the stable machine-readable report whose JSON Schema is
kept in ``specs/schemas/validation-report.schema.json``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

__all__ = ["Finding", "FindingChunk", "RuleResult", "DatasetInfo", "ValidationResult", "RuleStatus"]

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


def plain_values(values: np.ndarray) -> list:
    """A column of finding values as plain Python values (what reports write), column at a time.

    Floats become ``float`` with None for NaN, numpy integers/booleans ``int``/``bool``, lists and
    sets sorted text; text is kept as it is.

    >>> plain_values(np.array([1.5, np.nan]))
    [1.5, None]
    """
    kind = values.dtype.kind
    if kind == "f":
        out = values.tolist()
        for i in np.flatnonzero(np.isnan(values)).tolist():
            out[i] = None
        return out
    if kind in "iub":
        return values.tolist()
    return [_plain_value(v) for v in values.tolist()]


def _plain_value(v: Any) -> Any:
    if isinstance(v, str):
        return v
    if isinstance(v, np.floating):
        v = float(v)
    elif isinstance(v, np.integer):
        v = int(v)
    elif isinstance(v, np.bool_):
        v = bool(v)
    if isinstance(v, float) and np.isnan(v):
        return None
    if isinstance(v, (list, set, frozenset, tuple)):
        return sorted(str(x) for x in v)
    return v


@dataclass
class FindingChunk:
    """The findings of one rule on one dataset, kept as columns until something reads them.

    A rule reporting a million records holds a few arrays (row numbers, USUBJID, --SEQ, one array
    per output variable, sharing the dataset's string objects) instead of a million
    :class:`Finding` objects; :meth:`findings` builds those, in record order, when a report
    is written.
    """

    dataset: str
    rows: np.ndarray | None  # 1-based record numbers; None for dataset-level findings
    variables: dict[str, np.ndarray]  # output variable -> its values on the reported records
    usubjid: np.ndarray | None
    seq: np.ndarray | None
    size: int

    def __len__(self) -> int:
        return self.size

    def findings(self) -> list[Finding]:
        n = self.size
        rows = self.rows.tolist() if self.rows is not None else [None] * n
        subjects = [None] * n
        if self.usubjid is not None:
            from .values import is_empty_scalar

            subjects = [v if isinstance(v, str) and v else (None if is_empty_scalar(v) else str(v))
                        for v in self.usubjid.tolist()]
        seqs = plain_values(self.seq) if self.seq is not None else [None] * n
        names = list(self.variables)
        columns = [plain_values(self.variables[k]) for k in names]
        return [
            Finding(dataset=self.dataset, row=rows[i], variables=dict(zip(names, (c[i] for c in columns))),
                    usubjid=subjects[i], seq=seqs[i])
            for i in range(n)
        ]


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
        return len(self.__dict__["_findings"]) + sum(len(c) for c in self.__dict__.get("_chunks", ()))

    def add_chunk(self, chunk: FindingChunk) -> None:
        """Findings kept compact until ``findings`` is read (see :class:`FindingChunk`)."""
        if len(chunk):
            self.__dict__.setdefault("_chunks", []).append(chunk)


def _get_findings(self: RuleResult) -> list[Finding]:
    chunks = self.__dict__.pop("_chunks", None)
    if chunks:
        for chunk in chunks:
            self.__dict__["_findings"].extend(chunk.findings())
    return self.__dict__["_findings"]


def _set_findings(self: RuleResult, value: list[Finding]) -> None:
    self.__dict__.pop("_chunks", None)
    self.__dict__["_findings"] = value


# ``findings`` stays a dataclass field (reports and to_dict list it in order) whose value is built
# from the compact chunks the first time it is read
RuleResult.findings = property(_get_findings, _set_findings)  # type: ignore[assignment]


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
