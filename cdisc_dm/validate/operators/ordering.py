"""Ordering operators: records in sequence within a group (SE elements, --SEQ order, ...).

Example::

    - name: SEENDTC
      operator: empty_within_except_last_row
      ordering: SESTDTC
      value: USUBJID        # SEENDTC must be filled on every element but the subject's last
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..context import EvalContext
from ..rule import Condition
from ..values import as_text, is_empty, to_number
from ._registry import complement, operator


def _sort_key(s: pd.Series) -> pd.Series:
    return to_number(s) if pd.api.types.is_numeric_dtype(s) else as_text(s)


def _last_in_group(ctx: EvalContext, groups: list[str], ordering: str) -> pd.Series:
    frame = pd.DataFrame({g: as_text(ctx.series(g)) for g in groups}, index=ctx.frame.index)
    frame["__o"] = _sort_key(ctx.series(ordering))
    frame["__pos"] = np.arange(len(frame))
    ordered = frame.sort_values(groups + ["__o", "__pos"], kind="stable")
    last = ~ordered.duplicated(groups, keep="last")
    return last.reindex(frame.index)


@operator("empty_within_except_last_row")
def empty_within_except_last_row(ctx, cond):
    """``name`` empty on a record that is not the last of its group (ordered by ``ordering``)."""
    groups = ctx.names(cond.value)
    last = _last_in_group(ctx, groups, cond.param("ordering"))
    return is_empty(ctx.target(cond)) & ~last


@operator("non_empty_within_except_last_row")
def non_empty_within_except_last_row(ctx, cond):
    groups = ctx.names(cond.value)
    last = _last_in_group(ctx, groups, cond.param("ordering"))
    return ~is_empty(ctx.target(cond)) & ~last


@operator("has_next_corresponding_record")
def has_next_corresponding_record(ctx, cond):
    """``name`` equals ``value`` of the next record within ``within`` ordered by ``ordering``."""
    within = ctx.names(cond.param("within"))
    frame = pd.DataFrame({g: as_text(ctx.series(g)) for g in within}, index=ctx.frame.index)
    frame["__o"] = _sort_key(ctx.series(cond.param("ordering")))
    frame["__t"] = as_text(ctx.target(cond))
    frame["__v"] = as_text(ctx.series(cond.value))
    ordered = frame.sort_values(within + ["__o"], kind="stable")
    nxt = ordered.groupby(within, dropna=False)["__v"].shift(-1)
    ok = (ordered["__t"] == nxt) | nxt.isna()
    return ok.reindex(frame.index).astype(bool)


complement("does_not_have_next_corresponding_record", "has_next_corresponding_record")


def _sorted_target(ctx: EvalContext, cond: Condition) -> pd.Series:
    """True where ``name`` is where sorting by ``value`` specs within ``within`` puts it."""
    within = ctx.names(cond.param("within"))
    specs = cond.value if isinstance(cond.value, list) else [cond.value]
    frame = pd.DataFrame({g: as_text(ctx.series(g)) for g in within}, index=ctx.frame.index)
    target = ctx.target(cond)
    frame["__t"] = _sort_key(target)
    by, asc = list(within), [True] * len(within)
    nulls = []
    for i, spec in enumerate(specs):
        name = spec.get("name") if isinstance(spec, dict) else spec
        order = (spec.get("order", "asc") if isinstance(spec, dict) else "asc").lower()
        col = f"__k{i}"
        s = ctx.series(name)
        key = _sort_key(s)
        frame[col] = key
        frame[col + "_null"] = is_empty(s)
        null_last = (spec.get("null_position", "last") if isinstance(spec, dict) else "last") == "last"
        # nulls sort after (or before) the values whatever the order
        by += [col + "_null", col]
        asc += [null_last, order != "dsc" and order != "desc"]
        nulls.append(col + "_null")
    frame["__pos"] = np.arange(len(frame))
    ordered = frame.sort_values(by + ["__pos"], ascending=asc + [True], kind="stable")
    # the target values sorted within each group, laid out in the same group order: what the
    # target should read, record by record, if it followed the sort keys
    by_target = frame.sort_values(list(within) + ["__t"], kind="stable")
    ok = ordered["__t"].to_numpy() == by_target["__t"].to_numpy()
    # records whose sort key is empty cannot be placed: not reported
    anynull = ordered[nulls].any(axis=1).to_numpy() if nulls else np.zeros(len(ordered), dtype=bool)
    res = pd.Series(ok | anynull | is_empty(target).reindex(ordered.index).to_numpy(), index=ordered.index)
    return res.reindex(frame.index).astype(bool)


@operator("target_is_sorted_by")
def target_is_sorted_by(ctx, cond):
    return _sorted_target(ctx, cond)


complement("target_is_not_sorted_by", "target_is_sorted_by")


@operator("is_ordered_set")
def is_ordered_set(ctx, cond):
    """Records are in ascending order of ``name`` within each ``value`` group."""
    groups = ctx.names(cond.value)
    frame = pd.DataFrame({g: as_text(ctx.series(g)) for g in groups}, index=ctx.frame.index)
    frame["__t"] = _sort_key(ctx.target(cond))
    prev = frame.groupby(groups, dropna=False)["__t"].shift(1)
    ok = prev.isna() | (frame["__t"] >= prev)
    return pd.Series(bool(ok.all()), index=frame.index)


complement("is_not_ordered_set", "is_ordered_set")


@operator("is_ordered_by")
def is_ordered_by(ctx, cond):
    t = _sort_key(ctx.target(cond))
    order = str(cond.param("order", "asc")).lower()
    ok = t.is_monotonic_increasing if order == "asc" else t.is_monotonic_decreasing
    return pd.Series(bool(ok), index=t.index)


complement("is_not_ordered_by", "is_ordered_by")
