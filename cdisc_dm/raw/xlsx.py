"""Read an Excel workbook (.xlsx) as one RawTable per sheet, named by the sheet.

Decisions (Excel cells are typed; raw tables are text):

* the first row is the header; a column needs a header name when it holds data;
* text cells are kept exactly; numbers follow :mod:`cdisc_dm.raw.text_values`
  (``3`` not ``3.0``, otherwise shortest round-trip text). The cell's display
  format is NOT applied (a 0.5 shown as ``50%`` reads ``0.5``): values, not
  pictures of values;
* a date cell becomes ISO 8601 text: ``YYYY-MM-DD`` when its number format shows no
  time, else ``YYYY-MM-DDThh:mm:ss``; a time cell ``hh:mm:ss``;
* booleans read ``TRUE``/``FALSE`` as Excel shows them; formula cells give their
  last computed value (the workbook is opened with ``data_only``);
* empty cells are NA; an entirely empty row is skipped, and ``rows`` is the Excel
  row number minus one (row 2 = record 1), so findings point at the sheet row.

Cells are visited one by one (openpyxl's model); workbooks are small CRF listings.

>>> [t.name for t in read_xlsx_tables(Path("site_listing.xlsx"))]   # doctest: +SKIP
['DM', 'AE']
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import Location, RawInputError
from .study import RawTable
from .text_values import number_text

__all__ = ["read_xlsx_tables", "cell_text"]

_TIME_CODES = re.compile(r"(?<![A-Za-z\"])[hHsS]|AM/PM", re.IGNORECASE)


def cell_text(value: object, number_format: str | None = None) -> str | None:
    """Text of one cell value by the rules above; None when empty.

    >>> cell_text(3.0), cell_text(dt.datetime(2021, 3, 15), "yyyy-mm-dd")
    ('3', '2021-03-15')
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        shows_time = bool(number_format and _TIME_CODES.search(number_format.split(";")[0].replace('"', "")))
        if not shows_time and value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds" if not value.microsecond else "milliseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds" if not value.microsecond else "milliseconds")
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(np.array([value]))[0]
    return str(value)


def read_xlsx_tables(path: Path | str) -> list[RawTable]:
    """One RawTable per worksheet; RawInputError when the workbook cannot be read."""
    from openpyxl import load_workbook

    path = Path(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException
        raise RawInputError(f"cannot be read as an Excel workbook: {exc}", Location(file=path)) from None
    tables: list[RawTable] = []
    try:
        for sheet in book.worksheets:
            tables.append(_read_sheet(path, sheet))
    finally:
        book.close()
    return tables


def _read_sheet(path: Path, sheet) -> RawTable:
    name = sheet.title
    where = f"{path.name} sheet {name!r}"
    grid: list[list[str | None]] = []
    excel_rows: list[int] = []
    for r, row in enumerate(sheet.iter_rows(), start=1):
        texts = [cell_text(getattr(c, "value", None), getattr(c, "number_format", None)) for c in row]
        if any(t is not None for t in texts):
            grid.append(texts)
            excel_rows.append(r)
    if not grid:
        return RawTable(name=name.upper(), data=pd.DataFrame(), file=path, format="xlsx", encoding=None, rows=np.zeros(0, np.int64))
    if excel_rows[0] != 1:
        raise RawInputError(f"{where}: row 1 (the header) is empty", Location(file=path, line=1))
    header = grid[0]
    while header and header[-1] is None:
        header = header[:-1]
    width = len(header)
    seen: dict[str, int] = {}
    for pos, h in enumerate(header, start=1):
        if h is None:
            raise RawInputError(f"{where}: column {pos} of the header has no name", Location(file=path, line=1))
        if h in seen:
            raise RawInputError(
                f"{where}: column name {h!r} appears twice in the header (columns {seen[h]} and {pos})",
                Location(file=path, line=1, variable=h),
            )
        seen[h] = pos
    body = grid[1:]
    for texts, r in zip(body, excel_rows[1:]):
        if any(t is not None for t in texts[width:]):
            col = width + 1 + next(i for i, t in enumerate(texts[width:]) if t is not None)
            raise RawInputError(
                f"{where}: row {r} has a value in column {col}, which has no header name",
                Location(file=path, row=r - 1),
            )
    matrix = np.full((len(body), width), None, dtype=object)
    for i, texts in enumerate(body):
        cut = texts[:width]
        matrix[i, : len(cut)] = cut
    data = pd.DataFrame({h: pd.array(matrix[:, j], dtype="str") for j, h in enumerate(header)})
    rows = np.asarray(excel_rows[1:], dtype=np.int64) - 1
    return RawTable(name=name.upper(), data=data, file=path, format="xlsx", encoding=None, rows=rows)
