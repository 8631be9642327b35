"""EPOCH of a record: the epoch of the subject's element (SE) in force at the record's date.

One vectorized implementation for every domain. EPOCH is a timing variable of the general
observation classes (SDTM v2.0); SDTMIG 3.4 section 5.3 (Subject Elements) explains how it
follows from SE: comparing an observation's date with the element transition dates
(SESTDTC, SEENDTC) identifies the element, hence the epoch, the subject was in.

Rules (documented here because the SDTMIG leaves them to the sponsor):

* **Elements are half-open.** SE is contiguous: the SEENDTC of one element equals the
  SESTDTC of the next (SDTMIG 3.4 section 5.3: a subject spends no time between elements).
  A record at an instant belongs to the element whose start is at or before it and whose
  end is after it; the last element of a subject includes its end.
* **Boundary days (``boundary="later"``, the default).** When only a date is known on the
  day one element ends and the next begins, the record belongs to the element that begins
  that day: an element is in force from its start. So a Day 1 record without a time is in
  the treatment epoch. ``boundary="earlier"`` puts it in the element that ends that day
  instead, e.g. for pre-dose findings collected without a time; a subject's first element
  still includes its first day, as nothing precedes it. When both the record and the
  boundary have times, the times decide (09:00 pre-dose vitals before a 10:30 first dose
  are in SCREENING).
* **Partial dates.** A record dated only to the month or year gets an EPOCH only when the
  whole month or year lies within one element (it cannot be placed otherwise); the same
  holds for any record the boundary rule cannot place. A missing or unreadable date, a date
  before the subject's first element (e.g. medical history before consent) or after the end
  of the last element gets no EPOCH: no element of the subject was in force then.

Example::

    epochs = derive_epoch(lb, "LBDTC", se)        # pd.Series aligned with lb.index
    lb = lb.assign(EPOCH=epochs)
"""
from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

__all__ = ["derive_epoch", "iso8601_bounds", "locate_element"]

_ISO = (r"^\s*(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
        r"(?:T(?P<hour>\d{2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<frac>\d+))?)?)?)?)?)?"
        r"(?:Z|[+-]\d{2}(?::?\d{2})?)?\s*$")
_ONE_US = pd.Timedelta(microseconds=1)


