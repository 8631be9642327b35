"""Set-membership operators: is_contained_by, prefix/suffix membership, list-to-list set relations.

``value`` is a literal list, a ``$id`` operation result (a list for the whole dataset, or a
column of per-row lists/sets after a grouped operation), or a column name (membership in the
values of that column on the same row when it holds lists; in the column's set of values
otherwise). An empty target is "not contained" (CORE-000172 reports an empty STUDYID).

Example::

    - name: ACTARM
      operator: is_not_contained_by
      value: [Screen Failure, Not Assigned]
"""
from __future__ import annotations

from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from ..context import EvalContext
from ..rule import Condition
from ..values import as_text, is_empty_scalar, map_unique
from ._registry import complement, operator


def _norm(v: Any, upper: bool) -> str:
    if isinstance(v, float) and not np.isnan(v) and v.is_integer():
        v = int(v)
    text = "" if is_empty_scalar(v) else str(v)
    return text.upper() if upper else text


def _is_listy(v: Any) -> bool:
    return isinstance(v, (list, tuple, set, frozenset))


def _holds_lists(c: pd.Series) -> bool:
    """A column of per-row lists (a grouped operation's result), judged on its first non-empty value.

    Records of a group the operation found nothing for hold NaN, whichever record comes first.
    """
    present = c[c.notna()]
    return bool(len(present)) and _is_listy(present.iloc[0])


def contained(ctx: EvalContext, cond: Condition, values: pd.Series, *, upper: bool = False) -> pd.Series:
    """Whether each of ``values`` is in the condition's ``value`` collection (row-wise when per-row)."""
    c = ctx.comparator(cond)
    t = as_text(values)
    if upper:
        t = t.str.upper()
    if isinstance(c, pd.Series):
        if c.dtype == object and _holds_lists(c):
            # per-record lists are the same few objects (one per group): explode each object once
            # into (object, member) pairs and test (record's object, record's value) against them
            codes, objects = ctx.groups_of(cond.value if not cond.param("value_is_literal") else None, c)
            listy = [k for k, v in enumerate(objects) if _is_listy(v)]
            sizes = [len(objects[k]) for k in listy]
            if not sum(sizes):
                return pd.Series(False, index=t.index)
            flat = pd.Series(list(chain.from_iterable(objects[k] for k in listy)), dtype=object)
            pairs = pd.DataFrame({
                "object": np.repeat(np.asarray(listy, dtype=np.int64), sizes),
                "member": map_unique(flat, lambda u: u.map(lambda x: _norm(x, upper))).to_numpy(dtype=object),
            }).drop_duplicates()
            members = pd.MultiIndex.from_arrays([pairs["object"].to_numpy(), pairs["member"].to_numpy()])
            mine = pd.MultiIndex.from_arrays([codes, t.to_numpy(dtype=object)])
            return pd.Series(mine.isin(members), index=t.index, dtype=bool)
        pool = set(as_text(c).str.upper() if upper else as_text(c))
        return t.isin(pool)
    if _is_listy(c):
        return t.isin({_norm(x, upper) for x in c})
    if c is None:
        return pd.Series(False, index=t.index)
    return t == _norm(c, upper)


def _target_text(ctx: EvalContext, cond: Condition) -> pd.Series:
    return ctx.target(cond)


@operator("is_contained_by")
def is_contained_by(ctx, cond):
    return contained(ctx, cond, _target_text(ctx, cond))


@operator("is_not_contained_by")
def is_not_contained_by(ctx, cond):
    t = _target_text(ctx, cond)
    # an empty value is not in the list either (CORE-000172 reports an empty STUDYID)
    return ~contained(ctx, cond, t)


@operator("is_contained_by_case_insensitive")
def is_contained_by_case_insensitive(ctx, cond):
    return contained(ctx, cond, _target_text(ctx, cond), upper=True)


@operator("is_not_contained_by_case_insensitive")
def is_not_contained_by_case_insensitive(ctx, cond):
    t = _target_text(ctx, cond)
    return ~contained(ctx, cond, t, upper=True)


def _affix(ctx, cond, side):
    t = as_text(ctx.target(cond))
    n = int(cond.param(side) or cond.param("prefix") or 2)
    return t.str[:n] if side == "prefix" else t.str[-n:]


