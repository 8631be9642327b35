"""Read a SAS XPORT v5 file straight into the frame ADaM derivation works on, with numpy and pyarrow.

Why not :func:`cdisc_dm.io.read_xpt` (pyreadstat)? Reading the SDTM package back was half of the
run time of ``derive`` at 1,000 subjects: pyreadstat decodes every cell in C but then builds Python
string objects that pandas converts again to Arrow strings. An XPT v5 file is fixed-width records
laid end to end (SAS Technical Support document TS-140), so a column is a strided byte slice of one
array, copied out a slab of rows at a time: numbers are 8-byte IBM doubles converted with array
arithmetic, text is a fixed-size binary column that Arrow trims and turns into strings without a
Python object per cell. Used only where pandas' "str" dtype is Arrow-backed (pandas 3 + pyarrow).

The frame is the one :func:`cdisc_dm.derive.read_sdtm` builds from pyreadstat: Char columns as
pandas' "str" dtype with trailing blanks removed and blank values missing (XPT has no missing value
for text, SAS reads a blank as missing), Num columns as float64 with every SAS missing value
(``.``, ``._``, ``.A``-``.Z``) as NaN. ``frame.attrs`` carries ``labels`` and ``dataset_label``.

Only the files this module can read exactly are read here; anything else returns ``None`` so the
caller falls back to pyreadstat: a file with several members, V8/V9 extended headers, text with
bytes outside printable ASCII (tab, NUL, non-ASCII: pyreadstat's decoding rules apply), numeric
variables with a format (pyreadstat turns date/time formats into datetimes), records shorter than
80 bytes (blank padding could be taken for a record), or numbers with more than 53 significant bits
(IBM doubles hold 56; those would need pyreadstat's rounding). Example::

    >>> frame = read_xpt_fast("run/sdtm/dm.xpt")  # doctest: +SKIP
    >>> frame is None or frame["USUBJID"].dtype == "str"  # doctest: +SKIP
    True
"""
from __future__ import annotations

import os

import numpy as np
import pandas as pd

try:  # optional: without pyarrow every file goes to pyreadstat
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError:  # pragma: no cover
    pa = pc = None

__all__ = ["read_xpt_fast"]

_LIBRARY = b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!"
_MEMBER = b"HEADER RECORD*******MEMBER  HEADER RECORD!!!!!!!"
_NAMESTR = b"HEADER RECORD*******NAMESTR HEADER RECORD!!!!!!!"
_OBS = b"HEADER RECORD*******OBS     HEADER RECORD!!!!!!!"
# SAS missing values: "." "_" "A".."Z" in the first byte, seven zero bytes (TS-140)
_MISSING_FIRST = np.array([0x2E, 0x5F, *range(0x41, 0x5B)], dtype=np.uint64)


def _arrow_strings() -> bool:
    # the frame must match pyreadstat's: pandas' "str" dtype is Arrow-backed on pandas 3 with pyarrow;
    # elsewhere (pandas 2, no pyarrow) text columns are objects and the fast path is not used
    if pa is None:
        return False
    dtype = pd.Series(["a"], dtype="str").dtype
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


_ARROW_STRINGS = _arrow_strings()

#: rows copied per slab (about 4 MB of a typical SDTM record): the slab stays in cache while its
#: variables are copied out
_SLAB_ROWS = 16384


def _text(raw: bytes) -> str:
    return raw.decode("ascii", errors="replace").rstrip(" \x00")


def _ibm_to_float(words: np.ndarray) -> np.ndarray | None:
    """IEEE float64 from big-endian IBM doubles (uint64); None when a value has more than 53 significant bits."""
    sign = (words >> np.uint64(63)).astype(bool)
    exponent = ((words >> np.uint64(56)) & np.uint64(0x7F)).astype(np.int64)
    fraction = words & np.uint64(0x00FFFFFFFFFFFFFF)
    # an IEEE double holds 53 bits: every number our writer produced fits exactly; a foreign file's
    # 54-56-bit fraction would need a rounding rule, so such files go to pyreadstat instead
    as_float = fraction.astype(np.float64)
    if (as_float.astype(np.uint64) != fraction).any():  # the float64 conversion rounded: more than 53 bits
        return None
    value = np.ldexp(as_float, 4 * (exponent - 64) - 56)
    value = np.where(sign, -value, value)
    zero = np.flatnonzero(fraction == 0)
    missing = zero[np.isin(words[zero] >> np.uint64(56), _MISSING_FIRST)]
    value[missing] = np.nan
    return value


