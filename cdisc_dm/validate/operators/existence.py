"""Existence operators: whether a variable (or, in Domain Presence checks, a dataset) is present.

Example::

    - name: --OCCUR
      operator: exists       # True on every record of a dataset that has AEOCCUR
"""
from __future__ import annotations

import pandas as pd

from ..context import EvalContext
from ..rule import Condition
from ..values import is_empty
from ._registry import complement, operator


@operator("exists")
def exists(ctx: EvalContext, cond: Condition) -> pd.Series:
    name = cond.name
    found = ctx.column(name) is not None
    if not found and isinstance(name, str) and name.startswith("$"):
        found = name in ctx.values
    return pd.Series(found, index=ctx.frame.index)


complement("not_exists", "exists")


@operator("inconsistent_enumerated_columns")
def inconsistent_enumerated_columns(ctx: EvalContext, cond: Condition) -> pd.Series:
    """VAR(N+1) populated while VAR(N) is empty (VAR, VAR1, VAR2, ...)."""
    base = ctx.expand(cond.name)
    cols = [base] if base in ctx.frame.columns else []
    n = 1
    while f"{base}{n}" in ctx.frame.columns:
        cols.append(f"{base}{n}")
        n += 1
    out = pd.Series(False, index=ctx.frame.index)
    for a, b in zip(cols, cols[1:]):
        out |= is_empty(ctx.frame[a]) & ~is_empty(ctx.frame[b])
    return out

