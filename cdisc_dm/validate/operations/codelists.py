"""Controlled-terminology operations (codelist_terms, codelist_extensible).

They read the CT given to the run (``validate(..., ct=...)`` or ``cdisc_dm.standards.load_ct()``).

Example::

    - operator: codelist_terms
      codelists: [PKUDUG]
      level: term
      returntype: value
      id: $terms
"""
from __future__ import annotations

from ..context import EvalContext
from ..execution_errors import RuleExecutionError
from ..rule import Operation
from ._registry import operation


def _ct(ctx: EvalContext):
    if ctx.ct is not None:
        return ctx.ct
    try:
        from ...standards import load_ct
    except ImportError:
        raise RuleExecutionError("this rule needs controlled terminology (cdisc_dm.standards.load_ct), not available") from None
    try:
        return load_ct()
    except Exception as exc:
        raise RuleExecutionError(f"cannot load controlled terminology: {exc}") from None


@operation("codelist_terms")
def codelist_terms(ctx: EvalContext, op: Operation):
    ct = _ct(ctx)
    names = op.param("codelists") or [op.param("codelist")]
    level = str(op.param("level", "term"))
    returntype = str(op.param("returntype", "value"))
    out: list[str] = []
    for name in names:
        try:
            cl = ct.codelist(name)
        except Exception:
            continue
        if level == "codelist":
            out.append(cl.code if returntype == "code" else cl.short_name)
        else:
            out.extend(t.code if returntype == "code" else t.value for t in cl.terms)
    return out


@operation("codelist_extensible")
def codelist_extensible(ctx: EvalContext, op: Operation):
    ct = _ct(ctx)
    try:
        return bool(ct.codelist(op.param("codelist")).extensible)
    except Exception as exc:
        raise RuleExecutionError(f"unknown codelist {op.param('codelist')!r}: {exc}") from None
