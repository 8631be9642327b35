"""Relational operators: equal_to, not_equal_to (case-insensitive too), greater/less than, empty.

Semantics (CORE's Operator reference, "Relational"):

- two empty values are never "equal" nor "not equal" (nothing to compare);
- a number compares with a number within the relative tolerance of :mod:`..values`
  whenever either side is numeric or ``type_insensitive`` is set; text compares exactly;
- ``value_is_reference``: the comparator is, on each row, the column NAMED by the value column
  (``IDVARVAL`` equal to the variable named in ``IDVAR``);
- ``round_values``: both sides rounded to the nearest integer first.

Example::

    - name: --STRESC
      operator: not_equal_to
      type_insensitive: true
      value: --STRESN            # '8.55' vs 8.549999999999999 -> equal, no finding
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..context import EvalContext
from ..rule import Condition
from ..values import as_text, broadcast, is_empty, is_numeric_like, numbers_equal, to_number
from ._registry import complement, operator


def _by_reference(ctx: EvalContext, cond: Condition) -> pd.Series:
    """Row-wise comparator: the value of the column named on each row by the ``value`` column."""
    names = ctx.series(cond.value)
    out = pd.Series([None] * len(ctx.frame), index=ctx.frame.index, dtype=object)
    for ref in pd.unique(as_text(names)):
        if not ref:
            continue
        col = ctx.column(ref)
        if col is None:
            continue
        mask = (as_text(names) == ref).to_numpy()
        out[mask] = ctx.frame.loc[mask, col].astype(object)
    return out


def comparator_for(ctx: EvalContext, cond: Condition) -> Any:
    if cond.param("value_is_reference"):
        return _by_reference(ctx, cond)
    return ctx.comparator(cond)


def _is_bool(v: Any) -> bool:
    return isinstance(v, (bool, np.bool_))


def equality(ctx: EvalContext, cond: Condition, *, case_insensitive: bool = False) -> tuple[pd.Series, pd.Series]:
    """(equal, both_empty) masks for ``name`` vs ``value``."""
    t = ctx.target(cond)
    c = comparator_for(ctx, cond)
    idx = t.index
    if isinstance(c, (list, tuple, set)):
        c = None  # a list is not a value to compare with: nothing is equal to it
    if _is_bool(c) or (isinstance(c, str) and c.lower() in ("true", "false") and pd.api.types.is_bool_dtype(t)):
        want = str(c).lower()
        eq = as_text(t).str.lower() == want
        return eq, pd.Series(False, index=idx)
    cs = broadcast(c, idx)
    t_empty = is_empty(t)
    c_empty = is_empty(cs) if isinstance(c, pd.Series) else pd.Series(bool(c is None or (isinstance(c, str) and c == "") or (isinstance(c, float) and np.isnan(c))), index=idx)
    numeric = bool(cond.param("type_insensitive")) or is_numeric_like(t) or is_numeric_like(c)
    if numeric:
        tn, cn = to_number(t), to_number(cs) if isinstance(c, pd.Series) or not is_numeric_like(c) else pd.Series(float(c), index=idx)
        if cond.param("round_values"):
            tn, cn = np.round(tn), np.round(cn)
        both = (tn.notna() & cn.notna()).to_numpy()
        eq = both & numbers_equal(tn, cn)
        text = ~both
        if text.any() and not (is_numeric_like(t) and is_numeric_like(c)):
            # a side that is not a number on these rows: compare the trimmed text (two numeric
            # columns need no text: there one side is missing, and missing equals nothing)
            tt, ct = as_text(t)[text], as_text(cs)[text]
            if case_insensitive:
                tt, ct = tt.str.upper(), ct.str.upper()
            eq[text] = (tt.str.strip() == ct.str.strip()).to_numpy()
        eq = pd.Series(eq, index=idx)
    else:
        tt, ct = as_text(t), as_text(cs)
        if case_insensitive:
            tt, ct = tt.str.upper(), ct.str.upper()
        eq = pd.Series((tt.to_numpy() == ct.to_numpy()), index=idx)
    both_empty = t_empty & c_empty
    return eq & ~both_empty, both_empty


@operator("equal_to")
def equal_to(ctx: EvalContext, cond: Condition) -> pd.Series:
    """Value equality (text exact, numbers within tolerance)."""
    eq, _ = equality(ctx, cond)
    return eq


@operator("not_equal_to")
def not_equal_to(ctx: EvalContext, cond: Condition) -> pd.Series:
    """Complement of equal_to, except that two empty values are not "different"."""
    eq, both_empty = equality(ctx, cond)
    return ~eq & ~both_empty


@operator("equal_to_case_insensitive")
def equal_to_case_insensitive(ctx: EvalContext, cond: Condition) -> pd.Series:
    eq, _ = equality(ctx, cond, case_insensitive=True)
    return eq


@operator("not_equal_to_case_insensitive")
def not_equal_to_case_insensitive(ctx: EvalContext, cond: Condition) -> pd.Series:
    eq, both_empty = equality(ctx, cond, case_insensitive=True)
    return ~eq & ~both_empty


def _order(ctx: EvalContext, cond: Condition, op: str) -> pd.Series:
    t = ctx.target(cond)
    c = comparator_for(ctx, cond)
    idx = t.index
    cs = broadcast(c, idx)
    tn, cn = to_number(t), to_number(cs)
    both_num = tn.notna() & cn.notna()
    with np.errstate(invalid="ignore"):
        close = numbers_equal(tn, cn)
        num = {
            "gt": (tn > cn) & ~close,
            "ge": (tn >= cn) | close,
            "lt": (tn < cn) & ~close,
            "le": (tn <= cn) | close,
        }[op]
    out = both_num & num
    if is_numeric_like(t) and is_numeric_like(c):
        return out  # two numeric columns: no text to compare where a number is missing
    # text order only where neither side is a number
    rows = (tn.isna() & cn.isna()).to_numpy()
    if rows.any():
        tt, ct = as_text(t)[rows], as_text(cs)[rows]
        txt = {"gt": tt > ct, "ge": tt >= ct, "lt": tt < ct, "le": tt <= ct}[op]
        out[rows] = ((tt != "") & (ct != "") & txt).to_numpy()
    return out


@operator("greater_than")
def greater_than(ctx, cond):
    return _order(ctx, cond, "gt")


@operator("greater_than_or_equal_to")
def greater_than_or_equal_to(ctx, cond):
    return _order(ctx, cond, "ge")


@operator("less_than")
def less_than(ctx, cond):
    return _order(ctx, cond, "lt")


@operator("less_than_or_equal_to")
def less_than_or_equal_to(ctx, cond):
    return _order(ctx, cond, "le")


@operator("empty")
def empty(ctx: EvalContext, cond: Condition) -> pd.Series:
    """True where the value is missing (NaN, None, or blank text)."""
    t = ctx.target(cond)
    if t.dtype == object and len(t) and isinstance(t.iloc[0], (list, set, tuple)):
        codes, objects = ctx.groups_of(cond.name, t)  # one list object per group: judged once per object
        flags = np.array([len(v) == 0 if isinstance(v, (list, set, tuple)) else True for v in objects], dtype=bool)
        return pd.Series(flags[codes], index=t.index, dtype=bool)
    return is_empty(t)


complement("non_empty", "empty")

__all__ = ["equality", "comparator_for"]
