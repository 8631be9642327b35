"""Data findings: problems in the data that do not stop a run.

An :class:`Issue` names where (file/dataset, row, variable), what (a stable code and a
message) and how bad (severity). A :class:`Report` collects them; stages return one
next to their result instead of raising.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterable, Literal

import pandas as pd

__all__ = ["Issue", "Report", "Severity"]

Severity = Literal["error", "warning", "notice"]


@dataclass(frozen=True)
class Issue:
    code: str
    message: str
    severity: Severity = "error"
    file: str | None = None
    dataset: str | None = None
    row: int | None = None  # 1-based row in the raw file or dataset
    variable: str | None = None
    value: str | None = None
    spec: str | None = None  # spec file:line that produced the value

    def where(self) -> str:
        parts = [p for p in (self.file, self.dataset) if p]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.variable:
            parts.append(self.variable)
        return ", ".join(parts)

    def __str__(self) -> str:
        loc = self.where()
        val = f" (value {self.value!r})" if self.value is not None else ""
        return f"{self.severity.upper()} {self.code}: {loc + ': ' if loc else ''}{self.message}{val}"


@dataclass
class Report:
    issues: list[Issue] = field(default_factory=list)

    def add(self, issue: Issue) -> None:
        self.issues.append(issue)

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    def count(self, severity: Severity | None = None) -> int:
        return sum(1 for i in self.issues if severity is None or i.severity == severity)

    @property
    def has_errors(self) -> bool:
        return any(i.severity == "error" for i in self.issues)

    def to_frame(self) -> pd.DataFrame:
        cols = list(Issue.__dataclass_fields__)
        return pd.DataFrame([asdict(i) for i in self.issues], columns=cols)

    def __len__(self) -> int:
        return len(self.issues)

    def __iter__(self):
        return iter(self.issues)
