"""``study``: a value from the study definition (study.yaml), e.g. STUDYID.

Example::

    STUDYID: {study: studyid}
    COUNTRY: {study: country}
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from ..context import Context
from ..registry import register


@dataclass(frozen=True)
class StudyParams:
    __shorthand__ = "attribute"
    attribute: Literal["studyid", "country", "title", "sponsor"] = field(metadata={"doc": "the study attribute"})


@register("study", StudyParams, origin="Assigned", method="The study {attribute} from the study definition.")
def study(ctx: Context, p: StudyParams) -> pd.Series:
    """The study's {attribute} from the study definition."""
    return pd.Series(str(getattr(ctx.study, p.attribute)), index=ctx.frame.index, dtype="str")
