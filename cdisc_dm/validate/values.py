"""Vectorized value helpers shared by the operators: emptiness, text and number views, tolerant equality.

Numeric equality uses a RELATIVE TOLERANCE of 1e-9: ``a == b`` when
``|a - b| <= 1e-9 * max(|a|, |b|)``. Values written by SAS as binary doubles (4.199999999999999)
and their character rendering ('4.2') therefore compare equal, while any difference a person can
see in 9 or fewer significant digits still counts (0.1 vs 0.1000001 differ). CORE 0.16 compares
the raw doubles and reports such pairs; see docs/validation.md.

Example::

    numbers_equal(pd.Series([4.199999999999999]), 4.2)   # [True]
    as_text(pd.Series([62.0, 1.5]))                      # ["62", "1.5"]
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["cached", "keyed", "keyed_buffer", "key_of", "column_series", "clear_cache", "seed_cache", "distinct_objects", "map_unique", "REL_TOL", "GROUPS_ATTR", "is_empty", "is_empty_scalar", "as_text", "factorized", "to_number", "numbers_equal", "is_numeric_like", "broadcast"]

REL_TOL = 1e-9
GROUPS_ATTR = "cdisc_dm_groups"  # (code per record, distinct objects) of a per-group list column


def is_empty_scalar(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and np.isnan(v):
        return True
    if isinstance(v, str) and v == "":
        return True
    try:
        return bool(pd.isna(v)) if not isinstance(v, (list, tuple, set, dict, np.ndarray)) else False
    except (TypeError, ValueError):
        return False


def is_empty(s: pd.Series) -> pd.Series:
    """True where a value is missing: NaN/None or the empty string.

    A value of blanks is NOT empty (CORE reports ``"  "`` in a flag as a value other than 'Y').
    """
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return s.isna()
    return cached(s, "empty", lambda x: x.isna() | (x == ""))


def _fmt_number(x: float) -> str:
    if np.isnan(x):
        return ""
    if float(x).is_integer() and abs(x) < 1e16:
        return str(int(x))
    return format(float(f"{x:.12g}"), "g") if abs(x) >= 1e-4 else repr(float(x))


def as_text(s: pd.Series) -> pd.Series:
    """Values as text; numbers written without trailing zeros (62.0 -> "62"), missing as ""."""
    return cached(s, "text", _as_text)


def _as_text(s: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(s):
        return s.map(lambda b: "true" if b else "false")
    if pd.api.types.is_numeric_dtype(s):
        # each distinct number rendered once; records share its str (a 7M-record column holds a
        # few thousand distinct values, and millions of equal str objects would cost ~50 bytes each)
        codes, uniq = pd.factorize(s.to_numpy(dtype=float, na_value=np.nan))  # NaN -> -1
        texts = np.empty(len(uniq) + 1, dtype=object)
        texts[:-1] = [_fmt_number(u) for u in uniq.tolist()]
        texts[-1] = ""
        return pd.Series(texts[codes], index=s.index, dtype=object)
    if isinstance(s.dtype, pd.StringDtype):  # every value is a str or missing: no per-value work
        return pd.Series(s.to_numpy(dtype=object, na_value=""), index=s.index, dtype=object)
    out = s.astype(object).where(s.notna(), "")
    if pd.api.types.infer_dtype(out, skipna=False) == "string":  # the usual case: no per-value work
        return out
    # mixed values: rendered once per distinct value
    return map_unique(out, lambda u: u.map(lambda v: v if isinstance(v, str) else (_fmt_number(v) if isinstance(v, float) else str(v))))


def factorized(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code per record, distinct texts) of :func:`as_text` of ``s``; cached per column for the run."""
    def compute(x: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        codes, uniques = pd.factorize(as_text(x).to_numpy(dtype=object))
        return codes, np.asarray(uniques, dtype=object)
    return cached(s, "factorized", compute)


def to_number(s: pd.Series) -> pd.Series:
    """Numbers where the value is one (text is parsed), NaN elsewhere."""
    if pd.api.types.is_bool_dtype(s):
        return pd.Series(np.nan, index=s.index)
    if pd.api.types.is_numeric_dtype(s):
        return s.astype(float)
    return cached(s, "number", _text_to_number)


def _text_to_number(s: pd.Series) -> pd.Series:
    # parsed once per distinct value
    def parse(u: pd.Series) -> np.ndarray:
        text = u.map(lambda v: v.strip() if isinstance(v, str) else v)
        return pd.to_numeric(text.where(text.notna(), ""), errors="coerce").astype(float).to_numpy()

    return pd.Series(map_unique(s.astype(object), parse).to_numpy(dtype=float), index=s.index)


def is_numeric_like(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float, np.integer, np.floating)):
        return True
    if isinstance(v, pd.Series):
        return pd.api.types.is_numeric_dtype(v) and not pd.api.types.is_bool_dtype(v)
    return False


def numbers_equal(a: pd.Series | float, b: pd.Series | float) -> np.ndarray:
    """Element-wise equality of floats within the relative tolerance; NaN never equals."""
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    with np.errstate(invalid="ignore"):
        return (x == y) | (np.abs(x - y) <= REL_TOL * np.maximum(np.abs(x), np.abs(y)))


