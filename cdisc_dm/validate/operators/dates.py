"""Date operators over ISO 8601 text (SDTMIG 3.4 section 4.4.2), including partial dates.

Values are split once into year, month, day, hour, minute, second columns (vectorized regex).
Whole values compare with missing components taken as their lowest value (``2018-04`` is
``2018-04-01T00:00:00``), as CORE does (its CORE-000714 test data reports ``2018-04-17`` after
``2018-04``). With ``date_component`` (year, month, ...) the values compare up to that component
and both must have it.

Example::

    - name: AEENDTC
      operator: date_less_than
      value: AESTDTC
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..context import EvalContext
from ..rule import Condition
from ..values import as_text, broadcast, cached
from ._registry import complement, operator
from .comparison import comparator_for

# YYYY[-MM[-DD[Thh[:mm[:ss[.f]]]]]] with optional time zone; also the "--" forms for a missing
# month or day in partial dates (e.g. 2003---15) which SDTMIG allows.
_ISO = (
    r"^(?P<y>\d{4}|-)(?:-(?P<m>\d{2}|-)(?:-(?P<d>\d{2}|-)?)?)?"
    r"(?:T(?P<H>\d{2}|-)(?::(?P<M>\d{2}|-)(?::(?P<S>\d{2}(?:\.\d+)?))?)?)?"
    r"(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_PARTS = ["y", "m", "d", "H", "M", "S"]
_COMPONENT = {"year": 1, "month": 2, "day": 3, "hour": 4, "minute": 5, "second": 6, "microsecond": 6}


def parse_iso(s: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """(components as floats, valid mask). Empty text is not valid; a date part after a gap is dropped."""
    codes, table = iso_table(s)
    parsed = table.iloc[codes]
    parsed.index = s.index
    return parsed[_PARTS], parsed["__valid"].astype(bool)


def iso_table(s: pd.Series) -> tuple[np.ndarray, pd.DataFrame]:
    """(code per record, components and validity of each distinct value) of an ISO 8601 column.

    The run cache keeps the distinct values' parse and a code per record (not 7 floats per record).
    """
    return cached(s, "iso8601", lambda x: _factorized_parse(as_text(x)))


def _factorized_parse(text: pd.Series) -> tuple[np.ndarray, pd.DataFrame]:
    codes, uniques = pd.factorize(text, use_na_sentinel=False)
    return codes, _parse_unique(pd.Series(uniques, dtype=object))


def _parse_unique(raw: pd.Series) -> pd.DataFrame:
    uniq = raw.str.strip()
    parts = uniq.str.extract(_ISO)
    valid = parts["y"].notna() & (uniq != "")
    comp = pd.DataFrame(index=uniq.index)
    for p in _PARTS:
        comp[p] = pd.to_numeric(parts[p], errors="coerce")
    # a component is only meaningful if every larger one is present (no 2003---15 day ordering)
    known = pd.Series(True, index=uniq.index)
    for p in _PARTS:
        known = known & comp[p].notna()
        comp.loc[~known, p] = np.nan
    # range checks: month 1-12, day within month, hour < 24, minute/second < 60
    y, m, d = comp["y"], comp["m"], comp["d"]
    bad = (m.notna() & ((m < 1) | (m > 12))) | (comp["H"] > 23) | (comp["M"] > 59) | (comp["S"] >= 60)
    # days in month, leap years by the Gregorian rule (ISO 8601)
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    month_days = np.array([np.nan, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=float)
    mi = m.where(m.between(1, 12), 0).fillna(0).astype(int).to_numpy()
    maxd = pd.Series(month_days[mi], index=uniq.index) + ((mi == 2) & leap.to_numpy()).astype(float)
    bad = bad | (d.notna() & ((d < 1) | (d > maxd.fillna(31))))
    comp["__valid"] = valid & ~bad.fillna(False)
    comp["__blank"] = (uniq == "").to_numpy(dtype=bool)  # nothing but blanks
    return comp


def _precision(comp: pd.DataFrame) -> pd.Series:
    return comp.notna().sum(axis=1)


def compare_dates(a: pd.Series, b, component: str | None = None) -> tuple[pd.Series, pd.Series]:
    """(sign, comparable): sign -1/0/+1 of a vs b on their common precision; comparable False if either is invalid."""
    ca, va = parse_iso(a)
    bs = b if isinstance(b, pd.Series) else broadcast(b, a.index)
    cb, vb = parse_iso(bs)
    upto = _COMPONENT.get(component or "", 6)
    level = np.minimum(np.minimum(_precision(ca), _precision(cb)), upto)
    sign = np.zeros(len(a))
    decided = np.zeros(len(a), dtype=bool)
    if not component:
        # whole values: a missing component counts as its lowest value (2018-04 is 2018-04-01T00:00),
        # as CORE compares them (CORE-000714's test data reports 2018-04-17 after 2018-04)
        low = {"y": np.nan, "m": 1, "d": 1, "H": 0, "M": 0, "S": 0}
        ca = ca.fillna(low)
        cb = cb.fillna(low)
        level = np.where((_precision(ca) > 0) & (_precision(cb) > 0), 6, 0)
    for k, p in enumerate(_PARTS):
        x, y = ca[p].to_numpy(), cb[p].to_numpy()
        active = (~decided) & (level > k)
        with np.errstate(invalid="ignore"):
            lt = active & (x < y)
            gt = active & (x > y)
        sign[lt] = -1
        sign[gt] = 1
        decided |= lt | gt
    if component and component in _COMPONENT:
        # comparing one component requires both values to have it
        need = _COMPONENT[component]
        comparable = va & vb & (_precision(ca) >= need) & (_precision(cb) >= need)
    else:
        comparable = va & vb & (level > 0)
    return pd.Series(sign, index=a.index), comparable


def _cmp(ctx: EvalContext, cond: Condition, test) -> pd.Series:
    t = ctx.target(cond)
    c = comparator_for(ctx, cond)
    sign, ok = compare_dates(t, c, cond.param("date_component"))
    return ok & test(sign)


@operator("date_equal_to")
def date_equal_to(ctx, cond):
    return _cmp(ctx, cond, lambda s: s == 0)


@operator("date_not_equal_to")
def date_not_equal_to(ctx, cond):
    return _cmp(ctx, cond, lambda s: s != 0)


@operator("date_greater_than")
def date_greater_than(ctx, cond):
    return _cmp(ctx, cond, lambda s: s > 0)


@operator("date_greater_than_or_equal_to")
def date_greater_than_or_equal_to(ctx, cond):
    return _cmp(ctx, cond, lambda s: s >= 0)


@operator("date_less_than")
def date_less_than(ctx, cond):
    return _cmp(ctx, cond, lambda s: s < 0)


@operator("date_less_than_or_equal_to")
def date_less_than_or_equal_to(ctx, cond):
    return _cmp(ctx, cond, lambda s: s <= 0)


@operator("is_complete_date")
def is_complete_date(ctx, cond):
    """A valid date with at least year, month and day."""
    t = ctx.target(cond)
    codes, table = iso_table(t)  # judged once per distinct value
    complete = (table["__valid"].astype(bool) & table["d"].notna()).to_numpy()
    return pd.Series(complete[codes], index=t.index)


complement("is_incomplete_date", "is_complete_date")  # empty, partial or invalid (CORE-000354)


@operator("invalid_date")
def invalid_date(ctx, cond):
    """A non-empty value that is not a valid ISO 8601 date/datetime (partial dates allowed)."""
    t = ctx.target(cond)
    codes, table = iso_table(t)  # judged once per distinct value
    bad = (~table["__blank"].astype(bool) & ~table["__valid"].astype(bool)).to_numpy()
    return pd.Series(bad[codes], index=t.index)


complement("valid_date", "invalid_date")

# ISO 8601 durations: PnYnMnDTnHnMnS or PnW (SDTMIG 3.4 section 4.4.3); decimals only in the last part
_DURATION = r"^(?P<neg>-)?P(?:(?=\d|T\d)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?D)?(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?|\d+(?:[.,]\d+)?W)$"


@operator("invalid_duration")
def invalid_duration(ctx, cond):
    t = as_text(ctx.target(cond)).str.strip()
    m = t.str.extract(_DURATION)
    ok = t.str.match(_DURATION)
    negative_allowed = bool(cond.param("negative", False))
    if not negative_allowed:
        ok = ok & m["neg"].isna()
    return (t != "") & ~ok.fillna(False).astype(bool)
