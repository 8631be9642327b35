"""DM reference dates from the forms that define them (EX, DS, IC): one value per subject.

SDTMIG 3.4 section 5 (DM): RFXSTDTC/RFXENDTC are the first and last study treatment
(from EX), RFSTDTC/RFENDTC the sponsor-defined reference start and end (here: first and last
exposure, as the protocol's Day 1 is the first dose), RFICDTC informed consent, RFPENDTC the end
of participation (the last date of any disposition event). The mapping spec names the forms
and columns; this module does the per-subject reduction, vectorized.

Example::

    derive_subject_dates(pd.Series(["2025-01-05", "2025-01-03"]), pd.Series(["01-0001"] * 2), "min")
    # 01-0001 -> "2025-01-03"
"""
from __future__ import annotations

import pandas as pd

__all__ = ["derive_subject_dates"]


def derive_subject_dates(iso: pd.Series, subject: pd.Series, stat: str) -> pd.Series:
    """The earliest (``min``) or latest (``max``) ISO 8601 value per subject, indexed by subject.

    ISO 8601 text sorts in time order at equal precision; a partial date ("2025-01") sorts
    before the complete dates of its month, which is the conservative choice for a start date.
    """
    frame = pd.DataFrame({"s": subject.to_numpy(), "d": iso.astype("str").to_numpy()}).dropna()
    if frame.empty:
        return pd.Series(dtype="str")
    grouped = frame.groupby("s", sort=True)["d"]
    return (grouped.min() if stat == "min" else grouped.max()).astype("str")
