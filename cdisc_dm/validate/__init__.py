"""Conformance validation of SDTM/ADaM packages with CDISC CORE-format rules.

Example::

    from cdisc_dm.validate import validate
    result = validate("out/sdtm", rules=["/path/to/core-rules"])
    result.has_errors
"""
from __future__ import annotations

from .api import STANDARDS, load_rules, validate
from .define_data import DefineData, load_define
from .engine import run_rule
from .harness import HarnessReport, run_rule_tests
from .python_rules import PythonRule, load_python_rules
from .results import DatasetInfo, Finding, RuleResult, ValidationResult
from .rule import Rule, parse_rule
from .study_data import StudyData, load_study_data

__all__ = [
    "validate",
    "load_rules",
    "run_rule",
    "run_rule_tests",
    "HarnessReport",
    "parse_rule",
    "Rule",
    "load_study_data",
    "StudyData",
    "STANDARDS",
    "Finding",
    "RuleResult",
    "DatasetInfo",
    "ValidationResult",
    "load_define",
    "DefineData",
    "load_python_rules",
    "PythonRule",
]
