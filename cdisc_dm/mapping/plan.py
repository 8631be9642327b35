"""Parse and resolve every spec of a study into a :class:`Plan`, before any data is read.

dbt's discipline (STYLE.md): a spec mistake is found in a second, with a compiler-style
message, not after a long conversion. :func:`load_plan` parses ``mappings/<study>/sdtm/*.yaml``
and checks, against the standards and the study:

* the dataset and each target variable exist in SDTMIG (SUPP-- routed variables excepted),
* every codelist named by ``ct`` exists in the terminology,
* every column reference names a source alias (or an earlier variable of the same spec),
* every ``function`` exists in the study's ``functions.py``,
* with a raw data dictionary: every form and column referenced exists in the export.

The plan is inspectable as JSON (``cdisc-dm convert --plan``)::

    plan = load_plan("il2dm")
    print(json.dumps(plan.to_json(), indent=2))
"""
from __future__ import annotations

import hashlib
import importlib.util
import inspect
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable

from ..errors import Location, SpecError
from ..resources import mappings_dir, study_dir
from ..yamlio import load_yaml
from . import registry
from .condition import Condition, condition_refs
from .params import Ref, Where, param_key, suggest
from .spec import REC, DatasetSpec, load_spec

__all__ = ["Plan", "load_plan", "ColumnUse", "display_path", "step_refs"]

SYNONYMS_FILE = "synonyms.yaml"
# Datasets others depend on come first: --DY, EPOCH and LOBXFL read DM's reference dates.
_FIRST = ("DM",)


@dataclass(frozen=True)
class ColumnUse:
    """A raw column a spec reads: which source, which column, and the spec line that reads it."""

    dataset: str
    alias: str
    form: str
    column: str
    where: Where


@dataclass
class Plan:
    study: str
    folder: Path
    specs: list[DatasetSpec]
    synonyms: dict[str, dict[str, str]] = field(default_factory=dict)
    functions: dict[str, Callable] = field(default_factory=dict)
    functions_file: Path | None = None
    hashes: dict[str, str] = field(default_factory=dict)  # spec file -> sha256

    def spec(self, dataset: str) -> DatasetSpec:
        return next(s for s in self.specs if s.dataset == dataset)

    def forms(self) -> list[str]:
        return sorted({s.form for spec in self.specs for s in spec.sources.values()})

    def column_uses(self) -> list[ColumnUse]:
        """Every raw column referenced by the plan (for checking against the export)."""
        uses: list[ColumnUse] = []
        for spec in self.specs:
            for ref, where in spec_refs(spec):
                alias, _, column = ref.partition(".")
                if not column:
                    continue
                if alias in spec.sources:
                    uses.append(ColumnUse(spec.dataset, alias, spec.sources[alias].form, column, where))
                elif alias == REC:
                    for a in spec.records.sources:
                        uses.append(ColumnUse(spec.dataset, a, spec.sources[a].form, column, where))
            for v in spec.variables:
                for s in v.steps:
                    if s.algorithm == "function":  # text arguments naming alias.COLUMN are column reads
                        for value in s.params.args.values():
                            alias, dot, col = str(value).partition(".")
                            if dot and isinstance(value, str):
                                for a in (spec.records.sources if alias == REC else [alias] if alias in spec.sources else []):
                                    uses.append(ColumnUse(spec.dataset, a, spec.sources[a].form, col, s.at("args")))
                    if s.algorithm == "subject_date":  # the per-subject source's subject column
                        alias = s.params.source.partition(".")[0]
                        if alias in spec.sources:
                            uses.append(ColumnUse(spec.dataset, alias, spec.sources[alias].form, s.params.subject, s.at("subject")))
            for src in spec.sources.values():
                for key in src.join:
                    uses.append(ColumnUse(spec.dataset, src.alias, src.form, key, src.where))
                    for a in spec.records.sources:
                        uses.append(ColumnUse(spec.dataset, a, spec.sources[a].form, key, src.where))
            for a, tests in spec.records.melts.items():
                for row in tests:
                    uses.append(ColumnUse(spec.dataset, a, spec.sources[a].form, row["column"], spec.records.where))
        return uses

    def to_json(self) -> dict:
        algos = registry.algorithms()
        out: dict[str, Any] = {"study": self.study, "folder": str(self.folder), "datasets": []}
        for spec in self.specs:
            variables = []
            for v in spec.variables:
                steps = []
                for s in v.steps:
                    a = algos[s.algorithm]
                    params = {param_key(f): _jsonable(getattr(s.params, f.name)) for f in fields(s.params)}
                    step = {"algorithm": s.algorithm, "params": params, "origin": v.origin or a.origin,
                            "spec": f"{s.where.file}:{s.where.line}"}
                    if s.when is not None:
                        step["when"] = s.when.to_json()
                    steps.append(step)
                item: dict[str, Any] = {"name": v.name, "steps": steps}
                if v.supp:
                    item["supp"] = {"qnam": v.supp.qnam, "qlabel": v.supp.qlabel}
                variables.append(item)
            out["datasets"].append({
                "dataset": spec.dataset,
                "file": spec.file,
                "sha256": self.hashes.get(spec.file),
                "sources": {a: {"form": s.form, "join": list(s.join), **({"filter": s.filter.to_json()} if s.filter else {})}
                            for a, s in spec.sources.items()},
                "records": {"kind": spec.records.kind, "sources": list(spec.records.sources),
                            **({"tests": len(spec.records.tests)} if spec.records.melts else {}),
                            **({"keep": spec.records.keep.to_json()} if spec.records.keep else {})},
                "variables": variables,
                "keys": list(spec.keys),
                "sort": list(spec.sort),
            })
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, Condition):
        return value.to_json()
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _is_ref(tp: Any) -> bool:
    return tp is Ref or (typing.get_origin(tp) in (typing.Union, __import__("types").UnionType) and Ref in typing.get_args(tp))


