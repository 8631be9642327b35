"""SAS transport (XPORT) version 5 files, written column-wise with numpy.

The layout follows SAS Technical Support document TS-140 ("The record layout of a
SAS transport file"): 80-byte header records (library, member, descriptor,
namestr, observation), one 140-byte *namestr* per variable, then the
observations as fixed-width records laid end to end and blank-padded to a
multiple of 80 bytes. Numbers are IBM doubles (:mod:`cdisc_dm.io.ibm_float`).

The FDA's Study Data Technical Conformance Guide requires v5 transport files for
SDTM/ADaM, with the v5 limits enforced here: dataset and variable names of at
most 8 characters (letters, digits, underscore; starting with a letter), labels
of at most 40 characters, character values of at most 200 bytes, ASCII only.
Anything outside those limits is an :class:`~cdisc_dm.errors.OutputError` that
names the dataset, the variable, the 1-based row and the value; nothing is
truncated silently.

Behaviour at the edges (documented, tested):

* a numeric missing value (NaN / NA) is SAS's ordinary missing ``.``;
* a character missing value (NA) and ``""`` are both written as blanks, and
  trailing blanks are not significant in SAS, so both read back as ``""``;
* numbers with ``|x| >= 16**63`` (about 7.2e75) or infinite raise OutputError;
  non-zero numbers below ``16**-65`` (about 5.4e-79) are written as 0;
* "ASCII" means 7-bit characters; control characters other than NUL (tab, newline)
  are stored as they are; NUL cannot be (readers strip it), so it is an error;
* a blank last record shorter than 80 bytes (possible only when every variable is
  Char) cannot be told from the padding, so it is an error rather than a lost row.

Known reader quirks (not writer faults, see tests): pandas' XPORT reader decodes an
IBM zero as 5.4e-79 (pandas-dev/pandas#50670) and miscounts rows when the record
length is below 80 bytes; pyreadstat reads both correctly.

Example::

    >>> write_xpt(ds, "sdtm/dm.xpt", creation_datetime=datetime(2026, 11, 29, 8, 0))  # doctest: +SKIP
    PosixPath('sdtm/dm.xpt')
"""
from __future__ import annotations

import os
import re
import struct
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from ..dataset import Dataset, Variable
from ..errors import Location, OutputError
from ._columns import char_values, fail as _fail, first_row as _first_row, numeric_values, parse_display_format, show as _show, text_codes
from .ibm_float import convert_ieee_to_ibm

__all__ = ["write_xpt", "read_xpt", "read_xpt_dataset", "DEFAULT_CREATION_DATETIME", "XPT_MAX_CHAR_BYTES"]

#: the header timestamp used when the caller gives none; callers normally pass the run
#: manifest's creation time so that the same inputs always give byte-identical files
DEFAULT_CREATION_DATETIME = datetime(2000, 1, 1, 0, 0, 0)
#: SAS v5 transport limit on a character variable's length
XPT_MAX_CHAR_BYTES = 200

_NAME_RE = re.compile(r"[A-Z][A-Z0-9_]{0,7}")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")

_SAS_VERSION = b"9.4     "
_WRITER_OS = b"cdisc_dm"  # the 8-byte "operating system" field names the writer
_NAMESTR_LEN = 140
_BLOCK_BYTES = 1 << 25  # observation bytes built and written at a time (32 MiB)


def _header(kind: str, tail: str = "0" * 30) -> bytes:
    text = f"HEADER RECORD*******{kind:<8}HEADER RECORD!!!!!!!{tail}  "
    assert len(text) == 80, text
    return text.encode("ascii")


def _sas_datetime(value: datetime) -> bytes:
    # TS-140: "ddMMMyy:hh:mm:ss"; month names fixed, not locale-dependent
    text = f"{value.day:02d}{_MONTHS[value.month - 1]}{value.year % 100:02d}:{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    return text.encode("ascii")


def _pad(text: str | bytes, width: int) -> bytes:
    raw = text.encode("ascii") if isinstance(text, str) else text
    return raw.ljust(width, b" ")


@dataclass(frozen=True)
class _Column:
    var: Variable
    numeric: bool
    length: int
    position: int
    fmt_name: str = ""
    fmt_width: int = 0
    fmt_decimals: int = 0


def _check_text(ds: Dataset, path: Path, what: str, text: str | None, limit: int, variable: str | None = None) -> str:
    text = text or ""
    if not text.isascii():
        bad = next(c for c in text if not c.isascii())
        _fail(ds, path, f"{what} {_show(text)} contains the non-ASCII character {bad!r} (U+{ord(bad):04X}); "
              "XPT v5 allows ASCII only", variable=variable)
    if len(text) > limit:
        _fail(ds, path, f"{what} {_show(text)} has {len(text)} characters; XPT v5 allows at most {limit}",
              variable=variable)
    return text


