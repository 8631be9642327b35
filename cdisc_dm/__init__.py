"""cdisc_dm: raw clinical-trial exports to submission-ready CDISC data.

Public API (everything the CLI does is a function here)::

    import cdisc_dm
    study = cdisc_dm.load_study("il2dm")
"""
from __future__ import annotations

__version__ = "0.1.0"

from .dataset import Dataset, Package, ValueLevel, Variable
from .errors import (
    CdiscDmError,
    OutputError,
    RawInputError,
    RuleError,
    SpecError,
    StandardsError,
    UsageError,
)
from .report import Issue, Report
from .study import Study, load_study

__all__ = [
    "__version__",
    "Dataset",
    "Package",
    "Variable",
    "ValueLevel",
    "Issue",
    "Study",
    "load_study",
    "Report",
    "CdiscDmError",
    "UsageError",
    "SpecError",
    "StandardsError",
    "RawInputError",
    "OutputError",
    "RuleError",
]
