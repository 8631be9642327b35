"""``variable_codelist_violations``: per record, the variables whose value is not a term of the
codelist their SDTMIG metadata names (SDTMIG 3.4 section 4.3; ``VariableMeta.codelist``).

``extensible: false`` looks only at variables whose codelist is non-extensible (a value outside
is an error), ``extensible: true`` only at extensible ones (a value outside is a sponsor
extension to review). Codelists the run's CT does not hold, and SUPP-- QVAL, are not judged.
``exclude_variables`` (``--`` names allowed) leaves out variables whose codelist depends on
another variable, e.g. DSDECOD (NCOMPLT or PROTMLST by DSCAT, SDTMIG 3.4 section 6.2.1; rule
CDM-CT-0012 checks it). The result is "VAR=value, VAR2=value" in SDTMIG order, "" when every
value is a term.

Example::

    - operator: variable_codelist_violations
      extensible: false
      id: $ct_violations
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..context import EvalContext, NotApplicable
from ..rule import Operation
from ..values import as_text, is_empty
from ._registry import operation
from .codelists import _ct
from .metadata import _need_ig


@operation("variable_codelist_violations")
def variable_codelist_violations(ctx: EvalContext, op: Operation) -> pd.Series:
    want_ext = bool(op.param("extensible", False))
    ig = _need_ig()
    ds = ctx.dataset
    try:
        meta = ig.domain(ds.domain)
    except Exception as exc:
        raise NotApplicable(f"no SDTMIG metadata for {ds.domain}: {exc}") from None
    ct = _ct(ctx)
    excluded = {ctx.expand(str(n)) for n in (op.param("exclude_variables") or [])}
    out = np.full(len(ctx.frame), "", dtype=object)
    for var in meta.variables:
        name = var.name
        if not var.codelist or name not in ctx.frame.columns or name in excluded:
            continue
        cl = ct.find(var.codelist) if hasattr(ct, "find") else None
        if cl is None or bool(cl.extensible) != want_ext or not cl.terms:
            continue
        s = ctx.frame[name]
        text = as_text(s)
        bad = (~text.isin({t.value for t in cl.terms}) & ~is_empty(s)).to_numpy(dtype=bool)
        if bad.any():
            label = (name + "=" + text.astype(object)).to_numpy(dtype=object)
            out = np.where(bad, np.where(out == "", label, out + ", " + label), out)
    return pd.Series(out, index=ctx.frame.index, dtype=object)
