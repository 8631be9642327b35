"""The exception tree: raised when a run cannot continue.

Data problems (an unmapped term, an impossible date, a rule violation) are not
exceptions: they are :class:`Issue` records collected in a report. Exceptions
are for input the tool cannot work with at all::

    CdiscDmError
    ├── UsageError          bad command-line or API arguments (exit code 2)
    ├── SpecError           a mapping/ADaM spec or study.yaml is wrong (file:line:col)
    ├── StandardsError      specs/ metadata or a CT file is missing or malformed
    ├── RawInputError       a raw export cannot be read (file, row, column)
    ├── OutputError         a dataset cannot be written as asked (dataset, variable, row)
    └── RuleError           a conformance rule file is malformed (file)

Every message names where the problem is and what was expected, so a user can
fix it without reading code.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CdiscDmError",
    "UsageError",
    "SpecError",
    "StandardsError",
    "RawInputError",
    "OutputError",
    "RuleError",
    "Location",
]


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file and optionally line/column (specs) or row (data)."""

    file: str | Path | None = None
    line: int | None = None
    column: int | None = None
    row: int | None = None
    variable: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file is not None:
            text = str(self.file)
            if self.line is not None:
                text += f":{self.line}"
                if self.column is not None:
                    text += f":{self.column}"
            parts.append(text)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.variable is not None:
            parts.append(f"variable {self.variable}")
        return ", ".join(parts)


class CdiscDmError(Exception):
    """Base of every error the tool raises on purpose."""

    def __init__(self, message: str, location: Location | None = None, hint: str | None = None):
        self.message = message
        self.location = location
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location and str(self.location) else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class UsageError(CdiscDmError):
    """Bad arguments to a command or an API function."""


class SpecError(CdiscDmError):
    """A mapping spec, ADaM spec or study definition is invalid."""


class StandardsError(CdiscDmError):
    """Standards metadata or controlled terminology cannot be loaded."""


class RawInputError(CdiscDmError):
    """A raw export cannot be read or does not have the expected shape."""


class OutputError(CdiscDmError):
    """A dataset cannot be written in the requested format without losing data."""


class RuleError(CdiscDmError):
    """A conformance rule file is malformed."""

