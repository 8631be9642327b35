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
    date = frame[p.date].astype("str")
    ref = reference_values(ctx, p.reference)
    both_timed = date.str.len().gt(10).fillna(False) & ref.str.len().gt(10).fillna(False)
    d = date.where(both_timed, date.str.slice(0, 10))
    r = ref.where(both_timed, ref.str.slice(0, 10))
    candidate = (frame[p.result].notna() & d.notna() & r.notna() & (d <= r).fillna(False)).to_numpy()
    out = np.full(len(frame), np.nan, dtype=object)
    if candidate.any():
        sub = frame.loc[candidate, list(p.by)].assign(_d=d[candidate].to_numpy(), _pos=np.flatnonzero(candidate))
        last = sub.sort_values([*p.by, "_d", "_pos"], kind="mergesort").groupby(list(p.by), sort=False)["_pos"].last()
        out[last.to_numpy()] = "Y"
    return pd.Series(out, index=frame.index, dtype="str")
