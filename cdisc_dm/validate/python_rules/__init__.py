"""Project rules written in Python, for checks CORE's YAML cannot express (define-vs-data, XSD).

Each module ``cdisc_dm/validate/python_rules/cdm_<area>_<nnnn>.py`` defines ``RULE``: an instance
of a :class:`PythonRule` subclass with ``code``, ``severity``, ``citations``, ``description`` and
``run(study, define, ct) -> RuleResult``. They load with the project rules (``validate()``), and
``cdisc-dm rules test specs/rules`` runs their cases from ``specs/rules/<CODE>/positive|negative``
(a ``define.xml`` in a case's data folder is given to the rule).

Example::

    rules = load_python_rules()          # {"CDM-DF-0001": RULE, ...}
    rules["CDM-DF-0001"].run(study, define, ct=None).status
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import Iterable

from ...report import Issue
from ..results import Finding, RuleResult
from ..study_data import StudyData

__all__ = ["PythonRule", "load_python_rules", "findings_from_issues"]


class PythonRule:
    """Base class: subclasses set the class attributes and implement :meth:`findings`."""

    code: str = ""
    severity: str = "error"
    description: str = ""
    message: str = ""
    citations: tuple[str, ...] = ()
    rule_type: str = "Define-XML Check"
    needs_define: bool = True

    def findings(self, study: StudyData, define, ct) -> list[Finding]:  # pragma: no cover - abstract
        raise NotImplementedError

    def run(self, study: StudyData, define, ct=None) -> RuleResult:
        """Run the rule; "skipped" without a define, "error" with the reason if it raises."""
        base = dict(rule_id=self.code, message=self.message, severity=self.severity, description=self.description,
                    source="cdisc_dm", rule_type=self.rule_type, executability="Fully Executable",
                    citations=list(self.citations))
        if self.needs_define and define is None:
            return RuleResult(status="skipped", skip_reason="needs define.xml (validate --define FILE)", **base)
        try:
            found = self.findings(study, define, ct)
        except Exception as exc:  # a broken rule must not stop the run (as for YAML rules)
            return RuleResult(status="error", error=f"{type(exc).__name__}: {exc}", **base)
        return RuleResult(status="failed" if found else "passed", datasets=sorted(study.datasets),
                          findings=found, **base)


def findings_from_issues(issues: Iterable[Issue], study: StudyData) -> list[Finding]:
    """DEFINE-* Issues as Findings: the issue's row is the 1-based record; USUBJID/--SEQ looked up.

    Ordered by dataset, record (dataset-level first) and variable, so runs are reproducible.
    """
    out = []
    for issue in issues:
        ds = study.datasets.get(str(issue.dataset or "").upper())
        usubjid = seq = None
        if ds is not None and issue.row is not None and 0 < issue.row <= len(ds.frame):
            rec = ds.frame.iloc[issue.row - 1]
            usubjid = str(rec["USUBJID"]) if "USUBJID" in ds.frame.columns else None
            seqcol = f"{ds.prefix}SEQ"
            if seqcol in ds.frame.columns:
                seq = rec[seqcol]
                seq = None if seq != seq or seq == "" else seq
        variables = {issue.variable: issue.value} if issue.variable else {}
        out.append(Finding(dataset=str(issue.dataset or "DEFINE"), row=issue.row, variables=variables,
                           usubjid=usubjid, seq=seq, message=issue.message))
    out.sort(key=lambda f: (f.dataset, -1 if f.row is None else f.row, sorted(f.variables), f.message or ""))
    return out


def load_python_rules() -> dict[str, PythonRule]:
    """Every ``RULE`` of the modules of this package, by code (sorted)."""
    rules: dict[str, PythonRule] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        rule = getattr(mod, "RULE", None)
        if isinstance(rule, PythonRule):
            rules[rule.code] = rule
    return dict(sorted(rules.items()))
