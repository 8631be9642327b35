"""Per-record values of DM's reference variables (RFSTDTC, RFXSTDTC, ...), joined by USUBJID."""
from __future__ import annotations

import pandas as pd

from ..context import Context
from ._text import per_distinct


def reference_values(ctx: Context, variable: str, usubjid: str = "USUBJID", subjects: pd.Series | None = None) -> pd.Series:
    """DM.<variable> for each record's subject (missing when the subject is not in DM).

    ``subjects``: look these USUBJIDs up instead of the records' own.
    """
    subjects = ctx.frame[usubjid] if subjects is None else subjects
    ref = ctx.reference
    if ref is None or variable not in ref.columns:
        return pd.Series(pd.NA, index=subjects.index, dtype="str")
    table = ref.drop_duplicates("USUBJID").set_index("USUBJID")[variable]
    # many records per subject: look each subject up once
    return per_distinct(subjects, lambda u: u.map(table)).astype("str")
