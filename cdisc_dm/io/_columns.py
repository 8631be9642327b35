"""Column checks shared by the writers: a Num column as float64, a Char column as strings.

Both writers (XPT and Dataset-JSON) must refuse the same bad input with the same message,
so the type checks live here once. Every failure is an ``OutputError`` naming the
dataset, the variable, the 1-based row and the value::

    out/ae.xpt, row 3, variable AESEQ: dataset AE: is type Num but row 3 holds '3a' (str); ...

SAS dates count days from 1960-01-01 and SAS datetimes count seconds from
1960-01-01T00:00:00 (SAS Language Reference: Concepts, "SAS Date, Time, and Datetime
Values"); a datetime64 column in a Num variable is converted by its display format.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd

from ..dataset import Dataset, Variable
from ..errors import Location, OutputError

SAS_EPOCH = pd.Timestamp("1960-01-01")

# A SAS format reference: optional name (may contain digits but ends in a letter or
# underscore, e.g. E8601DA), optional width, the period, optional decimals.
_FORMAT_RE = re.compile(r"(?P<name>\$?[A-Z_](?:[A-Z0-9_]*[A-Z_])?)?(?P<width>\d*)\.(?P<decimals>\d*)")
# SAS format names by the kind of value they display (SAS Formats and Informats: Reference)
_DATE_FORMATS = frozenset({"DATE", "E8601DA", "IS8601DA", "B8601DA", "YYMMDD", "MMDDYY", "DDMMYY", "WORDDATE",
                           "WEEKDATE", "MONYY", "YYMM", "YYQ", "NLDATE"})
_DATETIME_FORMATS = frozenset({"DATETIME", "E8601DT", "IS8601DT", "B8601DT", "DATEAMPM", "NLDATM"})
_TIME_FORMATS = frozenset({"TIME", "E8601TM", "IS8601TM", "B8601TM", "TOD", "HHMM", "NLTIME"})


def fail(ds: Dataset, path: Path, message: str, *, variable: str | None = None, row: int | None = None,
         hint: str | None = None) -> NoReturn:
    raise OutputError(f"dataset {ds.name}: {message}", Location(file=path, row=row, variable=variable), hint=hint)


def show(value: object, limit: int = 60) -> str:
    """repr of a value, shortened for a one-line message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def first_row(mask: np.ndarray) -> int:
    """0-based position of the first True."""
    return int(np.flatnonzero(mask)[0])


def parse_display_format(ds: Dataset, path: Path, var: Variable) -> tuple[str, int, int]:
    """``"DATE9."`` -> ``("DATE", 9, 0)``; ``"8.2"`` -> ``("", 8, 2)``; None -> ``("", 0, 0)``."""
    fmt = var.display_format
    if not fmt:
        return "", 0, 0
    match = _FORMAT_RE.fullmatch(fmt.strip().upper())
    name = (match.group("name") or "") if match else ""
    if not match or len(name) > 8:
        fail(ds, path, f"display format {fmt!r} is not a SAS format reference such as DATE9. or 8.2 "
             "(name of at most 8 characters, width, period, decimals)", variable=var.name)
    return name, int(match.group("width") or 0), int(match.group("decimals") or 0)


def format_kind(format_name: str) -> str | None:
    """"date", "datetime" or "time" for SAS temporal formats, else None."""
    if format_name in _DATE_FORMATS:
        return "date"
    if format_name in _DATETIME_FORMATS:
        return "datetime"
    if format_name in _TIME_FORMATS:
        return "time"
    return None