def _check_name(ds: Dataset, path: Path, what: str, name: str, variable: str | None = None) -> None:
    if not _NAME_RE.fullmatch(name or ""):
        _fail(ds, path, f"{what} {name!r} is not a valid XPT v5 name (1-8 characters: upper-case letters, digits "
              "or underscore, starting with a letter)", variable=variable)


# ---------------------------------------------------------------- numeric columns

def _numeric_words(ds: Dataset, path: Path, var: Variable, series: pd.Series) -> np.ndarray:
    values = numeric_values(ds, path, var, series)
    # the IBM word of a value depends on its 64 bits alone: a column repeating few values
    # (--SEQ, VISITNUM, --DY, results of a scored scale) is converted once per distinct bit
    # pattern (so -0.0 and each NaN stay apart) and every row takes its pattern's word
    codes, bits = pd.factorize(np.ascontiguousarray(values, dtype=np.float64).view(np.uint64))
    if len(bits) * 2 < len(values):
        conv = convert_ieee_to_ibm(np.asarray(bits, dtype=np.uint64).view(np.float64))
        over = np.zeros(len(bits), dtype=bool)
        over[conv.overflow] = True
        words, overflow = conv.words[codes], np.flatnonzero(over[codes])
    else:
        conv = convert_ieee_to_ibm(values)
        words, overflow = conv.words, conv.overflow
    del codes, bits
    if overflow.size:
        row = int(overflow[0])
        _fail(ds, path, f"value {float(values[row])!r} cannot be stored as an IBM double (the XPT v5 range is |x| < 16**63, "
              "about 7.2e75, and finite)", variable=var.name, row=row + 1)
    return words


# ---------------------------------------------------------------- character columns

def _char_table(ds: Dataset, path: Path, var: Variable, text: pd.Series,
                cache: dict | None = None) -> tuple[int, np.ndarray, np.ndarray]:
    """Check a Char column and encode it: (storage length, code per row, byte table of the codes).

    Clinical columns repeat few distinct values (test names, units, visits), so checks and
    encoding run once per distinct value, and every record then takes its row of the small
    fixed-width table by code: the cost is about one byte copy per cell. Code -1 (NA) takes the
    table's last row, all blanks. Errors still name the first offending row in data order.
    """
    if var.length is not None and not 1 <= var.length <= XPT_MAX_CHAR_BYTES:
        _fail(ds, path, f"declared length {var.length} is outside 1..{XPT_MAX_CHAR_BYTES} allowed by XPT v5",
              variable=var.name)
    codes, distinct = text_codes(text, cache, var.name)

    def first_row_with(bad_distinct: np.ndarray) -> tuple[int, str]:
        row = _first_row(np.append(bad_distinct, False)[codes])  # NA (-1) picks the appended False
        return row, distinct.iloc[codes[row]]

    ascii_ok = distinct.str.isascii().to_numpy(dtype=bool)
    if not ascii_ok.all():
        row, value = first_row_with(~ascii_ok)
        pos, bad = next((i, c) for i, c in enumerate(value) if not c.isascii())
        _fail(ds, path, f"value {_show(value)} contains the non-ASCII character {bad!r} (U+{ord(bad):04X}) at "
              f"position {pos + 1}; XPT v5 allows ASCII only", variable=var.name, row=row + 1,
              hint="transliterate the value in the mapping (e.g. with a sponsor synonym) before writing")
    has_nul = distinct.str.contains("\x00", regex=False).to_numpy(dtype=bool)
    if has_nul.any():
        row, value = first_row_with(has_nul)
        _fail(ds, path, f"value {_show(value)} contains the NUL character, which XPT cannot store",
              variable=var.name, row=row + 1)
    lengths = distinct.str.len().to_numpy(dtype=np.int64)  # ASCII: characters are bytes
    limit = var.length if var.length is not None else XPT_MAX_CHAR_BYTES
    if (lengths > limit).any():
        row, value = first_row_with(lengths > limit)
        why = f"the declared length {var.length}" if var.length is not None else f"the XPT v5 limit of {XPT_MAX_CHAR_BYTES} bytes"
        _fail(ds, path, f"value {_show(value)} is {len(value)} bytes long, over {why}", variable=var.name,
              row=row + 1, hint="values longer than 200 bytes go to SUPP-- or split variables (SDTMIG 4.5.3.2)")
    width = int(lengths.max(initial=0))
    table = np.full((len(distinct) + 1, width), ord(" "), dtype=np.uint8)
    if len(distinct) and width:
        encoded = distinct.to_numpy(dtype=object).astype(f"S{width}")
        chars = encoded.view(np.uint8).reshape(len(distinct), width)
        table[:-1] = np.where(chars == 0, ord(" "), chars)  # numpy pads with NUL; XPT pads with blanks
    length = var.length if var.length is not None else max(1, width)
    return length, codes, table


