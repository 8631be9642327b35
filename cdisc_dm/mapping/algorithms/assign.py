"""``assign``: a constant, Define origin Assigned (e.g. DOMAIN, EXROUTE for a single-route study).

Example::

    DOMAIN: {assign: DM}
    EXROUTE: {assign: SUBCUTANEOUS}
    DTHFL: {assign: "Y", when: {var: DTHDTC, op: notnull}}
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..context import Context
from ..params import Scalar
from ..registry import register


@dataclass(frozen=True)
class AssignParams:
    __shorthand__ = "value"
    value: Scalar = field(metadata={"doc": "the constant to assign"})


@register("assign", AssignParams, origin="Assigned", method="Set to {value!r}.")
def assign(ctx: Context, p: AssignParams) -> pd.Series:
    """Assign a constant value."""
    value = p.value
    if isinstance(value, bool):
        value = "Y" if value else "N"
    dtype = "float64" if isinstance(value, (int, float)) else "str"
    return pd.Series(value, index=ctx.frame.index, dtype=dtype)