def step_refs(params: Any) -> list[str]:
    """Column references in an algorithm's parameters (Ref fields and conditions)."""
    return [ref for ref, _ in step_ref_keys(params)]


def step_ref_keys(params: Any) -> list[tuple[str, str]]:
    """(reference, parameter key) pairs, so errors can point at the parameter's value."""
    hints = typing.get_type_hints(type(params))
    refs: list[tuple[str, str]] = []
    for f in fields(params):
        tp, value, key = hints[f.name], getattr(params, f.name), param_key(f)
        if value is None:
            continue
        if _is_ref(tp):
            refs.append((value, key))
        elif typing.get_origin(tp) in (tuple, list) and typing.get_args(tp)[0] is Ref:
            refs.extend((v, key) for v in value)
        elif isinstance(value, Condition):
            refs.extend((c.var, key) for c in condition_refs(value) if c.kind == "leaf")
    return refs


def spec_refs(spec: DatasetSpec) -> list[tuple[str, Where]]:
    out: list[tuple[str, Where]] = []
    for src in spec.sources.values():
        out.extend((c.var, Where(src.where.file, c.line, c.column)) for c in condition_refs(src.filter) if c.kind == "leaf")
    out.extend((c.var, Where(spec.records.where.file, c.line, c.column)) for c in condition_refs(spec.records.keep) if c.kind == "leaf")
    for v in spec.variables:
        for s in v.steps:
            out.extend((r, s.at(k)) for r, k in step_ref_keys(s.params))
            out.extend((c.var, Where(s.where.file, c.line, c.column)) for c in condition_refs(s.when) if c.kind == "leaf")
    return out


def display_path(path: Path) -> str:
    """A stable, short name for a spec file in messages: relative to the mappings folder or cwd."""
    path = Path(path).resolve()
    for base in (mappings_dir().resolve().parent, Path.cwd().resolve()):
        try:
            return str(path.relative_to(base))
        except ValueError:
            continue
    return str(path)


def _check_refs(spec: DatasetSpec) -> None:
    melt_alias = spec.records.melt_as if spec.records.melts else None
    defined: list[str] = []
    # late variables (epoch, seq) run after all others, so they may read any variable
    seq_vars = {v.name for v in spec.variables if any(s.algorithm in ("seq", "epoch") for s in v.steps)}
    all_vars = {v.name for v in spec.variables}
    for v in spec.variables:
        for s in v.steps:
            refs = [(r, s.at(k)) for r, k in step_ref_keys(s.params)]
            refs += [(c.var, Where(s.where.file, c.line, c.column)) for c in condition_refs(s.when) if c.kind == "leaf"]
            if s.algorithm in ("seq", "lobxfl"):
                refs += [(b, s.at("by")) for b in s.params.by]
            for ref, where in refs:
                _check_ref(ref, spec, where, defined if v.name not in seq_vars else list(all_vars), melt_alias)
            for c in condition_refs(s.when):
                if c.kind == "source" and c.value not in spec.records.sources:
                    raise SpecError(f"variable {v.name}: condition names source {c.value!r}, which does not form records",
                                    Where(s.where.file, c.line, c.column).location(), hint=f"records come from: {', '.join(spec.records.sources)}")
        defined.append(v.name)
    for src in spec.sources.values():
        for c in condition_refs(src.filter):
            if c.kind == "leaf" and c.var.partition(".")[0] != src.alias:
                raise SpecError(f"the filter of source '{src.alias}' may only test its own columns ({src.alias}.X), not {c.var!r}",
                                Where(src.where.file, c.line, c.column).location())
    for c in condition_refs(spec.records.keep):
        if c.kind == "leaf":
            _check_ref(c.var, spec, Where(spec.records.where.file, c.line, c.column), [], melt_alias)