# ---------------------------------------------------------------- the file

def _plan_columns(ds: Dataset, path: Path, cache: dict | None = None) -> tuple[list[_Column], dict[str, tuple]]:
    columns: list[_Column] = []
    prepared: dict[str, tuple] = {}
    position = 0
    for var in ds.variables:
        _check_name(ds, path, "variable name", var.name, variable=var.name)
        _check_text(ds, path, "variable label", var.label, 40, variable=var.name)
        fmt_name, fmt_width, fmt_decimals = parse_display_format(ds, path, var)
        series = ds.data[var.name]
        if var.type == "Num":
            prepared[var.name] = ("num", _numeric_words(ds, path, var, series))
            length = 8
        elif var.type == "Char":
            text = char_values(ds, path, var, series)
            length, codes, table = _char_table(ds, path, var, text, cache)
            prepared[var.name] = ("char", codes, table)
        else:
            _fail(ds, path, f"has type {var.type!r}; XPT v5 knows Num and Char only", variable=var.name)
        columns.append(_Column(var, var.type == "Num", length, position, fmt_name, fmt_width, fmt_decimals))
        position += length
    return columns, prepared


def _namestr(col: _Column, number: int) -> bytes:
    # TS-140 NAMESTR record: ntype, nhfun, nlng, nvar0, nname, nlabel, nform, nfl, nfd, nfj,
    # nfill, niform, nifl, nifd, npos, rest -- big-endian, 140 bytes
    return struct.pack(
        ">hhhh8s40s8shhh2s8shhl52s",
        1 if col.numeric else 2, 0, col.length, number,
        _pad(col.var.name, 8), _pad(col.var.label or "", 40), _pad(col.fmt_name, 8),
        col.fmt_width, col.fmt_decimals, 0, b"\0\0",
        b" " * 8, 0, 0, col.position, b"\0" * 52,
    )


def _headers(ds: Dataset, columns: list[_Column], created: datetime) -> bytes:
    stamp = _sas_datetime(created)
    parts = [
        _header("LIBRARY"),
        b"SAS     SAS     SASLIB  " + _SAS_VERSION + _WRITER_OS + b" " * 24 + stamp,
        stamp + b" " * 64,
        _header("MEMBER", "0" * 17 + "16" + "0" * 8 + f"{_NAMESTR_LEN:03d}"),
        _header("DSCRPTR"),
        b"SAS     " + _pad(ds.name, 8) + b"SASDATA " + _SAS_VERSION + _WRITER_OS + b" " * 24 + stamp,
        stamp + b" " * 16 + _pad(ds.label or "", 40) + b" " * 8,
        _header("NAMESTR", f"000000{len(columns):04d}" + "0" * 20),
    ]
    names = b"".join(_namestr(col, i + 1) for i, col in enumerate(columns))
    parts.append(names + b" " * (-len(names) % 80))
    parts.append(_header("OBS"))
    head = b"".join(parts)
    assert len(head) % 80 == 0
    return head