def _str_column(cells: np.ndarray) -> pd.Series | None:
    """A pandas "str" column from an (n, width) uint8 block: trailing blanks trimmed, blank -> missing.

    None when a byte is outside printable ASCII (control characters and non-ASCII text are left to
    pyreadstat's decoding rules).
    """
    n, width = cells.shape
    block = np.ascontiguousarray(cells)  # already contiguous when it comes from read_xpt_fast
    if n and (block.min() < 0x20 or block.max() > 0x7E):
        return None
    fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), n, [None, pa.py_buffer(block)])
    text = pc.utf8_rtrim(fixed.cast(pa.large_binary()).cast(pa.large_string()), characters=" ")
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.large_string()), text)
    return text.to_pandas()


def read_xpt_fast(path: str | os.PathLike) -> pd.DataFrame | None:
    """The frame of a one-member XPT v5 file, or None when the file needs pyreadstat (see the module docstring)."""
    if not _ARROW_STRINGS:
        return None
    with open(path, "rb") as fh:
        data = fh.read()
    raw = np.frombuffer(data, dtype=np.uint8)
    if len(data) < 80 * 8 or not data.startswith(_LIBRARY) or data[80 * 3:80 * 3 + len(_MEMBER)] != _MEMBER:
        return None
    namestr_len = int(data[80 * 3 + 74:80 * 3 + 78])
    if namestr_len != 140 or not data[80 * 7:].startswith(_NAMESTR):
        return None
    dataset_label = _text(data[80 * 6 + 32:80 * 6 + 72])
    nvar = int(data[80 * 7 + 54:80 * 7 + 58])
    start = 80 * 8
    names_end = start + nvar * 140
    obs_at = names_end + (-names_end % 80)
    if not data.startswith(_OBS, obs_at):
        return None
    namestrs = data[start:names_end]
    body = raw[obs_at + 80:]
    if data.find(_MEMBER, obs_at) >= 0:
        return None  # a second member: pyreadstat reads the file as a whole
    cols = []
    for i in range(nvar):
        ns = namestrs[i * 140:(i + 1) * 140]
        ntype, length = int.from_bytes(ns[0:2], "big"), int.from_bytes(ns[4:6], "big")
        position = int.from_bytes(ns[84:88], "big")
        fmt = _text(ns[56:64])
        if ntype == 1 and fmt.upper() not in ("", "BEST"):
            return None  # a formatted number may be a SAS date; pyreadstat converts those
        cols.append((_text(ns[8:16]), _text(ns[16:56]), ntype, length, position))
    width = max((c[4] + c[3] for c in cols), default=0)
    if (width < 80 and body.size) or any(c[2] not in (1, 2) or (c[2] == 1 and not 2 <= c[3] <= 8) for c in cols):
        return None
    n = body.size // width
    records = body[: n * width].reshape(n, width)
    # one pass over the records, a slab of rows at a time, copying each variable's bytes into its own
    # contiguous block: slicing every column out of the whole file would read it once per column
    blocks = [np.zeros((n, 8 if c[2] == 1 else c[3]), dtype=np.uint8) for c in cols]
    for r0 in range(0, n, _SLAB_ROWS):
        slab = records[r0:r0 + _SLAB_ROWS]
        for block, (_name, _label, _ntype, length, position) in zip(blocks, cols):
            block[r0:r0 + len(slab), :length] = slab[:, position:position + length]  # short numerics: high bytes
    del records, body, raw
    columns: dict[str, object] = {}
    for i, (name, _label, ntype, _length, _position) in enumerate(cols):
        block, blocks[i] = blocks[i], None  # free each block once converted
        if ntype == 2:
            text = _str_column(block)
            if text is None:
                return None
            columns[name] = text
        else:
            values = _ibm_to_float(block.view(">u8").ravel().astype(np.uint64))
            if values is None:
                return None
            columns[name] = values
    frame = pd.DataFrame(columns, copy=False) if columns else pd.DataFrame(index=pd.RangeIndex(n))
    frame.attrs["labels"] = {c[0]: c[1] for c in cols}
    frame.attrs["dataset_label"] = dataset_label
    return frame
