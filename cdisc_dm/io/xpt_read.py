"""A fast, column-wise reader of SAS transport (XPORT v5) files: the counterpart of :mod:`.xpt`.

SAS Technical Support document TS-140 lays an XPORT v5 member out as 80-byte header records, one
140-byte NAMESTR per variable, then fixed-width observations end to end, blank-padded to a multiple
of 80 bytes. So the body is viewed as a ``(records, width)`` byte matrix, read a slab of records at
a time (the file is never in memory at once), and each variable is decoded in one step:

- Num: big-endian IBM doubles converted by :func:`~cdisc_dm.io.ibm_float.ibm_to_ieee` (every SAS
  missing value ``.``, ``._``, ``.A``-``.Z`` becomes NaN). Numbers are never turned into dates.
- Char: the distinct byte strings of the column are found by hashing (linear time) and decoded
  once each, trailing blanks removed (not significant in SAS); the column comes back as
  :class:`XptText`, the distinct strings plus one code per record, which each caller turns into
  the column type it needs without touching a Python object per cell.

Whatever this reader cannot read the way pyreadstat (the reference reader) does returns None, and
the caller falls back on pyreadstat: not a one-member version 5 file, a VAX or malformed NAMESTR,
duplicate names, a variable outside the record, a numeric variable shorter than 2 or longer than 8
bytes, text with a byte above 0x7F or a NUL inside a value, a number with more than 53 significant
bits. Anything a caller wants to leave to pyreadstat on top of that it says with ``accept``, a test
of the header made before the records are read.

Example::

    table = read_xpt_columns("run/sdtm/lb.xpt")
    if table is not None:   # else: pyreadstat
        table.label, [v.name for v in table.variables], table.columns["LBSTRESN"]  # float64 array
        table.columns["USUBJID"].strings()  # object array, one shared str per distinct value
"""
from __future__ import annotations

import os
import struct
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from .ibm_float import ibm_to_ieee

try:  # optional: Arrow's hash table groups text values several times faster than numpy hashing
    import pyarrow as pa
except ImportError:  # pragma: no cover
    pa = None

__all__ = ["XptVariable", "XptText", "XptTable", "read_xpt_columns"]

_LIBRARY = b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!"
_MEMBER = b"HEADER RECORD*******MEMBER  HEADER RECORD!!!!!!!"
_NAMESTR = b"HEADER RECORD*******NAMESTR HEADER RECORD!!!!!!!"
_OBS = b"HEADER RECORD*******OBS     HEADER RECORD!!!!!!!"
_NAMESTR_FMT = ">hhhh8s40s8shhh2s8shhl52s"  # TS-140 NAMESTR record, 140 bytes

#: bytes of records decoded per step; a slab of this size stays cheap next to the decoded columns
_CHUNK_BYTES = 8 * 1024 * 1024  # a slab the column passes find in the cache (32 MiB: 1.7x the CPU)
_PARALLEL_BYTES = 8 * 1024 * 1024  # smaller bodies are decoded in the calling thread


def _workers() -> int:
    """Threads for decoding columns: the cores this process may use, at most 4."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


def _shares(variables: list[XptVariable], workers: int) -> list[list[XptVariable]]:
    """The variables split into ``workers`` groups of about equal bytes (largest first, greedy)."""
    groups: list[list[XptVariable]] = [[] for _ in range(workers)]
    load = [0] * workers
    for v in sorted(variables, key=lambda v: (-v.length, v.position)):
        k = load.index(min(load))
        groups[k].append(v)
        load[k] += v.length
    return [g for g in groups if g]


@dataclass(frozen=True)
class XptVariable:
    name: str
    label: str
    numeric: bool
    length: int
    position: int  # byte offset inside the record
    format: str  # display format name (NAMESTR ``nform``), "" when none


@dataclass
class XptText:
    """A decoded Char column: ``values[codes]`` are the cells, trailing blanks removed.

    ``control`` tells whether a cell holds a control byte (below 0x20, or 0x7F; a trailing NUL
    too), for callers that leave such text to pyreadstat.
    """

    values: np.ndarray  # object array of distinct str
    codes: np.ndarray  # int32 (intp past 2**31 records), one per record
    control: bool = False

    def strings(self) -> np.ndarray:
        """The cells as an object array; equal cells are the SAME str object."""
        return self.values[self.codes]

    def blank(self) -> np.ndarray:
        """Mask of the blank cells (XPT has no missing text: blank is missing, SAS convention)."""
        return (self.values == "")[self.codes]


@dataclass
class XptTable:
    name: str
    label: str  # dataset label, "" when none
    variables: list[XptVariable]
    record_width: int
    body_bytes: int  # bytes after the OBS header: records plus blank padding
    nobs: int = 0
    columns: dict[str, np.ndarray | XptText] = field(default_factory=dict)


def _text(raw: bytes) -> str | None:
    try:
        return raw.decode("ascii").rstrip(" \0")
    except UnicodeDecodeError:
        return None


_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93], dtype=np.uint64)


def _distinct_rows(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct rows as a ``(k, width)`` uint8 array, code of each row) of a ``(rows, width)`` byte block.

    >>> uniq, codes = _distinct_rows(np.frombuffer(b"ABCDAB", np.uint8).reshape(3, 2))
    >>> uniq.tobytes(), codes.tolist()
    (b'ABCD', [0, 1, 0])
    """
    rows, width = block.shape
    if pa is None or not rows:
        return _distinct_rows_hashed(block)
    # Arrow's dictionary encoding of a fixed-size binary column: exact, in first-seen order
    data = np.ascontiguousarray(block)
    fixed = pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), rows, [None, pa.py_buffer(data)])
    encoded = fixed.dictionary_encode()
    values = encoded.dictionary
    uniq = np.frombuffer(values.buffers()[1], dtype=np.uint8, count=len(values) * width, offset=values.offset * width)
    return uniq.reshape(len(values), width), encoded.indices.to_numpy()