def numeric_values(ds: Dataset, path: Path, var: Variable, series: pd.Series) -> np.ndarray:
    """The column as float64 (NaN = missing), or OutputError at the first value that is not a number."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        fail(ds, path, "is type Num but holds booleans; store flags as Char 'Y'/'N' or as 1/0 numbers",
             variable=var.name, row=1)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return _datetime_values(ds, path, var, series)
    if pd.api.types.is_timedelta64_dtype(dtype):
        return series.dt.total_seconds().to_numpy(dtype=np.float64, na_value=np.nan)
    if pd.api.types.is_integer_dtype(dtype):
        ints = series.to_numpy(dtype=np.float64, na_value=np.nan)
        big = np.abs(ints) > 2.0**53
        if big.any():
            row = first_row(big)
            fail(ds, path, f"integer {series.iloc[row]!r} is larger than 2**53 and would lose digits as a "
                 "double-precision number", variable=var.name, row=row + 1)
        return ints
    if pd.api.types.is_float_dtype(dtype):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    # object or string dtype: accept only real numbers and missing values
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind in ("integer", "floating", "mixed-integer-float", "decimal", "empty"):
        return pd.to_numeric(series).to_numpy(dtype=np.float64, na_value=np.nan)
    if kind in ("date", "datetime", "datetime64"):  # datetime.date / datetime objects, e.g. from Arrow date32
        return _datetime_values(ds, path, var, pd.to_datetime(series))
    # error path only: find the first value that is not a number
    is_number = series.map(lambda v: isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool))
    row = first_row(series.notna().to_numpy() & ~is_number.to_numpy(dtype=bool))
    value = series.iloc[row]
    fail(ds, path, f"is type Num but row {row + 1} holds {show(value)} ({type(value).__name__}); "
         "a Num variable must hold numbers or missing values", variable=var.name, row=row + 1,
         hint="declare the variable as Char or convert the column to numbers")


def _datetime_values(ds: Dataset, path: Path, var: Variable, series: pd.Series) -> np.ndarray:
    kind = format_kind(parse_display_format(ds, path, var)[0])
    stamps = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) is not None else series
    seconds = (stamps - SAS_EPOCH).dt.total_seconds().to_numpy(dtype=np.float64, na_value=np.nan)
    if kind == "datetime":
        return seconds
    if kind == "time":
        fail(ds, path, f"holds date-times but its display format {var.display_format!r} is a time format",
             variable=var.name)
    days = seconds / 86400.0
    partial = ~np.isnan(days) & (days != np.floor(days))
    if partial.any():
        row = first_row(partial)
        fail(ds, path, f"holds the date-time {series.iloc[row]} but is written as a SAS date "
             f"(display format {var.display_format!r}); the time of day would be lost",
             variable=var.name, row=row + 1, hint="give it a datetime format such as DATETIME20. or drop the time")
    return days


def _text_categories(dtype: object) -> bool:
    return isinstance(dtype, pd.CategoricalDtype) and dtype.categories.dtype != object and \
        pd.api.types.is_string_dtype(dtype.categories.dtype)


def char_values(ds: Dataset, path: Path, var: Variable, series: pd.Series) -> pd.Series:
    """The column as strings with NA kept, or OutputError at the first value that is not a string.

    A categorical of text stays categorical (:func:`text_codes` reads its codes as they are)."""
    if _text_categories(series.dtype):
        return series
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        return series
    if series.dtype == object:
        if pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
            return series
        # error path only: find the first value that is not a string
        bad = series.notna().to_numpy() & ~series.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    else:
        bad = series.notna().to_numpy()
    if not bad.any():  # e.g. an all-missing float column declared Char
        return pd.Series([None] * len(series), index=series.index, dtype=object)
    row = first_row(bad)
    value = series.iloc[row]
    fail(ds, path, f"is type Char but row {row + 1} holds {show(value)} ({type(value).__name__}); "
         "a Char variable must hold strings or missing values", variable=var.name, row=row + 1,
         hint="convert the column to text in the mapping, or declare the variable as Num")


def text_codes(text: pd.Series, cache: dict | None = None, key: str | None = None) -> tuple[np.ndarray, pd.Series]:
    """``(code per row, distinct values)`` of a text column from :func:`char_values`: code -1 is
    NA, code ``i`` the ``i``-th distinct value (those occurring only; any order).

    Both writers encode each distinct value once and give every record its value's bytes by
    code; ``cache`` (one dict per dataset, keyed by variable name) lets the XPT and the
    Dataset-JSON writer of the same dataset share the work. A categorical's codes are used as
    they are (categories no record uses are left out: they must not widen the XPT column).

    >>> codes, distinct = text_codes(pd.Series(["b", None, "b", "a"], dtype="str"))
    >>> codes.tolist(), distinct.tolist()
    ([0, -1, 0, 1], ['b', 'a'])
    """
    if cache is not None and key in cache:
        return cache[key]
    if _text_categories(text.dtype):
        codes = text.cat.codes.to_numpy().astype(np.int32)
        categories = text.cat.categories
        used = np.bincount(codes[codes >= 0], minlength=len(categories)) > 0
        if not used.all():
            renumber = np.cumsum(used) - 1
            codes = np.where(codes >= 0, renumber[np.maximum(codes, 0)], -1).astype(np.int32)
            categories = categories[used]
        distinct = pd.Series(np.asarray(categories, dtype=object), dtype=categories.dtype)
    else:
        codes, uniques = pd.factorize(text, use_na_sentinel=True)
        codes = codes.astype(np.int32)  # half the memory of the default: a column has far fewer distinct values
        distinct = pd.Series(uniques, dtype=text.dtype if text.dtype != object else object)
    if cache is not None:
        cache[key] = (codes, distinct)
    return codes, distinct
