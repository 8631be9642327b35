"""``rules test``: run rules against their own positive/negative test data (CORE's layout).

Each rule folder holds ``rule.yml`` and test cases ``positive/NN/data`` and ``negative/NN/data``
(CORE test-data CSV layout), with the expected findings in ``NN/results/results.csv`` (rows of
Dataset, Record, Variable, Value; Record empty for dataset-level findings). Positive cases
normally expect nothing; when a positive case ships a non-empty results.csv it is used as is.
A negative case without results.csv must produce at least one finding.

A case passes when the set of (dataset, record) pairs we report equals the expected set, and,
for each pair, the reported variables equal the expected ones. A rule passes when all of its
cases pass.

Example::

    report = run_rule_tests(Path("core-rules"))
    report.pass_rate(rule_type="Record Data", executability="Fully Executable")
"""
from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CdiscDmError
from .define_data import load_define
from .engine import clear_caches, run_rule
from .python_rules import load_python_rules
from .rule import Rule, parse_rule
from .study_data import load_study_data

__all__ = ["CaseResult", "RuleTestResult", "HarnessReport", "run_rule_tests", "test_rule_folder"]

Key = tuple[str, "int | None"]


@dataclass
class CaseResult:
    case: str  # "negative/01"
    passed: bool
    reason: str = ""


@dataclass
class RuleTestResult:
    rule_id: str
    folder: str
    rule_type: str | None
    executability: str | None
    cases: list[CaseResult] = field(default_factory=list)
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and bool(self.cases) and all(c.passed for c in self.cases)

    @property
    def reason(self) -> str:
        if self.error:
            return self.error
        if not self.cases:
            return "no test cases"
        return "; ".join(f"{c.case}: {c.reason}" for c in self.cases if not c.passed)


@dataclass
class HarnessReport:
    results: list[RuleTestResult]

    def select(self, rule_type: str | None = None, executability: str | None = None) -> list[RuleTestResult]:
        return [
            r
            for r in self.results
            if (rule_type is None or r.rule_type == rule_type) and (executability is None or r.executability == executability)
        ]

    def pass_rate(self, rule_type: str | None = None, executability: str | None = None) -> float:
        sel = self.select(rule_type, executability)
        return sum(r.passed for r in sel) / len(sel) if sel else 0.0

    def by_category(self) -> dict[tuple[str, str], tuple[int, int]]:
        out: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for r in self.results:
            k = (r.rule_type or "?", r.executability or "?")
            out[k][0] += int(r.passed)
            out[k][1] += 1
        return {k: (v[0], v[1]) for k, v in sorted(out.items())}

    def to_dict(self) -> dict:
        return {
            "rules": [
                {"rule_id": r.rule_id, "passed": r.passed, "reason": r.reason, "rule_type": r.rule_type, "executability": r.executability}
                for r in self.results
            ],
            "by_category": [
                {"rule_type": k[0], "executability": k[1], "passed": v[0], "total": v[1]} for k, v in self.by_category().items()
            ],
        }


def _expected(results_csv: Path) -> dict[Key, set[str]]:
    out: dict[Key, set[str]] = defaultdict(set)
    if not results_csv.is_file():
        return {}
    with results_csv.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            ds = (row.get("Dataset") or "").strip().upper()
            if not ds:
                continue
            rec = (row.get("Record") or "").strip()
            key = (ds, int(float(rec)) if rec else None)
            var = (row.get("Variable") or "").strip()
            if key[1] is None and not var:
                continue  # CORE writes "PP,,," for a dataset it could not evaluate: not a finding
            out[key]
            if var:
                out[key].add(var)
    return dict(out)


def _actual(rule: Rule, data_dir: Path) -> tuple[dict[Key, set[str]], str | None]:
    study = load_study_data(data_dir)
    try:
        result = run_rule(rule, study, standard=study.standard or "SDTMIG 3.4")
    finally:
        clear_caches()
    if result.status == "error":
        return {}, f"execution error: {result.error}"
    out: dict[Key, set[str]] = defaultdict(set)
    for f in result.findings:
        out[(f.dataset.upper(), f.row)].update(f.variables)
    return dict(out), None


