"""``epoch``: EPOCH of an observation from its date and the subject's elements (SE).

SDTMIG 3.4 section 4.1.3.1 (EPOCH): the epoch of the element the observation's start date falls
in. The computation is the study helper's :func:`cdisc_dm.sdtm.epoch.derive_epoch`.

On the day one element ends and the next begins, a date without a time is placed by
``boundary``: ``later`` (the default: the element beginning that day, right for events and
exposure) or ``earlier`` (the element ending that day, right for pre-dose assessments such as
Day 1 baseline questionnaires, collected before the first dose of the new element).

Example::

    EPOCH: {epoch: AESTDTC}
    EPOCH: {epoch: {date: QSDTC, boundary: earlier}}
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from ..context import Context
from ..params import Ref
from ..registry import register


@dataclass(frozen=True)
class EpochParams:
    __shorthand__ = "date"
    date: Ref = field(metadata={"doc": "the --DTC (or --STDTC) variable"})
    boundary: Literal["later", "earlier"] = field(default="later", metadata={"doc": "element of a date-only record on a transition day"})


@register("epoch", EpochParams, origin="Derived",
          method="EPOCH of the subject's element (SE) containing {date}; missing when the date is partial or outside every element.")
def epoch(ctx: Context, p: EpochParams) -> pd.Series:
    """The epoch containing {date}."""
    from ...sdtm.epoch import derive_epoch  # the study helper's module

    if ctx.se is None:
        return pd.Series(pd.NA, index=ctx.frame.index, dtype="str")
    return derive_epoch(ctx.frame, p.date, ctx.se, boundary=p.boundary, cache=ctx.run_cache).astype("str")
