"""``parent_record_count``: how many parent records each SUPP--/CO record points at.

SDTMIG 3.4 section 8.4 attaches a supplemental qualifier (or a comment) to its parent through
RDOMAIN, USUBJID, IDVAR and IDVARVAL:

- IDVAR/IDVARVAL given: the parent records of the same USUBJID whose IDVAR variable equals
  IDVARVAL (numbers compare as numbers: "3" is AESEQ 3);
- IDVAR blank: the qualifier belongs to the subject-level parent record — for SUPPDM the
  subject's DM record (section 8.4.1: SUPPDM leaves IDVAR and IDVARVAL blank) — so any record of
  the USUBJID in the parent dataset is a parent.

The parent dataset is the split parent for a split SUPP (``SUPPLBCH`` -> ``LBCH``), otherwise every
dataset of the RDOMAIN. A missing parent dataset or IDVAR variable gives 0. Vectorized: one
``isin`` per (RDOMAIN, IDVAR) pair, which is metadata-sized.

Example::

    - operator: parent_record_count
      id: $parent_records          # 0 on an orphan SUPPDM record (its USUBJID is not in DM)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..context import EvalContext, NotApplicable
from ..match_datasets import key_text
from ..rule import Operation
from ._registry import operation


@operation("parent_record_count")
def parent_record_count(ctx: EvalContext, op: Operation) -> pd.Series:
    frame, ds, study = ctx.frame, ctx.dataset, ctx.study
    if "USUBJID" not in frame.columns:
        raise NotApplicable("parent_record_count needs USUBJID")
    index = frame.index
    blank = pd.Series("", index=index)
    rdom = key_text(frame["RDOMAIN"]) if "RDOMAIN" in frame.columns else pd.Series(ds.rdomain or "", index=index)
    idvar = key_text(frame["IDVAR"]) if "IDVAR" in frame.columns else blank
    idval = key_text(frame["IDVARVAL"]) if "IDVARVAL" in frame.columns else blank
    subj = key_text(frame["USUBJID"])
    out = np.zeros(len(frame), dtype=float)
    pairs = pd.DataFrame({"d": rdom, "v": idvar}).drop_duplicates()
    for dom, var in pairs.itertuples(index=False):
        if not dom:
            continue
        if ds.is_supp and ds.parent in study.datasets:
            parents = [study.datasets[ds.parent]]  # SUPPLBCH -> LBCH, never another LB split
        else:
            parents = [p for p in study.by_domain(dom) if not p.is_supp]
        rows = ((rdom == dom) & (idvar == var)).to_numpy()
        key_var = var or "USUBJID"  # blank IDVAR: the subject-level parent (section 8.4.1)
        pieces = [
            pd.DataFrame({
                "s": key_text(p.frame["USUBJID"], (study.token, p.name, "USUBJID")),
                "v": key_text(p.frame[key_var], (study.token, p.name, key_var)) if var else "",
            })
            for p in parents
            if "USUBJID" in p.frame.columns and key_var in p.frame.columns
        ]
        if not pieces:
            continue  # no parent dataset, or it lacks the IDVAR variable: no parent record (0)
        keys = pd.concat(pieces, ignore_index=True)
        counts = keys.groupby(["s", "v"], sort=False).size()
        mine = pd.MultiIndex.from_arrays([subj[rows], idval[rows] if var else blank[rows]])
        out[rows] = counts.reindex(mine).fillna(0).to_numpy(dtype=float)
    return pd.Series(out, index=index)