def write_xpt(ds: Dataset, path: str | os.PathLike, *,
              creation_datetime: datetime | str = DEFAULT_CREATION_DATETIME, _text_cache: dict | None = None) -> Path:
    """Write ``ds`` as a SAS v5 transport file; return the path.

    ``creation_datetime`` (a datetime or ISO 8601 text) goes into the headers (created and
    modified stamps) so the bytes depend only on the inputs; pass the run manifest's time.
    Raises OutputError naming the dataset, variable, 1-based row and value on any v5
    violation; nothing is written then (all checks run before the file is opened).
    ``_text_cache`` is internal: one dict per dataset shared with the Dataset-JSON writer
    (:func:`cdisc_dm.io._columns.text_codes`).

    >>> write_xpt(dm, tmp / "dm.xpt", creation_datetime=datetime(2026, 1, 2))  # doctest: +SKIP
    """
    path = Path(path)
    if isinstance(creation_datetime, str):
        try:
            creation_datetime = datetime.fromisoformat(creation_datetime)
        except ValueError:
            raise OutputError(f"creation_datetime {creation_datetime!r} is not an ISO 8601 date-time",
                              Location(file=path)) from None
    _check_name(ds, path, "dataset name", ds.name)
    _check_text(ds, path, "dataset label", ds.label, 40)
    if not ds.variables:
        _fail(ds, path, "has no variables; an XPT member needs at least one")
    try:
        ds.check_consistent()
    except ValueError as exc:
        raise OutputError(str(exc), Location(file=path)) from None
    columns, prepared = _plan_columns(ds, path, _text_cache)
    n = len(ds.data)
    width = sum(c.length for c in columns)

    # each column's cells as one opaque item of its width (numpy void): a record's field is then
    # filled by one item copy instead of a byte-by-byte strided copy (about 10 times faster)
    cells: dict[str, tuple[np.ndarray, np.ndarray | None, int]] = {}
    for col in columns:
        item = prepared[col.var.name]
        if item[0] == "num":
            cells[col.var.name] = (np.ascontiguousarray(item[1]).view(np.dtype((np.void, 8))), None, 8)
        elif item[2].shape[1]:
            table = np.ascontiguousarray(item[2])
            cells[col.var.name] = (table.view(np.dtype((np.void, table.shape[1]))).ravel(), item[1], table.shape[1])

    def block(start: int, stop: int) -> np.ndarray:
        """Observation records start..stop as a (rows, width) byte matrix."""
        rows = stop - start
        records = np.full((rows, width), ord(" "), dtype=np.uint8)
        for col in columns:
            if col.var.name not in cells:  # a Char column holding only blanks and NA
                continue
            items, codes, size = cells[col.var.name]
            field = np.ndarray((rows,), dtype=items.dtype, buffer=records, offset=col.position, strides=(width,))
            # numbers: the words of these rows; text: each row's entry of the table (-1, NA: the blank last row)
            field[:] = items[start:stop] if codes is None else items[codes[start:stop]]
        return records

    if n and width < 80 and not any(c.numeric for c in columns) and (block(n - 1, n)[-1] == ord(" ")).all():
        # TS-140 pads with blanks, so a blank last record shorter than 80 bytes is
        # indistinguishable from padding: readers (SAS, pyreadstat) drop it.
        _fail(ds, path, f"the last row ({n}) is entirely blank and only {width} bytes long, so XPT readers would "
              "take it for padding and lose it", row=n, hint="drop the empty row or add a non-blank key variable")
    body_len = n * width
    head = _headers(ds, columns, creation_datetime)
    # the records are built and written in blocks of rows: the byte matrix of a whole large
    # domain (millions of records x hundreds of bytes) is never in memory at once
    step = max(1, _BLOCK_BYTES // max(width, 1))
    with open(path, "wb") as fh:
        fh.write(head)
        for start in range(0, n if width else 0, step):
            fh.write(block(start, min(n, start + step)).data)
        fh.write(b" " * (-body_len % 80))  # TS-140: the last observation record is blank-padded to 80
    return path


def read_xpt(path: str | os.PathLike) -> pd.DataFrame:
    """Read an XPT file into a DataFrame (pyreadstat; labels in ``frame.attrs['labels']``).

    >>> read_xpt("sdtm/dm.xpt").columns[:2].tolist()  # doctest: +SKIP
    ['STUDYID', 'DOMAIN']
    """
    import pyreadstat

    frame, meta = pyreadstat.read_xport(str(path))
    frame.attrs["labels"] = dict(zip(meta.column_names, meta.column_labels))
    frame.attrs["dataset_label"] = meta.file_label
    return frame


def read_xpt_dataset(path: str | os.PathLike) -> Dataset:
    """Read an XPT file into a Dataset with its metadata (names, labels, types, lengths, formats).

    Numbers stay numbers (SAS dates are day counts; no date conversion); blank character
    values read as ``""``, since XPT cannot tell them from missing.

    >>> read_xpt_dataset("sdtm/dm.xpt").variable("AGE").type  # doctest: +SKIP
    'Num'
    """
    import pyreadstat

    frame, meta = pyreadstat.read_xport(str(path), disable_datetime_conversion=True)
    variables = []
    for name, label in zip(meta.column_names, meta.column_labels):
        fmt = (meta.original_variable_types or {}).get(name)
        # pyreadstat drops the period of width-only references: "DATE9" for DATE9., "8" for 8.
        display = None if not fmt else (fmt if "." in fmt else fmt + ".")
        if meta.readstat_variable_types[name] == "string":
            variables.append(Variable(name, label or "", "Char", length=meta.variable_storage_width[name],
                                      display_format=display))
        else:
            variables.append(Variable(name, label or "", "Num", display_format=display))
    return Dataset(meta.table_name or Path(path).stem.upper(), meta.file_label or "", frame, variables)
