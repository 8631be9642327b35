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
from ..values import as_text, map_unique
from ._registry import operation


def _day(text: pd.Series) -> pd.Series:
    """datetime64 of the first 10 characters when they are a full date, NaT otherwise."""
    return map_unique(text, _day_of_unique)  # once per distinct date text


def _day_of_unique(text: pd.Series) -> pd.Series:
    head = text.str.slice(0, 10)
    ok = head.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
    return pd.to_datetime(head.where(ok), format="%Y-%m-%d", errors="coerce")


@operation("se_epoch_at")
def se_epoch_at(ctx: EvalContext, op: Operation) -> pd.Series:
    names = op.param("name")
    names = names if isinstance(names, list) else [names]
    col = next((c for c in (ctx.column(n) for n in names) if c is not None), None)
    if col is None:
        raise ColumnMissing(ctx.expand(str(names[0])))
    if "USUBJID" not in ctx.frame.columns:
        raise ColumnMissing("USUBJID")
    parts = ctx.study.by_domain("SE")
    if not parts:
        raise NotApplicable(f"operation {op.id}: no SE dataset in the package")
    se = pd.concat([p.frame for p in parts], ignore_index=True)
    for need in ("USUBJID", "SESTDTC", "SEENDTC", "EPOCH"):
        if need not in se.columns:
            raise NotApplicable(f"operation {op.id}: SE has no {need}")
    elements = pd.DataFrame({
        "USUBJID": as_text(se["USUBJID"]), "start": _day(as_text(se["SESTDTC"])),
        "end": _day(as_text(se["SEENDTC"])), "epoch": as_text(se["EPOCH"]),
    }).dropna(subset=["start"]).sort_values(["USUBJID", "start"], kind="stable")
    by_subject = elements.groupby("USUBJID", sort=False)
    elements["prev_epoch"] = by_subject["epoch"].shift(1)
    elements["prev_end"] = by_subject["end"].shift(1)
    epoch_col = ctx.column(op.param("epoch_variable", "EPOCH"))
    record_epoch = as_text(ctx.frame[epoch_col]) if epoch_col is not None else pd.Series("", index=ctx.frame.index)
    records = pd.DataFrame({"USUBJID": as_text(ctx.frame["USUBJID"]), "when": _day(as_text(ctx.frame[col])),
                            "pos": np.arange(len(ctx.frame)), "record_epoch": record_epoch.to_numpy()})
    dated = records.dropna(subset=["when"])
    out = np.full(len(ctx.frame), "", dtype=object)
    if dated.empty or elements.empty:
        return pd.Series(out, index=ctx.frame.index, dtype=object)
    # merge_asof needs both sides sorted on the date; stable sorts keep the result deterministic
    left = dated.sort_values("when", kind="stable")
    right = elements.sort_values(["start", "USUBJID"], kind="stable")
    hit = pd.merge_asof(left, right, left_on="when", right_on="start", by="USUBJID", direction="backward")
    inside = hit["epoch"].notna() & (hit["end"].isna() | (hit["when"] <= hit["end"]))
    transition = (hit["when"] == hit["start"]) & (hit["prev_end"] == hit["when"]) & (hit["record_epoch"] == hit["prev_epoch"])
    epoch = hit["epoch"].where(~transition, hit["prev_epoch"])
    out[hit.loc[inside, "pos"].to_numpy()] = epoch[inside].to_numpy()
    return pd.Series(out, index=ctx.frame.index, dtype=object)
