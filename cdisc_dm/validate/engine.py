"""Run one parsed rule over a study's datasets and produce a :class:`RuleResult`.

Per dataset in scope: the frame (with Match Datasets joined), the Operations (``$id``), then the
Check tree evaluated vectorized — each operator gives a boolean Series, ``all``/``any``/``not``
combine them. ``all`` stops as soon as no record can still match (so ``exists`` guards a
variable used further down, as in CORE), ``any`` as soon as every record matches.

A check naming a variable the dataset lacks skips that dataset (CORE's "column not found");
an unknown operator or an exception inside the rule makes the whole rule status "error" with
the reason — the run goes on.

Example::

    result = run_rule(rule, study)
    result.status, result.count
"""
from __future__ import annotations

import traceback
from typing import Any

import numpy as np
import pandas as pd

from .context import ColumnMissing, EvalContext, NotApplicable
from .execution_errors import RuleExecutionError
from .match_datasets import ROW, apply_match_datasets
from .operations import get_operation
from .operators import get_operator
from .results import FindingChunk, RuleResult
from .rule import Condition, Node, Rule
from .scope import in_scope
from .study_data import StudyData, StudyDataset
from .values import GROUPS_ATTR, clear_cache, is_empty, seed_cache

__all__ = ["run_rule", "evaluate", "check_names", "prime_caches", "clear_caches", "SUPPORTED_RULE_TYPES"]

SUPPORTED_RULE_TYPES = {
    "Record Data",
    "Domain Presence Check",
    "Dataset Metadata Check",
    "Variable Metadata Check",
    "Variable Metadata Check against Library Metadata",
}


def evaluate(node: Node, ctx: EvalContext) -> pd.Series:
    """The boolean Series of records where ``node`` holds."""
    index = ctx.frame.index
    if isinstance(node, Condition):
        fn = get_operator(node.operator)
        try:
            out = fn(ctx, node)
        except ColumnMissing:
            # a condition on a variable the dataset lacks holds nowhere (CORE: "Not in dataset");
            # `exists`/`not_exists` are how rules test for presence
            return pd.Series(False, index=index)
        return _as_mask(out, index)
    if node.kind == "not":
        return ~evaluate(node.items[0], ctx)
    if node.kind == "all":
        acc = pd.Series(True, index=index)
        for item in node.items:
            if isinstance(item, Condition) and item.operator in GROUP_OPERATORS and not acc.all():
                # operators that compare records with each other (uniqueness, consistency, order)
                # only see the records that satisfy the conditions before them in the `all`
                acc &= _evaluate_on(item, ctx, acc)
            else:
                acc &= evaluate(item, ctx)
            if not acc.any():
                return acc
        return acc
    acc = pd.Series(False, index=index)
    for item in node.items:
        acc |= evaluate(item, ctx)
        if acc.all():
            return acc
    return acc


GROUP_OPERATORS = {
    "is_inconsistent_across_dataset", "is_not_unique_set", "is_unique_set", "is_not_unique_relationship",
    "is_unique_relationship", "present_on_multiple_rows_within", "not_present_on_multiple_rows_within",
    "has_same_values", "has_different_values", "empty_within_except_last_row", "non_empty_within_except_last_row",
    "has_next_corresponding_record", "does_not_have_next_corresponding_record", "target_is_sorted_by",
    "target_is_not_sorted_by", "is_ordered_set", "is_not_ordered_set",
}


def _as_mask(out: Any, index: pd.Index) -> pd.Series:
    """An operator's result as a boolean Series on ``index`` (missing counts as False)."""
    if not isinstance(out, pd.Series):
        out = pd.Series(out, index=index)
    return out.fillna(False).astype(bool)


