"""``seq``: --SEQ, a number unique per subject, following the spec's ``sort`` keys.

SDTMIG 3.4 section 4.1.9: --SEQ is unique within a domain for a subject. The engine computes
``seq`` steps after every other variable, so the sort keys can be any variable of the spec.

Example::

    AESEQ: {seq: {}}
    LBSEQ: {seq: {by: [USUBJID]}}
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..context import Context
from ..registry import register


@dataclass(frozen=True)
class SeqParams:
    by: tuple[str, ...] = field(default=("USUBJID",), metadata={"doc": "variables within which numbering restarts"})


def sort_order(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Positions of records in key order (stable: ties keep the raw order; missing values last)."""
    if not keys:
        return np.arange(len(frame))
    # only the key columns are sorted (the record frame may be wide)
    return frame[keys].reset_index(drop=True).sort_values(keys, kind="mergesort", na_position="last").index.to_numpy()


@register("seq", SeqParams, origin="Derived", method="Sequential number of the record within {by}, in the order of the dataset's sort keys.")
def seq(ctx: Context, p: SeqParams) -> pd.Series:
    """Number records 1..n within each {by}, in sort-key order."""
    keys = list(p.by) + [k for k in ctx.sort if k not in p.by and k in ctx.frame.columns and k != ctx.target]
    order = sort_order(ctx.frame, keys)
    ranked = ctx.frame[list(p.by)].iloc[order]
    n = ranked.groupby(list(p.by), sort=False, dropna=False).cumcount().to_numpy() + 1
    out = np.empty(len(order), dtype="float64")
    out[order] = n
    return pd.Series(out, index=ctx.frame.index)
