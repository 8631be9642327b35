"""Structured ``when`` conditions: evaluated over whole columns, never ``eval`` of text.

A condition is a small tree: a leaf compares one column with a value, ``all``/``any``/``not``
combine leaves. ``source: ALIAS`` is true on records that came from that source (for
datasets stacked from several forms, such as DS from IC, RAND and DS)::

    when: {var: ae.AESER, op: eq, value: "Yes"}
    when: {all: [{var: dm.SEX, op: notnull}, {var: dm.SEX, op: ne, value: "UNK"}]}
    when: {source: ic}

Text comparisons ignore case and surrounding blanks, as raw exports vary in both.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SpecError

__all__ = ["Condition", "parse_condition", "evaluate", "condition_refs", "OPS", "SOURCE_COLUMN"]

OPS = ("eq", "ne", "in", "notin", "isnull", "notnull", "gt", "ge", "lt", "le")
SOURCE_COLUMN = "_source"  # every record frame carries the alias of the source a record came from


@dataclass(frozen=True)
class Condition:
    kind: str  # "leaf", "all", "any", "not", "source"
    var: str | None = None
    op: str = "eq"
    value: Any = None
    children: tuple["Condition", ...] = ()
    line: int | None = None
    column: int | None = None

    def to_text(self) -> str:
        """A short human-readable form, for Define-XML method descriptions."""
        if self.kind == "leaf":
            words = {"eq": "=", "ne": "!=", "in": "in", "notin": "not in", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}
            if self.op in ("isnull", "notnull"):
                return f"{self.var} is {'missing' if self.op == 'isnull' else 'present'}"
            value = list(self.value) if isinstance(self.value, tuple) else self.value
            return f"{self.var} {words[self.op]} {value!r}"
        if self.kind == "source":
            return f"the record comes from source {self.value}"
        if self.kind == "not":
            return f"not ({self.children[0].to_text()})"
        return f" {'and' if self.kind == 'all' else 'or'} ".join(f"({c.to_text()})" for c in self.children)

    def to_json(self) -> dict:
        if self.kind == "leaf":
            out: dict = {"var": self.var, "op": self.op}
            if self.op not in ("isnull", "notnull"):
                out["value"] = list(self.value) if isinstance(self.value, tuple) else self.value
            return out
        if self.kind == "source":
            return {"source": self.value}
        if self.kind == "not":
            return {"not": self.children[0].to_json()}
        return {self.kind: [c.to_json() for c in self.children]}


def parse_condition(raw: Any, where) -> Condition:
    """Parse a ``when`` mapping; SpecError with the YAML location when malformed."""
    from .params import Where, suggest

    if not isinstance(raw, dict) or not raw:
        raise SpecError(f"a condition must be a mapping such as {{var: X, op: eq, value: Y}}, got {raw!r}", where.location())
    w = Where.of(raw)
    line, col = w.line, w.column
    keys = set(raw)
    for combo in ("all", "any"):
        if combo in keys:
            if keys != {combo} or not isinstance(raw[combo], list) or not raw[combo]:
                raise SpecError(f"'{combo}' takes a non-empty list of conditions and nothing else", w.location())
            items = raw[combo]
            return Condition(combo, children=tuple(parse_condition(c, Where.of(items, i)) for i, c in enumerate(items)), line=line, column=col)
    if "not" in keys:
        if keys != {"not"}:
            raise SpecError("'not' takes one condition and nothing else", w.location())
        return Condition("not", children=(parse_condition(raw["not"], Where.of(raw, "not", value=True)),), line=line, column=col)
    if "source" in keys:
        if keys != {"source"}:
            raise SpecError("'source' takes a source alias and nothing else", w.location())
        return Condition("source", value=str(raw["source"]), line=line, column=col)
    allowed = {"var", "op", "value"}
    for k in raw:
        if k not in allowed:
            hint = suggest(str(k), sorted(allowed | {"all", "any", "not", "source"}))
            raise SpecError(f"unknown condition key '{k}'", Where.of(raw, k).location(), hint=f"did you mean '{hint}'?" if hint else None)
    if "var" not in raw:
        raise SpecError("a condition needs 'var' (the column to test)", w.location())
    op = str(raw.get("op", "eq"))
    if op not in OPS:
        hint = suggest(op, OPS)
        raise SpecError(f"unknown operator '{op}' (known: {', '.join(OPS)})", Where.of(raw, "op", value=True).location(), hint=f"did you mean '{hint}'?" if hint else None)
    value = raw.get("value")
    if op in ("in", "notin"):
        if not isinstance(value, list):
            raise SpecError(f"operator '{op}' needs a list 'value'", Where.of(raw, "op").location())
        value = tuple(value)
    elif op not in ("isnull", "notnull") and "value" not in raw:
        raise SpecError(f"operator '{op}' needs a 'value'", Where.of(raw, "op").location())
    return Condition("leaf", var=str(raw["var"]), op=op, value=value, line=line, column=col)


def condition_refs(cond: Condition | None) -> list[Condition]:
    """The leaf conditions (for resolving their column references at plan time)."""
    if cond is None:
        return []
    if cond.kind in ("leaf", "source"):
        return [cond]
    return [leaf for c in cond.children for leaf in condition_refs(c)]


def _norm(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.upper()


def _num(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def evaluate(cond: Condition | None, frame: pd.DataFrame) -> np.ndarray:
    """A boolean array, one per record (missing values never match a comparison)."""
    n = len(frame)
    if cond is None:
        return np.ones(n, dtype=bool)
    if cond.kind == "all":
        out = np.ones(n, dtype=bool)
        for c in cond.children:
            out &= evaluate(c, frame)
        return out
    if cond.kind == "any":
        out = np.zeros(n, dtype=bool)
        for c in cond.children:
            out |= evaluate(c, frame)
        return out
    if cond.kind == "not":
        return ~evaluate(cond.children[0], frame)
    if cond.kind == "source":
        return (frame[SOURCE_COLUMN] == cond.value).to_numpy(dtype=bool)
    col = frame[cond.var]
    if _is_text(col) and cond.op not in ("gt", "ge", "lt", "le"):
        # text repeats few values over many records (test codes, Y/N, response types): the
        # comparison runs once per distinct value and each record takes its value's answer
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        text = col.dtype.categories.dtype if isinstance(col.dtype, pd.CategoricalDtype) else col.dtype
        distinct = pd.Series(np.asarray(uniques, dtype=object), dtype=text)
        answer = _leaf(cond, distinct)
        missing_answer = _leaf(cond, pd.Series([None], dtype=distinct.dtype))[0]
        return np.where(codes >= 0, answer[np.maximum(codes, 0)] if len(answer) else False, missing_answer)
    return _leaf(cond, col)


def _is_text(col: pd.Series) -> bool:
    """pandas text dtypes, or categories of text (object columns may mix numbers that compare
    equal but print apart)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.dtype.categories.dtype != object and pd.api.types.is_string_dtype(col.dtype.categories.dtype)
    return col.dtype != object and pd.api.types.is_string_dtype(col.dtype)