def _evaluate_on(item: Condition, ctx: EvalContext, rows: pd.Series) -> pd.Series:
    """``item`` evaluated on the records ``rows`` selects.

    The subset carries only the columns the condition names (a uniqueness check on 4 keys of a
    60-variable ADQS need not copy the other 56); an operator that asks for another column gets
    the subset with every column instead.
    """
    mask = rows.to_numpy()
    fn = get_operator(item.operator)
    if getattr(fn, "row_aware", False):
        # the operator judges the subset itself, on the full frame's (cached) columns
        try:
            out = fn(ctx, item, rows=mask)
        except ColumnMissing:
            return pd.Series(False, index=ctx.frame.index)
        return _as_mask(out, ctx.frame.index) & rows
    names = _referenced_columns(item, ctx)
    frames = [lambda: ctx.frame.loc[mask, names], lambda: ctx.frame[mask]] if names is not None else [lambda: ctx.frame[mask]]
    for make in frames:
        sub = EvalContext(frame=make(), dataset=ctx.dataset, study=ctx.study, rule=ctx.rule,
                          values=ctx.values, standard=ctx.standard, ct=ctx.ct)
        try:
            out = fn(sub, item)
        except ColumnMissing:
            continue
        return _as_mask(out, sub.frame.index).reindex(ctx.frame.index, fill_value=False)
    return pd.Series(False, index=ctx.frame.index)  # as evaluate(): a missing variable holds nowhere


def _referenced_columns(item: Condition, ctx: EvalContext) -> list[str] | None:
    """The frame columns a condition's name, value and parameters mention (``--`` expanded, a
    ``$id`` holding a list of names followed); None when that cannot be told."""
    found: set[str] = set()

    def walk(v: Any) -> None:
        if isinstance(v, str):
            for name in (v, ctx.expand(v), ctx.expand(v).rpartition(".")[2]):
                found.add(name)
            if v.startswith("$"):
                got = ctx.values.get(v)
                if isinstance(got, (list, tuple, set)):
                    walk(list(got))
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, (list, tuple, set)):
            for x in v:
                walk(x)

    walk(item.name)
    walk(item.value)
    walk(item.params)
    if item.param("value_is_reference"):
        return None  # the value column's DATA names the columns compared
    return [c for c in ctx.frame.columns if c in found]


def check_names(node: Node) -> list[str]:
    """Variable names the check tests, in order (the default output variables)."""
    if isinstance(node, Condition):
        return [node.name] if isinstance(node.name, str) and not node.name.startswith("$") else []
    out: list[str] = []
    for item in node.items:
        out.extend(n for n in check_names(item) if n not in out)
    return out


def _output_names(rule: Rule, ctx: EvalContext) -> list[str]:
    names = list(rule.output_variables) or check_names(rule.check)
    out: list[str] = []
    for n in names:
        out.append(ctx.expand(n))
        # an output "$id" holding a list of variable names reports those variables too
        got = ctx.values.get(n) if isinstance(n, str) and n.startswith("$") else None
        if isinstance(got, (list, tuple)) and all(isinstance(x, str) for x in got):
            out.extend(x for x in got if x in ctx.frame.columns)
    return list(dict.fromkeys(out))


def _findings(rule: Rule, ctx: EvalContext, mask: pd.Series, dataset_name: str, record_level: bool) -> FindingChunk | None:
    """The reported records as one :class:`FindingChunk` (columns, no per-record objects)."""
    hit = ctx.frame[mask.to_numpy()]
    if hit.empty:
        return None
    if ROW in hit.columns:
        # one finding per record, in record order whatever the joins did (deterministic reports)
        hit = hit.drop_duplicates(ROW, keep="first").sort_values(ROW, kind="stable")
    names = _output_names(rule, ctx)
    cols = {n: ctx.column(n) for n in names}
    seq_col = ctx.column("--SEQ") if record_level else None
    subj = "USUBJID" if "USUBJID" in hit.columns else None
    records = hit.head(1) if rule.sensitivity == "Dataset" else hit
    n = len(records)
    variables = {}
    for name, c in cols.items():
        if c is not None:
            variables[name] = records[c].to_numpy()
        else:
            filler = np.empty(n, dtype=object)
            filler.fill(ctx.values.get(name) if name.startswith("$") else None)
            variables[name] = filler
    rows = None
    if rule.sensitivity != "Dataset" and record_level and ROW in records.columns:
        rows = records[ROW].to_numpy(dtype=np.int64) + 1
    return FindingChunk(
        dataset=dataset_name,
        rows=rows,
        variables=variables,
        usubjid=records[subj].to_numpy() if subj else None,
        seq=records[seq_col].to_numpy() if seq_col else None,
        size=n,
    )


