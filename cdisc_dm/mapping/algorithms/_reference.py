"""Per-record values of DM's reference variables (RFSTDTC, RFXSTDTC, ...), joined by USUBJID."""
from __future__ import annotations

import pandas as pd

from ..context import Context
from ._text import per_distinct


def reference_values(ctx: Context, variable: str, usubjid: str = "USUBJID") -> pd.Series:
    """DM.<variable> for each record's subject (missing when the subject is not in DM)."""
    ref = ctx.reference
    if ref is None or variable not in ref.columns:
        return pd.Series(pd.NA, index=ctx.frame.index, dtype="str")
    table = ref.drop_duplicates("USUBJID").set_index("USUBJID")[variable]
    # many records per subject: look each subject up once
    return per_distinct(ctx.frame[usubjid], lambda u: u.map(table)).astype("str")
