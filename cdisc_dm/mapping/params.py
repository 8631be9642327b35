"""Parameter models of mapping algorithms: validation with file:line:col and JSON Schema.

Every algorithm declares its parameters as a frozen dataclass. The same class is used to
(1) check a spec entry when the plan is built (unknown keys with a did-you-mean, wrong
types, missing required parameters: :class:`SpecError` pointing at the YAML line) and
(2) generate the JSON Schema fragment of the spec language, so spec, schema and code
cannot drift (``tests/mapping/test_schema.py`` ties them).

Example::

    @dataclass(frozen=True)
    class CopyParams:
        __shorthand__ = "source"
        source: Ref = field(metadata={"doc": "column to copy", "key": "from"})

    parse_params(CopyParams, "dm.SEX", where)   # -> CopyParams(source="dm.SEX")
"""
from __future__ import annotations

import difflib
import types
import typing
from dataclasses import MISSING, dataclass, fields
from typing import Any, Literal, Union, get_args, get_origin

from ..errors import Location, SpecError
from ..yamlio import LocatedDict, LocatedList

__all__ = ["Ref", "Scalar", "parse_params", "params_schema", "param_key", "suggest", "Where"]

# A reference to a column of the working frame: "alias.COLUMN" (a raw source column),
# "test.ATTR" (a melt attribute) or "VAR" (a target variable defined earlier in the spec).
Ref = typing.NewType("Ref", str)
# A constant written in the spec: text, number or null.
Scalar = Union[str, int, float, bool, None]


@dataclass(frozen=True)
class Where:
    """Where a spec value sits, for error messages: the file and the line/column."""

    file: str | None
    line: int | None
    column: int | None

    def location(self) -> Location:
        return Location(self.file, self.line, self.column)

    @staticmethod
    def of(container: Any, key: Any = None, *, value: bool = False) -> "Where":
        if isinstance(container, LocatedDict):
            loc = container.location(key, value=value) if key is not None else container.location()
        elif isinstance(container, LocatedList):
            loc = container.location(key)
        else:
            return Where(None, None, None)
        return Where(str(loc.file) if loc.file else None, loc.line, loc.column)


def suggest(word: str, choices: typing.Iterable[str]) -> str | None:
    """The closest known word, for "did you mean" hints (case-insensitive)."""
    choices = list(choices)
    upper = {c.upper(): c for c in choices}
    # short names (aliases, codes) differ by a transposition at a lower ratio than long ones
    cutoff = 0.5 if len(str(word)) <= 4 else 0.6
    hits = difflib.get_close_matches(str(word).upper(), list(upper), n=1, cutoff=cutoff)
    return upper[hits[0]] if hits else None


def param_key(f) -> str:
    """The spec key of a dataclass field (``from`` is a Python keyword, so fields may rename)."""
    return f.metadata.get("key", f.name)


def _type_name(tp: Any) -> str:
    if tp is Ref:
        return "a column reference"
    if tp in (str,):
        return "text"
    if tp in (int,):
        return "a whole number"
    if tp in (float,):
        return "a number"
    if tp is bool:
        return "true or false"
    origin = get_origin(tp)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(tp))
    if origin in (list, tuple):
        return "a list"
    if origin is dict:
        return "a mapping"
    return "a value"


def _check(tp: Any, value: Any, where: Where, key: str) -> Any:
    """Check ``value`` against type ``tp``; return it converted (lists to tuples)."""
    from .condition import Condition, parse_condition  # local: condition imports this module

    origin = get_origin(tp)
    if tp is Any:
        return value
    if tp == Scalar:
        if isinstance(value, (dict, list)):
            raise SpecError(f"parameter '{key}' must be a single value (text, number, true/false or null), got {value!r}", where.location())
        return value
    if tp is Condition:
        return parse_condition(value, where)
    if origin in (Union, types.UnionType):
        args = get_args(tp)
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _check(arg, value, where, key)
            except SpecError as exc:
                errors.append(exc)
        if len(errors) == 1:
            raise errors[0]
        names = " or ".join(_type_name(a) for a in args if a is not type(None))
        raise SpecError(f"parameter '{key}' must be {names}, got {value!r}", where.location())
    if origin is Literal:
        allowed = get_args(tp)
        if value not in allowed:
            hint = suggest(str(value), [str(a) for a in allowed])
            raise SpecError(
                f"parameter '{key}' must be one of {', '.join(map(str, allowed))}, got {value!r}",
                where.location(),
                hint=f"did you mean '{hint}'?" if hint else None,
            )
        return value
    if origin in (list, tuple):
        (item,) = get_args(tp)[:1]
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and item in (str, Ref):
            value = [value]  # a single item where a list is expected
        if not isinstance(value, list):
            raise SpecError(f"parameter '{key}' must be a list, got {value!r}", where.location())
        out = []
        for i, v in enumerate(value):
            out.append(_check(item, v, Where.of(value, i) if isinstance(value, LocatedList) else where, key))
        return tuple(out)
    if origin is dict:
        if not isinstance(value, dict):
            raise SpecError(f"parameter '{key}' must be a mapping, got {value!r}", where.location())
        kt, vt = get_args(tp)
        return {str(k): _check(vt, v, Where.of(value, k, value=True), f"{key}.{k}") for k, v in value.items()}
    if tp in (str, Ref):
        if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
            raise SpecError(f"parameter '{key}' must be {_type_name(tp)}, got {value!r}", where.location())
        return str(value)
    if tp is bool:
        if not isinstance(value, bool):
            raise SpecError(f"parameter '{key}' must be true or false, got {value!r}", where.location())
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SpecError(f"parameter '{key}' must be a whole number, got {value!r}", where.location())
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SpecError(f"parameter '{key}' must be a number, got {value!r}", where.location())
        return float(value)
    if tp == Scalar or tp is Scalar:
        return value
    raise TypeError(f"unsupported parameter type {tp!r}")  # a programming error in a model


