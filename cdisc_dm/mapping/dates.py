"""Raw dates and times -> ISO 8601 text, vectorized, with partial dates kept partial.

SDTMIG 3.4 section 4.4.2 (Date/Time Precision): a partially known date is written with its
unknown right-hand parts omitted (``2025-01`` when the day is unknown, ``2024`` when month and
day are unknown), never imputed. Raw exports write unknown parts as ``UN``/``UNK``/``UK``/``NK``
(e.g. ``UN JAN 2025``, ``UNK UNK 2024``).

Formats are written with the tokens ``YYYY``, ``MMM`` (month name, JAN..DEC), ``MM``, ``DD``,
``HH``, ``MM`` after ``HH:`` (minutes) and ``SS``; other characters match themselves and a
blank matches one or more blanks. Each value is tried against the formats in order; the first
that matches decides. Unique values are parsed once, so cost grows with distinct dates.

Example::

    iso, status = parse_dates(pd.Series(["05 JAN 2025", "UN FEB 2024", "31 FEB 2025"]), ["DD MMM YYYY"])
    # iso:    ["2025-01-05", "2024-02", <NA>]
    # status: [OK, OK, IMPOSSIBLE]
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["parse_dates", "check_format", "OK", "UNPARSEABLE", "IMPOSSIBLE", "NO_YEAR", "TOKENS"]

OK, UNPARSEABLE, IMPOSSIBLE, NO_YEAR = 0, 1, 2, 3
TOKENS = ("YYYY", "MMM", "MM", "DD", "HH", "SS")
_UNKNOWN = r"UNKN|UNK|UN|UK|NK|XX|--|\?\?"
_MONTHS = {m: i + 1 for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())}
_TOKEN_RE = {
    "YYYY": r"(?P<y>\d{4}|UNKN|UKUK|UNK|UK|NK|XXXX|----|\?\?\?\?)",
    "MMM": rf"(?P<m>[A-Za-z]{{3}}|{_UNKNOWN})",
    "MM": rf"(?P<m>\d{{1,2}}|{_UNKNOWN})",
    "DD": rf"(?P<d>\d{{1,2}}|{_UNKNOWN})",
    "HH": rf"(?P<h>\d{{1,2}}|{_UNKNOWN})",
    "MI": rf"(?P<i>\d{{2}}|{_UNKNOWN})",
    "SS": rf"(?P<s>\d{{2}}|{_UNKNOWN})",
}


def _tokenize(fmt: str) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(fmt):
        for tok in ("YYYY", "MMM", "MM", "DD", "HH", "SS"):
            if fmt.startswith(tok, i):
                # "MM" right after an hour (HH:MM) is minutes, as people write it
                if tok == "MM" and any(t == "HH" for t in out) and "YYYY" in out and out[-1] in (":", "HH"):
                    tok_name = "MI"
                elif tok == "MM" and out and out[-1] == ":":
                    tok_name = "MI"
                else:
                    tok_name = tok
                out.append(tok_name)
                i += len(tok)
                break
        else:
            out.append(fmt[i])
            i += 1
    return out


def check_format(fmt: str) -> str | None:
    """None when ``fmt`` is a usable date format, else what is wrong with it."""
    toks = _tokenize(fmt)
    names = [t for t in toks if t in _TOKEN_RE]
    if "YYYY" not in names:
        return f"date format {fmt!r} has no YYYY"
    if len(set(names)) != len(names):
        return f"date format {fmt!r} repeats a part"
    if "DD" in names and not ({"MM", "MMM"} & set(names)):
        return f"date format {fmt!r} has a day but no month"
    if ("MI" in names or "SS" in names) and "HH" not in names:
        return f"date format {fmt!r} has minutes or seconds but no hour (HH)"
    return None


def _regex(fmt: str) -> re.Pattern:
    parts = []
    for t in _tokenize(fmt):
        if t in _TOKEN_RE:
            parts.append(_TOKEN_RE[t])
        elif t == " ":
            parts.append(r"\s+")
        else:
            parts.append(re.escape(t))
    return re.compile(r"^\s*" + "".join(parts) + r"\s*$", re.IGNORECASE)


def _known(parts: pd.Series) -> np.ndarray:
    return parts.fillna("").str.fullmatch(r"\d+").to_numpy(dtype=bool)


def _int(parts: pd.Series, known: np.ndarray) -> np.ndarray:
    out = np.zeros(len(parts), dtype=np.int64)
    if known.any():
        out[known] = parts[known].astype(int).to_numpy()
    return out


def _days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    lengths = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days = lengths[np.clip(month, 1, 12) - 1]
    return days + ((month == 2) & leap)


def _parse_unique(values: pd.Series, formats: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Parse distinct non-empty strings; returns (iso object array, status int array)."""
    n = len(values)
    iso = np.full(n, None, dtype=object)
    status = np.full(n, UNPARSEABLE, dtype=np.int8)
    todo = np.ones(n, dtype=bool)
    for fmt in formats:
        if not todo.any():
            break
        rx = _regex(fmt)
        sub = values[todo]
        ext = sub.str.extract(rx)
        matched = ext.notna().any(axis=1).to_numpy() if len(ext.columns) else np.zeros(len(sub), bool)
        if not matched.any():
            continue
        idx = np.flatnonzero(todo)[matched]
        ext = ext[matched].reset_index(drop=True)
        m = len(ext)
        col = lambda k: ext[k].astype("string").str.upper() if k in ext else pd.Series([pd.NA] * m, dtype="string")  # noqa: E731
        y, mo, d, h, mi, s = col("y"), col("m"), col("d"), col("h"), col("i"), col("s")
        yk, dk, hk, ik, sk = _known(y), _known(d), _known(h), _known(mi), _known(s)
        yv, dv, hv, iv, sv = _int(y, yk), _int(d, dk), _int(h, hk), _int(mi, ik), _int(s, sk)
        # month: a number, a month name, or an unknown marker
        names = mo.map(lambda v: _MONTHS.get(v, -1) if isinstance(v, str) and v.isalpha() and not re.fullmatch(_UNKNOWN, v) else None).astype("Int64")
        mk_num = _known(mo)
        mv = np.where(mk_num, _int(mo, mk_num), names.fillna(0).to_numpy(dtype=np.int64))
        mk = mk_num | names.notna().to_numpy()
        bad = np.zeros(m, dtype=bool)
        bad |= mk & ((mv < 1) | (mv > 12))
        bad |= dk & mk & ~bad & ((dv < 1) | (dv > _days_in_month(yv, np.where(mk, mv, 1))))
        bad |= dk & ~mk & ((dv < 1) | (dv > 31))
        bad |= hk & (hv > 23)
        bad |= ik & (iv > 59)
        bad |= sk & (sv > 59)
        ystr = pd.Series(yv).astype(str).str.zfill(4).to_numpy(dtype=object)
        mstr = pd.Series(mv).astype(str).str.zfill(2).to_numpy(dtype=object)
        dstr = pd.Series(dv).astype(str).str.zfill(2).to_numpy(dtype=object)
        hstr = pd.Series(hv).astype(str).str.zfill(2).to_numpy(dtype=object)
        istr = pd.Series(iv).astype(str).str.zfill(2).to_numpy(dtype=object)
        sstr = pd.Series(sv).astype(str).str.zfill(2).to_numpy(dtype=object)
        out = np.where(mk, ystr + "-" + mstr, ystr)
        full = mk & dk
        out = np.where(full, out + "-" + dstr, out)
        out = np.where(full & hk, out + "T" + hstr, out)
        out = np.where(full & hk & ik, out + ":" + istr, out)
        out = np.where(full & hk & ik & sk, out + ":" + sstr, out)
        st = np.where(bad, IMPOSSIBLE, np.where(yk, OK, NO_YEAR)).astype(np.int8)
        out = np.where(st == OK, out, None)
        iso[idx] = out
        status[idx] = st
        todo[idx] = False
    return iso, status


