"""Operations computed from dataset values: distinct, record_count, max/min(_date), mean, dy, variable_count.

``domain`` names the dataset to read (all its split datasets together; ``SUPP--`` means the
relationship's parent); without it the evaluated frame is used. ``group`` computes the value per
group and merges it back onto the evaluated records by the same (or ``group_aliases``) variables.

Example::

    - operator: max_date
      domain: EX
      name: EXSTDTC
      group: [USUBJID]
      id: $max_ex_exstdtc      # per subject, on every record of the evaluated dataset
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..context import ColumnMissing, EvalContext, NotApplicable
from ..rule import Operation
from ..values import as_text, is_empty, map_unique, to_number
from ..operators.dates import parse_iso
from ._registry import operation


def source_frame(ctx: EvalContext, op: Operation) -> tuple[pd.DataFrame, str]:
    """(frame, prefix) the operation reads: the named domain's datasets, or the evaluated frame."""
    domain = op.param("domain")
    if not domain or str(domain).upper() in (ctx.dataset.name, ctx.dataset.domain):
        return ctx.frame, ctx.dataset.prefix
    dom = str(domain).upper()
    parts = ctx.study.by_domain(dom)
    if not parts:
        raise NotApplicable(f"operation {op.id}: no {dom} dataset in the package")
    frame = parts[0].frame if len(parts) == 1 else pd.concat([p.frame for p in parts], ignore_index=True)
    return frame, parts[0].prefix


def _col(frame: pd.DataFrame, name: str, prefix: str) -> str:
    full = name.replace("--", prefix, 1) if "--" in name else name
    if full not in frame.columns:
        raise ColumnMissing(full)
    return full


def _filtered(frame: pd.DataFrame, op: Operation, prefix: str) -> pd.DataFrame:
    flt = op.param("filter") or {}
    if not flt:
        return frame
    mask = pd.Series(True, index=frame.index)
    for var, want in flt.items():
        col = _col(frame, str(var), prefix)
        text = as_text(frame[col])
        want = str(want)
        mask &= text.str.startswith(want[:-1]) if want.endswith("%") else (text == want)
    return frame[mask]


def _group_names(ctx: EvalContext, op: Operation, prefix: str) -> list[str]:
    out: list[str] = []
    for g in op.param("group") or []:
        if isinstance(g, str) and g.startswith("$"):
            got = ctx.values.get(g, [])
            out.extend(got if isinstance(got, (list, tuple)) else [got])
        else:
            out.append(str(g).replace("--", prefix, 1) if "--" in str(g) else str(g))
    return out


def _merge_back(ctx: EvalContext, op: Operation, per_group: pd.Series, groups: list[str]) -> pd.Series:
    """Spread a per-group result onto the evaluated frame's records (by group or group_aliases)."""
    aliases = list(op.param("group_aliases") or [])
    targets = [ctx.expand(aliases[i]) if i < len(aliases) else g for i, g in enumerate(groups)]
    keys = []
    for t in targets:
        col = ctx.column(t)
        if col is None:
            raise ColumnMissing(t)
        keys.append(as_text(ctx.frame[col]))
    if len(groups) == 1:
        lookup = per_group
        lookup.index = lookup.index.map(str)
        return keys[0].map(lookup)
    left = pd.MultiIndex.from_arrays(keys)
    return pd.Series(per_group.reindex(left).to_numpy(), index=ctx.frame.index)


def _grouped(ctx: EvalContext, op: Operation, frame: pd.DataFrame, prefix: str, values: pd.Series, agg) -> Any:
    groups = _group_names(ctx, op, prefix)
    if not groups:
        return agg(values)
    regex = op.param("regex")
    key_cols = []
    for g in groups:
        text = as_text(frame[_col(frame, g, prefix)])
        if regex:
            text = map_unique(text, lambda u: u.str.extract(f"({regex})", expand=False).fillna(u))
        key_cols.append(text)
    grouped = values.groupby(key_cols if len(key_cols) > 1 else key_cols[0], dropna=False, sort=False)
    per = grouped.agg(agg) if not isinstance(agg, str) else getattr(grouped, agg)()
    if regex:
        # the evaluated frame's keys get the same treatment before the lookup
        ctx2_keys = [g for g in groups]
        series = []
        for g in ctx2_keys:
            col = ctx.column(g)
            if col is None:
                raise ColumnMissing(g)
            text = as_text(ctx.frame[col])
            series.append(map_unique(text, lambda u: u.str.extract(f"({regex})", expand=False).fillna(u)))
        idx = pd.MultiIndex.from_arrays(series) if len(series) > 1 else series[0]
        if len(series) > 1:
            return pd.Series(per.reindex(idx).to_numpy(), index=ctx.frame.index)
        per.index = per.index.map(str)
        return idx.map(per)
    return _merge_back(ctx, op, per, groups)


