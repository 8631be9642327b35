"""Execute an ADaM plan: each step calls a registered derivation by name with its resolved arguments.

Nothing in a spec is evaluated as code: conditions were parsed into :class:`Condition` trees by the
loader, dataset and table arguments are looked up by name. The engine keeps, for every column a
step created, which derivation created it, so the Define metadata (origin, method) describes what
actually ran. Example::

    from cdisc_dm.adam.spec import load_adam_plan
    result = run_adam_plan(load_adam_plan("il2dm"), {"DM": dm, "EX": ex, ...})
    result.package["ADSL"].data.head()

Data findings (records a ``where`` left out, steps skipped for a missing optional input) are
Issues in ``result.report``; spec/derivation problems raise :class:`SpecError` naming the spec
file:line of the step.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..dataset import Dataset, Package
from ..errors import CdiscDmError, Location, SpecError
from ..report import Issue, Report
from .derivations._frame import distinct_rows
from .registry import DATASET_ARGS, REGISTRY, TABLE_ARGS, TUPLE_MAP_ARGS
from .spec import AdamPlan, DatasetPlan, Pipeline, Step

__all__ = ["run_adam_plan", "AdamRunResult"]


@dataclass
class AdamRunResult:
    package: Package
    report: Report
    skipped: dict[str, str] = field(default_factory=dict)       # dataset -> why it was not derived
    provenance: dict[str, dict[str, dict]] = field(default_factory=dict)  # dataset -> variable -> {call, method, at}


def _read_table(path) -> pd.DataFrame:
    # tables are small sponsor CSVs: read as text, then numeric columns where every value is a number
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    for col in frame.columns:
        num = pd.to_numeric(frame[col], errors="coerce")
        if frame[col].notna().any() and num.notna().eq(frame[col].notna()).all():
            frame[col] = num.astype("float64")
    return frame


def _resolve_args(step: Step, env: Mapping[str, pd.DataFrame], tables: Mapping[str, pd.DataFrame]) -> dict:
    args = {}
    for key, value in step.args.items():
        if key in DATASET_ARGS:
            if value in tables and value not in env:
                args[key] = tables[value]
                continue
            if value not in env:
                raise SpecError(f"{step.call}: {key} {value!r} is not available (missing SDTM input?)", step.location,
                                "mark the step with requires: [...] when the input is optional")
            args[key] = env[value]
        elif key in TABLE_ARGS:
            args[key] = tables[value]
        elif key in TUPLE_MAP_ARGS and isinstance(value, Mapping):
            args[key] = {k: tuple(v) if isinstance(v, list) else v for k, v in value.items()}
        else:
            args[key] = value
    return args


def _period_inputs(args: Mapping[str, object]) -> list[str]:
    by = args["by_vars"]
    return ([by] if isinstance(by, str) else list(by)) + [str(args["date_var"])]


#: derivations that only ADD columns and whose value on a record depends only on the listed columns of
#: that record (plus other datasets): called once per distinct combination of those columns and spread
#: back. derive_vars_period reads only the subject keys and the record's date, which repeat on every
#: questionnaire item of a visit (about 30 records per combination in ADQS).
_ROW_WISE: dict[str, Callable[[Mapping[str, object]], list[str]]] = {
    "derive_vars_period": _period_inputs,
}


def _call(name: str, fn: Callable, frame: pd.DataFrame, args: dict) -> pd.DataFrame:
    """``fn(frame, **args)``; for a :data:`_ROW_WISE` derivation computed on the distinct input rows only."""
    inputs_of = _ROW_WISE.get(name)
    if inputs_of is None or len(frame) < 10_000:
        return fn(frame, **args)
    bound = inspect.signature(fn).bind(frame, **args)
    bound.apply_defaults()
    inputs = list(dict.fromkeys(inputs_of(bound.arguments)))
    if any(c not in frame.columns for c in inputs):
        return fn(frame, **args)  # the derivation reports the missing column itself
    first, ids = distinct_rows(frame, inputs)
    if 2 * len(first) > len(frame):
        return fn(frame, **args)
    rows = frame.iloc[first][inputs].reset_index(drop=True)
    try:
        added = fn(rows, **args)
    except (CdiscDmError, ValueError, TypeError, KeyError):
        # e.g. the derivation now reads a column not listed in _ROW_WISE: the full call decides
        return fn(frame, **args)
    new = [c for c in added.columns if c not in rows.columns]
    if any(c in frame.columns for c in new):
        return fn(frame, **args)  # a clash: let the derivation raise its own error on the full input
    out = frame.copy(deep=False)
    for col in new:
        out[col] = added[col].take(ids).set_axis(frame.index)
    return out


def _outputs(step: Step) -> list[str]:
    """The variables a step creates, read from its arguments (new_var, new_vars, new_vars_prefix)."""
    args = step.args
    if "new_vars" in args:
        nv = args["new_vars"]
        return [str(k) for k in nv] if isinstance(nv, (dict, list)) else [str(nv)]
    if "new_var" in args:
        return [str(args["new_var"])]
    if "new_vars_prefix" in args:
        return [f"{args['new_vars_prefix']}DT"]
    return []


def _run_pipeline(pipe: Pipeline, env: Mapping[str, pd.DataFrame], tables: Mapping[str, pd.DataFrame], *,
                  dataset: str, report: Report, provenance: dict[str, dict],
                  types: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, bool]:
    """(frame, whether a step was skipped) after running ``pipe``'s steps over its source."""
    frame = env[pipe.source]
    if pipe.where is not None:
        keep = pipe.where(frame)
        if (~keep).any():
            report.add(Issue("ADAM_WHERE", f"{int((~keep).sum())} of {len(frame)} {pipe.source} records not selected "
                             f"by where {pipe.where.to_json()}", "notice", dataset=dataset))
        frame = frame.loc[keep]
    frame = frame.reset_index(drop=True)
    skipped = False
    for step in pipe.steps:
        absent = [r for r in step.requires if r not in env]
        if absent:
            skipped = True
            report.add(Issue("ADAM_STEP_SKIPPED", f"step {step.call} at {step.location} skipped: input(s) "
                             f"{', '.join(absent)} not in the SDTM package", "notice", dataset=dataset))
            # the variables the step would have created exist, all missing, so later steps and
            # conditions still run (a condition on a missing value is False)
            frame = frame.copy(deep=False)
            for col in _outputs(step):
                if col not in frame.columns:
                    num = (types or {}).get(col, "Char" if col.endswith("FL") else "Num") == "Num"
                    frame[col] = np.full(len(frame), np.nan) if num else pd.Series([None] * len(frame), dtype="str")
                    report.add(Issue("ADAM_VAR_EMPTY", f"{col} is missing on every record: the step deriving it needs "
                                     f"{', '.join(absent)}", "notice", dataset=dataset, variable=col))
            continue
        fn: Callable = REGISTRY[step.call]
        before = set(frame.columns)
        try:
            frame = _call(step.call, fn, frame, _resolve_args(step, env, tables))
        except CdiscDmError as exc:
            raise SpecError(f"{dataset}: step {step.call} failed: {exc.message}", step.location, exc.hint) from exc
        except (ValueError, TypeError, KeyError) as exc:
            raise SpecError(f"{dataset}: step {step.call} failed: {exc}", step.location) from exc
        for col in frame.columns:
            if col not in before:
                provenance[col] = {"call": step.call, "method": step.method or getattr(fn, "method", None),
                                   "at": str(step.location)}
    return frame, skipped