def broadcast(value: Any, index: pd.Index) -> pd.Series:
    """A scalar or a list-like of the frame's length as a Series on ``index``."""
    if isinstance(value, pd.Series):
        return value.reindex(index) if not value.index.equals(index) else value
    return pd.Series([value] * len(index), index=index, dtype=object)


def map_unique(s: pd.Series, fn) -> pd.Series | pd.DataFrame:
    """Apply a vectorized ``fn`` to the distinct values of ``s`` only and spread the result back.

    Dataset columns repeat few distinct values (dates, codes, units): work is done once per value.
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=False)
    res = fn(pd.Series(uniques, dtype=object))
    if isinstance(res, pd.DataFrame):
        out = res.iloc[codes]
        out.index = s.index
        return out
    return pd.Series(np.asarray(res, dtype=object)[codes] if res.dtype == object else np.asarray(res)[codes], index=s.index)


def distinct_objects(values: pd.Series) -> tuple[np.ndarray, list]:
    """(code per record, the distinct objects) by identity, for columns of per-record lists.

    A grouped operation puts the SAME list object on every record of a group, so work done once
    per object (a set built, a length taken) replaces work per record.
    """
    arr = values.to_numpy(dtype=object)
    ids = np.fromiter((id(v) for v in arr), dtype=np.int64, count=len(arr))
    codes, uniq = pd.factorize(ids)
    first = np.empty(len(uniq), dtype=np.int64)
    first[codes[::-1]] = np.arange(len(arr) - 1, -1, -1)
    return codes, [arr[i] for i in first.tolist()]


_CACHE: dict[tuple, Any] = {}
_KEYED: dict[int, tuple[pd.Series, tuple]] = {}  # id -> (the canonical column Series, its key)


def keyed(s: pd.Series, key: tuple) -> pd.Series:
    """Register ``s`` as THE Series of a dataset column (``key`` = (run, dataset, column)).

    Derived views are cached per run for registered Series only. The registration is by object
    identity, not by ``attrs``: pandas copies ``attrs`` onto every derived Series (a stripped or
    sliced copy would otherwise be mistaken for the column). The registry holds the Series, so
    its ``id`` cannot be reused while the run lasts.
    """
    _KEYED[id(s)] = (s, key)
    return s


_COLUMNS: dict[tuple, pd.Series] = {}


def column_series(key: tuple, make) -> pd.Series:
    """The one registered Series of a dataset column for this run (``make()`` builds it once)."""
    s = _COLUMNS.get(key)
    if s is None:
        s = _COLUMNS[key] = keyed(make(), key)
    return s


_BUFFERS: dict[tuple, tuple[np.ndarray, tuple]] = {}  # memory of a column -> (its array, its key)


def _buffer_of(s: pd.Series) -> tuple | None:
    """Where a numpy-backed Series' values live (address, shape, strides, dtype), else None."""
    if not isinstance(s.dtype, np.dtype):
        return None
    a = s.to_numpy(copy=False)
    return a.__array_interface__["data"][0], a.shape, a.strides, a.dtype.str


def keyed_buffer(s: pd.Series, key: tuple) -> None:
    """Register the MEMORY of ``s`` under ``key``: every Series viewing the same values (a frame
    column fetched again, a shallow copy of the frame) is then that column for :func:`cached`.

    Used for a matched dataset's values spread onto the records (DM.RFSTDTC on every LB record):
    the same array serves each rule of the run. The registry keeps the array alive, so no other
    array can take its address while the run lasts; the frames are never written in place.
    """
    where = _buffer_of(s)
    if where is not None:
        _BUFFERS[where] = (s.to_numpy(copy=False), key)


def key_of(s: pd.Series) -> tuple | None:
    hit = _KEYED.get(id(s))
    if hit is not None and hit[0] is s:
        return hit[1]
    if _BUFFERS:
        where = _buffer_of(s)
        found = _BUFFERS.get(where) if where is not None else None
        return found[1] if found is not None else None
    return None


def cached(s: pd.Series, what: str, fn, key: tuple | None = None):
    """``fn(s)``, memoized for the run when ``s`` is a registered dataset column (:func:`keyed`)
    or the caller vouches for it with ``key``.

    The same dates are parsed, the same text rendered and the same emptiness computed once per run
    instead of once per rule. ``clear_cache`` ends the run. Series results are handed out as
    shallow copies, so a caller that writes into one cannot change what the next rule sees.
    """
    key = key if key is not None else key_of(s)
    if key is None:
        return fn(s)
    full = (*key, what)
    if full not in _CACHE:
        _CACHE[full] = fn(s)
    got = _CACHE[full]
    return got.copy(deep=False) if isinstance(got, pd.Series) else got


def clear_cache() -> None:
    _CACHE.clear()
    _KEYED.clear()
    _COLUMNS.clear()
    _BUFFERS.clear()


def seed_cache(key: tuple, what: str, value: Any) -> None:
    """Store a view of a dataset column computed elsewhere (e.g. by the reader) under ``key``."""
    _CACHE[(*key, what)] = value