def _check_ref(ref: str, spec: DatasetSpec, where: Where, defined: list[str], melt_alias: str | None) -> None:
    alias, dot, column = ref.partition(".")
    if dot:
        known = [*spec.sources, REC] + ([melt_alias] if melt_alias else [])
        if alias not in known:
            hint = suggest(alias, known)
            raise SpecError(f"unknown source alias '{alias}' in {ref!r}", where.location(),
                            hint=f"did you mean '{hint}'?" if hint else f"sources: {', '.join(known)}")
        if alias == melt_alias:
            cols = {k for row in spec.records.tests for k in row} | {"value"}
            if column not in cols:
                hint = suggest(column, cols)
                raise SpecError(f"melt attribute '{column}' is not a column of the test table", where.location(),
                                hint=f"did you mean '{hint}'?" if hint else f"columns: {', '.join(sorted(cols))}")
        return
    if ref not in defined:
        hint = suggest(ref, defined)
        later = any(v.name == ref for v in spec.variables)
        raise SpecError(
            f"{ref!r} is not a variable defined earlier in this spec" + (" (it is defined later; move it up)" if later else ""),
            where.location(),
            hint=None if later else (f"did you mean '{hint}'?" if hint else "raw columns are written alias.COLUMN"),
        )


def _check_standards(spec: DatasetSpec, ig: Any, ct: Any, functions: dict[str, Callable]) -> None:
    try:
        meta = ig.domain(spec.dataset)
    except Exception:
        names = ig.domain_names()
        hint = suggest(spec.dataset, names)
        raise SpecError(f"unknown dataset '{spec.dataset}' (not a domain of {ig.standard})", Where.of({}).location() if False else spec.where.location(),
                        hint=f"did you mean '{hint}'?" if hint else None) from None
    names = meta.names if hasattr(meta, "names") else [v.name for v in meta.variables]
    codelists = set(ct.codelist_names()) if ct is not None else None
    for v in spec.variables:
        if v.name.startswith("_") or v.supp is not None:
            continue
        if v.name not in names:
            hint = suggest(v.name, names)
            raise SpecError(f"'{v.name}' is not a variable of {spec.dataset} in {ig.standard}", v.where.location(),
                            hint=f"did you mean '{hint}'? (route a sponsor variable to SUPP{spec.dataset} with supp: {{qnam, qlabel}})" if hint
                            else f"route a sponsor variable to SUPP{spec.dataset} with supp: {{qnam, qlabel}}")
    for v in spec.variables:
        for s in v.steps:
            if s.algorithm == "ct" and codelists is not None and s.params.codelist not in codelists:
                hint = suggest(s.params.codelist, codelists)
                raise SpecError(f"unknown codelist '{s.params.codelist}'", s.at("codelist").location(),
                                hint=f"did you mean '{hint}'?" if hint else "add it to the study's ct/ folder")
            if s.algorithm == "function" and s.params.name not in functions:
                hint = suggest(s.params.name, functions)
                raise SpecError(f"unknown study function '{s.params.name}'", s.at("name").location(),
                                hint=f"did you mean '{hint}'?" if hint else ("define it in the study's functions.py" if functions else "the study has no functions.py"))
            if s.algorithm in ("date", "datetime", "subject_date"):
                from .dates import check_format

                for fmt in s.params.formats:
                    problem = check_format(fmt)
                    if problem:
                        raise SpecError(problem, s.at("formats").location(), hint="tokens: YYYY, MMM, MM, DD, HH, MM (minutes after HH:), SS")


def check_dictionary(plan: Plan, dictionary: dict, where_raw: str = "the raw data dictionary") -> None:
    """SpecError for a form or column the specs read that the export's dictionary lacks."""
    forms = {f["form"].upper(): f for f in dictionary.get("forms", [])}
    for spec in plan.specs:
        for src in spec.sources.values():
            if src.form not in forms:
                hint = suggest(src.form, forms)
                raise SpecError(f"unknown form '{src.form}' (not in {where_raw})", src.where.location(),
                                hint=f"did you mean '{hint}'?" if hint else f"forms: {', '.join(sorted(forms))}")
    for use in plan.column_uses():
        cols = [c["name"] for c in forms[use.form].get("columns", [])]
        if use.column not in cols:
            hint = suggest(use.column, cols)
            raise SpecError(f"form {use.form} ({forms[use.form].get('file', '')}) has no column '{use.column}'", use.where.location(),
                            hint=f"did you mean '{hint}'?" if hint else None)


