"""``datetime``: a raw date-time in one column (e.g. ``05 JAN 2025 13:45``) -> ISO 8601.

Same rules as ``date`` (partial values stay partial; impossible values are Issues); use it when
date and time are collected in one field.

Example::

    EXSTDTC: {datetime: {from: ex.EXSTDTM, formats: [DD MMM YYYY HH:MM, DD MMM YYYY]}}
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..context import Context
from ..dates import parse_dates
from ..params import Ref
from ..registry import register
from .date import report_date_status


@dataclass(frozen=True)
class DatetimeParams:
    __shorthand__ = "source"
    source: Ref = field(metadata={"key": "from", "doc": "the raw date-time column"})
    formats: tuple[str, ...] = field(default=("DD MMM YYYY HH:MM", "YYYY-MM-DDTHH:MM", "YYYY-MM-DD HH:MM", "DD MMM YYYY", "YYYY-MM-DD"),
                                     metadata={"doc": "accepted raw formats, tried in order"})


@register("datetime", DatetimeParams, origin="Collected", method="{source} converted to ISO 8601 (formats {formats}).")
def datetime(ctx: Context, p: DatetimeParams) -> pd.Series:
    """Raw date-time in one of the formats {formats} converted to ISO 8601."""
    raw = ctx.column(p.source)
    iso, status = parse_dates(raw, p.formats)
    report_date_status(ctx, raw, status, what="date-time")
    return iso.astype("str")