@operator("prefix_is_contained_by")
def prefix_is_contained_by(ctx, cond):
    return contained(ctx, cond, _affix(ctx, cond, "prefix"))


@operator("prefix_is_not_contained_by")
def prefix_is_not_contained_by(ctx, cond):
    part = _affix(ctx, cond, "prefix")
    return ~contained(ctx, cond, part) & (part != "")


@operator("suffix_is_contained_by")
def suffix_is_contained_by(ctx, cond):
    return contained(ctx, cond, _affix(ctx, cond, "suffix"))


@operator("suffix_is_not_contained_by")
def suffix_is_not_contained_by(ctx, cond):
    part = _affix(ctx, cond, "suffix")
    return ~contained(ctx, cond, part) & (part != "")


def _as_sets(ctx: EvalContext, value: Any, index: pd.Index) -> list[frozenset]:
    """Per-row sets from a list, a column of lists, or a column of scalars (whole column as one set)."""
    if isinstance(value, pd.Series):
        if value.dtype == object and _holds_lists(value):
            return [frozenset(_norm(x, False) for x in v) if _is_listy(v) else frozenset() for v in value.reindex(index)]
        whole = frozenset(as_text(value))
        return [whole] * len(index)
    if _is_listy(value):
        flat: list = []
        for x in value:  # `value: [$required_variables]` is a list holding a list: flatten it
            if isinstance(x, pd.Series):
                x = x.iloc[0] if len(x) else []
            flat.extend(x if _is_listy(x) else [x])
        s = frozenset(_norm(x, False) for x in flat)
        return [s] * len(index)
    if value is None:
        return [frozenset()] * len(index)
    return [frozenset([_norm(value, False)])] * len(index)


def _set_pair(ctx: EvalContext, cond: Condition):
    name = cond.name
    if isinstance(name, str) and name.startswith("$"):
        left_raw = ctx.ref(name)
    else:
        left_raw = ctx.target(cond)
    right_raw = ctx.comparator(cond)
    idx = ctx.frame.index
    return _as_sets(ctx, left_raw, idx), _as_sets(ctx, right_raw, idx), idx


@operator("contains_all")
def contains_all(ctx, cond):
    left, right, idx = _set_pair(ctx, cond)
    return pd.Series([r <= l for l, r in zip(left, right)], index=idx, dtype=bool)


complement("not_contains_all", "contains_all")


@operator("shares_no_elements_with")
def shares_no_elements_with(ctx, cond):
    left, right, idx = _set_pair(ctx, cond)
    return pd.Series([not (l & r) for l, r in zip(left, right)], index=idx, dtype=bool)


@operator("shares_at_least_one_element_with")
def shares_at_least_one_element_with(ctx, cond):
    left, right, idx = _set_pair(ctx, cond)
    return pd.Series([bool(l & r) for l, r in zip(left, right)], index=idx, dtype=bool)


@operator("shares_exactly_one_element_with")
def shares_exactly_one_element_with(ctx, cond):
    left, right, idx = _set_pair(ctx, cond)
    return pd.Series([len(l & r) == 1 for l, r in zip(left, right)], index=idx, dtype=bool)


def _ordered_lists(ctx: EvalContext, cond: Condition):
    def get(v):
        if isinstance(v, str) and v.startswith("$"):
            v = ctx.ref(v)
        if isinstance(v, pd.Series):
            v = v.iloc[0] if len(v) else []
        return list(v) if _is_listy(v) else ([] if v is None else [v])

    return get(cond.name), get(cond.value if not isinstance(cond.value, str) or cond.value.startswith("$") else ctx.comparator(cond))


@operator("is_ordered_subset_of")
def is_ordered_subset_of(ctx, cond):
    """The target list's elements appear in the same relative order in the comparator list."""
    target, ref = _ordered_lists(ctx, cond)
    pos = {v: i for i, v in enumerate(ref)}
    present = [pos[v] for v in target if v in pos]
    ok = all(a < b for a, b in zip(present, present[1:]))
    return pd.Series(ok, index=ctx.frame.index)


complement("is_not_ordered_subset_of", "is_ordered_subset_of")
