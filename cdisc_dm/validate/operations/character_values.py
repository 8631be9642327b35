"""Operations over every character variable of a record (the check language names one variable).

``non_ascii_variables``: per record, the character variables (comma-separated, in dataset
order) whose value holds a character outside 7-bit ASCII; "" when none. The FDA Study Data
Technical Conformance Guide (section 3.3) asks for ASCII text in SAS transport files.

Example::

    - operator: non_ascii_variables
      id: $non_ascii_variables     # "AETERM, AEDECOD" on a record with two such values
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..context import EvalContext
from ..match_datasets import ROW
from ..rule import Operation
from ..values import map_unique
from ._registry import operation


@operation("non_ascii_variables")
def non_ascii_variables(ctx: EvalContext, op: Operation) -> pd.Series:
    out = np.full(len(ctx.frame), "", dtype=object)
    for col in ctx.dataset.frame.columns:
        if col not in ctx.frame.columns or col == ROW or pd.api.types.is_numeric_dtype(ctx.frame[col].dtype):
            continue
        if col in ctx.dataset.ascii_columns:
            continue  # the reader saw every byte of this column: 7-bit ASCII only
        s = ctx.frame[col]
        # tested once per distinct value (a column of 10^6 records has few distinct texts)
        hit = map_unique(s.astype("string").fillna(""), lambda u: u.str.contains(r"[^\x00-\x7F]", regex=True))
        mask = hit.to_numpy(dtype=bool)
        if mask.any():
            out = np.where(mask, np.where(out == "", col, out + ", " + col), out)
    return pd.Series(out, index=ctx.frame.index, dtype=object)
