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
from ..values import as_text
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
    # per variable: the code of each record's value (-1 when it is a term or empty) and the label
    # "VAR=value" of each distinct value; labels are joined once per distinct combination
    codes_per_var: list[np.ndarray] = []
    labels_per_var: list[np.ndarray] = []
    for var in meta.variables:
        name = var.name
        if not var.codelist or name not in ctx.frame.columns or name in excluded:
            continue
        cl = ct.find(var.codelist) if hasattr(ct, "find") else None
        if cl is None or bool(cl.extensible) != want_ext or not cl.terms:
            continue
        text = as_text(ctx.series(name))  # "" exactly where the value is empty (missing or "")
        codes, uniques = pd.factorize(text.to_numpy(dtype=object))
        uniques = np.asarray(uniques, dtype=object)
        bad = ~pd.Index(uniques).isin({t.value for t in cl.terms}) & (uniques != "")
        if not bad.any():
            continue
        codes_per_var.append(np.where(bad[codes], codes, -1))
        labels_per_var.append(np.array([name + "=" + u if b else "" for u, b in zip(uniques.tolist(), bad.tolist())],
                                       dtype=object))
    n = len(ctx.frame)
    if not codes_per_var:
        return pd.Series(np.full(n, "", dtype=object), index=ctx.frame.index, dtype=object)
    combos = pd.MultiIndex.from_arrays(codes_per_var) if len(codes_per_var) > 1 else pd.Index(codes_per_var[0])
    combo_codes, distinct = combos.factorize()
    rows = [distinct[k] if len(codes_per_var) > 1 else (distinct[k],) for k in range(len(distinct))]
    texts = np.array([", ".join(labels[c] for labels, c in zip(labels_per_var, row) if c >= 0) for row in rows],
                     dtype=object)
    return pd.Series(texts[combo_codes], index=ctx.frame.index, dtype=object)