def _run_operations(rule: Rule, ctx: EvalContext) -> None:
    for op in rule.operations:
        fn = get_operation(op.operator)
        value = fn(ctx, op)
        if isinstance(value, pd.Series):
            groups = value.attrs.pop(GROUPS_ATTR, None)
            if value.index.equals(ctx.frame.index):
                ctx.frame[op.id] = value
                if groups is not None:
                    ctx.groups[op.id] = groups
            else:
                ctx.frame[op.id] = value.reindex(ctx.frame.index)
        else:
            ctx.values[op.id] = value


def _record_frame(ds: StudyDataset, rule: Rule, study: StudyData) -> pd.DataFrame:
    frame = ds.frame.copy(deep=False)
    frame[ROW] = np.arange(len(frame))
    if rule.match_datasets:
        frame = apply_match_datasets(frame, rule, ds, study)
        frame = frame.reset_index(drop=True)
    return frame


def _library_columns(frame: pd.DataFrame, ds: StudyDataset) -> pd.DataFrame:
    """Add the SDTMIG's metadata of each variable (library_variable_*), empty for non-IG variables."""
    from .operations.metadata import _need_ig

    ig = _need_ig()
    try:
        meta = ig.domain(ds.rdomain if ds.is_supp else ds.domain) if not ds.is_supp else ig.domain("SUPPQUAL")
        variables = list(meta.variables)
    except Exception:
        variables = []
    lib = pd.DataFrame(
        {
            "variable_name": [v.name for v in variables],
            "library_variable_name": [v.name for v in variables],
            "library_variable_label": [v.label for v in variables],
            "library_variable_data_type": [v.type for v in variables],
            "library_variable_role": [getattr(v, "role", None) or "" for v in variables],
            "library_variable_core": [getattr(v, "core", None) or "" for v in variables],
            "library_variable_order_number": [float(getattr(v, "order", 0) or 0) for v in variables],
            "library_variable_ccode": ["" for _ in variables],
        }
    )
    out = frame.merge(lib, on="variable_name", how="left", sort=False)
    for c in lib.columns:
        if c != "variable_name" and out[c].dtype == object:
            out[c] = out[c].where(out[c].notna(), "")
    return out


def _metadata_frame(rule_type: str, ds: StudyDataset) -> pd.DataFrame:
    if rule_type == "Dataset Metadata Check":
        return pd.DataFrame(
            {
                "dataset_name": [ds.name],
                "dataset_label": [ds.label or ""],
                "dataset_location": [ds.file.rsplit("/", 1)[-1]],
                "dataset_size": [ds.records],
                "dataset_domain": [ds.domain],
            }
        )
    cols = list(ds.frame.columns)
    frame = pd.DataFrame(
        {
            "variable_name": cols,
            "variable_label": [ds.labels.get(c, "") for c in cols],
            "variable_size": [float(ds.lengths[c]) if c in ds.lengths else np.nan for c in cols],
            "variable_data_type": [ds.types.get(c, "Char") for c in cols],
            "variable_order_number": [float(i + 1) for i in range(len(cols))],
            "variable_format": ["" for _ in cols],
            "variable_has_empty_values": [bool(ds.empty[c].any()) if c in ds.empty else bool(is_empty(ds.frame[c]).any())
                                          for c in cols],
        }
    )
    if rule_type == "Variable Metadata Check against Library Metadata":
        frame = _library_columns(frame, ds)
    return frame


_META_FRAMES: dict[tuple, pd.DataFrame] = {}


def prime_caches(study: StudyData) -> None:
    """Put what the readers already know (blank masks of text columns) in the per-run cache."""
    for ds in study.datasets.values():
        for col, mask in ds.empty.items():
            if len(mask) == len(ds.frame):
                seed_cache((study.token, ds.name, col), "empty", pd.Series(mask, index=ds.frame.index, copy=False))
                if col in ds.ascii_columns and ds.frame[col].dtype == object:
                    # an XPT text column as the reader built it: every value a str, blank "" and
                    # never missing, so it is already its own text view (values.as_text)
                    seed_cache((study.token, ds.name, col), "text", ds.frame[col])


def clear_caches() -> None:
    """Forget per-run caches (metadata frames, parsed dates); validate() calls it after a run."""
    _META_FRAMES.clear()
    clear_cache()


