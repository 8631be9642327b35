"""``coalesce``: the first non-missing of several columns, in the order given.

Example::

    CMDOSU: {coalesce: [cm.CMDOSU, cm.CMDOSUO]}
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..context import Context
from ..params import Ref
from ..registry import register
from ._text import clean_text


@dataclass(frozen=True)
class CoalesceParams:
    __shorthand__ = "sources"
    sources: tuple[Ref, ...] = field(metadata={"key": "from", "doc": "columns in priority order"})


@register("coalesce", CoalesceParams, origin="Collected", method="The first non-missing of {sources}.")
def coalesce(ctx: Context, p: CoalesceParams) -> pd.Series:
    """The first non-missing of {sources}."""
    out = clean_text(ctx.column(p.sources[0]))
    for ref in p.sources[1:]:
        out = out.fillna(clean_text(ctx.column(ref)))
    return out
