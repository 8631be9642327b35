"""``subjid``: the subject number without the site part or as collected.

Example::

    SUBJID: {subjid: {}}            # "01-0003" -> "01-0003"
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..context import Context
from ..params import Ref
from ..registry import register
from ._text import clean_text


@dataclass(frozen=True)
class SubjidParams:
    subject: Ref = field(default=Ref("rec.Subject"), metadata={"doc": "the raw subject number column"})


@register("subjid", SubjidParams, origin="Collected", method="Copied from {subject}.")
def subjid(ctx: Context, p: SubjidParams) -> pd.Series:
    """The subject number as collected in the EDC."""
    return clean_text(ctx.column(p.subject))
