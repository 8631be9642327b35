"""``subject_date``: the first or last date per subject in another form (DM reference dates).

Used for DM's RFXSTDTC/RFXENDTC (first/last exposure from EX), RFPENDTC (last date of
participation) and DTHDTC. The source is any spec source without ``join`` (many records per
subject); the result is joined to the records by subject. The per-subject computation lives in
:func:`cdisc_dm.sdtm.dm_reference.derive_subject_dates`.

Example::

    RFXSTDTC: {subject_date: {from: ex.EXSTDAT, stat: min, formats: [DD MMM YYYY], filter: {var: ex.EXYN, op: eq, value: "Y"}}}
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from ...sdtm.dm_reference import derive_subject_dates
from ..condition import Condition, evaluate
from ..context import Context
from ..dates import parse_dates
from ..params import Ref
from ..registry import register
from ._text import clean_text
from .date import report_date_status, with_time


@dataclass(frozen=True)
class SubjectDateParams:
    source: Ref = field(metadata={"key": "from", "doc": "alias.COLUMN of a date in a per-subject source (several records per subject)"})
    stat: Literal["min", "max"] = field(metadata={"doc": "first (min) or last (max) date"})
    formats: tuple[str, ...] = field(default=("DD MMM YYYY", "YYYY-MM-DD"), metadata={"doc": "accepted raw formats"})
    time: Ref | None = field(default=None, metadata={"doc": "alias.COLUMN of a time in the same source"})
    filter: Condition | None = field(default=None, metadata={"doc": "which source records count"})
    subject: str = field(default="Subject", metadata={"doc": "the subject column of the source"})
    key: Ref = field(default=Ref("rec.Subject"), metadata={"doc": "the subject column of the records"})
    complete: bool = field(default=False, metadata={"doc": "use only complete dates"})


@register("subject_date", SubjectDateParams, origin="Derived",
          method="The {stat} of {source} per subject (over records meeting the filter).")
def subject_date(ctx: Context, p: SubjectDateParams) -> pd.Series:
    """First/last date of {source} per subject."""
    alias = p.source.split(".", 1)[0]
    src = ctx.sources[alias]
    keep = evaluate(p.filter, src)
    src = src[keep]
    raw = src[p.source]
    iso, status = parse_dates(raw, p.formats)
    sub = Context(frame=src, dataset=ctx.dataset, spec_file=ctx.spec_file, report=ctx.report, target=ctx.target, spec_line=ctx.spec_line)
    report_date_status(sub, raw, status)
    iso = with_time(sub, iso, p.time, ("HH:MM", "HH:MM:SS"))
    if p.complete:
        iso = iso.where(iso.astype("str").str.len().ge(10).fillna(False))
    per_subject = derive_subject_dates(iso, clean_text(src[f"{alias}.{p.subject}"]), p.stat)
    return clean_text(ctx.column(p.key)).map(per_subject).astype("str")