def _overrides(dp: DatasetPlan, frame: pd.DataFrame, prov: dict[str, dict]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for var, meta in dp.variables.items():
        o = {k: v for k, v in meta.items() if k in ("label", "type", "codelist", "source", "method", "comment")}
        origin = meta.get("origin") or ("Derived" if var in prov else "Predecessor")
        o["origin"] = origin
        if origin == "Derived" and "method" not in o and var in prov and prov[var]["method"]:
            o["method"] = prov[var]["method"]
        if pd.api.types.is_datetime64_any_dtype(frame[var].dtype):
            o.setdefault("display_format", "DATETIME20." if var.endswith("DTM") else "DATE9.")
        out[var] = o
    return out


def _build(dp: DatasetPlan, frame: pd.DataFrame, prov: dict[str, dict], skipped: bool, report: Report) -> Dataset:
    from ..standards import build_dataset

    absent = [v for v in dp.variables if v not in frame.columns]
    if absent and not skipped:
        raise SpecError(f"{dp.name}: variable {absent[0]} is listed under variables: but neither the input nor a step "
                        f"provides it", dp.var_locations.get(absent[0]) or Location(file=str(dp.file)),
                        f"the frame has: {', '.join(map(str, frame.columns))}")
    frame = frame.copy(deep=False)
    for v in absent:  # the step that would derive it was skipped (optional input absent): kept, all missing
        num = dp.variables[v].get("type") == "Num"
        frame[v] = np.full(len(frame), np.nan) if num else pd.Series([None] * len(frame), dtype="str")
        report.add(Issue("ADAM_VAR_EMPTY", f"{v} is missing on every record: its input is not in the SDTM package",
                         "notice", dataset=dp.name, variable=v))
    frame = frame.loc[:, list(dp.variables)]
    if dp.sort:
        frame = frame.sort_values(dp.sort, kind="mergesort", na_position="first")
    frame = frame.reset_index(drop=True)
    structure = None if dp.structure == "ADSL" else dp.structure
    return build_dataset(dp.name, frame, standard="ADaMIG 1.3", structure=structure,
                         overrides=_overrides(dp, frame, prov), label=dp.label)


def run_adam_plan(plan: AdamPlan, sdtm: Mapping[str, pd.DataFrame]) -> AdamRunResult:
    """Derive every dataset of ``plan`` from the SDTM frames (name -> DataFrame), in dependency order."""
    env: dict[str, pd.DataFrame] = {k.upper(): v for k, v in sdtm.items()}
    result = AdamRunResult(Package("ADaMIG 1.3"), Report())
    for dp in plan.datasets:
        absent = [r for r in dp.requires if r not in env]
        if absent:
            why = f"input(s) {', '.join(absent)} not available"
            result.skipped[dp.name] = why
            result.report.add(Issue("ADAM_DATASET_SKIPPED", f"{dp.name} not derived: {why}", "warning",
                                    dataset=dp.name, spec=dp.file.name))
            continue
        tables = {name: _read_table(path) for name, path in dp.tables.items()}
        local = dict(env)
        prov: dict[str, dict] = {}
        any_skipped = False
        for name, pipe in dp.frames.items():
            if pipe.source not in local:
                any_skipped = True
                result.report.add(Issue("ADAM_STEP_SKIPPED", f"frame {name} skipped: {pipe.source} not available",
                                        "notice", dataset=dp.name))
                continue
            local[name], sk = _run_pipeline(pipe, local, tables, dataset=dp.name, report=result.report, provenance={})
            any_skipped |= sk
        types = {k: v["type"] for k, v in dp.variables.items() if v.get("type")}
        frame, sk = _run_pipeline(dp.pipeline, local, tables, dataset=dp.name, report=result.report, provenance=prov,
                                  types=types)
        ds = _build(dp, frame, prov, any_skipped or sk, result.report)
        result.package.add(ds)
        result.provenance[dp.name] = prov
        env[dp.name] = ds.data
    return result
