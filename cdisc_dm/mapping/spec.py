"""Mapping spec files: YAML -> typed :class:`DatasetSpec`, with compiler-style errors.

One file per target dataset (``mappings/<study>/sdtm/<dataset>.yaml``), target-centric: each
target variable says where its values come from, as one algorithm step or a list of steps
in priority order (a later step fills only what earlier ones left missing)::

    dataset: DM
    sources:
      dm: {form: DM}
      ic: {form: IC, join: [Subject]}
    variables:
      STUDYID: {study: studyid}
      SEX: {ct: {from: dm.SEX, codelist: SEX}}
      RFICDTC: {date: {from: ic.ICDAT, formats: [DD MMM YYYY]}}

This module checks the *shape* of a spec (keys, types, algorithm parameters). Checks that
need the standards, terminology or raw dictionary happen in :mod:`cdisc_dm.mapping.plan`.
The full language is documented in ``docs/mapping-spec.md``.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SpecError
from ..yamlio import LocatedDict, LocatedList, load_yaml
from .condition import Condition, parse_condition
from .params import Where, parse_params, suggest
from . import registry

__all__ = [
    "DatasetSpec", "SourceSpec", "RecordsSpec", "VariableSpec", "Step", "SuppSpec",
    "load_spec", "DATASET_KEYS", "SOURCE_KEYS", "RECORD_KEYS", "VARIABLE_KEYS", "REC",
]

DATASET_KEYS = ("dataset", "description", "sources", "records", "variables", "keys", "sort")
SOURCE_KEYS = ("form", "join", "filter", "reason")
RECORD_KEYS = ("from", "stack", "melt", "keep", "reason", "distinct")
VARIABLE_KEYS = ("when", "supp", "origin", "comment", "label")
MELT_KEYS = ("source", "as", "tests")
SUPP_KEYS = ("qnam", "qlabel", "qeval", "idvar")
ORIGINS = ("Collected", "Derived", "Assigned", "Protocol", "Predecessor", "Not Available")
# Columns every record frame carries under this alias: the columns of the record's own raw row
# (for stacked sources, the columns all stacked forms share, such as Subject and Folder).
REC = "rec"


@dataclass(frozen=True)
class SourceSpec:
    alias: str
    form: str
    join: tuple[str, ...] = ()
    filter: Condition | None = None
    reason: str | None = None
    where: Where = Where(None, None, None)


@dataclass(frozen=True)
class RecordsSpec:
    kind: str  # "from", "stack" or "melt"
    sources: tuple[str, ...]
    melt_as: str = "test"
    tests: tuple[dict, ...] = ()  # every melt's test rows (for checking attribute references)
    melts: dict = field(default_factory=dict, compare=False)  # alias -> its test rows, for melted sources
    distinct: bool = False  # drop raw records that repeat an earlier record exactly (with a reason)
    keep: Condition | None = None
    reason: str | None = None
    where: Where = Where(None, None, None)


@dataclass(frozen=True)
class Step:
    algorithm: str
    params: Any
    when: Condition | None
    where: Where
    param_where: dict = field(default_factory=dict, compare=False)  # parameter key -> where its value is

    def at(self, key: str) -> Where:
        """Where parameter ``key``'s value is written (the step's algorithm key when shorthand)."""
        return self.param_where.get(key, self.where)


@dataclass(frozen=True)
class SuppSpec:
    qnam: str
    qlabel: str
    qeval: str | None = None
    idvar: str | None = None


@dataclass(frozen=True)
class VariableSpec:
    name: str
    steps: tuple[Step, ...]
    supp: SuppSpec | None = None
    origin: str | None = None
    comment: str | None = None
    label: str | None = None
    where: Where = Where(None, None, None)


@dataclass(frozen=True)
class DatasetSpec:
    dataset: str
    file: str
    description: str | None
    sources: dict[str, SourceSpec]
    records: RecordsSpec
    variables: tuple[VariableSpec, ...]
    keys: tuple[str, ...] = ()
    sort: tuple[str, ...] = ()
    where: Where = Where(None, None, None)
    extra: dict = field(default_factory=dict)

    def variable(self, name: str) -> VariableSpec:
        return next(v for v in self.variables if v.name == name)


def _unknown_key(container: LocatedDict, key: Any, known: tuple[str, ...], what: str) -> SpecError:
    hint = suggest(str(key), known)
    return SpecError(
        f"unknown {what} key '{key}'",
        Where.of(container, key).location(),
        hint=f"did you mean '{hint}'?" if hint else f"known keys: {', '.join(known)}",
    )


def _expect_mapping(value: Any, container: Any, key: Any, what: str) -> LocatedDict:
    if not isinstance(value, dict):
        raise SpecError(f"{what} must be a mapping, got {type(value).__name__}", Where.of(container, key, value=True).location())
    return value


def _str_list(value: Any, container: Any, key: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise SpecError(f"{what} must be a list of names", Where.of(container, key, value=True).location())
    return tuple(str(v) for v in value)


def _parse_source(alias: str, raw: Any, container: LocatedDict) -> SourceSpec:
    if isinstance(raw, str):  # shorthand: `dm: DM`
        return SourceSpec(alias, raw.upper(), where=Where.of(container, alias))
    raw = _expect_mapping(raw, container, alias, f"source '{alias}'")
    for k in raw:
        if k not in SOURCE_KEYS:
            raise _unknown_key(raw, k, SOURCE_KEYS, "source")
    if "form" not in raw:
        raise SpecError(f"source '{alias}' needs 'form' (the raw form name, e.g. DM)", Where.of(container, alias).location())
    flt = parse_condition(raw["filter"], Where.of(raw, "filter", value=True)) if "filter" in raw else None
    return SourceSpec(
        alias,
        str(raw["form"]).upper(),
        _str_list(raw.get("join", []), raw, "join", "join"),
        flt,
        str(raw["reason"]) if "reason" in raw else None,
        Where.of(container, alias),
    )


def _load_tests(value: Any, container: LocatedDict, spec_file: Path) -> tuple[dict, ...]:
    """The per-test lookup table of a melt: inline rows, or a CSV file next to the spec."""
    if isinstance(value, str):
        path = (spec_file.parent / value)
        if not path.is_file():
            raise SpecError(f"melt test table {value!r} not found (looked for {path})", Where.of(container, "tests", value=True).location())
        with path.open(newline="", encoding="utf-8") as fh:
            rows = [dict(r) for r in csv.DictReader(fh)]
    elif isinstance(value, list) and all(isinstance(r, dict) for r in value):
        rows = [{str(k): (None if v is None else str(v)) for k, v in r.items()} for r in value]
    else:
        raise SpecError("melt 'tests' must be a list of rows or the name of a CSV file", Where.of(container, "tests", value=True).location())
    if not rows:
        raise SpecError("melt 'tests' is empty", Where.of(container, "tests", value=True).location())
    for i, r in enumerate(rows):
        if not r.get("column"):
            w = Where.of(value, i) if isinstance(value, LocatedList) else Where.of(container, "tests", value=True)
            raise SpecError("every melt test row needs 'column' (the raw column holding that test's result)", w.location())
    return tuple(rows)


def _parse_records(raw: Any, doc: LocatedDict, sources: dict[str, SourceSpec], spec_file: Path) -> RecordsSpec:
    if raw is None:
        if len(sources) != 1:
            first = next(iter(sources))
            raise SpecError(
                "several sources and no 'records': say which source forms the records",
                Where.of(doc, "sources").location(),
                hint=f"add e.g. `records: {{from: {first}}}`",
            )
        only = next(iter(sources))
        return RecordsSpec("from", (only,), where=Where.of(doc, "sources"))
    raw = _expect_mapping(raw, doc, "records", "records")
    for k in raw:
        if k not in RECORD_KEYS:
            raise _unknown_key(raw, k, RECORD_KEYS, "records")
    kinds = [k for k in ("from", "stack", "melt") if k in raw]
    if len(kinds) != 1:
        raise SpecError("records needs exactly one of 'from', 'stack' or 'melt'", Where.of(doc, "records").location())
    kind = kinds[0]
    keep = parse_condition(raw["keep"], Where.of(raw, "keep", value=True)) if "keep" in raw else None
    reason = str(raw["reason"]) if "reason" in raw else None
    where = Where.of(raw, kind)
    distinct = raw.get("distinct", False)
    if not isinstance(distinct, bool):
        raise SpecError("records 'distinct' must be true or false", Where.of(raw, "distinct", value=True).location())

    def check_alias(alias: str, container, key) -> str:
        if alias not in sources:
            hint = suggest(alias, sources)
            raise SpecError(f"unknown source '{alias}' in records", Where.of(container, key, value=True).location(),
                            hint=f"did you mean '{hint}'?" if hint else f"sources: {', '.join(sources)}")
        return alias

    if kind == "from":
        return RecordsSpec("from", (check_alias(str(raw["from"]), raw, "from"),), keep=keep, reason=reason, where=where, distinct=distinct)
    if kind == "stack":
        items = raw["stack"]
        if not isinstance(items, list) or not items:
            raise SpecError("stack needs a list of sources (or {melt: ...} blocks)", Where.of(raw, "stack", value=True).location())
        aliases, melts, melt_as = [], {}, None
        for i, item in enumerate(items):
            if isinstance(item, dict):
                if set(item) != {"melt"}:
                    raise SpecError("a stack item is a source alias or {melt: {source, tests}}", Where.of(items, i).location())
                alias, tests, as_ = _parse_melt(item["melt"], item, check_alias, spec_file)
                if melt_as is not None and as_ != melt_as:
                    raise SpecError(f"all melts of a stack must use the same 'as' ({melt_as!r})", Where.of(item["melt"]).location())
                melt_as = as_
                melts[alias] = tests
            else:
                alias = check_alias(str(item), items, i)
            aliases.append(alias)
        all_tests = tuple(r for t in melts.values() for r in t)
        return RecordsSpec("stack", tuple(aliases), melt_as=melt_as or "test", tests=all_tests, keep=keep, reason=reason, where=where,
                           melts=melts, distinct=distinct)
    alias, tests, melt_as = _parse_melt(raw["melt"], raw, check_alias, spec_file)
    return RecordsSpec("melt", (alias,), melt_as=melt_as, tests=tests, keep=keep, reason=reason, where=where, melts={alias: tests},
                       distinct=distinct)


def _parse_melt(value: Any, container: Any, check_alias, spec_file: Path) -> tuple[str, tuple[dict, ...], str]:
    melt = _expect_mapping(value, container, "melt", "melt")
    for k in melt:
        if k not in MELT_KEYS:
            raise _unknown_key(melt, k, MELT_KEYS, "melt")
    if "source" not in melt or "tests" not in melt:
        raise SpecError("melt needs 'source' and 'tests'", Where.of(melt).location())
    alias = check_alias(str(melt["source"]), melt, "source")
    return alias, _load_tests(melt["tests"], melt, spec_file), str(melt.get("as", "test"))


def _parse_step(raw: Any, container: Any, key: Any, var: str) -> tuple[Step, dict]:
    known = registry.algorithms()
    if not isinstance(raw, dict):
        raise SpecError(
            f"variable {var}: a step must be a mapping with one algorithm (e.g. {{copy: dm.{var}}}), got {raw!r}",
            Where.of(container, key, value=True).location(),
        )
    algos = [k for k in raw if k in known]
    for k in raw:
        if k not in known and k not in VARIABLE_KEYS:
            hint = suggest(str(k), list(known) + list(VARIABLE_KEYS))
            raise SpecError(
                f"variable {var}: unknown algorithm or key '{k}'",
                Where.of(raw, k).location(),
                hint=f"did you mean '{hint}'?" if hint else f"algorithms: {', '.join(known)}",
            )
    if len(algos) != 1:
        msg = "no algorithm" if not algos else f"several algorithms ({', '.join(algos)})"
        raise SpecError(f"variable {var}: a step needs exactly one algorithm, found {msg}", Where.of(raw).location(),
                        hint="use a list of steps for several sources in priority order")
    name = algos[0]
    params = parse_params(known[name].params, raw[name], Where.of(raw, name, value=True), algorithm=name)
    when = parse_condition(raw["when"], Where.of(raw, "when", value=True)) if "when" in raw else None
    mods = {k: (raw[k], Where.of(raw, k, value=True)) for k in VARIABLE_KEYS if k in raw and k != "when"}
    value = raw[name]
    if isinstance(value, LocatedDict):
        param_where = {str(k): Where.of(value, k, value=True) for k in value}
    else:  # a shorthand value (`copy: dm.SEX`) stands for the model's shorthand parameter
        from .params import param_key as _key
        from dataclasses import fields as _fields

        short = getattr(known[name].params, "__shorthand__", None)
        keys = [_key(f) for f in _fields(known[name].params) if f.name == short]
        param_where = {keys[0]: Where.of(raw, name, value=True)} if keys else {}
    return Step(name, params, when, Where.of(raw, name), param_where), mods


def _parse_variable(name: str, raw: Any, container: LocatedDict) -> VariableSpec:
    items = raw if isinstance(raw, list) else [raw]
    steps, mods = [], {}
    for i, item in enumerate(items):
        step, m = _parse_step(item, raw if isinstance(raw, list) else container, i if isinstance(raw, list) else name, name)
        steps.append(step)
        for k, v in m.items():
            if k in mods:
                raise SpecError(f"variable {name}: '{k}' given twice", v[1].location())
            mods[k] = v
    if not steps:
        raise SpecError(f"variable {name}: empty list of steps", Where.of(container, name).location())
    supp = None
    if "supp" in mods:
        value, w = mods["supp"]
        if not isinstance(value, dict):
            raise SpecError(f"variable {name}: supp must be a mapping {{qnam, qlabel}}", w.location())
        for k in value:
            if k not in SUPP_KEYS:
                raise _unknown_key(value, k, SUPP_KEYS, "supp")
        if "qnam" not in value or "qlabel" not in value:
            raise SpecError(f"variable {name}: supp needs 'qnam' and 'qlabel'", w.location())
        qnam = str(value["qnam"])
        if len(qnam) > 8 or not qnam.replace("_", "").isalnum() or not qnam[0].isalpha() or qnam != qnam.upper():
            raise SpecError(f"variable {name}: QNAM {qnam!r} must be upper case, start with a letter, at most 8 letters/digits (SDTMIG 8.4.1)",
                            Where.of(value, "qnam", value=True).location())
        if len(str(value["qlabel"])) > 40:
            raise SpecError(f"variable {name}: QLABEL longer than 40 characters", Where.of(value, "qlabel", value=True).location())
        supp = SuppSpec(qnam, str(value["qlabel"]), value.get("qeval"), value.get("idvar"))
    origin = None
    if "origin" in mods:
        value, w = mods["origin"]
        if value not in ORIGINS:
            hint = suggest(str(value), ORIGINS)
            raise SpecError(f"variable {name}: unknown origin {value!r} (Define-XML 2.1 origins: {', '.join(ORIGINS)})", w.location(),
                            hint=f"did you mean '{hint}'?" if hint else None)
        origin = value
    comment = str(mods["comment"][0]) if "comment" in mods else None
    label = str(mods["label"][0]) if "label" in mods else None
    return VariableSpec(name, tuple(steps), supp, origin, comment, label, Where.of(container, name))


def load_spec(path: str | Path, *, display_name: str | None = None) -> DatasetSpec:
    """Parse one spec file; :class:`SpecError` with file:line:col on any mistake of shape."""
    path = Path(path)
    doc = load_yaml(path)
    if display_name:
        _relabel(doc, display_name)
    if not isinstance(doc, dict):
        raise SpecError("a mapping spec must be a YAML mapping with dataset, sources and variables", Where.of(doc).location() if isinstance(doc, (LocatedList,)) else None)
    for k in doc:
        if k not in DATASET_KEYS:
            raise _unknown_key(doc, k, DATASET_KEYS, "spec")
    for k in ("dataset", "sources", "variables"):
        if k not in doc:
            raise SpecError(f"missing '{k}'", Where.of(doc).location())
    dataset = str(doc["dataset"]).upper()
    sources_raw = _expect_mapping(doc["sources"], doc, "sources", "sources")
    sources = {str(a): _parse_source(str(a), v, sources_raw) for a, v in sources_raw.items()}
    if REC in sources:
        raise SpecError(f"'{REC}' is reserved (it names the record's own raw row); choose another alias", Where.of(sources_raw, REC).location())
    records = _parse_records(doc.get("records"), doc, sources, path)
    vars_raw = _expect_mapping(doc["variables"], doc, "variables", "variables")
    variables = tuple(_parse_variable(str(n), v, vars_raw) for n, v in vars_raw.items())
    keys = _str_list(doc.get("keys", []), doc, "keys", "keys")
    sort = _str_list(doc.get("sort", []), doc, "sort", "sort")
    names = {v.name for v in variables}
    for what, lst in (("keys", keys), ("sort", sort)):
        for i, v in enumerate(lst):
            if v not in names:
                hint = suggest(v, names)
                raise SpecError(f"{what} names {v!r}, which is not a variable of this spec",
                                Where.of(doc[what], i).location() if isinstance(doc[what], LocatedList) else Where.of(doc, what).location(),
                                hint=f"did you mean '{hint}'?" if hint else None)
    return DatasetSpec(dataset, doc.file or str(path), doc.get("description"), sources, records, variables, keys, sort, Where.of(doc))


def _relabel(node: Any, name: str) -> None:
    """Show spec files by a short, stable name (``mappings/il2dm/sdtm/dm.yaml``) in errors."""
    if isinstance(node, (LocatedDict, LocatedList)):
        node.file = name
        for child in (node.values() if isinstance(node, dict) else node):
            _relabel(child, name)
