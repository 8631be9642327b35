"""Operations on study and standard metadata: dataset names, domains, labels, column orders.

Standard (library) metadata comes from ``cdisc_dm.standards.load_sdtmig()`` when available; an
operation that needs it raises a RuleExecutionError when it is not (the rule gets status
"error", never a silent pass).

Example::

    - operator: study_domains
      id: $study_domains        # ["AE", "DM", "LB", ...]
"""
from __future__ import annotations

from functools import lru_cache

from ..classes import sdtmig
from ..context import EvalContext, NotApplicable
from ..execution_errors import RuleExecutionError
from ..rule import Operation
from ._registry import operation

# SDTM v2.0 section 2.2.5, Timing variables of the general observation classes (role "Timing").
_TIMING = (
    "VISITNUM", "VISIT", "VISITDY", "TAETORD", "EPOCH", "--DTC", "--STDTC", "--ENDTC", "--DY",
    "--STDY", "--ENDY", "--NOMDY", "--NOMLBL", "--DUR", "--TPT", "--TPTNUM", "--ELTM", "--TPTREF",
    "--RFTDTC", "--STRF", "--ENRF", "--EVLINT", "--EVINTX", "--STRTPT", "--STTPT", "--ENRTPT",
    "--ENTPT", "--STINT", "--ENINT", "--DETECT", "--PTFL", "--PDUR", "--STRTPT",
)




def _need_ig():
    ig = sdtmig()
    if ig is None:
        raise RuleExecutionError("this rule needs SDTMIG library metadata (cdisc_dm.standards), which is not available")
    return ig


@operation("study_domains")
def study_domains(ctx: EvalContext, op: Operation):
    return sorted({d.domain for d in ctx.study.datasets.values() if not d.is_supp} | {d.name for d in ctx.study.datasets.values()})


@operation("dataset_names")
def dataset_names(ctx: EvalContext, op: Operation):
    return sorted(ctx.study.datasets)


@operation("extract_metadata")
def extract_metadata(ctx: EvalContext, op: Operation):
    ds = ctx.dataset
    what = str(op.param("name"))
    return {
        "dataset_name": ds.name,
        "dataset_label": ds.label or "",
        "dataset_location": ds.file.rsplit("/", 1)[-1],
        "dataset_size": ds.records,
        "dataset_domain": ds.domain,
    }.get(what)


@operation("get_column_order_from_dataset")
def get_column_order_from_dataset(ctx: EvalContext, op: Operation):
    return list(ctx.dataset.frame.columns)


@operation("variable_exists")
def variable_exists(ctx: EvalContext, op: Operation):
    """The variable is in the evaluated dataset; in a Domain Presence check, in any dataset."""
    if ctx.rule.rule_type == "Domain Presence Check":
        name = str(op.param("name"))
        return any(
            (name.replace("--", d.prefix, 1) if "--" in name else name) in d.frame.columns for d in ctx.study.datasets.values()
        )
    return ctx.column(op.param("name")) is not None


@operation("get_dataset_filtered_variables")
def get_dataset_filtered_variables(ctx: EvalContext, op: Operation):
    """Dataset variables whose library metadata matches key_name/key_value (role Timing built in)."""
    key, want = str(op.param("key_name")), str(op.param("key_value"))
    ig = sdtmig()
    if ig is not None:
        try:
            meta = ig.domain(ctx.dataset.domain)
            hits = {v.name for v in meta.variables if str(getattr(v, key, "")).lower() == want.lower()}
            return [c for c in ctx.dataset.frame.columns if c in hits]
        except Exception:
            pass
    if key == "role" and want.lower() == "timing":
        timing = {t.replace("--", ctx.dataset.prefix) for t in _TIMING}
        return [c for c in ctx.dataset.frame.columns if c in timing]
    raise RuleExecutionError(f"get_dataset_filtered_variables {key}={want} needs SDTMIG metadata")


@operation("domain_label")
def domain_label(ctx: EvalContext, op: Operation):
    ig = _need_ig()
    try:
        return ig.domain(ctx.dataset.domain).label
    except Exception:
        return None


@operation("domain_is_custom")
def domain_is_custom(ctx: EvalContext, op: Operation):
    ig = _need_ig()
    try:
        ig.domain(ctx.dataset.domain)
        return False
    except Exception:
        return True


@lru_cache(maxsize=1)
def _adamig():
    try:
        from ...standards import load_adamig

        return load_adamig()
    except Exception:
        return None