def _load_functions(folder: Path) -> tuple[dict[str, Callable], Path | None]:
    path = folder / "functions.py"
    if not path.is_file():
        return {}, None
    name = f"cdisc_dm_study_functions_{hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    try:
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    except Exception as exc:  # a broken study file is a spec error, with its location
        raise SpecError(f"cannot load study functions: {type(exc).__name__}: {exc}", Location(display_path(path))) from None
    fns = {n: f for n, f in vars(module).items() if inspect.isfunction(f) and not n.startswith("_") and f.__module__ == name}
    return fns, path


def _load_synonyms(folder: Path, ct: Any) -> dict[str, dict[str, str]]:
    """Sponsor synonyms: ``{codelist: {raw text: submission value}}`` (mappings/<study>/ct/synonyms.yaml)."""
    path = folder / "ct" / SYNONYMS_FILE
    if not path.is_file():
        return {}
    doc = load_yaml(path)
    shown = display_path(path)
    if not isinstance(doc, dict):
        raise SpecError("synonyms.yaml must map codelist names to {raw text: submission value}", Location(shown, 1, 1))
    out: dict[str, dict[str, str]] = {}
    codelists = set(ct.codelist_names()) if ct is not None else None
    for name, table in doc.items():
        line, col = doc.loc(name)
        if codelists is not None and name not in codelists:
            hint = suggest(str(name), codelists)
            raise SpecError(f"unknown codelist '{name}'", Location(shown, line, col), hint=f"did you mean '{hint}'?" if hint else None)
        if not isinstance(table, dict):
            raise SpecError(f"synonyms of {name} must be a mapping raw text -> submission value", Location(shown, line, col))
        values = {t.value for t in ct.codelist(name).terms} if ct is not None else None
        for raw, value in table.items():
            if values is not None and str(value) not in values and not getattr(ct.codelist(name), "extensible", False):
                l2, c2 = table.value_loc(raw)
                hint = suggest(str(value), values)
                raise SpecError(f"{value!r} is not a submission value of codelist {name}", Location(shown, l2, c2),
                                hint=f"did you mean '{hint}'?" if hint else None)
            out.setdefault(str(name), {})[str(raw)] = str(value)
    return out


def default_ct(folder: Path | None = None):
    """The shipped terminology plus the study's sponsor codelists (None when standards lack CT)."""
    try:
        from ..standards import load_ct  # type: ignore[attr-defined]
    except ImportError:
        return None
    # the study's ct/ folder holds sponsor codelists (standards' format) and synonyms.yaml (ours)
    extra = sorted(p for p in (folder / "ct").glob("*.yaml") if p.name != SYNONYMS_FILE) if folder is not None else []
    return load_ct(extra=extra) if extra else load_ct()


def load_plan(study: str | Path, *, dictionary: dict | None = None, ct: Any = None, ig: Any = None,
              datasets: list[str] | None = None) -> Plan:
    """Parse, check and order every SDTM spec of ``study`` (a built-in name or a folder).

    ``dictionary`` (the export's ``data_dictionary.json``) enables form and column checks.
    """
    folder = study_dir(study)
    sdtm = folder / "sdtm"
    files = sorted(sdtm.glob("*.yaml")) if sdtm.is_dir() else []
    if not files:
        raise SpecError(f"no mapping specs found (expected {sdtm}/<dataset>.yaml)", Location(display_path(sdtm)))
    if ig is None:
        from ..standards import load_sdtmig

        ig = load_sdtmig()
    if ct is None:
        ct = default_ct(folder)
    functions, functions_file = _load_functions(folder)
    specs: list[DatasetSpec] = []
    hashes: dict[str, str] = {}
    seen: dict[str, str] = {}
    for path in files:
        shown = display_path(path)
        spec = load_spec(path, display_name=shown)
        if datasets and spec.dataset not in datasets:
            continue
        if spec.dataset in seen:
            raise SpecError(f"dataset {spec.dataset} is already mapped by {seen[spec.dataset]}", spec.where.location())
        seen[spec.dataset] = shown
        _check_refs(spec)
        _check_standards(spec, ig, ct, functions)
        hashes[shown] = hashlib.sha256(path.read_bytes()).hexdigest()
        specs.append(spec)
    specs.sort(key=lambda s: (s.dataset not in _FIRST, s.dataset))
    plan = Plan(str(study), folder, specs, _load_synonyms(folder, ct), functions, functions_file, hashes)
    if dictionary is not None:
        check_dictionary(plan, dictionary)
    return plan