def _leaf(cond: Condition, col: pd.Series) -> np.ndarray:
    """A leaf condition on ``col``, row by row (vectorized)."""
    isna = col.isna().to_numpy()
    if cond.op == "isnull":
        return isna | (col.astype("string").str.strip() == "").fillna(True).to_numpy(dtype=bool)
    if cond.op == "notnull":
        return ~(isna | (col.astype("string").str.strip() == "").fillna(True).to_numpy(dtype=bool))
    if cond.op in ("gt", "ge", "lt", "le"):
        left = pd.to_numeric(col, errors="coerce")
        right = _num(cond.value)
        if right is None:
            left, right = _norm(col), str(cond.value).strip().upper()
        res = {"gt": left > right, "ge": left >= right, "lt": left < right, "le": left <= right}[cond.op]
        return pd.Series(res).fillna(False).to_numpy(dtype=bool)
    text = _norm(col)
    if cond.op in ("eq", "ne"):
        hit = (text == str(cond.value).strip().upper()).fillna(False).to_numpy(dtype=bool)
        return hit if cond.op == "eq" else ~hit & ~isna
    wanted = [str(v).strip().upper() for v in cond.value]
    hit = text.isin(wanted).fillna(False).to_numpy(dtype=bool)
    return hit if cond.op == "in" else ~hit & ~isna
