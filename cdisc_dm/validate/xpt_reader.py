"""A fast, column-wise reader of SAS transport (XPORT v5) files for validation runs.

The file is read as one byte array, the observations viewed as a ``(records, width)`` matrix
(SAS TS-140: fixed-width records laid end to end after the ``OBS`` header, blank-padded to a
multiple of 80 bytes), and each variable decoded in one step:

- Num: big-endian IBM System/370 doubles converted to IEEE by array arithmetic
  (sign, base-16 exponent biased by 64, 56-bit fraction); SAS missing values (``.``, ``.A``-``.Z``,
  ``._``: the first byte, the rest zero) become NaN. Numbers are never turned into dates.
- Char: the distinct byte strings of the column are decoded once (trailing blanks are not
  significant in SAS) and every record refers to the SAME Python string object of its value, so
  a column of a million records repeating a few hundred USUBJIDs holds a few hundred strings.

Anything this reader does not handle the way pyreadstat does — a version 8 file, several
members, bytes outside 7-bit ASCII or NUL in text, a VAX namestr — returns None and the caller
falls back on pyreadstat.

Example::

    got = read_xpt_fast(Path("sdtm/qs.xpt"))
    if got is not None:
        frame, meta = got      # meta.labels, meta.types ("Char"/"Num"), meta.lengths, meta.label, meta.empty
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["XptMeta", "read_xpt_fast"]

_LIBRARY = b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!"
_MEMBER = b"HEADER RECORD*******MEMBER  HEADER RECORD!!!!!!!"
_NAMESTR = b"HEADER RECORD*******NAMESTR HEADER RECORD!!!!!!!"
_OBS = b"HEADER RECORD*******OBS     HEADER RECORD!!!!!!!"
_NAMESTR_FMT = ">hhhh8s40s8shhh2s8shhl52s"  # TS-140 NAMESTR record, 140 bytes


@dataclass
class XptMeta:
    name: str
    label: str | None
    labels: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)  # "Char" | "Num"
    lengths: dict[str, int] = field(default_factory=dict)
    empty: dict[str, np.ndarray] = field(default_factory=dict)  # Char variable -> mask of blank values


def _text(raw: bytes) -> str | None:
    try:
        return raw.decode("ascii").rstrip(" ")
    except UnicodeDecodeError:
        return None


def ibm_to_ieee(words: np.ndarray) -> np.ndarray:
    """IEEE doubles of big-endian IBM doubles given as an ``(n, 8)`` uint8 array; SAS missing -> NaN.

    >>> ibm_to_ieee(np.frombuffer(bytes.fromhex("4110000000000000"), np.uint8).reshape(1, 8))
    array([1.])
    """
    u = words.copy().view(">u8").ravel().astype(np.uint64)
    sign = (u >> np.uint64(63)).astype(bool)
    exp = ((u >> np.uint64(56)) & np.uint64(0x7F)).astype(np.int64)
    frac = u & np.uint64((1 << 56) - 1)
    # a value written from an IEEE double has at most 53 significant bits: the float conversion
    # of the fraction is exact, and ldexp by the binary exponent is exact too
    out = np.ldexp(frac.astype(np.float64), (4 * (exp - 64) - 56).astype(np.int32))
    out[sign] = -out[sign]
    first = words[:, 0]
    missing = (frac == 0) & ((first == 0x2E) | ((first >= 0x41) & (first <= 0x5A)) | (first == 0x5F))
    out[missing] = np.nan
    return out


_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93], dtype=np.uint64)


def _distinct_rows(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values as ``S<width>``, code of each row) of a ``(rows, width)`` byte block.

    The rows are hashed as 64-bit words (linear time, where sorting byte strings is n log n),
    grouped by hash with pandas' factorize, and the grouping is verified byte for byte; on a hash
    collision the exact (sorting) method is used instead.
    """
    rows, width = block.shape
    padded = -(-width // 8) * 8
    buf = np.zeros((rows, padded), dtype=np.uint8)
    buf[:, :width] = block
    words = buf.view("<u8")
    with np.errstate(over="ignore"):
        h = np.zeros(rows, dtype=np.uint64)
        for j in range(words.shape[1]):
            h = (h ^ words[:, j]) * _MIX[j % 4] + np.uint64(j + 1)
            h ^= h >> np.uint64(29)
    codes, _ = pd.factorize(h)
    k = int(codes.max()) + 1 if rows else 0
    first = np.empty(k, dtype=np.int64)
    first[codes[::-1]] = np.arange(rows - 1, -1, -1)
    reps = buf[first]
    if (reps[codes] == buf).all():
        return reps[:, :width].copy().view(f"S{width}").ravel(), codes
    fixed = np.ascontiguousarray(block).view(f"S{width}").ravel()
    uniq, inverse = np.unique(fixed, return_inverse=True)
    return uniq, inverse.ravel()


class _CharDecoder:
    """Decodes one Char column chunk by chunk, each distinct value once into one shared ``str``."""

    def __init__(self, n: int):
        self.out = np.empty(n, dtype=object)
        self.empty = np.zeros(n, dtype=bool)  # blank values (missing text in XPT), known for free here
        self.known: dict[bytes, str] = {}
        self.ok = True

    def add(self, block: np.ndarray, start: int) -> None:
        rows, width = block.shape
        if not rows or not self.ok:
            return
        uniq, codes = _distinct_rows(block)
        raw = uniq.view(np.uint8).reshape(len(uniq), width) if width else np.empty((len(uniq), 0), np.uint8)
        if (raw > 0x7F).any():
            self.ok = False  # non-ASCII text: pyreadstat's decoding decides
            return
        strings = np.empty(len(uniq), dtype=object)
        for i, u in enumerate(uniq.tolist()):  # distinct values only
            text = self.known.get(u)
            if text is None:
                if b"\0" in u:  # numpy's S dtype drops trailing NULs; a NUL inside is not text
                    self.ok = False
                    return
                text = self.known[u] = u.decode("ascii").rstrip(" ")
            strings[i] = text
        codes = codes.ravel()
        self.out[start : start + rows] = strings[codes]
        self.empty[start : start + rows] = (strings == "")[codes]


_CHUNK_BYTES = 32 * 1024 * 1024  # records decoded per step: the file is never in memory at once


def read_xpt_fast(path: Path) -> tuple[pd.DataFrame, XptMeta] | None:
    """(frame, metadata) of a one-member XPORT v5 file, or None when pyreadstat must read it."""
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(8 * 80)
        if not head.startswith(_LIBRARY) or len(head) < 8 * 80:
            return None
        member = head[3 * 80 : 4 * 80]
        if not member.startswith(_MEMBER) or member[75:78] != b"140":
            return None
        dscr = head[5 * 80 : 7 * 80]
        name = _text(dscr[8:16])
        label = _text(dscr[80 + 32 : 80 + 72])
        nhead = head[7 * 80 : 8 * 80]
        if not nhead.startswith(_NAMESTR) or name is None or label is None:
            return None
        try:
            nvars = int(nhead[54:58])
        except ValueError:
            return None
        names_len = nvars * 140
        namestr = fh.read(names_len + (-names_len % 80))
        if fh.read(80)[:48] != _OBS:
            return None
        body_start = fh.tell()
        columns = []
        for i in range(nvars):
            rec = struct.unpack(_NAMESTR_FMT, namestr[140 * i : 140 * (i + 1)])
            ntype, length, vname, vlabel, pos = rec[0], rec[2], _text(rec[4]), _text(rec[5]), rec[14]
            if vname is None or vlabel is None or length <= 0 or (ntype == 1 and length > 8):
                return None
            columns.append((vname, ntype == 1, length, pos, vlabel))
        width = sum(c[2] for c in columns)
        if width <= 0 or any(pos + length > width for _, _, length, pos, _ in columns) or len({c[0] for c in columns}) != nvars:
            return None
        body_len = size - body_start
        n = body_len // width
        # the last 80-byte block is blank-padded: blank records inside the padding are not records
        tail_from = max(0, ((body_len - 80) // width)) * width
        fh.seek(body_start + tail_from)
        tail = np.frombuffer(fh.read(), dtype=np.uint8)
        if _MEMBER in tail.tobytes():
            return None  # a second member starts at the end
        while n > 0 and (n - 1) * width >= body_len - 80 and (n - 1) * width >= tail_from and \
                (tail[(n - 1) * width - tail_from : n * width - tail_from] == 0x20).all():
            n -= 1
        out: dict[str, object] = {}
        for vname, numeric, _, _, _ in columns:
            out[vname] = np.empty(n, dtype=np.float64) if numeric else _CharDecoder(n)
        fh.seek(body_start)
        step = max(1, _CHUNK_BYTES // width)
        for start in range(0, n, step):
            rows = min(step, n - start)
            buf = fh.read(rows * width)
            if len(buf) != rows * width:
                return None
            if _MEMBER in buf:
                return None  # several members in one file
            records = np.frombuffer(buf, dtype=np.uint8).reshape(rows, width)
            for vname, numeric, length, pos, _ in columns:
                block = records[:, pos : pos + length]
                if numeric:
                    words = np.zeros((rows, 8), dtype=np.uint8)
                    words[:, :length] = block
                    out[vname][start : start + rows] = ibm_to_ieee(words)  # type: ignore[index]
                else:
                    dec = out[vname]
                    dec.add(block, start)  # type: ignore[union-attr]
                    if not dec.ok:  # type: ignore[union-attr]
                        return None
    meta = XptMeta(name=name, label=label or None)
    series = []
    for vname, numeric, length, _, vlabel in columns:
        values = out[vname] if numeric else out[vname].out  # type: ignore[union-attr]
        if not numeric:
            meta.empty[vname] = out[vname].empty  # type: ignore[union-attr]
        # object columns (what pyreadstat gives), one block per column: no consolidating copy
        series.append(pd.Series(values, name=vname, dtype=None if numeric else object, copy=False).to_frame())
        meta.labels[vname] = vlabel
        meta.types[vname] = "Num" if numeric else "Char"
        meta.lengths[vname] = int(length)
    frame = pd.concat(series, axis=1) if series else pd.DataFrame(index=pd.RangeIndex(n))
    return frame, meta
