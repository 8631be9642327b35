"""cdisc_dm: raw clinical-trial exports to submission-ready CDISC data.

Public API (everything the CLI does is a function here)::

    import cdisc_dm
    study = cdisc_dm.load_study("il2dm")
    cdisc_dm.synthesize("raw", subjects=240, seed=7)
    result = cdisc_dm.run("raw", "il2dm", "run")        # convert + define + validate

    from cdisc_dm.convert import convert                 # the stages one by one
    from cdisc_dm.validate import validate

The stage functions are imported on first use (PEP 562), so ``import cdisc_dm`` and the CLI's
start-up stay fast. ``convert`` and ``validate`` are not re-exported here because they share their
names with the ``cdisc_dm.convert`` and ``cdisc_dm.validate`` modules.
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

# public name -> module that defines it, imported on first access
_LAZY = {
    "synthesize": "cdisc_dm.synth",
    "SynthSummary": "cdisc_dm.synth",
    "read_raw": "cdisc_dm.raw",
    "RawStudy": "cdisc_dm.raw",
    "RawTable": "cdisc_dm.raw",
    "ConvertResult": "cdisc_dm.convert",
    "ValidationResult": "cdisc_dm.validate.results",
    "run": "cdisc_dm.pipeline",
    "demo": "cdisc_dm.pipeline",
    "RunResult": "cdisc_dm.pipeline",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cdisc_dm' has no attribute {name!r}")


__all__ = [
    *_LAZY,
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
