"""Typed source values (SAS numbers and dates, Excel cells) rendered as text, losslessly.

Raw tables are text only, so typed sources are rendered once, here, by one rule:

* a number that is a whole number (and exactly representable, ``|x| < 2**53``) is
  written without a decimal part: ``3.0`` -> ``"3"``;
* any other number is written as the shortest text that reads back to the same
  double (Python/numpy ``repr``): ``0.1`` -> ``"0.1"``, ``1e-20`` -> ``"1e-20"``;
* a SAS date (a date format such as DATE9. or YYMMDD10.) is written as ISO 8601
  ``YYYY-MM-DD``, a SAS datetime as ``YYYY-MM-DDThh:mm:ss`` (with a fraction only
  when there is one), a SAS time as ``hh:mm:ss``. ISO 8601 is chosen over the SAS
  display text (``15MAR2021``) because it is unambiguous and it is what SDTM needs
  (SDTMIG 3.4 §4.4); the declared format is kept in ``RawTable.formats``. A value
  the rule cannot render exactly (a fractional day count) stays a number;
* missing (``.``, NaN, SAS special missing) is NA.

>>> number_text(np.array([3.0, 0.1, np.nan])).tolist()
['3', '0.1', None]
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["number_text", "sas_date_text", "sas_kind", "SAS_EPOCH"]

SAS_EPOCH = np.datetime64("1960-01-01T00:00:00", "s")
_EXACT = 2.0**53

_DATE = {
    "DATE", "DAY", "DDMMYY", "DDMMYYB", "DDMMYYC", "DDMMYYD", "DDMMYYN", "DDMMYYP", "DDMMYYS",
    "DOWNAME", "JULDAY", "JULIAN", "MMDDYY", "MMDDYYB", "MMDDYYC", "MMDDYYD", "MMDDYYN", "MMDDYYP",
    "MMDDYYS", "MMYY", "MMYYC", "MMYYD", "MMYYN", "MMYYP", "MMYYS", "MONNAME", "MONTH", "MONYY",
    "NENGO", "QTR", "QTRR", "WEEKDATE", "WEEKDATX", "WEEKDAY", "WORDDATE", "WORDDATX", "YEAR",
    "YYMM", "YYMMC", "YYMMD", "YYMMN", "YYMMP", "YYMMS", "YYMMDD", "YYMMDDB", "YYMMDDC", "YYMMDDD",
    "YYMMDDN", "YYMMDDP", "YYMMDDS", "YYMON", "YYQ", "YYQC", "YYQD", "YYQN", "YYQP", "YYQS", "YYQR",
    "E8601DA", "B8601DA", "NLDATE", "MINGUO", "IS8601DA",
}
_DATETIME = {
    "DATETIME", "DATEAMPM", "DTDATE", "DTMONYY", "DTWKDATX", "DTYEAR", "DTYYQC", "MDYAMPM",
    "E8601DT", "B8601DT", "E8601DN", "E8601DZ", "B8601DZ", "NLDATM", "IS8601DT", "IS8601DN",
}
_TIME = {"TIME", "TIMEAMPM", "TOD", "HHMM", "HOUR", "MMSS", "E8601TM", "B8601TM", "E8601TZ", "NLTIME", "IS8601TM"}


def sas_kind(sas_format: str | None) -> str | None:
    """``"date"``, ``"datetime"``, ``"time"`` or None for a SAS format name like ``DATE9.``."""
    if not sas_format:
        return None
    text = sas_format.strip().upper()
    m = re.match(r"^([A-Z_]+(?:8601[A-Z]+)?)", text)
    if not m:
        return None
    name = m.group(1)
    if name in _DATE:
        return "date"
    if name in _DATETIME:
        return "datetime"
    if name in _TIME:
        return "time"
    return None


def number_text(values: np.ndarray) -> np.ndarray:
    """Object array of text (None where missing) for float values, by the rule above."""
    v = np.asarray(values, dtype=np.float64)
    out = np.full(v.shape, None, dtype=object)
    present = ~np.isnan(v)
    whole = present & (np.abs(np.where(present, v, 0)) < _EXACT) & (np.floor(np.where(present, v, 0)) == np.where(present, v, 0))
    out[whole] = v[whole].astype(np.int64).astype(str).astype(object)
    other = present & ~whole
    if other.any():
        out[other] = np.array([repr(float(x)) for x in v[other]], dtype=object)
    return out


def sas_date_text(values: np.ndarray, kind: str) -> np.ndarray:
    """ISO 8601 text for SAS date (days), datetime (seconds) or time (seconds) numbers."""
    v = np.asarray(values, dtype=np.float64)
    out = number_text(v)
    present = ~np.isnan(v)
    safe = np.where(present, v, 0.0)
    if kind == "date":
        ok = present & (np.floor(safe) == safe) & (np.abs(safe) < 3e6)
        days = safe[ok].astype(np.int64).astype("timedelta64[D]")
        out[ok] = np.datetime_as_string(SAS_EPOCH.astype("datetime64[D]") + days, unit="D").astype(object)
    elif kind in ("datetime", "time"):
        limit = 86400 if kind == "time" else 1e11
        ok = present & (safe >= 0 if kind == "time" else np.abs(safe) < limit) & (safe < limit)
        ms = np.round(safe[ok] * 1000)
        exact = ms / 1000 == safe[ok]
        idx = np.flatnonzero(ok)[exact]
        ms = ms[exact].astype(np.int64)
        base = SAS_EPOCH if kind == "datetime" else np.datetime64("1970-01-01T00:00:00", "s")
        stamps = base.astype("datetime64[ms]") + ms.astype("timedelta64[ms]")
        whole = ms % 1000 == 0
        text = np.where(
            whole,
            np.datetime_as_string(stamps.astype("datetime64[s]"), unit="s"),
            np.datetime_as_string(stamps, unit="ms"),
        ).astype(object)
        if kind == "time":
            text = pd.Series(text, dtype=object).str.slice(11).to_numpy(dtype=object)
        out[idx] = text
    return out