def iso8601_bounds(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Earliest and latest instants an ISO 8601 date/time (possibly partial) can denote.

    Returns ``(lo, hi, precision)``: two datetime64 Series and the precision of each
    value (``"Y"``, ``"M"``, ``"D"``, ``"h"``, ``"m"``, ``"s"``), aligned with ``values``.
    Missing, unreadable or impossible values (``2024-02-30``) give NaT and precision NA.
    Time zone offsets are ignored (SDTM dates are local times of the site).

    >>> lo, hi, p = iso8601_bounds(pd.Series(["2024-02", "2024-03-05T10:30"]))
    >>> str(lo[0]), str(hi[0]), p[0]
    ('2024-02-01 00:00:00', '2024-02-29 23:59:59.999999', 'M')
    """
    # Dates repeat a great deal (many records per visit day): parse each distinct text once.
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    u_lo, u_hi, u_precision = _bounds_of_unique(pd.Series(np.asarray(uniques, dtype=object), dtype="object"))
    index = values.index
    return (pd.Series(u_lo.array.take(codes, allow_fill=True), index=index),
            pd.Series(u_hi.array.take(codes, allow_fill=True), index=index),
            pd.Series(u_precision.astype("str").array.take(codes, allow_fill=True), index=index))


def _bounds_of_unique(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    text = values.astype("object").where(values.notna(), None)
    parts = pd.Series(text, index=values.index, dtype="str").str.extract(_ISO)
    num = parts.drop(columns="frac").apply(pd.to_numeric, errors="coerce")
    has = num.notna()
    precision = pd.Series(pd.NA, index=values.index, dtype="object")
    for col, code in (("year", "Y"), ("month", "M"), ("day", "D"), ("hour", "h"), ("minute", "m"), ("second", "s")):
        precision = precision.mask(has[col], code)
    start = pd.DataFrame({
        "year": num["year"], "month": num["month"].fillna(1), "day": num["day"].fillna(1),
        "hour": num["hour"].fillna(0), "minute": num["minute"].fillna(0), "second": num["second"].fillna(0),
    })
    frac = pd.to_numeric("0." + parts["frac"].fillna("0"), errors="coerce").fillna(0.0)
    lo = pd.to_datetime(start, errors="coerce") + pd.to_timedelta((frac * 1e6).round(), unit="us")
    # The latest instant: the end of the last unit that is known.
    # First instant of the next month / next year, by integer arithmetic on (year, month).
    following = num["year"] * 12 + (num["month"].fillna(1) - 1) + 1  # months since year 0, zero-based
    next_month = pd.to_datetime(pd.DataFrame({"year": following // 12, "month": following % 12 + 1, "day": 1}),
                                errors="coerce")
    next_year = pd.to_datetime(pd.DataFrame({"year": num["year"] + 1, "month": 1, "day": 1}), errors="coerce")
    hi = lo.copy()
    step = {
        "Y": next_year,
        "M": next_month,
        "D": lo.dt.normalize() + pd.Timedelta(days=1),
        "h": lo.dt.floor("h") + pd.Timedelta(hours=1),
        "m": lo.dt.floor("min") + pd.Timedelta(minutes=1),
    }
    for code, nxt in step.items():
        sel = precision == code
        hi = hi.mask(sel, nxt - _ONE_US)
    sel = (precision == "s") & parts["frac"].isna()
    hi = hi.mask(sel, lo + pd.Timedelta(seconds=1) - _ONE_US)
    precision = precision.where(lo.notna())
    lo = lo.where(precision.notna())
    hi = hi.where(precision.notna())
    return lo, hi, precision


def locate_element(
    subjects: pd.Series,
    dates: pd.Series,
    se: pd.DataFrame,
    *,
    subject_col: str = "USUBJID",
    boundary: Literal["later", "earlier"] = "later",
    cache: dict | None = None,
) -> np.ndarray:
    """Row position in ``se`` of the element in force at each date, or -1 when it cannot be placed.

    The rules are those of the module docstring; :func:`derive_epoch` is the usual entry point.
    """
    if boundary not in ("later", "earlier"):
        raise ValueError(f"boundary must be 'later' or 'earlier', not {boundary!r}")
    n = len(dates)
    result = np.full(n, -1, dtype=np.int64)
    if n == 0 or len(se) == 0:
        return result
    known, table = _element_table(se, subject_col, boundary, cache)

    lo, hi, precision = iso8601_bounds(pd.Series(dates).reset_index(drop=True))
    fine = precision.isin(["D", "h", "m", "s"]).to_numpy()
    # A date known to the day or better is placed once (at the end of its day for "later",
    # at its start for "earlier"); a coarser date must fall in one element at both ends.
    key_a = np.where(fine, (hi if boundary == "later" else lo).to_numpy(), lo.to_numpy())
    key_b = np.where(fine, key_a, hi.to_numpy())
    subj = known.get_indexer(pd.Series(subjects))
    strict = boundary == "earlier"
    found_a = _asof(subj, key_a, table, strict)
    found_b = _asof(subj, key_b, table, strict)
    same = (found_a == found_b) & (found_a >= 0)
    result[same] = found_a[same]
    if strict:
        # A subject's first element has no element before it: on its first day the record
        # is in it, whatever the boundary rule.
        later = locate_element(subjects, dates, se, subject_col=subject_col, boundary="later", cache=cache)
        result = np.where(result >= 0, result, later)
    return result


def _element_table(se: pd.DataFrame, subject_col: str, boundary: str, cache: dict | None) -> tuple[pd.Index, pd.DataFrame]:
    """(subjects, elements sorted by start) of ``se``, from ``cache`` when the caller keeps one.

    Every dataset of a conversion places its records in the same SE, which is built once and
    then only read: the engine passes one cache for the run, so SE's dates are parsed once, not
    once per dataset. The entry holds ``se`` itself, so its id cannot be reused meanwhile.
    """
    key = ("se-elements", id(se), len(se), subject_col, boundary)
    hit = cache.get(key) if cache is not None else None
    if hit is not None and hit[0] is se:
        return hit[1], hit[2]
    st_lo, st_hi, _ = iso8601_bounds(se["SESTDTC"].reset_index(drop=True))
    if "SEENDTC" in se.columns:
        _, en_hi, _ = iso8601_bounds(se["SEENDTC"].reset_index(drop=True))
    else:
        en_hi = pd.Series(pd.NaT, index=range(len(se)), dtype="datetime64[ns]")
    # Subjects as integer codes shared by both sides: merge_asof's "by" on integers is far
    # cheaper than on millions of strings.
    known = pd.Index(pd.unique(se[subject_col].dropna()))
    table = pd.DataFrame({
        "_subj": known.get_indexer(se[subject_col]),
        "_start": (st_lo if boundary == "later" else st_hi).to_numpy(),
        "_end": en_hi.fillna(pd.Timestamp.max).to_numpy(),
        "_row": np.arange(len(se)),
    })
    table = table[table["_start"].notna() & (table["_subj"] >= 0)].sort_values("_start", kind="stable")
    if cache is not None:
        cache[key] = (se, known, table)
    return known, table


def _asof(subj: np.ndarray, keys: np.ndarray, table: pd.DataFrame, strict: bool) -> np.ndarray:
    out = np.full(len(keys), -1, dtype=np.int64)
    left = pd.DataFrame({"_subj": subj, "_key": pd.to_datetime(keys), "_pos": np.arange(len(keys))})
    left = left[left["_key"].notna() & (left["_subj"] >= 0)].sort_values("_key", kind="stable")
    if left.empty or table.empty:
        return out
    merged = pd.merge_asof(left, table, left_on="_key", right_on="_start", by="_subj",
                           direction="backward", allow_exact_matches=not strict)
    ok = merged["_row"].notna() & (merged["_key"] <= merged["_end"])
    out[merged.loc[ok, "_pos"].to_numpy()] = merged.loc[ok, "_row"].to_numpy().astype(np.int64)
    return out


def derive_epoch(
    frame: pd.DataFrame,
    date_col: str,
    se: pd.DataFrame,
    *,
    subject_col: str = "USUBJID",
    boundary: Literal["later", "earlier"] = "later",
    cache: dict | None = None,
) -> pd.Series:
    """EPOCH at each record's ``date_col`` (ISO 8601 text), from the subject's SE records.

    ``se`` needs USUBJID, SESTDTC, SEENDTC and EPOCH. The result is aligned with
    ``frame.index``; records that cannot be placed (see the module docstring) are missing.
    ``cache``: a dict kept across calls on the same (unchanged) ``se``, which then parses
    SE's dates once.

    >>> se = pd.DataFrame({"USUBJID": ["S1", "S1"], "SESTDTC": ["2024-01-02", "2024-01-10"],
    ...                    "SEENDTC": ["2024-01-10", "2024-04-03"], "EPOCH": ["SCREENING", "BLINDED TREATMENT"]})
    >>> derive_epoch(pd.DataFrame({"USUBJID": ["S1"], "LBDTC": ["2024-01-10"]}), "LBDTC", se).tolist()
    ['BLINDED TREATMENT']
    """
    for col in (subject_col, date_col):
        if col not in frame.columns:
            raise KeyError(f"derive_epoch: the frame has no column {col!r} (columns: {list(frame.columns)})")
    for col in (subject_col, "SESTDTC", "EPOCH"):
        if col not in se.columns:
            raise KeyError(f"derive_epoch: SE has no column {col!r} (columns: {list(se.columns)})")
    from ..mapping.algorithms._text import distinct_rows

    # the element depends on the subject and the date alone: each distinct pair is placed once
    # (a findings domain has millions of records on a few thousand subject-days)
    codes, first = distinct_rows(frame[subject_col], frame[date_col])
    rows = locate_element(frame[subject_col].iloc[first], frame[date_col].iloc[first], se,
                          subject_col=subject_col, boundary=boundary, cache=cache)[codes]
    epochs = se["EPOCH"].astype("str").array
    return pd.Series(epochs.take(rows, allow_fill=True), index=frame.index, name="EPOCH")