def _parent_variables(ctx: EvalContext) -> pd.Series:
    """Per record of a relationship dataset: the variables of the dataset its RDOMAIN references."""
    ds = ctx.dataset
    rdom = as_text(ctx.frame["RDOMAIN"]) if "RDOMAIN" in ctx.frame.columns else pd.Series(ds.rdomain or "", index=ctx.frame.index)
    out = pd.Series([None] * len(ctx.frame), index=ctx.frame.index, dtype=object)
    for dom in pd.unique(rdom):
        if not dom:
            continue
        if ds.is_supp and ds.parent in ctx.study.datasets:
            parents = [ctx.study.datasets[ds.parent]]  # SUPPLBCH -> LBCH, not every LB split
        else:
            parents = ctx.study.by_domain(dom)
        names = sorted({c for p in parents for c in p.frame.columns})
        mask = (rdom == dom).to_numpy()
        out[mask] = pd.Series([names] * int(mask.sum()), index=out.index[mask], dtype=object)
    return out


@operation("distinct")
def distinct(ctx: EvalContext, op: Operation):
    """Distinct non-empty values of ``name`` (per group when ``group`` is given)."""
    if op.param("value_is_reference"):
        # CORE's "distinct IDVAR by reference" on SUPP--/CO/RELREC: the variables of the dataset
        # the record's RDOMAIN references (split parents resolved, SDTMIG 3.4 section 8.4)
        return _parent_variables(ctx)
    frame, prefix = source_frame(ctx, op)
    frame = _filtered(frame, op, prefix)
    col = _col(frame, str(op.param("name")), prefix)
    values = frame[col]
    keep = ~is_empty(values)

    def agg(s):
        s = s[~is_empty(s)]
        return sorted(set(as_text(s))) if not pd.api.types.is_numeric_dtype(s) else sorted(set(s.astype(float)))

    if not op.param("group"):
        return agg(values[keep])
    return _grouped(ctx, op, frame, prefix, values, agg)


@operation("record_count")
def record_count(ctx: EvalContext, op: Operation):
    frame, prefix = source_frame(ctx, op)
    frame = _filtered(frame, op, prefix)
    if not op.param("group"):
        return int(len(frame))
    ones = pd.Series(1, index=frame.index)
    res = _grouped(ctx, op, frame, prefix, ones, "size")
    return res.fillna(0) if isinstance(res, pd.Series) else res


def _valid_dates(frame: pd.DataFrame, col: str) -> tuple[pd.DataFrame, pd.Series]:
    """Rows with a valid ISO 8601 value in ``col`` (dates compare as text: ISO 8601 sorts in time order)."""
    text = as_text(frame[col])
    _, valid = parse_iso(text)
    return frame[valid.to_numpy()], text[valid.to_numpy()]


@operation("max_date")
def max_date(ctx, op):
    frame, prefix = source_frame(ctx, op)
    frame = _filtered(frame, op, prefix)
    col = _col(frame, str(op.param("name")), prefix)
    frame, text = _valid_dates(frame, col)
    return _grouped(ctx, op, frame, prefix, text, "max") if op.param("group") else (text.max() if len(text) else None)


@operation("min_date")
def min_date(ctx, op):
    frame, prefix = source_frame(ctx, op)
    frame = _filtered(frame, op, prefix)
    col = _col(frame, str(op.param("name")), prefix)
    frame, text = _valid_dates(frame, col)
    return _grouped(ctx, op, frame, prefix, text, "min") if op.param("group") else (text.min() if len(text) else None)


def _num_agg(fn: str):
    def agg(s):
        n = to_number(s).dropna()
        return None if n.empty else float(getattr(n, fn)())

    return agg


for _name in ("max", "min", "mean"):
    def _make(fn=_name):
        def op_fn(ctx, op):
            frame, prefix = source_frame(ctx, op)
            frame = _filtered(frame, op, prefix)
            col = _col(frame, str(op.param("name")), prefix)
            return _grouped(ctx, op, frame, prefix, frame[col], _num_agg(fn))

        op_fn.__name__ = fn
        return op_fn

    operation(_name)(_make())


@operation("dy")
def dy(ctx: EvalContext, op: Operation) -> pd.Series:
    """Study day of ``name`` relative to DM.RFSTDTC (SDTMIG 3.4 section 4.4.4: no day 0)."""
    dtc = ctx.series(op.param("name"))
    ref = ctx.series("RFSTDTC")
    a, va = parse_iso(dtc)
    b, vb = parse_iso(ref)
    ok = va & vb & a["d"].notna() & b["d"].notna()
    out = pd.Series(np.nan, index=ctx.frame.index)
    if ok.any():
        da = pd.to_datetime(dict(year=a.loc[ok, "y"], month=a.loc[ok, "m"], day=a.loc[ok, "d"]))
        db = pd.to_datetime(dict(year=b.loc[ok, "y"], month=b.loc[ok, "m"], day=b.loc[ok, "d"]))
        days = (da - db).dt.days.astype(float)
        out[ok] = np.where(days >= 0, days + 1, days)
    return out


@operation("variable_count")
def variable_count(ctx: EvalContext, op: Operation):
    """How many datasets of the study have the variable (``--`` names count per domain prefix)."""
    name = str(op.param("name"))
    if "--" in name:
        suffix = name.replace("--", "")
        return sum(1 for d in ctx.study.datasets.values() if not d.is_supp and f"{d.prefix}{suffix}" in d.frame.columns)
    return sum(1 for d in ctx.study.datasets.values() if name in d.frame.columns)
