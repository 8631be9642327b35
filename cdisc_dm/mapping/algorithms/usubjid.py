"""``usubjid``: the unique subject identifier, STUDYID and the EDC subject number joined.

SDTMIG 3.4 section 5 (DM): USUBJID must identify a subject uniquely across all studies of a
submission; the study identifier plus the site-qualified subject number does that.

Example::

    USUBJID: {usubjid: {}}                           # STUDYID-<rec.Subject>
    USUBJID: {usubjid: {subject: dm.PATID, separator: "/"}}
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..context import Context
from ..params import Ref
from ..registry import register
from ._text import clean_text


@dataclass(frozen=True)
class UsubjidParams:
    subject: Ref = field(default=Ref("rec.Subject"), metadata={"doc": "the raw subject number column"})
    separator: str = field(default="-", metadata={"doc": "text between STUDYID and the subject number"})


@register("usubjid", UsubjidParams, origin="Derived", method="USUBJID = STUDYID || '{separator}' || the EDC subject number ({subject}).")
def usubjid(ctx: Context, p: UsubjidParams) -> pd.Series:
    """Concatenate STUDYID and the subject number."""
    subject = clean_text(ctx.column(p.subject))
    return (str(ctx.study.studyid) + p.separator + subject).astype("str")
