"""ADaM specs: ``mappings/<study>/adam/*.yaml`` parsed, checked and resolved into a plan before any data is read.

Each spec describes one ADaM dataset (schema: ``specs/schemas/adam-spec.schema.json``)::

    dataset: ADAE
    structure: OCCDS
    inputs: [AE, ADSL]                 # SDTM datasets or ADaM datasets of other specs
    from: AE                           # the records the dataset starts from
    steps:
      - call: derive_vars_dt           # a derivation of cdisc_dm.adam.registry, by name
        args: {new_vars_prefix: AST, dtc: AESTDTC, highest_imputation: M, min_dates: TRTSDT}
    variables:                         # the variables kept, with their Define metadata
      ASTDT: {origin: Derived}

Checks, each a :class:`SpecError` with file:line:col and a did-you-mean: the schema (typo keys),
unknown derivations, unknown argument names and missing required arguments (from the function's
signature), datasets/tables/frames not declared, conditions, and cycles between specs.
Example::

    plan = load_adam_plan("il2dm")
    [d.name for d in plan.datasets]          # ['ADSL', 'ADAE', 'ADQS', ...] in dependency order
    json.dumps(plan.to_json())               # inspectable without reading data
"""
from __future__ import annotations

import difflib
import hashlib
import inspect
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import Location, SpecError
from ..resources import specs_dir, study_dir
from ..yamlio import load_yaml
from .condition import Condition, parse_condition
from .registry import CONDITION_ARGS, DATASET_ARGS, REGISTRY, TABLE_ARGS

__all__ = ["AdamPlan", "DatasetPlan", "Pipeline", "Step", "load_adam_plan", "load_adam_spec"]


@dataclass
class Step:
    call: str
    args: dict[str, Any]            # spec values, conditions already parsed into Condition objects
    location: Location
    requires: tuple[str, ...] = ()
    method: str | None = None

    def to_json(self) -> dict:
        def enc(v: Any) -> Any:
            if isinstance(v, Condition):
                return {"condition": v.to_json()}
            if isinstance(v, dict):
                return {str(k): enc(x) for k, x in v.items()}
            if isinstance(v, (list, tuple)):
                return [enc(x) for x in v]
            return v
        out = {"call": self.call, "args": enc(self.args), "at": str(self.location)}
        if self.requires:
            out["requires"] = list(self.requires)
        return out


@dataclass
class Pipeline:
    source: str
    where: Condition | None
    steps: list[Step]

    def to_json(self) -> dict:
        return {"from": self.source, "where": self.where.to_json() if self.where else None,
                "steps": [s.to_json() for s in self.steps]}


@dataclass
class DatasetPlan:
    name: str
    label: str | None
    structure: str
    file: Path
    inputs: list[str]
    requires: list[str]
    tables: dict[str, Path]
    frames: dict[str, Pipeline]
    pipeline: Pipeline
    variables: dict[str, dict]
    sort: list[str]
    var_locations: dict[str, Location] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"dataset": self.name, "label": self.label, "structure": self.structure, "file": self.file.name,
                "inputs": self.inputs, "requires": self.requires,
                "tables": {k: v.name for k, v in self.tables.items()},
                "frames": {k: p.to_json() for k, p in self.frames.items()},
                "pipeline": self.pipeline.to_json(), "variables": self.variables, "sort": self.sort}


@dataclass
class AdamPlan:
    folder: Path
    datasets: list[DatasetPlan]
    hashes: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"folder": str(self.folder), "datasets": [d.to_json() for d in self.datasets], "hashes": self.hashes}

    def referenced(self) -> set[str]:
        """Every dataset name the plan reads (inputs, requires, frame sources, dataset arguments).

        The SDTM reader loads only these: a package's other domains (CM, MB, trial design) are
        never read. ``sorted(load_adam_plan("il2dm").referenced())`` -> ['ADLB', ..., 'DM', 'DS', ...].
        """
        names: set[str] = set()
        for dp in self.datasets:
            names.update(dp.inputs)
            names.update(dp.requires)
            for pipe in [*dp.frames.values(), dp.pipeline]:
                names.add(pipe.source)
                for step in pipe.steps:
                    names.update(step.requires)
                    names.update(str(v) for k, v in step.args.items() if k in DATASET_ARGS)
        return {str(n).upper() for n in names}

    def dataset(self, name: str) -> DatasetPlan:
        for d in self.datasets:
            if d.name == name.upper():
                return d
        raise KeyError(name)


@lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads((specs_dir() / "schemas" / "adam-spec.schema.json").read_text(encoding="utf-8"))


def _suggest(word: str, choices) -> str | None:
    guess = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"did you mean {guess[0]!r}?" if guess else None


def _node_at(doc: Any, path) -> tuple[Any, Any]:
    """(container, key) of a jsonschema error path, for its file:line."""
    node, key = doc, None
    for part in path:
        if isinstance(node, (dict, list)):
            try:
                nxt = node[part]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(nxt, (dict, list)):
                node, key = nxt, None
            else:
                key = part
                break
    return node, key


def _location(node: Any, key: Any = None) -> Location:
    if hasattr(node, "location"):
        return node.location(key) if key is not None else node.location()
    return Location()


def _check_schema(doc: Any, file: Path) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(doc), key=lambda e: (list(e.absolute_path).__len__(), str(e.absolute_path)))
    if not errors:
        return
    err = errors[0]
    node, key = _node_at(doc, list(err.absolute_path))
    where = _location(node, key)
    if where.file is None:
        where = Location(file=str(file))
    if err.validator == "additionalProperties":
        allowed = list((err.schema or {}).get("properties", {}))
        extra = [k for k in err.instance if k not in allowed] if isinstance(err.instance, dict) else []
        bad = extra[0] if extra else "?"
        where = _location(err.instance, bad) if hasattr(err.instance, "location") else where
        raise SpecError(f"unknown key {bad!r}", where, _suggest(bad, allowed) or f"allowed keys: {', '.join(allowed)}")
    if err.validator == "enum" and list(err.absolute_path)[-1:] == ["call"]:
        raise SpecError(f"unknown derivation {err.instance!r}", where,
                        _suggest(err.instance, REGISTRY) or "see cdisc_dm.adam.registry for the derivations a spec can call")
    path = "/".join(map(str, err.absolute_path)) or "(top)"
    raise SpecError(f"{path}: {err.message}", where)


def _parse_step(node: Any, index: int, ctx: dict) -> Step:
    where = _location(node)
    call = node["call"]
    fn = REGISTRY[call]
    params = inspect.signature(fn).parameters
    names = list(params)
    args_node = node.get("args") or {}
    args: dict[str, Any] = {}
    for key, value in args_node.items():
        kw = _location(args_node, key)
        if key not in params or key == names[0]:
            raise SpecError(f"{call} has no argument {key!r}", kw,
                            _suggest(key, names[1:]) or f"its arguments: {', '.join(names[1:])}")
        if key in CONDITION_ARGS:
            args[key] = parse_condition(value, _location(args_node, key))
        elif key in DATASET_ARGS:
            if value not in ctx["sources"] and value not in ctx["tables"]:
                raise SpecError(f"{call}: {key} {value!r} is not an input or frame of this spec", kw,
                                _suggest(value, ctx["sources"]) or f"declare it under inputs: (known: {', '.join(sorted(ctx['sources']))})")
            args[key] = value
        elif key in TABLE_ARGS:
            if value not in ctx["tables"]:
                raise SpecError(f"{call}: {key} {value!r} is not a table of this spec", kw,
                                _suggest(value, ctx["tables"]) or "declare it under tables:")
            args[key] = value
        elif key == "cases":
            if not isinstance(value, list) or not value:
                raise SpecError(f"{call}: cases must be a non-empty list of {{when: condition, value: ...}}", kw)
            cases = []
            for i, case in enumerate(value):
                if not isinstance(case, dict) or set(case) - {"when", "value"} or "value" not in case:
                    raise SpecError(f"{call}: each case is {{when: condition, value: constant or {{var: NAME}}}}",
                                    _location(value, i))
                cases.append({"when": parse_condition(case["when"], _location(case, "when")) if "when" in case else None,
                              "value": case["value"]})
            args[key] = cases
        else:
            args[key] = value
    missing = [n for n, p in list(params.items())[1:] if p.default is inspect.Parameter.empty
               and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and n not in args]
    if missing:
        raise SpecError(f"{call} needs argument(s) {', '.join(missing)}", where)
    requires = tuple(node.get("requires") or ())
    for r in requires:
        if r not in ctx["inputs"]:
            raise SpecError(f"requires {r!r}, which is not under inputs:", where, _suggest(r, ctx["inputs"]))
    return Step(call, args, where, requires, node.get("method"))


