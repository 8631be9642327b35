"""``se_epoch_at``: the EPOCH of the subject's SE element in force at each record's date.

SDTMIG 3.4 sections 4.1.3.1 and 5.3 (SE): EPOCH of a record is the epoch of the element the
subject was in at the record's date, SESTDTC <= date < SEENDTC. Vectorized as one
``merge_asof`` by USUBJID (the latest element started on or before the date), kept when the date
is also on or before that element's SEENDTC (or SEENDTC is empty: the element is open-ended; the
last element includes its end date). Dates compare at day precision (SE dates are dates). On a
transition day (the record's date is an element's SESTDTC and the previous element's SEENDTC)
the day alone cannot place the record: an assessment done before the first dose of Day 1 is in
the earlier epoch (SDTMIG 3.4 section 4.1.3.1), one after it in the later. There the operation
gives the earlier epoch when the record's ``epoch_variable`` (default EPOCH) holds it, else the
later one. Records without a full
date (YYYY-MM-DD), before the subject's first element, or of a subject without SE get "".

Example::

    - operator: se_epoch_at
      name: [--DTC, --STDTC]     # the first of these the dataset has
      id: $se_epoch
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..context import ColumnMissing, EvalContext, NotApplicable
from ..rule import Operation
from ..values import as_text, cached, factorized, map_unique
from ._registry import operation


def _day(text: pd.Series) -> pd.Series:
    """datetime64 of the first 10 characters when they are a full date, NaT otherwise."""
    return map_unique(text, _day_of_unique)  # once per distinct date text


def _day_of_unique(text: pd.Series) -> pd.Series:
    head = text.str.slice(0, 10)
    ok = head.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
    return pd.to_datetime(head.where(ok), format="%Y-%m-%d", errors="coerce")


def _day_numbers(s: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 of a date column (float, NaN without a full date), cached per run."""
    def compute(x: pd.Series) -> np.ndarray:
        days = _day(as_text(x))
        out = days.to_numpy(dtype="datetime64[D]").astype(np.int64).astype(float)
        out[days.isna().to_numpy()] = np.nan
        return out
    return cached(s, "day_number", compute)


def _elements(ctx: EvalContext, op: Operation) -> dict:
    """The SE elements sorted by subject and start, with the previous element's epoch and end
    (computed once per run: every dataset of the rule looks into the same SE)."""
    parts = ctx.study.by_domain("SE")
    if not parts:
        raise NotApplicable(f"operation {op.id}: no SE dataset in the package")
    se = pd.concat([p.frame for p in parts], ignore_index=True)
    for need in ("USUBJID", "SESTDTC", "SEENDTC", "EPOCH"):
        if need not in se.columns:
            raise NotApplicable(f"operation {op.id}: SE has no {need}")
    start, end = _day_numbers(se["SESTDTC"]), _day_numbers(se["SEENDTC"])
    subjects = as_text(se["USUBJID"]).to_numpy(dtype=object)
    keep = ~np.isnan(start)
    subj_codes, subj_index = pd.factorize(subjects[keep], sort=True)  # sorted: the order of the old text sort
    order = np.lexsort((start[keep], subj_codes))  # stable: equal starts keep the SE order
    subj = subj_codes[order]
    epoch = as_text(se["EPOCH"]).to_numpy(dtype=object)[keep][order]
    first = np.r_[True, subj[1:] != subj[:-1]] if len(subj) else np.zeros(0, dtype=bool)
    prev_epoch = np.r_[np.array([None], dtype=object), epoch[:-1]] if len(epoch) else epoch
    prev_end = np.r_[np.nan, end[keep][order][:-1]] if len(epoch) else np.zeros(0)
    prev_epoch = np.where(first, None, prev_epoch)
    prev_end = np.where(first, np.nan, prev_end)
    return {"subjects": pd.Index(subj_index), "subj": subj, "start": start[keep][order], "end": end[keep][order],
            "epoch": epoch, "prev_epoch": prev_epoch, "prev_end": prev_end}


@operation("se_epoch_at")
def se_epoch_at(ctx: EvalContext, op: Operation) -> pd.Series:
    names = op.param("name")
    names = names if isinstance(names, list) else [names]
    col = next((c for c in (ctx.column(n) for n in names) if c is not None), None)
    if col is None:
        raise ColumnMissing(ctx.expand(str(names[0])))
    if "USUBJID" not in ctx.frame.columns:
        raise ColumnMissing("USUBJID")
    if not ctx.study.by_domain("SE"):
        raise NotApplicable(f"operation {op.id}: no SE dataset in the package")
    el = cached(pd.Series(dtype=object), "se_elements", lambda _: _elements(ctx, op), key=(ctx.study.token, "SE", op.id))
    out = np.full(len(ctx.frame), "", dtype=object)
    if not len(el["subj"]):
        return pd.Series(out, index=ctx.frame.index, dtype=object)
    epoch_col = ctx.column(op.param("epoch_variable", "EPOCH"))
    record_epoch = as_text(ctx.series(epoch_col)).to_numpy(dtype=object) if epoch_col is not None else np.full(len(out), "", dtype=object)
    codes, texts = factorized(ctx.series("USUBJID"))  # each distinct subject looked up once
    subj = el["subjects"].get_indexer(texts)[codes] if len(codes) else np.zeros(0, dtype=np.intp)
    when = _day_numbers(ctx.series(col))
    dated = np.flatnonzero((subj >= 0) & ~np.isnan(when))
    if not len(dated):
        return pd.Series(out, index=ctx.frame.index, dtype=object)
    # the latest element of the subject started on or before the date: one searchsorted on
    # (subject, start) keys, as a merge_asof by subject would find it
    lo = float(min(el["start"].min(), np.nanmin(when[dated])))
    width = float(max(el["start"].max(), np.nanmax(when[dated])) - lo + 2)
    ekeys = el["subj"] * width + (el["start"] - lo)
    rkeys = subj[dated] * width + (when[dated] - lo)
    pos = np.searchsorted(ekeys, rkeys, side="right") - 1
    hit = (pos >= 0) & (el["subj"][np.maximum(pos, 0)] == subj[dated])
    dated, pos, w = dated[hit], pos[hit], when[dated][hit]
    end = el["end"][pos]
    inside = np.isnan(end) | (w <= end)
    transition = (w == el["start"][pos]) & (el["prev_end"][pos] == w) & (record_epoch[dated] == el["prev_epoch"][pos])
    epoch = np.where(transition, el["prev_epoch"][pos], el["epoch"][pos])
    out[dated[inside]] = epoch[inside]
    return pd.Series(out, index=ctx.frame.index, dtype=object)