def _is_adam(ctx: EvalContext) -> bool:
    return str(ctx.standard).upper().startswith("ADAM")


def _adam_meta(ctx: EvalContext):
    """ADaMIG 1.3 metadata of the dataset: ADSL by name, else its structure (ADaMIG 1.3 section 3).

    A dataset with PARAMCD is BDS (section 3.3); one with an event or intervention topic variable
    (AETERM/--TERM, --TRT, --DECOD) and no PARAMCD is OCCDS (ADaM OCCDS v1.1). Anything else is
    not judged (NotApplicable).
    """
    ad = _adamig()
    if ad is None:
        raise RuleExecutionError("this rule needs ADaMIG library metadata (cdisc_dm.standards.load_adamig), not available")
    name, cols = ctx.dataset.name, set(ctx.dataset.frame.columns)
    try:
        return ad.dataset(name)
    except Exception:
        pass
    if "PARAMCD" in cols:
        return ad.structure("BDS")
    if any(c.endswith(("TERM", "TRT", "DECOD")) for c in cols):
        return ad.structure("OCCDS")
    raise NotApplicable(f"{name}: neither ADSL, BDS (PARAMCD) nor OCCDS (--TERM/--TRT/--DECOD)")


def _adam_names(variables) -> list[str]:
    # indexed variables: the metadata lists TRT01P and TRT02P...; ADaMIG 1.3 section 3.2 requires one
    # per period, so only the first (xx = 01) is required of every study; a *xx* pattern is not a name
    import re

    return [v.name for v in variables
            if "xx" not in v.name.lower() and "zz" not in v.name.lower()
            and not (m := re.search(r"(\d\d)", v.name)) or (m and m.group(1) == "01")]


def _library_order(ctx: EvalContext) -> list[str]:
    if _is_adam(ctx):
        return [v.name for v in sorted(_adam_meta(ctx).variables, key=lambda v: v.order)]
    ig = _need_ig()
    try:
        meta = ig.domain(ctx.dataset.domain)
    except Exception as exc:
        # a domain the shipped SDTMIG metadata does not cover (or a custom one): the rule cannot
        # judge this dataset; it runs on the others and does not list this one in its datasets
        raise NotApplicable(f"no SDTMIG metadata for {ctx.dataset.domain}: {exc}") from None
    return [v.name for v in sorted(meta.variables, key=lambda v: v.order)]


@operation("get_column_order_from_library", "get_model_column_order")
def get_column_order_from_library(ctx: EvalContext, op: Operation):
    return _library_order(ctx)


@operation("get_parent_model_column_order")
def get_parent_model_column_order(ctx: EvalContext, op: Operation):
    ig = _need_ig()
    parent = ctx.dataset.rdomain or ctx.dataset.domain
    try:
        meta = ig.domain(parent)
    except Exception as exc:
        raise NotApplicable(f"no SDTMIG metadata for {parent}: {exc}") from None
    return [v.name for v in sorted(meta.variables, key=lambda v: v.order)]


def _by_core(core: str):
    def fn(ctx: EvalContext, op: Operation):
        if _is_adam(ctx):
            meta = _adam_meta(ctx)
            return _adam_names([v for v in meta.variables if str(v.core).lower().startswith(core)])
        ig = _need_ig()
        try:
            meta = ig.domain(ctx.dataset.domain)
        except Exception:
            return []
        return [v.name for v in meta.variables if str(v.core).lower().startswith(core)]

    return fn


operation("required_variables")(_by_core("req"))
operation("expected_variables")(_by_core("exp"))
operation("permissible_variables")(_by_core("perm"))


@operation("variable_names")
def variable_names(ctx: EvalContext, op: Operation):
    ig = _need_ig()
    names: set[str] = set()
    for dom in getattr(ig, "domains", lambda: [])() if callable(getattr(ig, "domains", None)) else []:
        try:
            names |= {v.name for v in ig.domain(dom).variables}
        except Exception:
            continue
    return sorted(names)


@operation("get_model_filtered_variables")
def get_model_filtered_variables(ctx: EvalContext, op: Operation):
    key, want = str(op.param("key_name")), str(op.param("key_value"))
    if key == "role" and want.lower() == "timing":
        return [t.replace("--", ctx.dataset.prefix) for t in _TIMING]
    ig = _need_ig()
    meta = ig.domain(ctx.dataset.domain)
    return [v.name for v in meta.variables if str(getattr(v, key, "")).lower() == want.lower()]
