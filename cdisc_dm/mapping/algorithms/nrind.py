"""``nrind``: --NRIND, the reference range indicator, from the standard result and range.

SDTMIG 3.4 section 6.3.5.5 (LB) and codelist NRIND (C78736): LOW, NORMAL, HIGH for a numeric
result against --STNRLO/--STNRHI; for a qualitative result, NORMAL when it equals the test's
normal value (e.g. NEGATIVE) and ABNORMAL otherwise. A censored result (``<0.50``, ``>3000``)
is classified only when its limit decides it (``>3000`` with upper limit 200 is HIGH,
``<1.0`` with no lower limit and upper limit 8.1 is NORMAL); otherwise it stays empty. A
range whose lower limit is above its upper limit is an Issue (MAP-RANGE-INVERTED) with file,
raw row and the two limits, and gives no indicator.

Example::

    LBNRIND: {nrind: {number: LBSTRESN, text: LBSTRESC, low: LBSTNRLO, high: LBSTNRHI, normal: _NORMAL}}
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..context import Context
from ..params import Ref
from ..registry import register
from ._text import clean_text
from .convert_units import format_numbers, parse_results

__all__ = ["NrindParams", "nrind", "reference_indicator"]


@dataclass(frozen=True)
class NrindParams:
    number: Ref = field(metadata={"doc": "the numeric standard result (--STRESN)"})
    text: Ref = field(metadata={"doc": "the character standard result (--STRESC), for censored and qualitative results"})
    low: Ref = field(metadata={"doc": "the standard lower limit (--STNRLO)"})
    high: Ref = field(metadata={"doc": "the standard upper limit (--STNRHI)"})
    normal: Ref | None = field(default=None, metadata={"doc": "the normal value of a qualitative test (e.g. NEGATIVE)"})
    report: bool = field(default=True, metadata={"doc": "report inverted ranges (low > high) as Issues"})


def reference_indicator(number, text, low, high, normal=None) -> tuple[pd.Series, np.ndarray]:
    """(indicator per record, mask of inverted ranges).

    >>> ind, bad = reference_indicator(pd.Series([5.0, 50.0, np.nan, np.nan, np.nan]),
    ...     pd.Series(["5", "50", ">3000", "POSITIVE", "<1"]), pd.Series([10.0, 10, 10, np.nan, np.nan]),
    ...     pd.Series([40.0, 40, 200, np.nan, 8.1]), pd.Series([None, None, None, "NEGATIVE", None]))
    >>> ind.tolist()
    ['LOW', 'HIGH', 'HIGH', 'ABNORMAL', 'NORMAL']
    """
    x = pd.to_numeric(pd.Series(number), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    lo = pd.to_numeric(pd.Series(low), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    hi = pd.to_numeric(pd.Series(high), errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    op, bound, txt = parse_results(pd.Series(text))
    op = op.to_numpy(dtype=object, na_value=None)
    has_lo, has_hi = ~np.isnan(lo), ~np.isnan(hi)
    inverted = has_lo & has_hi & (lo > hi)
    out = np.full(len(x), None, dtype=object)
    # plain numbers: below the low limit LOW, above the high limit HIGH, otherwise NORMAL (needs a limit)
    num = ~np.isnan(x) & (has_lo | has_hi)
    with np.errstate(invalid="ignore"):
        out[num] = "NORMAL"
        out[num & has_lo & (x < lo)] = "LOW"
        out[num & has_hi & (x > hi)] = "HIGH"
        # censored: "<v" means the value is below v, ">v" above v
        less = np.isin(op, ["<", "<="]) & ~np.isnan(bound)
        more = np.isin(op, [">", ">="]) & ~np.isnan(bound)
        out[less & has_lo & (bound <= lo)] = "LOW"
        out[less & ~has_lo & has_hi & (bound <= hi)] = "NORMAL"
        out[more & has_hi & (bound >= hi)] = "HIGH"
        out[more & ~has_hi & has_lo & (bound >= lo)] = "NORMAL"
    if normal is not None:
        norm = clean_text(pd.Series(normal)).str.upper()
        qual = (norm.notna() & txt.notna() & pd.Series(op).isna().to_numpy()).to_numpy()
        same = (txt.str.upper() == norm).fillna(False).to_numpy()
        out[qual] = np.where(same[qual], "NORMAL", "ABNORMAL")
    out[inverted] = None
    return pd.Series(out, dtype="str"), inverted


@register("nrind", NrindParams, origin="Derived",
          method="LOW if {number} < {low}, HIGH if {number} > {high}, else NORMAL; censored results ({text} '<x'/'>x') "
                 "only when the limit decides; qualitative: NORMAL if {text} equals the test's normal value, else ABNORMAL.")
def nrind(ctx: Context, p: NrindParams) -> pd.Series:
    """Reference range indicator from {number}/{text} and {low}-{high}."""
    frame = ctx.frame
    out, inverted = reference_indicator(frame[p.number], frame[p.text], frame[p.low], frame[p.high],
                                        frame[p.normal] if p.normal is not None else None)
    out.index = frame.index
    if p.report:
        mask = ctx.mask if ctx.mask is not None else np.ones(len(frame), bool)
        lo = format_numbers(pd.to_numeric(frame[p.low], errors="coerce").to_numpy(dtype="float64", na_value=np.nan))
        hi = format_numbers(pd.to_numeric(frame[p.high], errors="coerce").to_numpy(dtype="float64", na_value=np.nan))
        label = pd.Series((lo.fillna("") + " > " + hi.fillna("")).to_numpy(), index=frame.index)
        ctx.issues_by_value(
            "MAP-RANGE-INVERTED",
            f"reference range {p.low} > {p.high}: {{value}} ({{count}} records, raw rows {{rows}}); the lower limit is above the upper limit, no {ctx.target or 'indicator'} derived",
            inverted & mask, label)
    return out