def _compare(expected: dict[Key, set[str]], actual: dict[Key, set[str]]) -> str:
    missing = sorted(set(expected) - set(actual), key=str)
    extra = sorted(set(actual) - set(expected), key=str)
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missed {len(missing)} expected finding(s) e.g. {missing[:3]}")
        if extra:
            parts.append(f"{len(extra)} unexpected finding(s) e.g. {extra[:3]}")
        return ", ".join(parts)
    for key in sorted(expected, key=str):
        exp, act = expected[key], actual[key]
        if key[1] is not None and exp and exp != act:
            # dataset-level findings aggregate several records in CORE: only their presence is compared
            return f"variables differ at {key}: expected {sorted(exp)}, got {sorted(act)}"
    return ""


def _cases(folder: Path):
    for kind in ("positive", "negative"):
        for case in sorted((folder / kind).glob("*")) if (folder / kind).is_dir() else []:
            if (case / "data").is_dir():
                yield kind, case


def _python_actual(prule, data_dir: Path) -> tuple[dict[Key, set[str]], str | None]:
    study = load_study_data(data_dir)
    define_file = data_dir / "define.xml"
    define = load_define(define_file) if define_file.is_file() else None
    result = prule.run(study, define, None)
    if result.status == "error":
        return {}, f"execution error: {result.error}"
    if result.status == "skipped":
        return {}, f"skipped: {result.skip_reason}"
    out: dict[Key, set[str]] = defaultdict(set)
    for f in result.findings:
        out[(f.dataset.upper(), f.row)].update(f.variables)
    return dict(out), None


def run_python_rule_folder(folder: Path, prule) -> RuleTestResult:
    """Run the cases of a Python rule (python_rules/) from its folder; ``define.xml`` in a case's data is loaded."""
    res = RuleTestResult(prule.code, str(folder), prule.rule_type, "Fully Executable")
    for kind, case in _cases(folder):
        res.cases.append(_run_case(kind, case, lambda data: _python_actual(prule, data)))
    return res


def _run_case(kind: str, case: Path, actual_of) -> CaseResult:
    name = f"{kind}/{case.name}"
    results_csv = case / "results" / "results.csv"
    try:
        expected = _expected(results_csv)
        actual, err = actual_of(case / "data")
    except CdiscDmError as exc:
        return CaseResult(name, False, f"bad test data: {exc}")
    if err:
        return CaseResult(name, False, err)
    if kind == "negative" and not results_csv.is_file():
        # no expected results recorded: a negative case must at least produce a finding
        reason = "" if actual else "negative case without results.csv: expected at least one finding, got none"
    else:
        reason = _compare(expected, actual)
    return CaseResult(name, not reason, reason)


def test_rule_folder(folder: Path) -> RuleTestResult:
    """Run one rule folder's test cases (a CORE-format rule.yml, or a Python rule named by the folder)."""
    if not (folder / "rule.yml").is_file():
        prule = load_python_rules().get(folder.name)
        if prule is not None:
            return run_python_rule_folder(folder, prule)
    try:
        rule = parse_rule(folder / "rule.yml")
    except CdiscDmError as exc:
        return RuleTestResult(folder.name, str(folder), None, None, error=f"rule error: {exc}")
    res = RuleTestResult(rule.core_id, str(folder), rule.rule_type, rule.executability)
    for kind, case in _cases(folder):
        res.cases.append(_run_case(kind, case, lambda data: _actual(rule, data)))
    return res


def run_rule_tests(root: Path) -> HarnessReport:
    """Every rule folder (a folder with a rule.yml) under ``root``."""
    root = Path(root)
    if (root / "rule.yml").is_file() or root.name in load_python_rules():
        folders = [root]
    else:
        python = set(load_python_rules())
        found = {p.parent for p in root.rglob("rule.yml")}
        # Python rules' folders hold only test cases (positive/, negative/), named by the rule code
        found |= {p for p in root.glob("*") if p.is_dir() and p.name in python}
        folders = sorted(found)
    return HarnessReport([test_rule_folder(f) for f in folders])