def _evaluate_dataset(rule: Rule, ds: StudyDataset, study: StudyData, standard: str, ct: Any) -> FindingChunk | None:
    rtype = rule.rule_type
    if rtype == "Record Data":
        frame = _record_frame(ds, rule, study)
        record_level = True
    else:
        key = (study.token, ds.name, rtype)
        if key not in _META_FRAMES:
            _META_FRAMES[key] = _metadata_frame(rtype, ds)
        frame = _META_FRAMES[key].copy()
        frame[ROW] = np.arange(len(frame))  # CORE numbers metadata rows (a variable's position) as records
        record_level = True
    # records still in the dataset's own order (no join fanned them out): column views can be cached
    base = rtype == "Record Data" and len(frame) == len(ds.frame) and bool((frame[ROW].to_numpy() == np.arange(len(frame))).all())
    ctx = EvalContext(frame=frame, dataset=ds, study=study, rule=rule, standard=standard, ct=ct, base=base)
    _run_operations(rule, ctx)
    mask = evaluate(rule.check, ctx)
    return _findings(rule, ctx, mask, ds.name, record_level)


def _domain_presence(rule: Rule, study: StudyData, standard: str, ct: Any) -> FindingChunk | None:
    names = {}
    for ds in study.datasets.values():
        loc = ds.file.rsplit("/", 1)[-1]
        names.setdefault(ds.name, loc)
        names.setdefault(ds.domain, loc)
    frame = pd.DataFrame({k: [v] for k, v in sorted(names.items())})
    if frame.empty:
        frame = pd.DataFrame(index=[0])
    dummy = StudyDataset(name="STUDY", frame=frame, file=study.path, domain="STUDY")
    ctx = EvalContext(frame=frame, dataset=dummy, study=study, rule=rule, standard=standard, ct=ct)
    _run_operations(rule, ctx)
    mask = evaluate(rule.check, ctx)
    return _findings(rule, ctx, mask, "STUDY", False)


def run_rule(rule: Rule, study: StudyData, *, standard: str = "SDTMIG 3.4", ct: Any = None) -> RuleResult:
    """Execute ``rule`` on every dataset of ``study`` in its scope; never raises for data problems."""
    result = RuleResult(
        rule_id=rule.core_id,
        status="passed",
        message=rule.message,
        severity=rule.severity,  # type: ignore[arg-type]
        description=rule.description,
        source=rule.source,
        rule_type=rule.rule_type,
        executability=rule.executability,
        citations=list(dict.fromkeys(str(c) for c in rule.citations)),
    )
    if rule.rule_type not in SUPPORTED_RULE_TYPES:
        result.status = "skipped"
        result.skip_reason = f"rule type {rule.rule_type!r} needs Define-XML or library metadata not supported yet"
        return result
    try:
        if rule.rule_type == "Domain Presence Check":
            findings = _domain_presence(rule, study, standard, ct)
            result.datasets = ["STUDY"]
        else:
            findings = []
            for name in sorted(study.datasets):
                ds = study.datasets[name]
                if not in_scope(rule.scope, ds):
                    continue
                try:
                    chunk = _evaluate_dataset(rule, ds, study, standard, ct)
                    result.datasets.append(ds.name)
                except (ColumnMissing, NotApplicable):
                    continue  # the rule does not apply to this dataset (CORE: skipped)
                if chunk is not None:
                    findings.append(chunk)
    except (ColumnMissing, NotApplicable) as exc:
        result.status = "skipped"
        result.skip_reason = f"not applicable: {exc}"
        return result
    except RuleExecutionError as exc:
        result.status = "error"
        result.error = str(exc)
        return result
    except Exception as exc:  # a rule must never crash the run: report it as an execution error
        result.status = "error"
        tb = traceback.extract_tb(exc.__traceback__)
        where = f" at {tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno}" if tb else ""
        result.error = f"{type(exc).__name__}: {exc}{where}"
        return result
    for chunk in findings if isinstance(findings, list) else [findings]:
        if chunk is not None:
            result.add_chunk(chunk)
    if result.count:
        result.status = "failed"
    elif not result.datasets and rule.rule_type != "Domain Presence Check":
        result.status = "skipped"
        result.skip_reason = "no dataset in scope"
    return result
