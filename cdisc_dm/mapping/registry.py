"""The algorithm catalog: spec word -> parameter model, vectorized function, Define origin.

Each algorithm lives in ``cdisc_dm/mapping/algorithms/<spec word>.py`` and registers itself
with :func:`register`. The spec loader, the JSON Schema (:func:`spec_schema`) and the docs
all read this registry, so a new algorithm is one module plus its test.

Example::

    @register("copy", CopyParams, origin="Collected")
    def copy(ctx: Context, p: CopyParams) -> pd.Series:
        '''Copy a raw column unchanged.'''
        return ctx.column(p.source)
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable

from .params import params_schema

__all__ = ["Algorithm", "register", "algorithms", "get", "spec_schema"]


@dataclass(frozen=True)
class Algorithm:
    name: str
    params: type
    fn: Callable
    origin: str  # Define-XML origin type: Collected, Assigned, Derived, Protocol
    method: str | None  # template of the Define method description for Derived variables
    doc: str

    def describe(self, params) -> str | None:
        """The method description with the spec's parameters filled in (for Define MethodDef)."""
        if self.method is None:
            return None
        values = {k: (", ".join(map(str, v)) if isinstance(v, tuple) else v) for k, v in vars(params).items()}
        try:
            return self.method.format(**values)
        except (KeyError, IndexError, ValueError):
            return self.method


_REGISTRY: dict[str, Algorithm] = {}
_LOADED = False


def register(name: str, params: type, *, origin: str, method: str | None = None):
    """Register a vectorized algorithm ``fn(ctx, params) -> pd.Series`` under its spec word."""

    def deco(fn: Callable) -> Callable:
        if name in _REGISTRY and _REGISTRY[name].fn is not fn:
            raise RuntimeError(f"algorithm {name!r} registered twice")
        _REGISTRY[name] = Algorithm(name, params, fn, origin, method, (fn.__doc__ or "").strip())
        return fn

    return deco


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    pkg = importlib.import_module(f"{__package__}.algorithms")

    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
    _LOADED = True


def algorithms() -> dict[str, Algorithm]:
    """All registered algorithms by spec word (sorted)."""
    _load()
    return dict(sorted(_REGISTRY.items()))


def get(name: str) -> Algorithm | None:
    _load()
    return _REGISTRY.get(name)


def spec_schema() -> dict:
    """The JSON Schema of a mapping spec file, generated from the registry's parameter models."""
    from .spec import DATASET_KEYS, RECORD_KEYS, SOURCE_KEYS, VARIABLE_KEYS

    algos = algorithms()
    step_props = {name: params_schema(a.params) for name, a in algos.items()}
    modifiers = {
        "when": {"$ref": "#/$defs/condition"},
        "supp": {
            "type": "object",
            "properties": {"qnam": {"type": "string", "maxLength": 8}, "qlabel": {"type": "string", "maxLength": 40},
                           "qeval": {"type": "string"}, "idvar": {"type": "string"}},
            "required": ["qnam", "qlabel"],
            "additionalProperties": False,
        },
        "origin": {"enum": ["Collected", "Derived", "Assigned", "Protocol", "Predecessor", "Not Available"]},
        "comment": {"type": "string"},
        "label": {"type": "string", "maxLength": 40},
    }
    assert set(modifiers) == set(VARIABLE_KEYS), "spec.VARIABLE_KEYS and the schema's modifiers must agree"
    step = {
        "type": "object",
        "properties": {**step_props, **modifiers},
        "additionalProperties": False,
        "minProperties": 1,
        # exactly one algorithm key per step
        "oneOf": [{"required": [n]} for n in algos],
    }
    condition = {
        "anyOf": [
            {"type": "object", "properties": {"var": {"type": "string"}, "op": {"enum": list(_ops())}, "value": {}},
             "required": ["var"], "additionalProperties": False},
            {"type": "object", "properties": {"all": {"type": "array", "items": {"$ref": "#/$defs/condition"}, "minItems": 1}},
             "required": ["all"], "additionalProperties": False},
            {"type": "object", "properties": {"any": {"type": "array", "items": {"$ref": "#/$defs/condition"}, "minItems": 1}},
             "required": ["any"], "additionalProperties": False},
            {"type": "object", "properties": {"not": {"$ref": "#/$defs/condition"}}, "required": ["not"], "additionalProperties": False},
            {"type": "object", "properties": {"source": {"type": "string"}}, "required": ["source"], "additionalProperties": False},
        ]
    }
    source = {
        "type": "object",
        "properties": {
            "form": {"type": "string"},
            "join": {"type": "array", "items": {"type": "string"}},
            "filter": {"$ref": "#/$defs/condition"},
            "reason": {"type": "string"},
        },
        "required": ["form"],
        "additionalProperties": False,
    }
    assert set(source["properties"]) == set(SOURCE_KEYS)
    melt = {
        "type": "object",
        "properties": {
            "source": {"type": "string"},
            "as": {"type": "string"},
            "tests": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "object"}}]},
        },
        "required": ["source", "tests"],
        "additionalProperties": False,
    }
    records = {
        "type": "object",
        "properties": {
            "from": {"type": "string"},
            "stack": {"type": "array", "minItems": 1,
                      "items": {"anyOf": [{"type": "string"},
                                          {"type": "object", "properties": {"melt": {"$ref": "#/$defs/melt"}},
                                           "required": ["melt"], "additionalProperties": False}]}},
            "melt": {"$ref": "#/$defs/melt"},
            "keep": {"$ref": "#/$defs/condition"},
            "reason": {"type": "string"},
            "distinct": {"type": "boolean"},
        },
        "additionalProperties": False,
    }
    assert set(records["properties"]) == set(RECORD_KEYS)
    top = {
        "dataset": {"type": "string", "pattern": "^[A-Z][A-Z0-9]{1,7}$"},
        "description": {"type": "string"},
        "sources": {"type": "object", "additionalProperties": {"$ref": "#/$defs/source"}, "minProperties": 1},
        "records": {"$ref": "#/$defs/records"},
        "variables": {
            "type": "object",
            "additionalProperties": {"anyOf": [{"$ref": "#/$defs/step"}, {"type": "array", "items": {"$ref": "#/$defs/step"}, "minItems": 1}]},
            "minProperties": 1,
        },
        "keys": {"type": "array", "items": {"type": "string"}},
        "sort": {"type": "array", "items": {"type": "string"}},
    }
    assert set(top) == set(DATASET_KEYS)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://cdisc-dm.example/schemas/mapping-spec.schema.json",
        "title": "cdisc_dm mapping spec (one SDTM dataset)",
        "description": "GENERATED by cdisc_dm.mapping.registry.spec_schema() from the algorithm registry; do not edit by hand.",
        "type": "object",
        "properties": top,
        "required": ["dataset", "sources", "variables"],
        "additionalProperties": False,
        "$defs": {"step": step, "condition": condition, "source": source, "records": records, "melt": melt},
    }