def _parse_pipeline(node: Any, ctx: dict, what: str) -> Pipeline:
    source = node["from"]
    if source not in ctx["sources"]:
        raise SpecError(f"{what}: from {source!r} is not an input or an earlier frame", _location(node, "from"),
                        _suggest(source, ctx["sources"]) or f"declare it under inputs: (known: {', '.join(sorted(ctx['sources']))})")
    where = parse_condition(node["where"], _location(node, "where")) if node.get("where") is not None else None
    steps = [_parse_step(s, i, ctx) for i, s in enumerate(node.get("steps") or [])]
    return Pipeline(source, where, steps)


def load_adam_spec(path: str | Path) -> DatasetPlan:
    """Parse and check one ADaM spec file."""
    path = Path(path)
    doc = load_yaml(path)
    if not isinstance(doc, dict):
        raise SpecError("an ADaM spec must be a mapping", Location(file=str(path), line=1))
    _check_schema(doc, path)
    inputs = [str(x) for x in doc["inputs"]]
    tables: dict[str, Path] = {}
    for name, rel in (doc.get("tables") or {}).items():
        file = path.parent / rel
        if not file.is_file():
            raise SpecError(f"table {name!r}: file {rel} not found next to the spec", _location(doc["tables"], name))
        tables[name] = file
    ctx = {"inputs": set(inputs), "sources": set(inputs), "tables": set(tables)}
    frames: dict[str, Pipeline] = {}
    for name, node in (doc.get("frames") or {}).items():
        if name in ctx["sources"]:
            raise SpecError(f"frame {name!r} has the name of an input", _location(doc["frames"], name))
        frames[name] = _parse_pipeline(node, ctx, f"frame {name}")
        ctx["sources"].add(name)
    pipeline = _parse_pipeline(doc, ctx, doc["dataset"])
    requires = [str(r) for r in doc.get("requires") or []]
    for r in requires:
        if r not in ctx["inputs"]:
            raise SpecError(f"requires {r!r}, which is not under inputs:", _location(doc, "requires"), _suggest(r, inputs))
    variables = {str(k): dict(v or {}) for k, v in doc["variables"].items()}
    var_locations = {str(k): _location(doc["variables"], k) for k in doc["variables"]}
    for i, col in enumerate(doc.get("sort") or []):
        if col not in variables:
            raise SpecError(f"sort variable {col!r} is not under variables:", _location(doc["sort"], i),
                            _suggest(col, variables))
    return DatasetPlan(doc["dataset"], doc.get("label"), doc["structure"], path, inputs, requires, tables, frames,
                       pipeline, variables, [str(s) for s in doc.get("sort") or []], var_locations)


def load_adam_plan(study: str | Path = "il2dm") -> AdamPlan:
    """Every ``adam/*.yaml`` of the study, checked and ordered so that each dataset follows its ADaM inputs."""
    folder = Path(study) if Path(str(study)).is_dir() and (Path(study) / "adam").is_dir() else study_dir(study)
    adam = folder / "adam"
    files = sorted(adam.glob("*.yaml"))
    if not files:
        raise SpecError(f"no ADaM specs found in {adam}", Location(file=str(adam)))
    plans = [load_adam_spec(f) for f in files]
    by_name: dict[str, DatasetPlan] = {}
    for p in plans:
        if p.name in by_name:
            raise SpecError(f"dataset {p.name} is specified twice ({by_name[p.name].file.name} and {p.file.name})",
                            Location(file=str(p.file)))
        by_name[p.name] = p
    ordered: list[DatasetPlan] = []
    state: dict[str, int] = {}

    def visit(p: DatasetPlan, chain: list[str]) -> None:
        if state.get(p.name) == 2:
            return
        if state.get(p.name) == 1:
            raise SpecError(f"ADaM specs depend on each other in a cycle: {' -> '.join(chain + [p.name])}", Location(file=str(p.file)))
        state[p.name] = 1
        for dep in p.inputs:
            if dep in by_name:
                visit(by_name[dep], chain + [p.name])
        state[p.name] = 2
        ordered.append(p)

    for p in plans:
        visit(p, [])
    hashes = {}
    for p in plans:
        for f in [p.file, *p.tables.values()]:
            hashes[f"adam/{f.name}"] = hashlib.sha256(f.read_bytes()).hexdigest()
    return AdamPlan(folder, ordered, dict(sorted(hashes.items())))