def _hints(model: type) -> dict[str, Any]:
    return typing.get_type_hints(model)


def parse_params(model: type, raw: Any, where: Where, *, algorithm: str) -> Any:
    """Build a parameter object from a spec value; SpecError with location on any mistake.

    A scalar is accepted for models with a ``__shorthand__`` field (``copy: dm.SEX``).
    """
    hints = _hints(model)
    flds = {param_key(f): f for f in fields(model)}
    shorthand = getattr(model, "__shorthand__", None)
    if not isinstance(raw, dict):
        if raw is None and not any(f.default is MISSING and f.default_factory is MISSING for f in fields(model)):
            raw = {}
        elif shorthand is not None:
            f = next(f for f in fields(model) if f.name == shorthand)
            return model(**{f.name: _check(hints[f.name], raw, where, param_key(f))})
        else:
            raise SpecError(
                f"algorithm '{algorithm}' takes a mapping of parameters ({', '.join(flds)}), got {raw!r}",
                where.location(),
            )
    kwargs = {}
    for key, value in raw.items():
        kw = Where.of(raw, key) if isinstance(raw, LocatedDict) else where
        if key not in flds:
            hint = suggest(str(key), flds)
            raise SpecError(
                f"unknown parameter '{key}' for algorithm '{algorithm}'",
                kw.location(),
                hint=f"did you mean '{hint}'?" if hint else f"known parameters: {', '.join(flds)}",
            )
        f = flds[key]
        vw = Where.of(raw, key, value=True) if isinstance(raw, LocatedDict) else where
        kwargs[f.name] = _check(hints[f.name], value, vw, key)
    for key, f in flds.items():
        if f.name not in kwargs and f.default is MISSING and f.default_factory is MISSING:
            raise SpecError(f"algorithm '{algorithm}' needs parameter '{key}'", where.location())
    return model(**kwargs)


def _schema_of(tp: Any) -> dict:
    from .condition import Condition

    origin = get_origin(tp)
    if tp is Any or tp == Scalar:
        return {"type": ["string", "number", "boolean", "null"]}
    if tp is Condition:
        return {"$ref": "#/$defs/condition"}
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        alts = [_schema_of(a) for a in args]
        if type(None) in get_args(tp):
            alts.append({"type": "null"})
        return alts[0] if len(alts) == 1 else {"anyOf": alts}
    if origin is Literal:
        return {"enum": list(get_args(tp))}
    if origin in (list, tuple):
        item = _schema_of(get_args(tp)[0])
        return {"anyOf": [{"type": "array", "items": item}, item]} if item.get("type") == "string" else {"type": "array", "items": item}
    if origin is dict:
        return {"type": "object", "additionalProperties": _schema_of(get_args(tp)[1])}
    if tp in (str, Ref):
        return {"type": ["string", "number"]} if tp is str else {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    raise TypeError(f"unsupported parameter type {tp!r}")


def params_schema(model: type) -> dict:
    """JSON Schema of a parameter model (including the scalar shorthand when there is one)."""
    hints = _hints(model)
    props, required = {}, []
    for f in fields(model):
        key = param_key(f)
        sch = _schema_of(hints[f.name])
        if f.metadata.get("doc"):
            sch = {**sch, "description": f.metadata["doc"]}
        props[key] = sch
        if f.default is MISSING and f.default_factory is MISSING:
            required.append(key)
    obj: dict = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        obj["required"] = required
    shorthand = getattr(model, "__shorthand__", None)
    alts = [obj]
    if shorthand is not None:
        f = next(f for f in fields(model) if f.name == shorthand)
        alts.append(_schema_of(hints[f.name]))
    if not required:
        alts.append({"type": "null"})
    return alts[0] if len(alts) == 1 else {"anyOf": alts}