def parse_dates(values: pd.Series, formats: list[str] | tuple[str, ...]) -> tuple[pd.Series, np.ndarray]:
    """ISO 8601 text for each raw value (NA where empty or not a valid date) and a status array.

    Status is :data:`OK` for parsed and for empty input, :data:`UNPARSEABLE` when no format
    matches, :data:`IMPOSSIBLE` for a calendar-impossible date (31 FEB) or time (25:00), and
    :data:`NO_YEAR` when the year is unknown (no ISO 8601 value can be written).
    """
    codes, iso_u, st_u = parse_distinct_dates(values, formats)
    has = codes >= 0
    iso = np.full(len(values), None, dtype=object)
    status = np.zeros(len(values), dtype=np.int8)
    iso[has] = iso_u[codes[has]]
    status[has] = st_u[codes[has]]
    return pd.Series(iso, index=values.index, dtype="object").where(lambda s: s.notna(), pd.NA), status


def parse_distinct_dates(values: pd.Series, formats: list[str] | tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`parse_dates` per distinct raw value: ``(codes, iso, status)``.

    ``codes[i]`` is the position of record ``i``'s raw value in ``iso`` (object array, None
    where there is no ISO value) and ``status``; -1 for a missing raw value (status OK). Dates
    repeat over the records of a visit, so stripping and parsing run once per distinct text.

    >>> codes, iso, status = parse_distinct_dates(pd.Series(["05 JAN 2025", None, "05 JAN 2025"]), ["DD MMM YYYY"])
    >>> codes.tolist(), iso.tolist(), status.tolist()
    ([0, -1, 0], ['2025-01-05'], [0])
    """
    codes, raw_u = pd.factorize(values, use_na_sentinel=True)
    text = pd.Series(np.asarray(raw_u, dtype=object), dtype="string").str.strip()
    empty = (text.isna() | (text == "")).to_numpy(dtype=bool)
    # distinct raw texts that strip to the same text are parsed once
    sub, uniques = pd.factorize(text.where(~empty))
    u = pd.Series(np.asarray(uniques, dtype=object), dtype="string")
    iso_s, st_s = _parse_unique(u, list(formats)) if len(u) else (np.array([], dtype=object), np.array([], dtype=np.int8))
    iso_u = np.full(len(raw_u), None, dtype=object)
    st_u = np.zeros(len(raw_u), dtype=np.int8)
    has = sub >= 0
    iso_u[has] = iso_s[sub[has]]
    st_u[has] = st_s[sub[has]]
    return codes.astype(np.int64, copy=False), iso_u, st_u
