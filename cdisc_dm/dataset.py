"""A dataset is a DataFrame plus the metadata that travels with it.

Writers (XPT, Dataset-JSON, Define-XML) and the validator read this metadata;
they never guess labels, types or lengths from the data alone.

Example::

    ds = Dataset(
        name="DM", label="Demographics", data=frame,
        variables=[Variable("STUDYID", "Study Identifier", "Char", origin="Assigned"), ...],
        klass="SPECIAL PURPOSE", structure="One record per subject", keys=["STUDYID", "USUBJID"],
    )
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import pandas as pd

__all__ = ["Variable", "Dataset", "Package", "ValueLevel"]

VarType = Literal["Char", "Num"]


@dataclass(frozen=True)
class ValueLevel:
    """Value-level metadata: the attributes of a variable where another variable has a value.

    ``where`` is a mapping of variable to allowed values, e.g. ``{"LBTESTCD": ["CK"]}``.
    """

    where: dict[str, tuple[str, ...]]
    label: str | None = None
    type: str | None = None  # Define-XML data type: text, integer, float, date, datetime, ...
    length: int | None = None
    significant_digits: int | None = None
    codelist: str | None = None
    unit: str | None = None
    origin: str | None = None
    method: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class Variable:
    """One variable's metadata.

    ``origin`` is one of Define-XML 2.1's origin types: Collected, Derived, Assigned,
    Protocol, Predecessor, Not Available. ``method`` is the human-readable description of the
    algorithm or derivation that produced it (becomes a MethodDef). ``length`` is filled from the
    data by the writers when None.
    """

    name: str
    label: str
    type: VarType
    length: int | None = None
    codelist: str | None = None
    origin: str | None = None
    source: str | None = None  # for Collected: the raw form.field; for Predecessor: DOMAIN.VAR
    method: str | None = None
    method_name: str | None = None  # algorithm/derivation registry name that ran
    comment: str | None = None
    role: str | None = None
    core: str | None = None  # Req / Exp / Perm (SDTM) or Req / Cond / Perm (ADaM)
    display_format: str | None = None  # SAS format, e.g. DATE9. for ADaM numeric dates
    data_type: str | None = None  # Define-XML data type when more specific than Char/Num
    significant_digits: int | None = None
    value_level: tuple[ValueLevel, ...] = ()

    def with_(self, **changes) -> "Variable":
        return replace(self, **changes)


@dataclass
class Dataset:
    """A dataset with its metadata. ``variables`` is in output order."""

    name: str
    label: str
    data: pd.DataFrame
    variables: list[Variable]
    klass: str | None = None  # SDTM observation class or ADaM class (e.g. FINDINGS, BASIC DATA STRUCTURE)
    structure: str | None = None
    keys: list[str] = field(default_factory=list)
    domain: str | None = None  # e.g. LB for LBCH, AE for SUPPAE's parent is in `parent`
    parent: str | None = None  # for SUPP-- datasets: the parent domain
    standard: str | None = None  # "SDTMIG 3.4" / "ADaMIG 1.3"
    comment: str | None = None

    def variable(self, name: str) -> Variable:
        for var in self.variables:
            if var.name == name:
                return var
        raise KeyError(f"{self.name} has no variable {name}")

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variables]

    def check_consistent(self) -> None:
        """Raise ValueError when the frame's columns and the metadata disagree."""
        cols = list(self.data.columns)
        if cols != self.names:
            missing = [n for n in self.names if n not in cols]
            extra = [c for c in cols if c not in self.names]
            raise ValueError(
                f"dataset {self.name}: columns and metadata disagree "
                f"(in metadata only: {missing}, in data only: {extra}, or order differs)"
            )


@dataclass
class Package:
    """A set of datasets of one standard (an SDTM or ADaM submission package)."""

    standard: str  # "SDTMIG 3.4" or "ADaMIG 1.3"
    datasets: dict[str, Dataset] = field(default_factory=dict)

    def add(self, ds: Dataset) -> None:
        self.datasets[ds.name] = ds

    def __getitem__(self, name: str) -> Dataset:
        return self.datasets[name]

    def __contains__(self, name: str) -> bool:
        return name in self.datasets

    def __iter__(self):
        return iter(self.datasets[k] for k in sorted(self.datasets))
