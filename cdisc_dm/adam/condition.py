"""Conditions in ADaM specs are data, not code: parsed into a tree, evaluated vectorized, never eval'ed.

Grammar (YAML)::

    {var: DSCAT, eq: DISPOSITION EVENT}          # eq ne lt le gt ge: a constant or {var: OTHER}
    {var: LBTESTCD, in: [CK, ALDOLASE]}          # in / not_in
    {var: DTHDTC, missing: true}                 # missing / present
    {all: [c1, c2]}  {any: [c1, c2]}  {not: c}
    {at_least: 2, of: [c1, c2, c3]}              # at least n of the conditions hold

A comparison with a missing value is False (SQL-like), so ``not`` of it is True; use ``missing``
to test for missing values explicitly. Example::

    >>> import pandas as pd
    >>> c = parse_condition({"any": [{"var": "X", "gt": 2}, {"var": "Y", "eq": "A"}]})
    >>> c(pd.DataFrame({"X": [1, 3, None], "Y": ["A", "B", None]})).tolist()
    [True, True, False]
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Location, SpecError

__all__ = ["Condition", "parse_condition", "OPERATORS"]

_COMPARE = ("eq", "ne", "lt", "le", "gt", "ge")
OPERATORS = _COMPARE + ("in", "not_in", "missing", "present")
_LOGICAL = ("all", "any", "not", "at_least")


@dataclass(frozen=True)
class Condition:
    """One node: ``op`` with ``var``/``value`` (leaf) or ``children`` (all/any/not/at_least)."""

    op: str
    var: str | None = None
    value: Any = None
    children: tuple["Condition", ...] = ()
    n: int = 0

    def columns(self) -> set[str]:
        """Every column the condition reads."""
        cols = {self.var} if self.var else set()
        if isinstance(self.value, dict) and "var" in self.value:
            cols.add(self.value["var"])
        for c in self.children:
            cols |= c.columns()
        return cols

    def to_json(self) -> dict:
        if self.op in ("all", "any"):
            return {self.op: [c.to_json() for c in self.children]}
        if self.op == "not":
            return {"not": self.children[0].to_json()}
        if self.op == "at_least":
            return {"at_least": self.n, "of": [c.to_json() for c in self.children]}
        return {"var": self.var, self.op: self.value}

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        return self.evaluate(frame)

    def evaluate(self, frame: pd.DataFrame) -> np.ndarray:
        if self.op == "all":
            out = np.ones(len(frame), dtype=bool)
            for c in self.children:
                out &= c.evaluate(frame)
            return out
        if self.op == "any":
            out = np.zeros(len(frame), dtype=bool)
            for c in self.children:
                out |= c.evaluate(frame)
            return out
        if self.op == "not":
            return ~self.children[0].evaluate(frame)
        if self.op == "at_least":
            hits = np.zeros(len(frame), dtype=np.int64)
            for c in self.children:
                hits += c.evaluate(frame)
            return hits >= self.n
        if self.var not in frame.columns:
            raise SpecError(f"condition {self.to_json()}: column {self.var} is not in the data",
                            hint=f"columns: {', '.join(map(str, frame.columns[:40]))}")
        col = frame[self.var]
        if self.op == "missing":
            return col.isna().to_numpy() == bool(self.value)
        if self.op == "present":
            return col.notna().to_numpy() == bool(self.value)
        if self.op in ("in", "not_in"):
            hit = col.isin(list(self.value)).to_numpy(dtype=bool, na_value=False)
            return hit if self.op == "in" else (~hit & col.notna().to_numpy())
        other = frame[self.value["var"]] if isinstance(self.value, dict) else self.value
        if isinstance(other, pd.Series) and pd.api.types.is_datetime64_any_dtype(col):
            other = pd.to_datetime(other, errors="coerce")
        elif pd.api.types.is_numeric_dtype(col) and isinstance(other, str):
            raise SpecError(f"condition {self.to_json()}: {self.var} is numeric, the value {other!r} is text")
        result = getattr(col, self.op)(other)
        return result.to_numpy(dtype=bool, na_value=False)


def _err(message: str, where: Location | None, hint: str | None = None) -> SpecError:
    return SpecError(message, where, hint)


def _loc(node: Any, key: Any | None = None) -> Location | None:
    return node.location(key) if hasattr(node, "location") else None


def parse_condition(node: Any, where: Location | None = None) -> Condition:
    """Parse a YAML condition (see the module docstring); SpecError with file:line on a bad one."""
    where = _loc(node) or where
    if not isinstance(node, dict) or not node:
        raise _err(f"a condition must be a mapping such as {{var: X, eq: 1}}, got {node!r}", where)
    keys = set(node)
    logical = keys & set(_LOGICAL)
    if logical:
        op = sorted(logical)[0]
        if op == "at_least":
            extra = keys - {"at_least", "of"}
            if extra or "of" not in node or not isinstance(node["at_least"], int) or node["at_least"] < 1:
                raise _err("at_least needs {at_least: n (>= 1), of: [conditions]} and nothing else", where)
            kids = node["of"]
            if not isinstance(kids, list) or not kids:
                raise _err("at_least: 'of' must be a non-empty list of conditions", _loc(node, "of") or where)
            return Condition("at_least", children=tuple(parse_condition(k, _loc(kids, i) or where) for i, k in enumerate(kids)),
                             n=node["at_least"])
        if len(keys) != 1:
            raise _err(f"'{op}' must be the only key of its condition, found {sorted(keys)}", where)
        if op == "not":
            return Condition("not", children=(parse_condition(node["not"], _loc(node, "not") or where),))
        kids = node[op]
        if not isinstance(kids, list) or not kids:
            raise _err(f"'{op}' must be a non-empty list of conditions", _loc(node, op) or where)
        return Condition(op, children=tuple(parse_condition(k, _loc(kids, i) or where) for i, k in enumerate(kids)))
    if "var" not in node:
        guess = difflib.get_close_matches(next(iter(keys)), list(_LOGICAL) + ["var"], n=1)
        raise _err(f"condition {dict(node)} needs 'var' (or all/any/not/at_least)", where,
                   f"did you mean {guess[0]!r}?" if guess else None)
    ops = keys - {"var"}
    if len(ops) != 1:
        raise _err(f"condition on {node['var']} needs exactly one operator of {', '.join(OPERATORS)}; found {sorted(ops) or 'none'}", where)
    op = ops.pop()
    if op not in OPERATORS:
        guess = difflib.get_close_matches(op, OPERATORS, n=1)
        raise _err(f"unknown condition operator {op!r}", _loc(node, op) or where,
                   f"did you mean {guess[0]!r}?" if guess else f"use one of {', '.join(OPERATORS)}")
    value = node[op]
    if op in ("in", "not_in") and not isinstance(value, list):
        raise _err(f"'{op}' needs a list of values", _loc(node, op) or where)
    if op in ("missing", "present") and not isinstance(value, bool):
        raise _err(f"'{op}' needs true or false", _loc(node, op) or where)
    if isinstance(value, dict) and set(value) != {"var"}:
        raise _err(f"a compared value is a constant or {{var: NAME}}, got {dict(value)}", _loc(node, op) or where)
    if isinstance(value, dict):
        value = {"var": value["var"]}
    elif isinstance(value, list):
        value = list(value)
    return Condition(op, var=str(node["var"]), value=value)
