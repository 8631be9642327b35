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
from ..values import GROUPS_ATTR, as_text, cached, is_empty, map_unique, to_number
from ..operators.dates import iso_table, parse_iso
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
        index = per_group.index.map(str)
        pos = index.get_indexer(keys[0]) if index.is_unique else None
    else:
        index = per_group.index
        pos = index.get_indexer(pd.MultiIndex.from_arrays(keys)) if index.is_unique else None
    if pos is None:  # not one value per group: fall back on pandas' lookup
        if len(groups) == 1:
            return keys[0].map(pd.Series(per_group.to_numpy(), index=index))
        return pd.Series(per_group.reindex(pd.MultiIndex.from_arrays(keys)).to_numpy(), index=ctx.frame.index)
    return spread(per_group.to_numpy(dtype=object) if per_group.dtype == object else per_group.to_numpy(), pos, ctx.frame.index)


def spread(values: np.ndarray, pos: np.ndarray, index: pd.Index) -> pd.Series:
    """``values[pos]`` on ``index``, NaN where ``pos`` is -1 (a record whose group has no value).

    A per-group list (``distinct`` grouped) becomes the SAME list object on every record of the
    group; the (code per record, distinct objects) pair is handed to the engine in ``attrs`` so
    operators judge each group's list once (see ``EvalContext.groups_of``).
    """
    if not (pos < 0).any() and values.dtype != object:
        return pd.Series(values[pos], index=index)  # every record's group has a value: dtype kept
    codes = np.where(pos < 0, len(values), pos)
    if values.dtype == object or values.dtype.kind not in "iuf":
        values = values.astype(object)
        table = np.empty(len(values) + 1, dtype=object)
        table[:-1] = values
        table[-1] = np.nan
        out = pd.Series(table[codes], index=index, dtype=object)
        if any(isinstance(v, (list, tuple, set)) for v in values[:1]):
            out.attrs[GROUPS_ATTR] = (codes, list(table))
        return out
    table = np.append(values.astype(float), np.nan)
    return pd.Series(table[codes], index=index)


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
    if agg is _distinct_values:
        per = _distinct_per_group(values, key_cols)
    elif getattr(agg, "vectorized", None):
        # max/min of the numbers per group in one groupby reduction (exact: no arithmetic);
        # a group without any number gets NaN, as the per-group function's None
        numbers = to_number(values)
        per = getattr(numbers.groupby(key_cols if len(key_cols) > 1 else key_cols[0], dropna=False, sort=False), agg.vectorized)()
    else:
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
    if not op.param("group"):
        return _distinct_values(values)
    return _grouped(ctx, op, frame, prefix, values, _distinct_values)


def _distinct_values(s: pd.Series) -> list:
    """Sorted distinct non-empty values: text, or floats for a numeric column."""
    s = s[~is_empty(s).to_numpy()]
    return sorted(set(as_text(s))) if not pd.api.types.is_numeric_dtype(s) else sorted(set(s.astype(float)))


def _distinct_per_group(values: pd.Series, key_cols: list[pd.Series]) -> pd.Series:
    """``_distinct_values`` of every group at once: the distinct (group, value) pairs as integer
    codes, sorted by group then value in one ``np.unique``, cut into one list per group (no pandas
    call per group: a subject-level group has 10^4 groups). A group whose values are all empty
    gets [] like the per-group function. Groups come in order of first appearance."""
    names = [f"__g{i}" for i in range(len(key_cols))]
    keys = pd.DataFrame({n: k.to_numpy() for n, k in zip(names, key_cols)}, index=values.index)
    every = keys.drop_duplicates()
    index = pd.MultiIndex.from_frame(every) if len(names) > 1 else pd.Index(every[names[0]])
    group = index.get_indexer(pd.MultiIndex.from_frame(keys) if len(names) > 1 else keys[names[0]])
    keep = ~is_empty(values).to_numpy()
    v = values[keep]
    v = v.astype(float) if pd.api.types.is_numeric_dtype(v) else as_text(v)
    vcodes, vuniques = pd.factorize(v.to_numpy(), sort=True)
    width = max(len(vuniques), 1)
    pairs = np.unique(group[keep].astype(np.int64) * width + vcodes)
    owner, member = pairs // width, pairs % width
    members = np.asarray(vuniques)[member]
    bounds = np.searchsorted(owner, np.arange(len(index) + 1))
    lists = np.empty(len(index), dtype=object)
    lists[:] = [members[a:b].tolist() for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist())]
    return pd.Series(lists, index=index, dtype=object)


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

    if fn in ("max", "min"):
        agg.vectorized = fn  # type: ignore[attr-defined]  # mean stays per group: its summation order is the Series'
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
    a = _complete_days(ctx.series(op.param("name")))
    b = _complete_days(ctx.series("RFSTDTC"))
    days = a - b  # NaN unless both are complete valid dates
    return pd.Series(np.where(days >= 0, days + 1, days), index=ctx.frame.index)


def _complete_days(s: pd.Series) -> np.ndarray:
    """Day number of each record's complete ISO 8601 date (NaN otherwise), computed per distinct
    value and cached for the run with the column's parse (operators.dates.parse_iso)."""
    def compute(x: pd.Series) -> np.ndarray:
        codes, table = iso_table(x)
        ok = (table["__valid"].astype(bool) & table["d"].notna()).to_numpy()
        per_value = np.full(len(table), np.nan)
        if ok.any():
            per_value[ok] = _day_number(table["y"], table["m"], table["d"], ok).astype(float)
        return per_value[codes]
    return cached(s, "complete_days", compute)


def _day_number(y: pd.Series, m: pd.Series, d: pd.Series, rows: np.ndarray) -> np.ndarray:
    """Days since 0000-03-01 of valid Gregorian dates (integer arithmetic on whole columns).

    The civil-from-days algorithm: years start in March, so the leap day ends the year.

    >>> int(_day_number(pd.Series([2024.0]), pd.Series([3.0]), pd.Series([1.0]), np.array([True]))[0]
    ...     - _day_number(pd.Series([2024.0]), pd.Series([2.0]), pd.Series([28.0]), np.array([True]))[0])
    2
    """
    yy = y.to_numpy()[rows].astype(np.int64)
    mm = m.to_numpy()[rows].astype(np.int64)
    dd = d.to_numpy()[rows].astype(np.int64)
    yy = yy - (mm <= 2)
    era = np.floor_divide(yy, 400)
    yoe = yy - era * 400
    doy = (153 * ((mm + 9) % 12) + 2) // 5 + dd - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe


@operation("variable_count")
def variable_count(ctx: EvalContext, op: Operation):
    """How many datasets of the study have the variable (``--`` names count per domain prefix)."""
    name = str(op.param("name"))
    if "--" in name:
        suffix = name.replace("--", "")
        return sum(1 for d in ctx.study.datasets.values() if not d.is_supp and f"{d.prefix}{suffix}" in d.frame.columns)
    return sum(1 for d in ctx.study.datasets.values() if name in d.frame.columns)
