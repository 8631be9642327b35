"""``visit``: VISITNUM or VISIT from the study's visit schedule, by EDC folder.

Planned visits come from the schedule (TV) by folder. Unscheduled visits (folder ``UNS``) are
numbered between planned ones, as agreed for this project and in the spirit of SDTMIG 3.4
section 4.4.5: VISITNUM = the previous planned visit's number + 0.01 x n (n = 1, 2, ... for the
subject's unscheduled visits after that planned visit, in FolderSeq order), VISIT =
"UNSCHEDULED x.yy". The previous planned visit is the last one whose target study day is on or
before the record's study day (``date`` against DM.RFSTDTC).

Example::

    VISITNUM: {visit: {attribute: visitnum, date: LBDTC}}
    VISIT:    {visit: {attribute: visit, date: LBDTC}}
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ..context import Context
from ..params import Ref
from ..registry import register
from ._reference import reference_values
from ._text import clean_text, distinct_rows, per_distinct
from .study_day import compute_study_day

__all__ = ["VisitParams", "visit", "compute_visitnum"]


@dataclass(frozen=True)
class VisitParams:
    attribute: Literal["visitnum", "visit"] = field(default="visitnum", metadata={"doc": "which of VISITNUM / VISIT to produce"})
    folder: Ref = field(default=Ref("rec.Folder"), metadata={"doc": "the EDC folder column"})
    repeat: Ref | None = field(default=Ref("rec.FolderSeq"), metadata={"doc": "the folder repeat number (orders unscheduled visits); null when the export has none"})
    date: Ref | None = field(default=None, metadata={"doc": "the record's --DTC, to place unscheduled visits"})
    unscheduled: str = field(default="UNS", metadata={"doc": "the EDC folder of unscheduled visits"})


def compute_visitnum(study, folder: pd.Series, repeat: pd.Series, day: pd.Series, subject: pd.Series, unscheduled: str = "UNS"):
    """(visitnum float array, visit name object array, unknown-folder mask)."""
    visits = sorted(study.visits, key=lambda v: v.visitnum)
    by_folder_num = {v.folder.upper(): float(v.visitnum) for v in visits}
    by_folder_name = {v.folder.upper(): v.visit for v in visits}
    f = per_distinct(folder, lambda u: clean_text(u).str.upper())
    num = f.map(by_folder_num).to_numpy(dtype="float64", na_value=np.nan).copy()
    name = f.map(by_folder_name).to_numpy(dtype=object, na_value=None).copy()
    uns = (f == unscheduled.upper()).fillna(False).to_numpy(dtype=bool)
    unknown = f.notna().to_numpy() & np.isnan(num) & ~uns
    if uns.any():
        days = np.array([v.day for v in visits], dtype="float64")
        nums = np.array([v.visitnum for v in visits], dtype="float64")
        order = np.argsort(days, kind="stable")
        d = day.to_numpy(dtype="float64")[uns]
        pos = np.searchsorted(days[order], np.nan_to_num(d, nan=-np.inf), side="right") - 1
        prev = nums[order][np.clip(pos, 0, len(nums) - 1)]
        prev[np.isnan(d)] = np.nan
        sub = pd.DataFrame({"s": subject.to_numpy()[uns], "p": prev, "r": pd.to_numeric(repeat, errors="coerce").to_numpy()[uns]})
        n = sub.groupby(["s", "p"], dropna=False)["r"].rank(method="dense").to_numpy()
        vn = np.round(prev + 0.01 * n, 2)
        num[uns] = vn
        name[uns] = np.where(np.isnan(vn), None, np.char.add("UNSCHEDULED ", np.char.mod("%.2f", np.nan_to_num(vn))).astype(object))
    return num, name, unknown


@register("visit", VisitParams, origin="Derived",
          method="{attribute} of the planned visit for the EDC folder ({folder}) from the trial visits (TV); unscheduled visits numbered previous planned VISITNUM + 0.01 x n.")
def visit(ctx: Context, p: VisitParams) -> pd.Series:
    """VISITNUM/VISIT from the visit schedule by EDC folder."""
    frame = ctx.frame
    num, name, unknown, codes = _visits_of_distinct(ctx, p)
    mask = ctx.mask if ctx.mask is not None else np.ones(len(frame), bool)
    bad = unknown[codes] & mask
    if bad.any():
        ctx.issues_by_value("MAP-VISIT-FOLDER", "EDC folder {value!r} is not a visit of the schedule nor the unscheduled folder ({count} records, raw rows {rows})",
                            bad, clean_text(frame[p.folder]))
    if p.attribute == "visitnum":
        return pd.Series(num[codes], index=frame.index)
    return pd.Series(pd.array(name, dtype="str").take(codes), index=frame.index)


def _visits_of_distinct(ctx: Context, p: VisitParams) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`compute_visitnum` on each distinct (folder, repeat, subject, date), and each record's code.

    Every input of the visit number is one of these four values (the unscheduled numbering
    ranks distinct repeat numbers, so repeated records do not change it). VISITNUM and VISIT
    of one dataset read the same columns: the second asks the context's cache.
    """
    frame = ctx.frame
    key = ("visit", len(frame), p.folder, p.repeat, p.date, p.unscheduled)  # the cache lives for one dataset
    if key in ctx.cache:
        return ctx.cache[key]
    repeat = frame[p.repeat] if p.repeat is not None else pd.Series(1, index=frame.index)
    subject = frame["USUBJID"] if "USUBJID" in frame else clean_text(frame["rec.Subject"])
    dated = p.date is not None and "USUBJID" in frame
    columns = [frame[p.folder], repeat, subject] + ([frame[p.date]] if dated else [])
    codes, first = distinct_rows(*columns)
    sub_subject = subject.iloc[first].reset_index(drop=True)
    if dated:
        reference = reference_values(ctx, "RFSTDTC", subjects=sub_subject)
        day = compute_study_day(frame[p.date].iloc[first].reset_index(drop=True), reference)
    else:
        day = pd.Series(np.nan, index=sub_subject.index)
    num, name, unknown = compute_visitnum(ctx.study, frame[p.folder].iloc[first].reset_index(drop=True),
                                          repeat.iloc[first].reset_index(drop=True), day, sub_subject, p.unscheduled)
    ctx.cache.clear()  # one entry: the dataset being mapped
    ctx.cache[key] = (num, name, unknown, codes)
    return ctx.cache[key]
