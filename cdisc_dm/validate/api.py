"""``validate()``: read a package once, run every applicable rule, return a ValidationResult.

The default rule set is the project's own rules folder (``specs/rules/``, located through
:func:`cdisc_dm.resources.specs_dir`); CDISC CORE's published rules are not shipped and are
added with ``rules=[...]`` (the CLI's repeatable ``--rules DIR``).

Example::

    result = validate("out/sdtm", rules=["/path/to/core-rules"], started="2026-01-01T00:00:00Z")
    result.counts()   # {"error": 12, "warning": 0, "notice": 0, "execution_error": 0}
"""
from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Sequence

from .. import __version__
from ..errors import CdiscDmError, Location, RuleError, UsageError
from .engine import clear_caches, prime_caches, run_rule
from .results import DatasetInfo, RuleResult, ValidationResult
from .rule import Rule, find_rule_files, parse_rule
from .define_data import DefineData, load_define
from .python_rules import load_python_rules
from .study_data import StudyData, load_study_data

__all__ = ["validate", "load_rules", "infer_standard", "STANDARDS"]

# --standard value -> (Authorities standard name, version, display)
STANDARDS = {
    "sdtmig-3.4": ("SDTMIG", "3.4", "SDTMIG 3.4"),
    "adamig-1.3": ("ADAMIG", "1.3", "ADaMIG 1.3"),
}


def infer_standard(names) -> str:
    """The package's standard from its dataset names: ADaM datasets are named AD... (ADaMIG 1.3
    section 2.3.1), so a package of only those is ADaM; anything else is validated as SDTM.

    >>> infer_standard(["ADSL", "ADAE"]), infer_standard(["DM", "ADSL"]), infer_standard([])
    ('adamig-1.3', 'sdtmig-3.4', 'sdtmig-3.4')
    """
    names = [str(n).upper() for n in names]
    return "adamig-1.3" if names and all(n.startswith("AD") for n in names) else "sdtmig-3.4"


def _project_rules_dir() -> Path | None:
    try:
        from ..resources import specs_dir

        d = specs_dir() / "rules"
    except FileNotFoundError:
        return None
    return d if d.is_dir() else None


def load_rules(sources: Iterable[str | Path], *, strict: bool = True) -> tuple[list[Rule], list[RuleResult]]:
    """Parse every rule file under ``sources``.

    ``strict``: a malformed file raises RuleError naming it (an explicitly given file). Otherwise
    it becomes a RuleResult with status "error" and the run goes on.
    """
    rules: list[Rule] = []
    broken: list[RuleResult] = []
    seen: set[str] = set()
    for src in sources:
        path = Path(src)
        if not path.exists():
            raise RuleError("no such rule file or folder", Location(file=str(path)))
        explicit = path.is_file()
        for f in find_rule_files(path):
            try:
                rule = parse_rule(f)
            except RuleError as exc:
                if strict and explicit:
                    raise
                broken.append(RuleResult(rule_id=f.parent.name if f.name == "rule.yml" else f.stem, status="error", message="", error=str(exc)))
                continue
            if rule.core_id in seen:
                continue  # the same rule given twice (e.g. via two --rules folders)
            seen.add(rule.core_id)
            rules.append(rule)
    return rules, broken


def _dataset_infos(study: StudyData) -> list[DatasetInfo]:
    return [
        DatasetInfo(
            name=ds.name,
            domain=ds.domain,
            label=ds.label,
            records=ds.records,
            variables=len(ds.frame.columns),
            file=ds.file,
            klass=ds.klass,
        )
        for ds in (study.datasets[k] for k in sorted(study.datasets))
    ]


def _check_define(define: str | Path | None) -> DefineData | None:
    """The parsed define (hardened parser); UsageError naming the file when unreadable."""
    return None if define is None else load_define(define)


def _load_ct(ct: str | Path | None):
    if ct is None:
        return None
    try:
        from ..standards import load_ct
    except ImportError:
        raise UsageError("--ct needs cdisc_dm.standards.load_ct, which is not available") from None
    p = Path(ct)
    if not p.is_file():
        raise UsageError("no such CT file", Location(file=str(p)))
    try:
        return load_ct(p)
    except CdiscDmError:
        raise
    except Exception as exc:
        raise UsageError(f"cannot load CT: {exc}", Location(file=str(p))) from None


def validate(
    path: str | Path,
    *,
    rules: Sequence[str | Path] | None = None,
    standard: str | None = None,
    define: str | Path | None = None,
    ct: str | Path | None = None,
    started: str | None = None,
    include_project_rules: bool = True,
) -> ValidationResult:
    """Validate the datasets under ``path`` with the project rules plus ``rules`` folders/files.

    ``started`` (ISO 8601, e.g. the run manifest's time) makes the result reproducible: it is used
    as the start time and the duration is left out (None), so the same inputs give the same result.
    ``standard`` None: ADaMIG 1.3 when every dataset is an ADaM dataset (named AD...), else SDTMIG 3.4.
    """
    if standard is not None and standard not in STANDARDS:
        raise UsageError(f"unknown standard {standard!r}: expected one of {', '.join(STANDARDS)}")
    t0 = time.perf_counter()
    define_data = _check_define(define)
    ct_obj = _load_ct(ct)
    study = load_study_data(path)
    if standard is None:
        standard = infer_standard(study.datasets)
    std_name, std_version, std_display = STANDARDS[standard]
    sources: list[str | Path] = []
    project = _project_rules_dir() if include_project_rules else None
    if project is not None:
        sources.append(project)
    sources.extend(rules or [])
    parsed, broken = load_rules(sources, strict=True)
    results: list[RuleResult] = list(broken)
    prime_caches(study)
    try:
        for rule in sorted(parsed, key=lambda r: r.core_id):
            if rule.standards and not rule.applies_to_standard(std_name, std_version):
                continue  # a rule for another standard or version
            results.append(run_rule(rule, study, standard=std_display, ct=ct_obj))
        if include_project_rules:
            # define-vs-data and schema rules written in Python (python_rules/); skipped without a define
            seen = {r.rule_id for r in results}
            for code, prule in load_python_rules().items():
                if code not in seen:
                    results.append(prule.run(study, define_data, ct_obj))
    finally:
        clear_caches()
    results.sort(key=lambda r: r.rule_id)
    ct_version = getattr(ct_obj, "version", None) if ct_obj is not None else None
    return ValidationResult(
        path=str(path),
        standard=std_display,
        ct_version=ct_version,
        tool_version=__version__,
        started=started or datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        # a run given its start time is a reproducible run: its reports must be byte-identical,
        # so the (varying) duration is not recorded (the reports print "not recorded")
        duration_seconds=None if started else round(time.perf_counter() - t0, 3),  # type: ignore[arg-type]
        datasets=_dataset_infos(study),
        rules=results,
        define=None if define_data is None else str(define_data.path),
    )