def _distinct_rows_hashed(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_distinct_rows` without pyarrow, in numpy.

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
        for j in range(words.shape[1]):  # over the 8-byte words of one value, not over records
            h = (h ^ words[:, j]) * _MIX[j % 4] + np.uint64(j + 1)
            h ^= h >> np.uint64(29)
    codes, _ = pd.factorize(h)
    k = int(codes.max()) + 1 if rows else 0
    first = np.empty(k, dtype=np.int64)
    first[codes[::-1]] = np.arange(rows - 1, -1, -1)
    reps = buf[first]
    if (reps[codes] == buf).all():
        return reps[:, :width], codes
    fixed = np.ascontiguousarray(block).view(f"V{width}").ravel()
    uniq, inverse = np.unique(fixed, return_inverse=True)
    return uniq.view(np.uint8).reshape(len(uniq), width), inverse.ravel()


class _TextDecoder:
    """Decodes one Char column slab by slab, each distinct value once, into an :class:`XptText`."""

    def __init__(self, n: int):
        # 4 bytes a record: the codes live next to the caller's column while it is built
        self.codes = np.empty(n, dtype=np.int32 if n < 2**31 else np.intp)
        self.index: dict[bytes, int] = {}  # raw value -> position in self.values
        self.values: list[str] = []
        self.control = False

    def add(self, block: np.ndarray, start: int) -> bool:
        """Decode ``block`` (records ``start``...); False when the text is not 7-bit ASCII."""
        rows, width = block.shape
        if not rows:
            return True
        raw, local = _distinct_rows(block)
        if (raw > 0x7F).any():
            return False  # non-ASCII text: pyreadstat's encoding rules decide
        if ((raw < 0x20) | (raw == 0x7F)).any():
            self.control = True
        to_global = np.empty(len(raw), dtype=np.intp)
        flat = raw.tobytes()
        for i in range(len(raw)):
            value = flat[i * width:(i + 1) * width]
            at = self.index.get(value)  # distinct values of the slab only
            if at is None:
                text = value.rstrip(b"\0")
                if b"\0" in text:  # a NUL inside a value is not text
                    return False
                at = self.index[value] = len(self.values)
                self.values.append(text.decode("ascii").rstrip(" "))
            to_global[i] = at
        self.codes[start:start + rows] = to_global[local]
        return True

    def result(self) -> XptText:
        values = np.empty(len(self.values), dtype=object)
        values[:] = self.values
        return XptText(values, self.codes, self.control)


def _header(fh, size: int) -> XptTable | None:
    head = fh.read(8 * 80)
    if len(head) < 8 * 80 or not head.startswith(_LIBRARY):
        return None
    member = head[3 * 80:4 * 80]
    if not member.startswith(_MEMBER) or member[75:78] != b"140":
        return None  # the NAMESTR length: 136 is a VAX/VMS NAMESTR
    dscr = head[5 * 80:7 * 80]
    name, label = _text(dscr[8:16]), _text(dscr[80 + 32:80 + 72])
    if not head[7 * 80:].startswith(_NAMESTR) or name is None or label is None:
        return None
    try:
        nvars = int(head[7 * 80 + 54:7 * 80 + 58])
    except ValueError:
        return None
    names_len = nvars * 140
    namestr = fh.read(names_len + (-names_len % 80))
    if len(namestr) < names_len or fh.read(80)[:48] != _OBS:
        return None
    variables = []
    for i in range(nvars):
        rec = struct.unpack(_NAMESTR_FMT, namestr[140 * i:140 * (i + 1)])
        ntype, length, position = rec[0], rec[2], rec[14]
        vname, vlabel, fmt = _text(rec[4]), _text(rec[5]), _text(rec[6])
        if vname is None or vlabel is None or fmt is None or ntype not in (1, 2) or length <= 0 \
                or (ntype == 1 and not 2 <= length <= 8):
            return None
        variables.append(XptVariable(vname, vlabel, ntype == 1, length, position, fmt))
    width = sum(v.length for v in variables)
    if width <= 0 or any(v.position < 0 or v.position + v.length > width for v in variables) \
            or len({v.name for v in variables}) != nvars:
        return None
    return XptTable(name, label, variables, width, size - fh.tell())


def _record_count(fh, body_start: int, table: XptTable) -> int | None:
    """Records in the body, or None when a second member follows the first."""
    width, body_len = table.record_width, table.body_bytes
    n = body_len // width
    if width >= 80:  # the padding (< 80 bytes) cannot hold a whole record
        return n
    # a record shorter than a card: blank "records" inside the padding of the last 80 bytes are not records
    tail_from = max(0, (body_len - 80) // width) * width
    fh.seek(body_start + tail_from)
    tail = np.frombuffer(fh.read(), dtype=np.uint8)
    if _MEMBER in tail.tobytes():
        return None
    while n > 0 and (n - 1) * width >= body_len - 80 and (n - 1) * width >= tail_from and \
            (tail[(n - 1) * width - tail_from:n * width - tail_from] == 0x20).all():
        n -= 1
    return n


def _decode_body(fh, table: XptTable, n: int, out: dict, run: Callable) -> bool:
    """Decode the ``n`` records after the OBS header into ``out``, slab by slab; False when the file
    must go to pyreadstat. ``run(decode)`` applies ``decode`` to the variables (one share per thread:
    each column is decoded by one thread, and numpy and Arrow release the GIL for the bulk of it)."""
    width = table.record_width
    step = max(1, _CHUNK_BYTES // width)
    carry = b""  # end of the previous slab: a member header may straddle two slabs
    for start in range(0, n, step):
        rows = min(step, n - start)
        buf = fh.read(rows * width)
        if len(buf) != rows * width:
            return False
        if _MEMBER in buf or _MEMBER in carry + buf[:len(_MEMBER)]:
            return False  # several members in one file: pyreadstat reads the file as a whole
        carry = buf[-len(_MEMBER):]
        records = np.frombuffer(buf, dtype=np.uint8).reshape(rows, width)

        def decode(variables: list[XptVariable], records=records, start=start, rows=rows) -> bool:
            for v in variables:
                block = records[:, v.position:v.position + v.length]
                col = out[v.name]
                if v.numeric:
                    words = np.zeros((rows, 8), dtype=np.uint8)
                    words[:, :v.length] = block  # a short number keeps its high-order bytes (TS-140)
                    values = ibm_to_ieee(words.view(">u8").ravel())
                    if values is None:
                        return False
                    col[start:start + rows] = values
                elif not col.add(block, start):
                    return False
            return True

        if not run(decode):
            return False
    # what follows the records: blank padding, or another member
    return _MEMBER not in carry + fh.read()


def read_xpt_columns(path: str | os.PathLike, accept: Callable[[XptTable], bool] | None = None) -> XptTable | None:
    """The decoded columns of a one-member XPORT v5 file, or None when pyreadstat must read it.

    ``accept(table)`` sees the header (variables, widths; no columns yet) and returns False to
    leave the file to pyreadstat before its records are read.
    """
    size = os.stat(path).st_size
    with open(path, "rb") as fh:
        table = _header(fh, size)
        if table is None or (accept is not None and not accept(table)):
            return None
        body_start = size - table.body_bytes
        n = _record_count(fh, body_start, table)
        if n is None:
            return None
        width = table.record_width
        out: dict[str, np.ndarray | _TextDecoder] = {
            v.name: np.empty(n, dtype=np.float64) if v.numeric else _TextDecoder(n) for v in table.variables}
        fh.seek(body_start)
        workers = _workers() if n * width >= _PARALLEL_BYTES else 1
        shares = _shares(table.variables, workers)
        if len(shares) > 1:
            with ThreadPoolExecutor(max_workers=len(shares)) as pool:
                ok = _decode_body(fh, table, n, out, lambda decode: all(pool.map(decode, shares)))
        else:
            ok = _decode_body(fh, table, n, out, lambda decode: decode(table.variables))
        if not ok:
            return None
    table.nobs = n
    table.columns = {name: col if isinstance(col, np.ndarray) else col.result() for name, col in out.items()}
    return table
