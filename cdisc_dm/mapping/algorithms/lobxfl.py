"""``lobxfl``: --LOBXFL, "Y" on the last non-missing observation before first exposure.

SDTMIG 3.4 (Findings, --LOBXFL): the last record with a result on or before the date of first
study treatment (DM.RFXSTDTC), per subject and test. A date without a time on the day of first
dose counts as before dosing (pre-dose assessments are dated that day).

Example::

    LBLOBXFL: {lobxfl: {date: LBDTC, by: [USUBJID, LBTESTCD], result: LBORRES}}
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..context import Context
from ..params import Ref
from ..registry import register
from ._reference import reference_values
from ._text import distinct_rows


@dataclass(frozen=True)
class LobxflParams:
    date: Ref = field(metadata={"doc": "the --DTC variable"})
    by: tuple[str, ...] = field(metadata={"doc": "subject and test variables, e.g. [USUBJID, LBTESTCD]"})
    result: Ref = field(metadata={"doc": "the result variable; records without a result are not candidates"})
    reference: str = field(default="RFXSTDTC", metadata={"doc": "DM reference date of first exposure"})


@register("lobxfl", LobxflParams, origin="Derived",
          method="Y on the last record per {by} with a non-missing {result} and {date} on or before DM.{reference}.")
def lobxfl(ctx: Context, p: LobxflParams) -> pd.Series:
    """Last observation before exposure flag."""
    frame = ctx.frame
    # the date comparison depends on the record's date and subject alone: it runs once per
    # distinct (date, subject) pair, and each record takes its pair's answer by code
    codes, first = distinct_rows(frame[p.date], frame["USUBJID"])
    date = frame[p.date].iloc[first].reset_index(drop=True).astype("str")
    ref = reference_values(ctx, p.reference, subjects=frame["USUBJID"].iloc[first].reset_index(drop=True))
    both_timed = date.str.len().gt(10).fillna(False) & ref.str.len().gt(10).fillna(False)
    d = date.where(both_timed, date.str.slice(0, 10))
    r = ref.where(both_timed, ref.str.slice(0, 10))
    before = (d.notna() & r.notna() & (d <= r).fillna(False)).to_numpy()
    candidate = frame[p.result].notna().to_numpy() & before[codes]
    flag = np.full(len(frame), -1, dtype=np.int64)
    if candidate.any():
        pos = np.flatnonzero(candidate)
        sub = frame.loc[candidate, list(p.by)].assign(_d=d.array.take(codes[pos]), _pos=pos)
        last = sub.sort_values([*p.by, "_d", "_pos"], kind="mergesort").groupby(list(p.by), sort=False)["_pos"].last()
        flag[last.to_numpy()] = 0
    return pd.Series(pd.array(["Y"], dtype="str").take(flag, allow_fill=True), index=frame.index)
