"""``study_day``: --DY, the study day of a date relative to DM.RFSTDTC.

SDTMIG 3.4 section 4.4.4: --DY = date - RFSTDTC + 1 on or after RFSTDTC, date - RFSTDTC
before it; there is no day 0. Only complete dates give a study day.

Example::

    AESTDY: {study_day: AESTDTC}
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..context import Context
from ..params import Ref
from ..registry import register
from ._reference import reference_values

__all__ = ["StudyDayParams", "study_day", "compute_study_day"]


@dataclass(frozen=True)
class StudyDayParams:
    __shorthand__ = "date"
    date: Ref = field(metadata={"doc": "the --DTC variable"})
    reference: str = field(default="RFSTDTC", metadata={"doc": "the DM reference date variable"})


def compute_study_day(dates: pd.Series, reference: pd.Series) -> pd.Series:
    """Study day of ISO dates against ISO reference dates; NaN unless both are complete dates.

    >>> compute_study_day(pd.Series(["2025-01-05", "2025-01-04"]), pd.Series(["2025-01-05"] * 2)).tolist()
    [1.0, -1.0]
    """
    delta = (_complete_dates(dates) - _complete_dates(reference)).to_numpy(dtype="float64")
    return pd.Series(np.where(delta >= 0, delta + 1, delta), index=dates.index)


def _complete_dates(values: pd.Series) -> pd.Series:
    """Days since 1970-01-01 of the complete dates (first 10 characters), NaN otherwise.

    Dates repeat across records, so each distinct value is converted once.
    """
    codes, uniques = pd.factorize(values.astype("str").str.slice(0, 10))
    u = pd.Series(np.asarray(uniques, dtype=object), dtype="str")
    ok = u.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
    days = (pd.to_datetime(u.where(ok), format="%Y-%m-%d", errors="coerce") - pd.Timestamp("1970-01-01")).dt.days
    u_days = days.to_numpy(dtype="float64", na_value=np.nan)
    out = np.full(len(values), np.nan)
    has = codes >= 0
    out[has] = u_days[codes[has]]
    return pd.Series(out, index=values.index)


@register("study_day", StudyDayParams, origin="Derived",
          method="Study day of {date} relative to DM.{reference}: date - {reference} + 1 on or after {reference}, date - {reference} before (no day 0); complete dates only.")
def study_day(ctx: Context, p: StudyDayParams) -> pd.Series:
    """Study day of {date} relative to {reference}."""
    return compute_study_day(ctx.column(p.date), reference_values(ctx, p.reference))
