"""``arm``: ARM (or ARMCD) from a planned arm code, using the study's arm definitions.

SDTMIG 3.4 DM: ARM is the name of the arm ARMCD codes; both come from the trial design
(TA), so the study definition is their single source.

Example::

    ARM: {arm: {from: ARMCD}}
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..context import Context
from ..params import Ref
from ..registry import register
from ._text import clean_text


@dataclass(frozen=True)
class ArmParams:
    __shorthand__ = "source"
    source: Ref = field(metadata={"key": "from", "doc": "the arm code column (ARMCD or ACTARMCD)"})


@register("arm", ArmParams, origin="Derived", method="Arm description of the arm code {source} from the trial design (TA).")
def arm(ctx: Context, p: ArmParams) -> pd.Series:
    """ARM from the arm code via the study's arms."""
    table = {a.armcd.upper(): a.arm for a in ctx.study.arms}
    code = clean_text(ctx.column(p.source)).str.upper()
    out = code.map(table).astype("str")
    bad = (code.notna() & out.isna()).to_numpy()
    if ctx.mask is not None:
        bad = bad & ctx.mask
    ctx.issues_by_value("MAP-ARM-UNKNOWN", "arm code {value!r} is not an arm of the study ({count} records, raw rows {rows})", bad, code)
    return out
