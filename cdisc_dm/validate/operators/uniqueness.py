"""Uniqueness and consistency operators over groups of records (vectorized with groupby).

Example::

    - name: --SEQ
      operator: is_not_unique_set
      value: [USUBJID]            # a --SEQ repeated within a subject
"""
from __future__ import annotations

import pandas as pd

from ..context import EvalContext
from ..values import as_text, map_unique
from ._registry import complement, operator


def _key_frame(ctx: EvalContext, names: list[str], regex: str | None = None) -> pd.DataFrame:
    cols = {}
    for n in names:
        if ctx.column(n) is None and not n.startswith("$"):
            continue  # a grouping variable the dataset lacks does not split the groups (CORE)
        s = ctx.series(n)
        text = as_text(s)
        if regex:
            pattern = regex if "(" in regex else f"({regex})"
            text = map_unique(text, lambda u: u.str.extract(pattern, expand=False).fillna(u))
        cols[n] = text
    return pd.DataFrame(cols, index=ctx.frame.index)


def _names(ctx: EvalContext, value) -> list[str]:
    return [n for n in ctx.names(value)]


@operator("is_not_unique_set")
def is_not_unique_set(ctx, cond):
    """Records whose combination of ``name`` and ``value`` variables occurs more than once."""
    names = _names(ctx, cond.name) + _names(ctx, cond.value)
    keys = _key_frame(ctx, list(dict.fromkeys(names)), cond.param("regex"))
    return keys.duplicated(keep=False)


complement("is_unique_set", "is_not_unique_set")


@operator("is_not_unique_relationship")
def is_not_unique_relationship(ctx, cond):
    """Records where ``name`` maps to several ``value``s or a ``value`` to several ``name``s (1-1 broken)."""
    a = as_text(ctx.target(cond))
    b = as_text(ctx.series(cond.value))
    df = pd.DataFrame({"a": a, "b": b})
    nb = df.groupby("a")["b"].transform("nunique")
    na = df.groupby("b")["a"].transform("nunique")
    return (nb > 1) | (na > 1)


complement("is_unique_relationship", "is_not_unique_relationship")


@operator("is_inconsistent_across_dataset")
def is_inconsistent_across_dataset(ctx, cond):
    """Records in a group (``value`` variables) where ``name`` takes more than one value."""
    keys = _key_frame(ctx, _names(ctx, cond.value))
    groups = list(keys.columns)
    target = as_text(ctx.target(cond))
    keys["__t"] = target
    n = keys.groupby(groups, dropna=False)["__t"].transform("nunique")
    return n > 1


@operator("present_on_multiple_rows_within")
def present_on_multiple_rows_within(ctx, cond):
    """A value of ``name`` present on more than ``value`` (default 1) records within ``within``."""
    keys = _key_frame(ctx, _names(ctx, cond.param("within")) if cond.param("within") else [])
    within = list(keys.columns)
    limit = int(cond.value) if cond.value not in (None, "") else 1
    keys["__t"] = as_text(ctx.target(cond))
    n = keys.groupby(within + ["__t"], dropna=False)["__t"].transform("size")
    return (n > limit) & (keys["__t"] != "")


complement("not_present_on_multiple_rows_within", "present_on_multiple_rows_within")


@operator("has_same_values")
def has_same_values(ctx, cond):
    t = as_text(ctx.target(cond))
    return pd.Series(t.nunique() == 1, index=t.index)


complement("has_different_values", "has_same_values")


@operator("value_has_multiple_references")
def value_has_multiple_references(ctx, cond):
    counts = ctx.comparator(cond)
    t = as_text(ctx.target(cond))
    if isinstance(counts, pd.Series):
        counts = counts.iloc[0] if len(counts) else {}
    counts = counts or {}
    return t.map(lambda v: counts.get(v, 0) > 1).astype(bool)


complement("value_does_not_have_multiple_references", "value_has_multiple_references")