def _ops():
    from .condition import OPS

    return OPS


def catalog_markdown() -> str:
    """The algorithm reference of docs/mapping-spec.md, generated from the algorithms' own docs.

    Each algorithm module's docstring (its description and ``Example::`` block) becomes one
    section, with its Define-XML origin and method template, so the reference cannot drift from
    the code.
    """
    import inspect
    import sys

    parts = []
    for name, algo in algorithms().items():
        doc = inspect.getdoc(sys.modules[algo.fn.__module__]) or algo.doc
        lines = doc.splitlines()
        lines[0] = lines[0].removeprefix(f"``{name}``:").strip()
        lines[0] = lines[0][:1].upper() + lines[0][1:]
        out, in_code, lang = [f"### `{name}`", ""], False, "yaml"
        for i, line in enumerate(lines):
            if in_code and line and not line.startswith("    "):
                out.append("```")
                in_code = False
            if in_code:
                out.append(line[4:])
                continue
            if line.rstrip().endswith("::"):
                out.append(line.rstrip()[:-1].rstrip(":") + ":" if not line.strip() == "Example::" else "Example:")
                block = [l for l in lines[i + 1:] if l.startswith("    ") or not l.strip()]
                lang = "python" if any("def " in l for l in block[:3]) else "yaml"
                out.append(f"```{lang}")
                in_code = True
                continue
            out.append(line.replace("``", "`"))
        if in_code:
            out.append("```")
        while out and out[-1] == "":
            out.pop()
        # drop blank lines right inside code fences
        cleaned = []
        for line in out:
            if line == "" and cleaned and cleaned[-1].startswith("```") and cleaned[-1] != "```":
                continue
            cleaned.append(line)
        out = [l for i, l in enumerate(cleaned) if not (l == "" and i + 1 < len(cleaned) and cleaned[i + 1] == "```")]
        out.append("")
        method = f" Method: *{algo.method}*" if algo.method and algo.origin == "Derived" else ""
        out.append(f"Define-XML origin: **{algo.origin}**.{method}")
        parts.append("\n".join(out))
    return "\n\n".join(parts) + "\n"


CATALOG_BEGIN = "<!-- BEGIN GENERATED CATALOG (python -m cdisc_dm.mapping.registry) -->"
CATALOG_END = "<!-- END GENERATED CATALOG -->"


def write_docs(path) -> "Path":
    """Replace the generated catalog between the markers of docs/mapping-spec.md."""
    from pathlib import Path

    path = Path(path)
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition(CATALOG_BEGIN)
    _, _, tail = rest.partition(CATALOG_END)
    path.write_text(f"{head}{CATALOG_BEGIN}\n\n{catalog_markdown()}\n{CATALOG_END}{tail}", encoding="utf-8")
    return path


def write_schema(path=None) -> "Path":
    """Regenerate ``specs/schemas/mapping-spec.schema.json`` from the registry.

    Run after adding or changing an algorithm: ``python -m cdisc_dm.mapping.registry``
    (tests/mapping/test_schema.py fails while the file and the registry disagree).
    """
    import json
    from pathlib import Path

    from ..resources import specs_dir

    target = Path(path) if path else specs_dir() / "schemas" / "mapping-spec.schema.json"
    target.write_text(json.dumps(spec_schema(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":  # pragma: no cover
    # Regenerate the schema and, from a source checkout, the docs' algorithm catalog:
    #   python -m cdisc_dm.mapping.registry [docs/mapping-spec.md]
    # (run as a script this file is __main__, not the module the algorithms register into)
    import sys
    from pathlib import Path

    reg = importlib.import_module("cdisc_dm.mapping.registry")
    print(reg.write_schema())
    docs = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/mapping-spec.md")
    if docs.is_file():
        print(reg.write_docs(docs))
