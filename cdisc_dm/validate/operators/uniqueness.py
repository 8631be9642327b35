"""Uniqueness and consistency operators over groups of records (vectorized with groupby).

Example::

    - name: --SEQ
      operator: is_not_unique_set
      value: [USUBJID]            # a --SEQ repeated within a subject
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..context import EvalContext
from ..values import as_text, factorized, map_unique
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


def _text_codes(s: pd.Series) -> np.ndarray:
    """An integer per record, equal where the text (:func:`as_text`) is equal; cached per column."""
    return factorized(s)[0]


def group_ids(codes: list[np.ndarray], n: int) -> np.ndarray:
    """One integer per record, equal where every array of ``codes`` is equal (codes >= 0).

    Combined column by column and renumbered after each, so the key stays below ``n``.

    >>> group_ids([np.array([0, 0, 1]), np.array([2, 2, 2])], 3).tolist()
    [0, 0, 1]
    """
    key = np.zeros(n, dtype=np.int64)
    span = 1  # key < span
    for c in codes:
        width = int(c.max()) + 1 if len(c) else 1
        if span * width >= 2**62:  # renumber before the key could overflow
            key = pd.factorize(key)[0].astype(np.int64)
            span = int(key.max()) + 1 if len(key) else 1
        key = key * width + c
        span *= width
    return pd.factorize(key)[0].astype(np.int64)


def _not_unique(ctx, cond, rows: np.ndarray | None = None) -> pd.Series:
    names = list(dict.fromkeys(_names(ctx, cond.name) + _names(ctx, cond.value)))
    present = [n for n in names if not (ctx.column(n) is None and not n.startswith("$"))]
    if cond.param("regex") or not present:
        frame_rows = slice(None) if rows is None else rows
        keys = _key_frame(ctx, names, cond.param("regex"))[frame_rows]
        dup = keys.duplicated(keep=False).to_numpy()
    else:
        # equal text <=> equal codes; the codes of a dataset column are computed once per run
        codes = [_text_codes(ctx.series(n)) for n in present]
        if rows is not None:
            codes = [c[rows] for c in codes]
        ids = group_ids(codes, len(codes[0]))
        dup = pd.Series(ids).duplicated(keep=False).to_numpy()
    if rows is None:
        return pd.Series(dup, index=ctx.frame.index)
    out = np.zeros(len(ctx.frame), dtype=bool)
    out[rows] = dup
    return pd.Series(out, index=ctx.frame.index)


@operator("is_not_unique_set")
def is_not_unique_set(ctx, cond, rows: np.ndarray | None = None):
    """Records whose combination of ``name`` and ``value`` variables occurs more than once
    (among the records ``rows`` selects, when given)."""
    return _not_unique(ctx, cond, rows)


@operator("is_unique_set")
def is_unique_set(ctx, cond, rows: np.ndarray | None = None):
    """Complement of ``is_not_unique_set`` (on the records ``rows`` selects, when given)."""
    out = ~_not_unique(ctx, cond, rows)
    if rows is not None:
        out &= pd.Series(rows, index=ctx.frame.index)
    return out


# these judge a subset of the records on the full frame (the engine passes ``rows``), so the
# cached codes of the dataset's columns serve every subset
is_not_unique_set.row_aware = True
is_unique_set.row_aware = True


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
