"""Vectorized text rendering for the synthetic export: dates, fixed decimals, messiness.

Everything here works on whole numpy arrays (no Python loop per value), so the
generators stay linear in the number of records::

    >>> import numpy as np
    >>> from cdisc_dm.synth.textfmt import format_dates, format_fixed, to_days
    >>> format_dates(to_days(["2025-01-05"]), np.array([0])).tolist()
    ['05 JAN 2025']
    >>> format_fixed(np.array([1.0, -0.25, 12.345]), 2).tolist()
    ['1.00', '-0.25', '12.35']

Days are integers counted from 1970-01-01 (numpy ``datetime64[D]``); ``NO_DATE`` marks a
missing date and renders as an empty string.
"""
from __future__ import annotations

import numpy as np

__all__ = [
    "NO_DATE", "MONTHS", "STYLE_CRF", "STYLE_ISO", "STYLE_DMY", "to_days", "ymd",
    "format_dates", "format_partial_dates", "format_datetime_vendor", "format_fixed", "format_int",
    "zpad", "join", "choose_variants", "add_trailing_spaces", "empty",
]

NO_DATE = np.iinfo(np.int64).min
MONTHS = np.array(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"])
STYLE_CRF, STYLE_ISO, STYLE_DMY = 0, 1, 2


def to_days(iso: list[str] | np.ndarray) -> np.ndarray:
    return np.asarray(iso, dtype="datetime64[D]").astype(np.int64)


def empty(n: int) -> np.ndarray:
    return np.full(n, "", dtype=object)


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def zpad(values: np.ndarray, width: int) -> np.ndarray:
    """Integers as zero-padded text (non-negative values)."""
    return np.char.zfill(np.asarray(values, dtype=np.int64).astype(str), width)


def join(*parts) -> np.ndarray:
    """Element-wise concatenation of arrays and scalars (as text)."""
    out = None
    for p in parts:
        arr = p if isinstance(p, str) else np.asarray(p).astype(str)
        out = arr if out is None else np.char.add(out, arr)
    return out


def _finish(text: np.ndarray, missing: np.ndarray) -> np.ndarray:
    out = text.astype(object)
    out[missing] = ""
    return out


def format_dates(days: np.ndarray, style: np.ndarray | int) -> np.ndarray:
    """Complete dates in a site's style: 0 ``DD MMM YYYY``, 1 ``YYYY-MM-DD``, 2 ``DD/MM/YYYY``."""
    days = np.asarray(days, dtype=np.int64)
    missing = days == NO_DATE
    safe = np.where(missing, 0, days)
    y, m, d = ymd(safe)
    yy, mm, dd = zpad(y, 4), zpad(m, 2), zpad(d, 2)
    style = np.broadcast_to(np.asarray(style), days.shape)
    crf = join(dd, " ", MONTHS[m - 1], " ", yy)
    iso = join(yy, "-", mm, "-", dd)
    dmy = join(dd, "/", mm, "/", yy)
    text = np.where(style == STYLE_ISO, iso, np.where(style == STYLE_DMY, dmy, crf))
    return _finish(text, missing)


def format_partial_dates(days: np.ndarray, style: np.ndarray | int, level: np.ndarray) -> np.ndarray:
    """Dates with unknown parts in the CRF layout: level 1 ``UN MMM YYYY``, 2 ``UN UNK YYYY``.

    Level 0 renders a complete date in the site's style (see :func:`format_dates`).
    """
    days = np.asarray(days, dtype=np.int64)
    level = np.asarray(level)
    full = format_dates(days, style)
    missing = days == NO_DATE
    y, m, _ = ymd(np.where(missing, 0, days))
    yy = zpad(y, 4)
    p1 = join("UN ", MONTHS[m - 1], " ", yy).astype(object)
    p2 = join("UN UNK ", yy).astype(object)
    out = np.where(level == 1, p1, np.where(level == 2, p2, full))
    out[missing] = ""
    return out


def format_datetime_vendor(days: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    """Lab vendor date-time ``DD-MMM-YYYY HH:MM``."""
    days = np.asarray(days, dtype=np.int64)
    y, m, d = ymd(days)
    minutes = np.asarray(minutes, dtype=np.int64)
    return join(zpad(d, 2), "-", MONTHS[m - 1], "-", zpad(y, 4), " ", zpad(minutes // 60, 2), ":", zpad(minutes % 60, 2)).astype(object)


def format_fixed(values: np.ndarray, decimals: np.ndarray | int) -> np.ndarray:
    """Numbers with a fixed number of decimals (round half away from zero on the decimal scale).

    ``decimals`` may be one number or one per value; NaN renders as an empty string.
    """
    x = np.asarray(values, dtype=float)
    missing = ~np.isfinite(x)
    dec = np.broadcast_to(np.asarray(decimals, dtype=np.int64), x.shape)
    scale = 10 ** dec
    # Adding a tiny relative nudge before rounding keeps 0.125 -> 0.13 despite binary floats.
    scaled = np.where(missing, 0.0, x) * scale
    n = np.floor(np.abs(scaled) + 0.5 + 1e-9 * np.maximum(1.0, np.abs(scaled))).astype(np.int64)
    neg = (scaled < 0) & (n > 0)
    ip = n // scale
    fp = n % scale
    frac_text = np.where(dec > 0, np.char.add(".", _zfill_var(fp, dec)), "")
    text = join(np.where(neg, "-", ""), ip, frac_text)
    return _finish(text, missing)


def _zfill_var(values: np.ndarray, widths: np.ndarray) -> np.ndarray:
    out = values.astype(str)
    for w in np.unique(widths):
        if w <= 0:
            continue
        sel = widths == w
        out = np.where(sel, np.char.zfill(out, int(w)), out)
    return out


def format_int(values: np.ndarray) -> np.ndarray:
    x = np.asarray(values)
    if x.dtype.kind == "f":
        missing = ~np.isfinite(x)
        text = np.where(missing, 0, x).astype(np.int64).astype(str)
        return _finish(text, missing)
    return x.astype(np.int64).astype(str).astype(object)


def choose_variants(values: np.ndarray, variants: dict[str, tuple[str, ...]], rate: float,
                    rng: np.random.Generator) -> np.ndarray:
    """Replace a share ``rate`` of the CRF values that have variants by one of them.

    The draw is made for every value (so the random stream does not depend on the data);
    a value without variants, or an empty value, stays as it is.
    """
    values = np.asarray(values, dtype=object)
    n = len(values)
    hit = rng.random(n) < rate
    pick = rng.random(n)
    out = values.copy()
    for canonical, alts in variants.items():
        sel = hit & (values == canonical)
        if sel.any():
            idx = np.minimum((pick[sel] * len(alts)).astype(np.int64), len(alts) - 1)
            out[sel] = np.asarray(alts, dtype=object)[idx]
    return out


def add_trailing_spaces(values: np.ndarray, rate: float, rng: np.random.Generator) -> np.ndarray:
    """Append one to three spaces to a share ``rate`` of the non-empty values."""
    values = np.asarray(values, dtype=object)
    n = len(values)
    hit = rng.random(n) < rate
    k = rng.integers(1, 4, size=n)
    out = values.copy()
    sel = hit & (values != "")
    if sel.any():
        pads = np.array([" ", "  ", "   "], dtype=object)[k[sel] - 1]
        out[sel] = (out[sel].astype(str).astype(object) + pads)
    return out
