"""``date``: a raw date in one of the spec's formats -> ISO 8601 (partial dates stay partial).

Unparseable values (MAP-DATE-FORMAT), calendar-impossible dates such as ``31 FEB 2025``
(MAP-DATE-IMPOSSIBLE) and dates with an unknown year (MAP-DATE-NOYEAR) are Issues naming the
raw file, row, variable and value; the target stays empty for them (SDTMIG 4.4.2: never impute).

Example::

    BRTHDTC: {date: {from: dm.BRTHDAT, formats: [DD MMM YYYY, YYYY-MM-DD]}}
    AESTDTC: {date: {from: ae.AESTDAT, formats: [DD MMM YYYY], time: ae.AESTTIM}}
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..context import Context
from ..dates import IMPOSSIBLE, NO_YEAR, UNPARSEABLE, parse_dates, parse_distinct_dates
from ..params import Ref
from ..registry import register

__all__ = ["DateParams", "date", "report_date_status"]

DEFAULT_FORMATS = ("DD MMM YYYY", "YYYY-MM-DD")


@dataclass(frozen=True)
class DateParams:
    __shorthand__ = "source"
    source: Ref = field(metadata={"key": "from", "doc": "the raw date column"})
    formats: tuple[str, ...] = field(default=DEFAULT_FORMATS, metadata={"doc": "accepted raw formats, tried in order"})
    time: Ref | None = field(default=None, metadata={"doc": "a raw time column (HH:MM) to append when the date is complete"})
    time_formats: tuple[str, ...] = field(default=("HH:MM", "HH:MM:SS"), metadata={"doc": "accepted raw time formats"})


def report_date_status(ctx: Context, raw: pd.Series, status: np.ndarray, what: str = "date") -> None:
    mask = ctx.mask if ctx.mask is not None else np.ones(len(raw), dtype=bool)
    ctx.issues_by_value("MAP-DATE-FORMAT", f"{what} {{value!r}} matches none of the spec's formats ({{count}} records, raw rows {{rows}})",
                        (status == UNPARSEABLE) & mask, raw)
    ctx.issues_by_value("MAP-DATE-IMPOSSIBLE", f"impossible {what} {{value!r}} (no such day or time; {{count}} records, raw rows {{rows}})",
                        (status == IMPOSSIBLE) & mask, raw)
    ctx.issues_by_value("MAP-DATE-NOYEAR", f"{what} {{value!r}} has an unknown year and cannot be written in ISO 8601 ({{count}} records, raw rows {{rows}})",
                        (status == NO_YEAR) & mask, raw, severity="warning")


def with_time(ctx: Context, iso: pd.Series, time_ref: str | None, time_formats: tuple[str, ...]) -> pd.Series:
    """Append a separately collected time to complete dates (a time on a partial date is meaningless)."""
    if time_ref is None:
        return iso
    raw_time = ctx.column(time_ref)
    # parse the time on a fixed dummy date so the same parser checks hours and minutes
    probe = pd.Series("2000-01-01 ", index=raw_time.index, dtype="str") + raw_time.astype("str").str.strip()
    iso_t, st = parse_dates(probe.where(raw_time.notna()), tuple(f"YYYY-MM-DD {f}" for f in time_formats))
    report_date_status(ctx, raw_time, st, what="time")
    tpart = iso_t.astype("str").str.slice(10)
    complete = iso.astype("str").str.len().eq(10).fillna(False)
    has_t = tpart.notna() & tpart.str.len().gt(0).fillna(False)
    return iso.where(~(complete & has_t), iso.astype("str") + tpart)


@register("date", DateParams, origin="Collected", method="{source} converted to ISO 8601 (formats {formats}); partial dates kept partial.")
def date(ctx: Context, p: DateParams) -> pd.Series:
    """Raw date in one of the formats {formats} converted to ISO 8601; partial dates kept partial."""
    raw = ctx.column(p.source)
    codes, iso_u, st_u = parse_distinct_dates(raw, p.formats)
    status = np.where(codes >= 0, st_u[np.maximum(codes, 0)], 0).astype(np.int8) if len(st_u) else np.zeros(len(raw), dtype=np.int8)
    report_date_status(ctx, raw, status)
    if p.time is None:
        # the ISO text of each distinct value, spread by code: no Python string per record
        return pd.Series(pd.array(iso_u, dtype="str").take(codes, allow_fill=True), index=raw.index)
    iso = pd.Series(iso_u.take(np.maximum(codes, 0)) if len(iso_u) else np.full(len(raw), None, dtype=object),
                    index=raw.index, dtype="object")
    iso = iso.where((codes >= 0) & iso.notna().to_numpy(), pd.NA)
    return with_time(ctx, iso, p.time, p.time_formats).astype("str")
