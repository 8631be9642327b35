"""Run a :class:`~cdisc_dm.mapping.plan.Plan` on a raw export: records, variables, datasets.

For each dataset spec, in plan order (DM first, its reference dates feed --DY/EPOCH/LOBXFL):

1. check every form and raw column the spec reads exists in the export (SpecError naming the
   spec line and the raw file, before any mapping runs);
2. form the records (one per source row, a stack of several forms, or a melt of a wide form
   to one record per test), join one-per-key sources, drop records by ``filter``/``keep``
   (each drop with its reason, for reconciliation);
3. compute the variables in spec order — each step fills only values still missing, under its
   ``when`` — then ``seq`` steps last (they follow the spec's sort keys);
4. put the result into a Dataset with standard metadata and Define origins/methods, route
   ``supp`` variables to SUPP--, and record lineage (raw file and row per output record).

Example::

    result = run_plan(load_plan("il2dm"), read_raw("export/"), load_study("il2dm"))
    result.package["DM"].data.head()
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from ..dataset import Dataset, Package
from ..errors import SpecError, StandardsError
from ..report import Report
from . import registry
from .algorithms._text import TEXT, clean_text, distinct_rows, is_text_category, plain_text
from .condition import SOURCE_COLUMN, evaluate
from .context import FILE_COLUMN, FORM_COLUMN, ROW_COLUMN, Context
from .params import suggest
from .plan import Plan, step_refs
from .spec import REC, DatasetSpec, VariableSpec

__all__ = ["run_plan", "MappingResult", "check_raw", "with_plain_text", "LINEAGE_COLUMNS", "DROPPED_COLUMNS"]

LINEAGE_COLUMNS = ["dataset", "record", "form", "file", "row", "spec"]
DROPPED_COLUMNS = ["dataset", "source", "form", "file", "row", "reason", "detail"]


@dataclass
class MappingResult:
    package: Package
    report: Report
    # one row per output record: dataset, record (1-based), form, file, row, spec; the text columns
    # are categoricals (a few texts over millions of records)
    lineage: pd.DataFrame
    dropped: pd.DataFrame  # one row per raw record not mapped into a dataset, with the reason (text as categoricals)
    used: dict[tuple[str, str], int] = field(default_factory=dict)  # (dataset, form) -> raw records mapped
    forms_in: dict[str, tuple[str, int]] = field(default_factory=dict)  # form -> (file, raw records)
    record_forms: dict[str, list[str]] = field(default_factory=dict)  # dataset -> forms forming its records
    read_forms: set[str] = field(default_factory=set)  # every form a spec reads


def _raw_file_name(raw: Any, table: Any) -> str:
    try:
        return str(Path(table.file).relative_to(raw.root)) if Path(raw.root).is_dir() else Path(table.file).name
    except ValueError:
        return str(table.file)


def check_raw(plan: Plan, raw: Any, uses: list | None = None) -> None:
    """SpecError for the first form or column a spec reads that the export does not have."""
    for spec in plan.specs:
        for src in spec.sources.values():
            if src.form not in raw:
                hint = suggest(src.form, list(raw.tables))
                raise SpecError(
                    f"unknown form '{src.form}': the raw export {raw.root} has no such table",
                    src.where.location(),
                    hint=f"did you mean '{hint}'?" if hint else f"tables: {', '.join(sorted(raw.tables))}",
                )
    for use in plan.column_uses() if uses is None else uses:
        table = raw[use.form]
        if use.column not in table.data.columns:
            hint = suggest(use.column, table.columns)
            raise SpecError(
                f"raw column '{use.column}' not found in form {use.form} ({table.file})",
                use.where.location(),
                hint=f"did you mean '{hint}'?" if hint else f"columns: {', '.join(table.columns)}",
            )


class _Drops:
    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def add(self, dataset: str, source: str, frame: pd.DataFrame, mask: np.ndarray, reason: str,
            detail: str | np.ndarray = "") -> None:
        """Record the raw records of ``frame`` under ``mask`` as dropped, with a reason (and a per-record detail)."""
        if not mask.any():
            return
        # only the lineage columns of the dropped rows are taken (not every column of the records)
        sub = frame.loc[mask, [c for c in (SOURCE_COLUMN, FORM_COLUMN, FILE_COLUMN, ROW_COLUMN) if c in frame]]
        self.parts.append(pd.DataFrame({
            "dataset": _constant(dataset, len(sub)),
            "source": _as_category(sub[SOURCE_COLUMN]) if SOURCE_COLUMN in sub else _constant(source, len(sub)),
            "form": _as_category(sub[FORM_COLUMN]), "file": _as_category(sub[FILE_COLUMN]),
            "row": sub[ROW_COLUMN].to_numpy(dtype="int64"), "reason": _constant(reason, len(sub)),
            "detail": _constant(detail, len(sub)) if isinstance(detail, str) else _as_category(pd.Series(detail, dtype=TEXT)),
        }, index=pd.RangeIndex(len(sub))))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row" else "str") for c in DROPPED_COLUMNS})
        return pd.concat(_shared_categories(self.parts), ignore_index=True)[DROPPED_COLUMNS]


def _constant(text: str, n: int) -> pd.Categorical:
    """``n`` records of one text (a dataset, form, file or spec line) as a one-category categorical:
    the lineage and drop ledgers hold millions of records of a few such texts."""
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), dtype=pd.CategoricalDtype(pd.Index([text], dtype=TEXT)))


def _as_category(values: pd.Series) -> pd.Series:
    """Text as a categorical with sorted categories (a categorical of text as it is)."""
    return values.reset_index(drop=True) if is_text_category(values.dtype) else values.astype(TEXT).astype("category").reset_index(drop=True)


def _source_frame(alias: str, table: Any, file_name: str, columns: list[str], idx: np.ndarray | None = None) -> pd.DataFrame:
    """The raw columns a spec reads as ``alias.COLUMN`` plus the lineage columns (all rows, or those at ``idx``)."""
    data = table.data[columns]
    rows = np.asarray(table.rows, dtype="int64")
    if idx is not None:
        data = data.take(idx)
        rows = rows[idx]
    frame = data.add_prefix(f"{alias}.")
    frame = frame.reset_index(drop=True)
    frame[ROW_COLUMN] = rows
    # the lineage columns repeat one text per source: codes, not a text per record
    frame[FILE_COLUMN] = _constant(file_name, len(frame))
    frame[FORM_COLUMN] = _constant(table.name, len(frame))
    frame[SOURCE_COLUMN] = _constant(alias, len(frame))
    return frame


def _lineage_rows(alias: str, table: Any, file_name: str, idx: np.ndarray) -> pd.DataFrame:
    """Only the lineage columns (raw row, file, form, source) of the raw rows at positions ``idx``."""
    return pd.DataFrame({
        ROW_COLUMN: np.asarray(table.rows, dtype="int64")[idx], FILE_COLUMN: _constant(file_name, len(idx)),
        FORM_COLUMN: _constant(table.name, len(idx)), SOURCE_COLUMN: _constant(alias, len(idx)),
    }, index=pd.RangeIndex(len(idx)))


def _select_source(spec: DatasetSpec, alias: str, src: Any, table: Any, file_name: str, columns: list[str],
                   report: Report, drops: _Drops, dup_cache: dict) -> pd.DataFrame:
    """The source's frame (see :func:`_source_frame`) holding only the raw rows it keeps.

    Exact repeats (``records: distinct``) and rows the source ``filter`` rejects are found on the
    raw table first and the frame is built from the kept rows in one take: a form read by several
    datasets (the lab transfer: LB, CP, MB) is never copied whole only to be cut down.
    """
    n = len(table.data)
    keep_all = np.ones(n, dtype=bool)
    if spec.records.distinct and alias in spec.records.sources:
        # a record repeating an earlier one in every column (a resent lab record, say) is
        # dropped with a reason naming the record it repeats; the whole raw row is compared
        dup, first_row = _exact_duplicates(table, dup_cache)
        if dup.any():
            row_of_group = pd.Series(np.asarray(table.rows)[~dup], index=first_row[~dup])
            dup_idx = np.flatnonzero(dup)
            lineage = _lineage_rows(alias, table, file_name, dup_idx)
            ctx_tmp = Context(lineage, spec.dataset, spec.file, report, target="(all columns)",
                              spec_line=f"{spec.records.where.file}:{spec.records.where.line}")
            firsts = pd.Series(row_of_group.reindex(first_row[dup]).to_numpy()).astype("Int64").astype("str")
            every = np.ones(len(dup_idx), dtype=bool)
            ctx_tmp.issues_by_value("MAP-DUPLICATE-RECORD", f"form {src.form}: {{count}} raw records repeat an earlier record in every column "
                                    f"(raw rows {{rows}}); not mapped again (reports/dropped.csv names the record each repeats)",
                                    every, pd.Series("", index=lineage.index), severity="warning")
            drops.add(spec.dataset, alias, lineage, every, "exact duplicate of an earlier raw record",
                      detail=("repeats raw row " + firsts).to_numpy())
            keep_all &= ~dup
    if src.filter is not None:
        # the filter is row-wise: evaluated on every raw row, it gives the same answer for the
        # rows that survived the duplicate check as evaluating it after that check would
        probe = table.data[columns].add_prefix(f"{alias}.")
        if _uses_source(src.filter):
            probe[SOURCE_COLUMN] = alias
        keep = evaluate(src.filter, probe)
        del probe
        rejected = np.flatnonzero(keep_all & ~keep)
        if alias in spec.records.sources and len(rejected):
            drops.add(spec.dataset, alias, _lineage_rows(alias, table, file_name, rejected), np.ones(len(rejected), dtype=bool),
                      src.reason or f"filtered out by source '{alias}' filter ({src.where.file}:{src.where.line})")
        keep_all &= keep
    if keep_all.all():
        return _source_frame(alias, table, file_name, columns)
    return _source_frame(alias, table, file_name, columns, np.flatnonzero(keep_all))


def _uses_source(cond: Any) -> bool:
    return cond.kind == "source" or any(_uses_source(c) for c in (cond.children or ()))


def _with_rec(frame: pd.DataFrame, alias: str, columns: list[str]) -> pd.DataFrame:
    extra = {f"{REC}.{c}": frame[f"{alias}.{c}"] for c in columns}
    return pd.concat([frame, pd.DataFrame(extra, index=frame.index)], axis=1) if extra else frame


def _melt(base: pd.DataFrame, alias: str, tests: tuple[dict, ...], melt_as: str, drop: tuple[str, ...] = (),
          categorical: bool = False) -> pd.DataFrame:
    """One record per row x test: the test's attributes as ``<as>.ATTR``, its raw value as ``<as>.value``.

    Records come in raw order, then test order, so a subject's records stay together. The frame
    is built with one take per column (row ``p``, test ``i`` -> record ``p * len(tests) + i``)
    rather than by stacking a copy per test and sorting it, which needs several copies of the
    whole result at once. ``drop`` names raw columns (``alias.COLUMN``) read only as test values:
    they are not repeated on every record (their value is in ``<as>.value``).
    """
    n, k = len(base), len(tests)
    keysets = {tuple(t) for t in tests}
    if n == 0 or k == 0 or len(keysets) != 1 or "value" in next(iter(keysets)):
        return _melt_stacked(base, alias, tests, melt_as).drop(columns=list(drop))
    pos = np.repeat(np.arange(n), k)
    tid = np.tile(np.arange(k), n)
    rows = base.drop(columns=list(drop)).take(pos).reset_index(drop=True)
    # each test's attributes as a one-row frame, stacked: the same dtype inference as a column
    # filled with the attribute per test
    attrs = pd.concat([pd.DataFrame({f"{melt_as}.{a}": v for a, v in t.items()}, index=[0]) for t in tests],
                      ignore_index=True)
    if categorical:
        # a text attribute (test code, name, category, unit) holds one of k values: as codes it
        # costs a byte per record instead of the text (the variables copied from it are text)
        for c in attrs.columns:
            if attrs[c].dtype != object and pd.api.types.is_string_dtype(attrs[c].dtype):
                attrs[c] = attrs[c].astype("category")
    attrs = attrs.take(tid).reset_index(drop=True)
    values = pd.concat([base[f"{alias}.{t['column']}"] for t in tests], ignore_index=True)
    values = values.take(tid * n + pos).reset_index(drop=True).rename(f"{melt_as}.value")
    return pd.concat([rows, attrs, values], axis=1)


def _melt_stacked(base: pd.DataFrame, alias: str, tests: tuple[dict, ...], melt_as: str) -> pd.DataFrame:
    """:func:`_melt` for tests whose attribute names differ: one stacked copy per test, sorted."""
    parts = []
    for i, test in enumerate(tests):
        attrs = {f"{melt_as}.{k}": v for k, v in test.items()}
        attrs[f"{melt_as}.value"] = base[f"{alias}.{test['column']}"]
        part = pd.concat([base, pd.DataFrame(attrs, index=base.index)], axis=1)
        part["_test"] = i
        part["_pos"] = np.arange(len(base))
        parts.append(part)
    melted = pd.concat(parts, ignore_index=True)
    # raw order first, then test order, so a subject's records stay together
    melted = melted.sort_values(["_pos", "_test"], kind="mergesort").drop(columns=["_pos", "_test"])
    return melted.reset_index(drop=True)


def _form_records(spec: DatasetSpec, sources: dict[str, pd.DataFrame], raw_cols: dict[str, list[str]],
                  melt_only: dict[str, set[str]] | None = None,
                  keep_part: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
                  unused: set[str] = frozenset()) -> pd.DataFrame:
    rec = spec.records
    aliases = rec.sources
    # rec.X: the record's own raw row; for a stack, the columns every stacked form has
    common = [c for c in raw_cols[aliases[0]] if all(c in raw_cols[a] for a in aliases[1:])]
    parts = []
    for a in aliases:
        frame = _with_rec(sources[a], a, common)
        if unused:  # raw columns read only to form rec.COLUMN: not repeated on every melted record
            frame = frame.drop(columns=[c for c in frame.columns if c in unused])
        if a in rec.melts:
            drop = tuple(f"{a}.{c}" for c in raw_cols[a] if c in (melt_only or {}).get(a, ()))
            part = _melt(frame, a, rec.melts[a], rec.melt_as, drop, categorical=True)
        else:
            part = frame
        del frame
        parts.append(part if keep_part is None else keep_part(part))
        del part
    return parts[0] if len(parts) == 1 else pd.concat(_shared_categories(parts), ignore_index=True)


def _shared_categories(parts: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """``parts`` with each text-category column every part has recoded to the categories of all
    parts (sorted, as a single part's are), so that stacking keeps the codes: pandas stacks
    categoricals of different categories as text, millions of strings for a melted domain (QS)."""
    shared = [c for c in parts[0].columns
              if all(c in p.columns and is_text_category(p[c].dtype) for p in parts)]
    if not shared:
        return parts
    out = [p.copy(deep=False) for p in parts]
    for c in shared:
        dtype = pd.CategoricalDtype(pd.Index(sorted(set().union(*(p[c].cat.categories for p in parts))),
                                             dtype=parts[0][c].cat.categories.dtype))
        for p in out:
            p[c] = p[c].astype(dtype)
    return out


def _origin_of(v: VariableSpec) -> str:
    """Define-XML origin: the spec's override, else the algorithm's; a variable assembled from
    conditions or from algorithms of different origins is Derived (its method lists the steps)."""
    if v.origin:
        return v.origin
    algos = registry.algorithms()
    origins = {algos[s.algorithm].origin for s in v.steps}
    conditional = any(s.when is not None for s in v.steps)
    if len(origins) == 1 and (not conditional or origins == {"Collected"}):
        return origins.pop()
    return "Derived"


def _overrides(spec: DatasetSpec, v: VariableSpec) -> dict:
    algos = registry.algorithms()
    origin = _origin_of(v)
    over: dict[str, Any] = {"origin": origin, "method_name": "+".join(dict.fromkeys(s.algorithm for s in v.steps))}
    methods = []
    for s in v.steps:
        text = algos[s.algorithm].describe(s.params)
        if text and s.when is not None:
            text = f"Where {s.when.to_text()}: {text[0].lower()}{text[1:]}"
        if text:
            methods.append(text)
    if origin == "Derived" and methods:
        # several steps fill in priority order: each later one only where the earlier left a gap
        over["method"] = " Otherwise: ".join(methods)
    if origin == "Collected":
        refs = [r for s in v.steps for r in step_refs(s.params)]
        raw_refs = []
        for r in refs:
            alias, dot, col = r.partition(".")
            if dot and alias in spec.sources:
                raw_refs.append(f"{spec.sources[alias].form}.{col}")
            elif dot and alias == REC:
                raw_refs.extend(f"{spec.sources[a].form}.{col}" for a in spec.records.sources)
        if raw_refs:
            over["source"] = ", ".join(dict.fromkeys(raw_refs))
    codelists = [s.params.codelist for s in v.steps if s.algorithm == "ct"]
    if codelists:  # the codelist the values were mapped to is the one Define-XML must show
        over["codelist"] = codelists[0]
    if v.comment:
        over["comment"] = v.comment
    if v.label:
        over["label"] = v.label
    return over


def _numbers(text: pd.Series) -> np.ndarray:
    """``pd.to_numeric(text, errors="coerce")`` as float64 (NaN where missing or not a number),
    parsed once per distinct text: results repeat (a scored item's 0-3 over millions of records).

    >>> _numbers(pd.Series(["1", "2.5", None, "x", "1"], dtype="str")).tolist()
    [1.0, 2.5, nan, nan, 1.0]
    """
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    distinct = pd.to_numeric(pd.Series(uniques, dtype=text.dtype), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return np.append(distinct, np.nan)[codes]  # code -1 (missing) takes the appended NaN


def _to_type(ctx: Context, values: pd.Series, vtype: str | None) -> pd.Series:
    if vtype == "Num":
        if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
            return values.astype("float64")
        text = clean_text(values)
        num = _numbers(text)
        bad = text.notna().to_numpy() & np.isnan(num)
        ctx.issues_by_value("MAP-NUM", "value {value!r} is not a number but the variable is numeric ({count} records, raw rows {rows})", bad, text)
        return pd.Series(num, index=values.index, name=values.name)
    if pd.api.types.is_float_dtype(values.dtype):
        whole = values.notna() & (values == np.floor(values))
        text = values.astype("str")
        return text.where(~whole, values.astype("Int64").astype("str")).mask(values.isna())
    if is_text_category(values.dtype):
        # a melted test attribute (QSTESTCD, QSCAT, ...) stays codes through the sort and down to the
        # writers; the dataset's consumers get text (plain_text) unless they take categoricals
        return values
    return values.astype(TEXT)


def _run_variable(ctx: Context, spec: DatasetSpec, v: VariableSpec) -> pd.Series:
    algos = registry.algorithms()
    frame = ctx.frame
    result: pd.Series | None = None
    for step in v.steps:
        cond = evaluate(step.when, frame)
        missing = np.ones(len(frame), dtype=bool) if result is None else result.isna().to_numpy()
        mask = cond & missing
        if result is not None and not mask.any():
            continue
        ctx.mask, ctx.target, ctx.spec_line = mask, v.name, f"{step.where.file}:{step.where.line}"
        values = algos[step.algorithm].fn(ctx, step.params)
        if result is None:
            # a first step that may fill every record keeps its values as they are (where()
            # with an all-true mask is a full copy that changes nothing)
            if mask.all() and values.index.equals(frame.index):
                result = values
            else:
                result = values.where(pd.Series(mask, index=frame.index))
        else:
            if result.dtype != values.dtype and not (pd.api.types.is_float_dtype(result.dtype) and pd.api.types.is_float_dtype(values.dtype)):
                result = result.astype(object)
                values = values.astype(object)
            result = result.where(~pd.Series(mask, index=frame.index), values)
    ctx.mask = None
    return result


def _join_text(frame: pd.DataFrame, sep: str, missing: str | None = "") -> pd.Series:
    """Row-wise text of several columns joined by ``sep``, vectorized.

    ``missing`` stands in for a missing part; None makes the whole result missing (join keys:
    a record without a key joins nothing).
    """
    cols = [frame[c].astype("str") for c in frame.columns]
    if missing is not None:
        cols = [c.fillna(missing) for c in cols]
    return cols[0].str.cat(cols[1:], sep=sep, na_rep=None) if len(cols) > 1 else cols[0]


def _dup_keys(ctx: Context, frame: pd.DataFrame, keys: list[str], dataset: str) -> None:
    if not keys or not all(k in frame for k in keys):
        return
    dup = frame.duplicated(keys, keep=False).to_numpy()
    if dup.any():
        label = pd.Series(pd.NA, index=frame.index, dtype="str")
        label[dup] = _join_text(frame.loc[dup, keys], " / ")
        ctx.target = ", ".join(keys)
        ctx.issues_by_value("MAP-DUPKEY", f"{dataset} key ({', '.join(keys)}) = {{value}} occurs {{count}} times (raw rows {{rows}}); a key must identify one record",
                            dup, label)


def _join_sources(spec: DatasetSpec, records: pd.DataFrame, sources: dict[str, pd.DataFrame], ctx: Context,
                  drops: _Drops) -> pd.DataFrame:
    """Left-join every one-per-key source to the records (a many-to-one lookup, never a fan-out)."""
    for alias, src in spec.sources.items():
        if not src.join or alias in spec.records.sources:
            continue
        right = sources[alias]
        keys_r = [f"{alias}.{k}" for k in src.join]
        keys_l = [f"{REC}.{k}" for k in src.join]
        right_keys = right[keys_r].apply(lambda s: clean_text(s)).astype("str")
        dup = right_keys.duplicated(keep="first").to_numpy()
        if dup.any():
            ctx.target = ", ".join(src.join)
            label = _join_text(right_keys, " / ")
            ctx.issues_by_value("MAP-JOIN-DUPLICATE", f"form {src.form} has several records for join key {{value}} (raw rows {{rows}}); the first is used and the others are not mapped into {spec.dataset}",
                                right_keys.duplicated(keep=False).to_numpy(), label, frame=right)
            drops.add(spec.dataset, alias, right, dup, f"duplicate join key in form {src.form}: an earlier record was used")
            right = right.loc[~dup]
            right_keys = right_keys.loc[~dup]
        left_keys = records[keys_l].apply(lambda s: clean_text(s)).astype("str")
        lk = _join_text(left_keys, "\x1f", missing=None)
        rk = _join_text(right_keys, "\x1f", missing=None)
        matched = rk.isin(set(lk.dropna())).to_numpy()
        drops.add(spec.dataset, alias, right, ~matched, f"no {spec.dataset} record to join to (join on {', '.join(src.join)})")
        if (~matched).any():
            ctx.target = ", ".join(src.join)
            ctx.issues_by_value("MAP-JOIN-ORPHAN", f"form {src.form} record with {', '.join(src.join)} = {{value}} has no matching record in {spec.dataset}'s records (raw rows {{rows}})",
                                ~matched, rk, frame=right, severity="warning")
        pos = pd.Series(np.arange(len(right)), index=rk.to_numpy())
        take = lk.map(pos).to_numpy(dtype="float64", na_value=np.nan)
        cols = [c for c in right.columns if c.startswith(f"{alias}.")]
        joined = right[cols].reset_index(drop=True).reindex(pd.Index(np.where(np.isnan(take), -1, take).astype(int)))
        joined.index = records.index
        records = pd.concat([records, joined], axis=1)
    return records


def _exact_duplicates(table: Any, cache: dict) -> tuple[np.ndarray, np.ndarray | None]:
    """(mask of raw rows repeating an earlier row in every column, group number of each row).

    Several datasets may read the same large form (LB, CP and MB all read the lab transfer):
    the whole-row comparison is done once per table and kept in ``cache`` for the run.
    """
    key = id(table)
    if key not in cache:
        # one pass over the columns' codes gives both: the group of each row (numbered in order of
        # first appearance, missing equal to missing, as DataFrame.duplicated compares rows) and
        # whether an earlier row is in its group
        if len(table.data.columns):
            group, first = distinct_rows(*(table.data[c] for c in table.data.columns))
            dup = np.ones(len(table.data), dtype=bool)
            dup[first] = False
        else:  # no columns: DataFrame.duplicated finds no duplicate
            group, dup = np.zeros(len(table.data), dtype=np.int64), np.zeros(len(table.data), dtype=bool)
        first_row = group if dup.any() else None
        cache[key] = (table, dup, first_row)  # the table is kept so its id cannot be reused
    return cache[key][1], cache[key][2]


def _prepare(spec: DatasetSpec, plan: Plan, raw: Any, study: Any, ct: Any, ig: Any, report: Report,
             reference: pd.DataFrame | None, drops: _Drops, uses: list | None = None,
             dup_cache: dict | None = None, run_cache: dict | None = None) -> "_Work":
    uses = plan.column_uses() if uses is None else uses
    dup_cache = {} if dup_cache is None else dup_cache
    # 1. sources, with their filters
    sources: dict[str, pd.DataFrame] = {}
    raw_cols: dict[str, list[str]] = {}
    files: dict[str, str] = {}
    # only the raw columns the spec reads travel through the engine (cost grows with them)
    needed: dict[str, set[str]] = {}
    # raw columns read only as melted test values (plan.column_uses gives those the records'
    # own location): after the melt each record needs only its own value, in <as>.value
    melt_cols: dict[str, set[str]] = {}
    other_cols: dict[str, set[str]] = {}
    for use in uses:
        if use.dataset == spec.dataset:
            needed.setdefault(use.alias, set()).add(use.column)
            melt_use = use.alias in spec.records.melts and use.where is spec.records.where
            (melt_cols if melt_use else other_cols).setdefault(use.alias, set()).add(use.column)
    melt_only = {a: cols - other_cols.get(a, set()) for a, cols in melt_cols.items()}
    for alias, src in spec.sources.items():
        table = raw[src.form]
        files[alias] = _raw_file_name(raw, table)
        raw_cols[alias] = [str(c) for c in table.data.columns if str(c) in needed.get(alias, ())]
        sources[alias] = _select_source(spec, alias, src, table, files[alias], raw_cols[alias], report, drops, dup_cache)
    # 2. records, joins, keep
    def apply_keep(records: pd.DataFrame) -> pd.DataFrame:
        keep = evaluate(spec.records.keep, records)
        reason = spec.records.reason or f"records 'keep' condition not met ({spec.records.where.file}:{spec.records.where.line})"
        # a raw row is dropped only when none of its records is kept (a melted row has several)
        any_kept = pd.Series(keep).groupby([records[FORM_COLUMN].to_numpy(), records[ROW_COLUMN].to_numpy()]).transform("any").to_numpy()
        first = ~records.duplicated([FORM_COLUMN, ROW_COLUMN]).to_numpy()
        drops.add(spec.dataset, "", records, ~any_kept & first, reason)
        return records.loc[keep].reset_index(drop=True)

    # 'keep' is row-wise: when it reads only columns every stacked part has and no join adds
    # columns, it runs on each part before they are stacked, so the stack of a large melted
    # domain (QS) is never built whole only to be cut down (same records, same drops, in order)
    early = spec.records.keep is not None and _keep_per_part(spec, raw_cols)
    early_vars = [v for v in spec.variables if not _is_late(v)]
    last_use = _last_uses(spec, early_vars)
    unused: set[str] = set()
    if last_use is not None and not any(src.join for src in spec.sources.values()):
        from .condition import condition_refs

        keep_refs = {c.var for c in condition_refs(spec.records.keep) if c.kind == "leaf"}
        melted = {f"{a}.{t['column']}" for a, tests in spec.records.melts.items() for t in tests}
        unused = {f"{a}.{c}" for a in spec.records.sources for c in raw_cols[a]} - set(last_use) - keep_refs - melted
    records = _form_records(spec, sources, raw_cols, melt_only, keep_part=apply_keep if early else None, unused=unused)
    ctx = Context(records, spec.dataset, spec.file, report, study=study, ct=ct, synonyms=plan.synonyms, reference=reference,
                  sources=sources, functions=plan.functions, sort=spec.sort, run_cache=run_cache)
    records = _join_sources(spec, records, sources, ctx, drops)
    if spec.records.keep is not None and not early:
        records = apply_keep(records)
    ctx.frame = records
    # 3. variables; the late ones (epoch needs SE, seq needs every sort key) wait for _finish
    try:
        domain_meta = ig.domain(spec.dataset)
    except (StandardsError, KeyError):  # a sponsor dataset unknown to the IG: no types to apply
        domain_meta = None
    types = {v.name: v.type for v in domain_meta.variables} if domain_meta is not None else {}
    work = _Work(spec, ctx, types)
    del records
    early = early_vars
    if last_use is not None:
        # raw and test columns leave the working frame after the last step that reads them
        # (columns no step reads, e.g. alias.COLUMN copied to rec.COLUMN, leave now): a large
        # melted domain then does not carry every raw column to the end
        _drop_columns(ctx, [c for c in ctx.frame.columns if "." in c and c not in last_use])
    for i, v in enumerate(early):
        _compute(work, v)
        if last_use is not None:
            _drop_columns(ctx, [c for c, at in last_use.items() if at == i and c in ctx.frame.columns])
    ctx.sources = {}  # read only by early steps (per-subject dates)
    return work


def _last_uses(spec: DatasetSpec, early: list[VariableSpec]) -> dict[str, int] | None:
    """For each ``alias.COLUMN`` a step reads, the position in ``early`` of the last variable
    reading it (past the end: a late variable reads it); None when a step may read columns the
    spec does not name (a study function)."""
    from .condition import condition_refs

    last: dict[str, int] = {}
    for i, v in enumerate(early + [v for v in spec.variables if _is_late(v)]):
        for s in v.steps:
            if s.algorithm == "function":
                return None
            refs = list(step_refs(s.params)) + [c.var for c in condition_refs(s.when) if c.kind == "leaf"]
            if s.algorithm == "visit":
                refs.append(f"{REC}.Subject")  # its subject when the records have no USUBJID yet
            for ref in refs:
                if "." in str(ref):
                    last[str(ref)] = i
    return last


def _drop_columns(ctx: Context, columns: list[str]) -> None:
    if columns:
        ctx.frame = ctx.frame.drop(columns=columns)


def _condition_vars(cond: Any) -> set[str]:
    found = {cond.var} if getattr(cond, "var", None) else set()
    for child in cond.children or ():
        found |= _condition_vars(child)
    return found


def _keep_per_part(spec: DatasetSpec, raw_cols: dict[str, list[str]]) -> bool:
    """True when the records' ``keep`` can run on each stacked part alone (see :func:`_prepare`)."""
    rec = spec.records
    if any(src.join and alias not in rec.sources for alias, src in spec.sources.items()):
        return False  # a joined column may decide
    forms = [spec.sources[a].form for a in rec.sources]
    if len(set(forms)) != len(forms):
        return False  # one raw row in two parts: its drop depends on both
    if _uses_source(rec.keep):
        return False
    common = set.intersection(*(set(raw_cols[a]) for a in rec.sources)) if rec.sources else set()
    for var in _condition_vars(rec.keep):
        alias, dot, col = var.partition(".")
        if not dot:
            return False  # a variable: not computed yet (never valid for keep)
        if alias == REC and col in common:
            continue
        if alias == rec.melt_as and all(a in rec.melts for a in rec.sources) and (
                col == "value" or all(col in t for a in rec.sources for t in rec.melts[a])):
            continue  # the melted value, or an attribute every test of every part has
        return False
    return True


_LATE = ("epoch", "seq")  # in this order: a sort key may be EPOCH


def _is_late(v: VariableSpec) -> bool:
    return any(s.algorithm in _LATE for s in v.steps)


@dataclass
class _Work:
    spec: DatasetSpec
    ctx: Context
    types: dict[str, str]


def _compute(work: _Work, v: VariableSpec) -> None:
    ctx = work.ctx
    values = _run_variable(ctx, work.spec, v)
    ctx.target = v.name
    ctx.frame[v.name] = _to_type(ctx, values, work.types.get(v.name) if v.supp is None else None)


def _finish(work: _Work, raw: Any, se: pd.DataFrame | None) -> tuple[list[Dataset], pd.DataFrame, dict]:
    spec, ctx = work.spec, work.ctx
    ctx.se = se
    for algo in _LATE:
        for v in spec.variables:
            if any(s.algorithm == algo for s in v.steps):
                _compute(work, v)
    # 4. order, datasets, lineage: from here on only the variables and the lineage columns count
    keep_cols = [v.name for v in spec.variables] + [ROW_COLUMN, FILE_COLUMN, FORM_COLUMN, SOURCE_COLUMN]
    frame = ctx.frame[keep_cols]
    # the raw and test columns are released before the sorted copy is made: a large findings
    # dataset (QS) then never holds its working frame and its sorted output at once
    ctx.frame, ctx.sources, ctx.cache = frame, {}, {}
    if spec.sort:
        order = _sort_order(frame, list(spec.sort))
        ctx.frame = None  # type: ignore[assignment]
        frame = _take_rows(frame, order)
        del order
    ctx.frame = frame
    _dup_keys(ctx, frame, list(spec.keys), spec.dataset)
    out_vars = [v for v in spec.variables if not v.name.startswith("_") and v.supp is None]
    overrides = {v.name: _overrides(spec, v) for v in out_vars}
    from ..standards import build_dataset

    # copy-on-write: the dataset shares the columns of the sorted frame (no second copy)
    data = frame[[v.name for v in out_vars]]
    ds = build_dataset(spec.dataset, data, overrides=overrides)
    if spec.description:
        ds.comment = spec.description
    spec_line = f"{spec.records.where.file}:{spec.records.where.line}"
    # the text columns are categoricals: a few texts over millions of records (no Python strings)
    n = len(frame)
    lineage = pd.DataFrame({
        "dataset": _constant(spec.dataset, n), "record": np.arange(1, n + 1), "form": _as_category(frame[FORM_COLUMN]),
        "file": _as_category(frame[FILE_COLUMN]), "row": frame[ROW_COLUMN].to_numpy(dtype="int64"), "spec": _constant(spec_line, n),
    })
    datasets = [ds]
    supp_vars = [v for v in spec.variables if v.supp is not None]
    lineages = [lineage]
    if supp_vars:
        from ..sdtm.suppqual import SuppColumn, build_suppqual

        cols = [SuppColumn(v.name, v.supp.qnam, v.supp.qlabel, _origin_of(v), v.supp.qeval, v.supp.idvar) for v in supp_vars]
        supp_frame, pos = build_suppqual(frame, spec.dataset, cols)
        supp = build_dataset(f"SUPP{spec.dataset}", supp_frame)
        datasets.append(supp)
        lineages.append(pd.DataFrame({
            "dataset": _constant(f"SUPP{spec.dataset}", len(supp_frame)), "record": np.arange(1, len(supp_frame) + 1),
            "form": _as_category(frame[FORM_COLUMN].iloc[pos]), "file": _as_category(frame[FILE_COLUMN].iloc[pos]),
            "row": frame[ROW_COLUMN].to_numpy(dtype="int64")[pos], "spec": _constant(spec_line, len(supp_frame)),
        }))
    used: dict = {}
    for alias in spec.records.sources:
        form = spec.sources[alias].form
        sel = frame[FORM_COLUMN] == raw[form].name
        used[(spec.dataset, form)] = int(frame.loc[sel, ROW_COLUMN].nunique())
    return datasets, pd.concat(_shared_categories(lineages), ignore_index=True), used


def with_plain_text(ds: Dataset) -> Dataset:
    """``ds`` with text categoricals (melted test attributes) as text columns, as consumers expect.

    >>> with_plain_text(qs).data["QSTESTCD"].dtype  # doctest: +SKIP
    <StringDtype(na_value=nan)>
    """
    frame = plain_text(ds.data)
    if frame is not ds.data:
        ds = replace(ds, data=frame)
    return ds


def _take_rows(frame: pd.DataFrame, order: np.ndarray) -> pd.DataFrame:
    """``frame.iloc[order].reset_index(drop=True)``, one column at a time, each unsorted column
    released once its sorted copy exists: the frame is never held twice (QS: millions of rows).
    The caller must hold no other reference to ``frame``'s columns for the memory to be freed."""
    taken: dict[str, pd.Series] = {}
    for name in list(frame.columns):
        taken[name] = frame[name].take(order).reset_index(drop=True)
        frame = frame.drop(columns=[name])
    return pd.DataFrame(taken, copy=False)


def _sort_order(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Positions of ``frame``'s rows in stable ascending order of ``keys``, missing values last.

    The indexer ``DataFrame.sort_values(keys, kind="mergesort", na_position="last")`` computes,
    without building the sorted copy of the key columns it would return (the caller takes every
    column in this order once).
    """
    try:
        from pandas.core.sorting import lexsort_indexer, nargsort
    except ImportError:  # a pandas without these helpers: the public (slower) route
        return frame[keys].reset_index(drop=True).sort_values(keys, kind="mergesort", na_position="last").index.to_numpy()
    if len(keys) > 1:
        return np.asarray(lexsort_indexer([frame[k]._values for k in keys], orders=True, na_position="last"))
    return np.asarray(nargsort(frame[keys[0]]._values, kind="mergesort", ascending=True, na_position="last"))


_SE_INPUTS = ("DM", "EX", "DS")


def _build_se(works: dict[str, _Work], study: Any, report: Report) -> Dataset | None:
    """SE from the mapped DM, EX and DS (the study helper's build_se), for EPOCH."""
    if "DM" not in works or "EX" not in works:
        return None
    from ..sdtm.se import build_se

    def cols(name: str) -> pd.DataFrame | None:
        if name not in works:
            return None
        frame = works[name].ctx.frame
        return frame[[c for c in frame.columns if "." not in c and not c.startswith("_")]]

    return build_se(cols("DM"), cols("EX"), cols("DS"), study, report=report)


def run_plan(plan: Plan, raw: Any, study: Any, *, ct: Any = None, ig: Any = None,
             progress: Callable[[str, int, float], None] | None = None, release_raw: bool = False,
             on_dataset: Callable[[Dataset], Dataset] | None = None) -> MappingResult:
    """Map a raw export with a plan; data problems are Issues in the result's report.

    ``release_raw=True`` empties each raw table's ``data`` once the last dataset reading it is
    mapped (its name, file and record count stay): for a caller that does not need the export
    afterwards, the lab transfer is then not in memory while the largest domain (QS) is mapped.

    ``on_dataset`` receives each dataset (SE and SUPP-- too) as soon as it is final and returns
    what the package keeps: a caller writing the package can write it there and keep only its
    metadata, so the finished domains (LB, CP) are not in memory while QS is mapped. Its text
    columns copied from melted test attributes are still pandas categoricals of text (the
    writers take them as they are); :func:`with_plain_text` turns them into text columns, as
    the datasets of a run without ``on_dataset`` have.
    """
    from .plan import default_ct

    if ig is None:
        from ..standards import load_sdtmig

        ig = load_sdtmig()
    if ct is None:
        ct = default_ct(plan.folder)
    uses = plan.column_uses()  # computed once: every dataset's _prepare reads it
    dup_cache: dict = {}
    run_cache: dict = {}  # the run's SE is built once and only read: its parsed dates are kept here
    check_raw(plan, raw, uses)
    report = Report()
    package = Package("SDTMIG 3.4")
    drops = _Drops()
    lineages = []
    used: dict = {}
    reference = None
    # DM, EX and DS first: SE is built from them and EPOCH of every dataset needs SE. Every other
    # dataset is then mapped and finished one at a time, so only one working frame is in memory.
    needs_se = any(_is_late(v) and any(s.algorithm == "epoch" for s in v.steps) for sp in plan.specs for v in sp.variables)
    first = [sp for sp in plan.specs if sp.dataset in _SE_INPUTS]
    rest = [sp for sp in plan.specs if sp.dataset not in _SE_INPUTS]

    def emit(name: str, work: _Work, se_data: pd.DataFrame | None, seconds: float) -> None:
        t0 = time.perf_counter()
        datasets, lineage, u = _finish(work, raw, se_data)
        records, seconds = len(datasets[0].data), seconds + time.perf_counter() - t0
        for ds in datasets:
            package.add(with_plain_text(ds) if on_dataset is None else on_dataset(ds))
        del datasets
        lineages.append(lineage)
        used.update(u)
        if progress is not None:
            progress(name, records, seconds)  # the mapping's time (what on_dataset does is the caller's)

    forms_in = {name: (_raw_file_name(raw, t), len(t.data)) for name, t in raw.tables.items()}
    last_reader: dict[str, str] = {}
    for sp in first + rest:
        for src in sp.sources.values():
            last_reader[src.form.upper()] = sp.dataset  # the key RawStudy.__getitem__ looks up

    def release(dataset: str) -> None:
        if not release_raw:
            return
        for form, reader in last_reader.items():
            if reader == dataset:
                table = raw.tables.get(form)
                if table is None:
                    continue
                for key in [k for k, v in dup_cache.items() if v[0] is table]:
                    del dup_cache[key]
                raw.tables[form] = replace(table, data=table.data.iloc[:0], rows=np.asarray(table.rows)[:0])

    works: dict[str, _Work] = {}
    timing: dict[str, float] = {}
    for spec in first:
        t0 = time.perf_counter()
        works[spec.dataset] = _prepare(spec, plan, raw, study, ct, ig, report, reference, drops, uses, dup_cache, run_cache)
        if spec.dataset == "DM":
            reference = works["DM"].ctx.frame
        timing[spec.dataset] = time.perf_counter() - t0
    se = _build_se(works, study, report) if needs_se else None
    se_data = se.data if se is not None else None
    if se is not None:
        package.add(se if on_dataset is None else on_dataset(se))
    for name, work in works.items():
        emit(name, work, se_data, timing[name])
    works.clear()
    for spec in first:
        release(spec.dataset)
    for spec in rest:
        t0 = time.perf_counter()
        work = _prepare(spec, plan, raw, study, ct, ig, report, reference, drops, uses, dup_cache, run_cache)
        release(spec.dataset)
        emit(spec.dataset, work, se_data, time.perf_counter() - t0)
        del work
    record_forms = {s.dataset: [s.sources[a].form for a in s.records.sources] for s in plan.specs}
    lineage = pd.concat(_shared_categories(lineages), ignore_index=True) if lineages else pd.DataFrame(columns=LINEAGE_COLUMNS)
    read_forms = {src.form for s in plan.specs for src in s.sources.values()}
    return MappingResult(package, report, lineage, drops.frame(), used, forms_in, record_forms, read_forms)
