"""Read one delimited text file (CSV, semicolon, tab or pipe) as a RawTable.

What is read, exactly:

* the encoding is detected (see :mod:`cdisc_dm.raw.encoding`) and reported;
* the delimiter is detected among comma, semicolon, tab and pipe from the first
  records: the candidate whose records agree with the header's field count wins;
* quoting follows RFC 4180: a quoted field may hold the delimiter, doubled quotes
  and line breaks;
* every value is kept as text exactly as delivered (no stripping, no case change);
  ``NA``, ``NULL`` and ``.`` are values, only an empty field is missing (NA);
* a record with more or fewer fields than the header is a :class:`RawInputError`
  naming the file, the record number and both field counts: such a row is a broken
  export and padding it would shift values into the wrong variables;
* blank lines are not records: they are skipped, and ``rows`` keeps counting them
  so that record numbers match the file.

Parsing uses the pandas C engine in slices of rows. pandas refuses a record with
too many fields but pads one with too few, so field counts are checked in three
steps, each run only when the one before cannot decide: a proof from totals
(delimiter bytes in the file = delimiters inside values + (width - 1) x records);
a vectorized per-record count over the bytes; the standard csv module.

>>> t = read_csv_table(Path("edc/DM.csv"))        # doctest: +SKIP
>>> t.encoding, t.columns[:3], t.rows[:2]         # doctest: +SKIP
('utf-8', ['project', 'SiteNumber', 'Subject'], array([1, 2]))
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import Location, RawInputError, UsageError
from .encoding import detect_encoding
from .study import RawTable

__all__ = ["read_csv_table", "detect_delimiter", "DELIMITERS"]

#: Candidate delimiters, in order of preference when the evidence ties.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
_SAMPLE_BYTES = 1 << 20
_CHUNK = 1 << 23
_ROWS_PER_SLICE = 500_000
_QUOTE = ord('"')
_NEWLINE = ord("\n")
_CR = ord("\r")
_MAX_LISTED = 5


def detect_delimiter(sample: str, complete: bool = False) -> str:
    """The delimiter of a text sample: the candidate that splits the header into the
    most fields consistently with the following records; ``,`` for one column.

    >>> detect_delimiter("a;b;c\\n1;2,5;3\\n")
    ';'
    """
    best, best_score = ",", (False, -1, -1)
    for delim in DELIMITERS:
        records = list(_first_records(sample, delim, 50))
        if not complete and len(records) > 1:
            records = records[:-1]  # the sample may cut the last record
        records = [r for r in records if r]
        if not records:
            continue
        width = len(records[0])
        agree = sum(len(r) == width for r in records[1:])
        score = (width > 1, agree, width)
        if score > best_score:
            best, best_score = delim, score
    return best


def _first_records(text: str, delim: str, limit: int):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, quotechar='"', doublequote=True)
    try:
        for i, rec in enumerate(reader):
            if i >= limit:
                return
            yield rec
    except csv.Error:
        return


def _sample(path: Path, encoding: str) -> tuple[str, bool]:
    with open(path, "rb") as fh:
        raw = fh.read(_SAMPLE_BYTES)
        complete = not fh.read(1)
    text = codecs.getincrementaldecoder(encoding)(errors="strict").decode(raw, final=complete)
    return text, complete


def _fast_field_counts(path: Path, delim: str) -> tuple[np.ndarray, np.ndarray]:
    """Fields per record and blank-record flags, from the bytes (vectorized).

    A delimiter or line feed is structural when an even number of quote characters
    precede it (RFC 4180: quotes open/close a field, an escaped quote is doubled, so
    parity is preserved). Valid for encodings where these ASCII bytes never occur
    inside a multi-byte character (UTF-8, and GB18030 for , ; and tab).
    """
    dcode = ord(delim)
    counts: list[np.ndarray] = []
    blanks: list[np.ndarray] = []
    parity = 0          # quote parity carried over from the previous chunk
    open_delims = 0     # delimiters seen in the record still open at the chunk end
    open_len = 0        # its length in bytes so far
    open_last = -1      # the last byte of the previous chunk
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            arr = np.frombuffer(chunk, dtype=np.uint8)
            quotes = arr == _QUOTE
            if parity == 0 and not quotes.any():
                nl_mask = arr == _NEWLINE
                d_mask = arr == dcode
            else:
                par = (np.cumsum(quotes, dtype=np.uint8) & 1) ^ np.uint8(parity)
                outside = par == 0
                nl_mask = (arr == _NEWLINE) & outside
                d_mask = (arr == dcode) & outside
                parity = int(par[-1])
            nl = np.flatnonzero(nl_mask)
            if len(nl):
                starts = np.r_[0, nl[:-1] + 1]
                per = np.add.reduceat(d_mask[: nl[-1] + 1].view(np.uint8), starts, dtype=np.int64)
                per[0] += open_delims
                counts.append(per + 1)
                lengths = nl - starts
                lengths[0] += open_len
                prev_byte = arr[np.maximum(nl - 1, 0)].astype(np.int64)
                if nl[0] == 0:
                    prev_byte[0] = open_last
                blanks.append((lengths == 0) | ((lengths == 1) & (prev_byte == _CR)))
                open_delims = int(np.count_nonzero(d_mask[nl[-1] + 1 :]))
                open_len = len(arr) - int(nl[-1]) - 1
            else:
                open_delims += int(np.count_nonzero(d_mask))
                open_len += len(arr)
            open_last = int(arr[-1])
    if open_len > 0:
        counts.append(np.array([open_delims + 1], dtype=np.int64))
        blanks.append(np.array([open_len == 1 and open_last == _CR]))
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    return np.concatenate(counts).astype(np.int64), np.concatenate(blanks).astype(bool)


def _regular_by_totals(path: Path, frame: pd.DataFrame, delim: str) -> bool:
    """True when no record can be short and no line is blank, proven from totals.

    pandas raises on a record with too many fields but pads one with too few. The
    structural delimiters of the file are all its delimiter bytes minus those inside
    parsed values; if that equals ``(width - 1) * records``, no record is short.
    ``bytes.count`` runs at memory speed, so this costs far less than a per-record
    count, which runs only when this check fails (to name the record). A blank line
    reads as a row with every field missing; any such row also sends the file to the
    per-record count, which tells a blank line from a record of empty fields.
    """
    first = frame.iloc[:, 0].isna().to_numpy()
    if first.any() and (~frame.loc[first].notna().any(axis=1)).any():
        return False
    dbyte = delim.encode("ascii")
    total = 0
    quotes = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            total += chunk.count(dbyte)
            quotes += chunk.count(b'"')
    # a delimiter inside a value needs quotes (RFC 4180 §2.6): none in the file, none inside
    inside = sum(_count_in_values(frame[c], delim) for c in frame.columns) if quotes else 0
    return total - inside == (frame.shape[1] - 1) * len(frame)


def _count_in_values(values: pd.Series, text: str) -> int:
    """How often ``text`` occurs in the values (Arrow's substring count when available)."""
    if getattr(values.dtype, "storage", None) == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        counted = pc.sum(pc.count_substring(pa.array(values.array), text)).as_py()
        return int(counted or 0)
    return int(values.str.count(re.escape(text)).sum())


def _exact_field_counts(path: Path, encoding: str, delim: str) -> tuple[np.ndarray, np.ndarray]:
    """Fields per record with the csv module: slow, exact, used when the fast pass cannot decide."""
    counts: list[int] = []
    with open(path, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delim, quotechar='"', doublequote=True)
        try:
            for rec in reader:
                counts.append(len(rec))
        except csv.Error as exc:
            raise RawInputError(
                f"malformed quoting near record {len(counts)}: {exc}", Location(file=path)
            ) from None
    arr = np.asarray(counts, dtype=np.int64)
    return np.where(arr == 0, 1, arr), arr == 0


def _raise_ragged(path: Path, counts: np.ndarray, blank: np.ndarray, width: int) -> None:
    bad = np.flatnonzero((counts != width) & ~blank)
    bad = bad[bad > 0]
    if not len(bad):
        return
    first = int(bad[0])
    more = ""
    if len(bad) > 1:
        listed = ", ".join(str(int(b)) for b in bad[1:_MAX_LISTED])
        extra = f" and {len(bad) - _MAX_LISTED} more" if len(bad) > _MAX_LISTED else ""
        more = f"; also records {listed}{extra}"
    raise RawInputError(
        f"ragged row: record {first} has {int(counts[first])} fields, expected {width} "
        f"(the header's field count){more}",
        Location(file=path, row=first),
        hint="the export is damaged or a delimiter/quote inside a value is not quoted",
    )


def _check_header(path: Path, header: list[object]) -> list[str]:
    names: list[str] = []
    seen: dict[str, int] = {}
    for pos, value in enumerate(header, start=1):
        if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
            raise RawInputError(
                f"column {pos} of the header has no name", Location(file=path, line=1)
            )
        name = str(value)
        if name in seen:
            raise RawInputError(
                f"column name {name!r} appears twice in the header (columns {seen[name]} and {pos})",
                Location(file=path, line=1, variable=name),
            )
        seen[name] = pos
        names.append(name)
    return names


def read_csv_table(
    path: Path | str,
    *,
    name: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> RawTable:
    """Read one delimited text file; RawInputError on anything that is not a clean table."""
    path = Path(path)
    if delimiter is not None and (len(delimiter) != 1 or not delimiter.isascii() or delimiter in '"\r\n'):
        raise UsageError(f"delimiter must be one ASCII character other than a quote or line break, got {delimiter!r}")
    enc = detect_encoding(path, encoding)
    sample, complete = _sample(path, enc)
    if not sample.strip("\r\n\ufeff"):
        raise RawInputError("the file is empty: no header record", Location(file=path))
    delim = delimiter or detect_delimiter(sample, complete)
    table_name = (name or path.stem).upper()
    try:
        # Read in slices of rows: each slice's text becomes compact Arrow strings before
        # the next is parsed, which keeps peak memory near the size of the result.
        with pd.read_csv(
            path,
            sep=delim,
            header=None,
            dtype=str,
            encoding=enc,
            keep_default_na=False,
            na_values=[""],
            skip_blank_lines=False,
            quotechar='"',
            doublequote=True,
            engine="c",
            chunksize=_ROWS_PER_SLICE,
        ) as slices:
            parts = list(slices)
        frame = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        parse_error: Exception | None = None
    except pd.errors.ParserError as exc:
        frame, parse_error = None, exc
    except UnicodeDecodeError as exc:  # detection checked the whole file; defensive
        raise RawInputError(f"cannot be decoded as {enc}: {exc}", Location(file=path)) from None

    fast_ok = enc in ("utf-8", "utf-8-sig") or (enc == "gb18030" and delim != "|")
    counts = blank = None
    if frame is not None and fast_ok and len(frame) and _regular_by_totals(path, frame, delim):
        counts = np.full(len(frame), frame.shape[1], dtype=np.int64)
        blank = np.zeros(len(frame), dtype=bool)
    if counts is None and frame is not None and fast_ok:
        counts, blank = _fast_field_counts(path, delim)
        if len(counts) != len(frame):
            counts = blank = None  # e.g. a quote inside an unquoted value: decide exactly
    if counts is None:
        counts, blank = _exact_field_counts(path, enc, delim)
    # the header's field count: pandas took it from the first record
    width = frame.shape[1] if frame is not None else (int(counts[0]) if len(counts) else 0)
    if len(blank) and blank[0]:
        raise RawInputError("the first line (the header) is blank", Location(file=path, line=1))
    _raise_ragged(path, counts, blank, width)
    if frame is None or len(counts) != len(frame):
        raise RawInputError(
            f"cannot be parsed as a {delim!r}-delimited table: {parse_error or 'record count mismatch'}",
            Location(file=path),
        )
    header = _check_header(path, frame.iloc[0].tolist())
    keep = ~blank
    keep[0] = False
    # Without blank lines the body is a slice (no copy under copy-on-write).
    data = frame.iloc[1:] if keep[1:].all() else frame.loc[keep]
    data = data.reset_index(drop=True)
    data.columns = header
    rows = np.flatnonzero(keep).astype(np.int64)
    return RawTable(name=table_name, data=data, file=path, format="csv", encoding=enc, rows=rows)
