"""``copy``: a raw value unchanged (blanks stripped), Define origin Collected.

Example::

    AETERM: {copy: ae.AETERM}
    AETERM: {copy: {from: ae.AETERM, upper: true}}
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..context import Context
from ..params import Ref
from ..registry import register
from ._text import clean_categories, clean_text, is_text_category


@dataclass(frozen=True)
class CopyParams:
    __shorthand__ = "source"
    source: Ref = field(metadata={"key": "from", "doc": "the raw column (alias.COLUMN) or an earlier variable"})
    upper: bool = field(default=False, metadata={"doc": "upper-case the text"})


@register("copy", CopyParams, origin="Collected", method="Copied from {source}.")
def copy(ctx: Context, p: CopyParams) -> pd.Series:
    """Copy a collected value as it is (surrounding blanks removed)."""
    source = ctx.column(p.source)
    if is_text_category(source.dtype):  # a melted test attribute: cleaned once per category, codes kept
        return clean_categories(source, upper=p.upper)
    out = clean_text(source)
    return out.str.upper() if p.upper else out
