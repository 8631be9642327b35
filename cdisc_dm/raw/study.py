"""RawTable and RawStudy: the typed result of reading a raw export.

A raw table keeps every value exactly as the sender delivered it: all columns are
text (no stripping, no case change, ``"NA"`` or ``"NULL"`` are values), only empty
cells are missing. ``rows`` keeps the record number of each row in the source file
so that every later finding and lineage entry can point back at it::

    raw = read_raw("export/")
    raw["DM"].data["SEX"]          # text as typed in the EDC
    raw["DM"].rows[0]              # 1 = first data record of edc/DM.csv
    raw.describe()                 # one line per table: file, format, encoding, rows, columns
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pandas as pd

from ..errors import Location, RawInputError

__all__ = ["RawTable", "RawStudy", "FORMATS"]

#: The formats a RawTable can come from (RawTable.format).
FORMATS = ("csv", "xlsx", "sas7bdat", "xpt", "odm")


@dataclass
class RawTable:
    """One raw table (a CRF form, a lab transfer, a sheet, a SAS dataset).

    ``data`` holds text columns only; ``rows[i]`` is the 1-based record number of
    ``data.iloc[i]`` in ``file`` (first data record = 1). ``formats`` records, per
    column, the display format the source declared (SAS formats, ODM DataType) when
    the values were rendered from a typed source.
    """

    name: str
    data: pd.DataFrame
    file: Path
    format: str
    encoding: str | None
    rows: np.ndarray
    formats: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"RawTable.format must be one of {FORMATS}, got {self.format!r}")
        if len(self.rows) != len(self.data):
            raise ValueError(
                f"RawTable {self.name}: {len(self.rows)} record numbers for {len(self.data)} rows"
            )

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.data.columns]

    def location(self, index: int, variable: str | None = None) -> Location:
        """Where row ``index`` (position in ``data``) came from, for error messages."""
        return Location(file=self.file, row=int(self.rows[index]), variable=variable)


@dataclass
class RawStudy:
    """All raw tables of one export, keyed by table name in upper case.

    ``skipped`` lists files found but deliberately not read as tables, with the
    reason (the data dictionary, an ODM copy of forms already read as CSV), so no
    file of an export is ignored without a trace.
    """

    tables: dict[str, RawTable]
    root: Path
    dictionary: dict[str, Any] | None = None
    skipped: list[tuple[Path, str]] = field(default_factory=list)

    def __getitem__(self, name: str) -> RawTable:
        key = name.upper()
        if key not in self.tables:
            known = ", ".join(sorted(self.tables)) or "none"
            raise RawInputError(
                f"no raw table {name!r} in this export (tables: {known})",
                Location(file=self.root),
            )
        return self.tables[key]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.upper() in self.tables

    def __iter__(self) -> Iterator[str]:
        return iter(self.tables)

    def __len__(self) -> int:
        return len(self.tables)

    def describe(self) -> pd.DataFrame:
        """One row per table: table, file, format, encoding, rows, columns.

        >>> raw.describe().to_string(index=False)   # doctest: +SKIP
        table            file format encoding  rows  columns
           AE       edc/AE.csv    csv    utf-8   512       21
        """
        records = []
        for name in sorted(self.tables):
            t = self.tables[name]
            try:
                shown = t.file.relative_to(self.root) if self.root.is_dir() else t.file.name
            except ValueError:
                shown = t.file
            records.append(
                {
                    "table": name,
                    "file": str(shown),
                    "format": t.format,
                    "encoding": t.encoding,
                    "rows": len(t.data),
                    "columns": t.data.shape[1],
                }
            )
        return pd.DataFrame.from_records(
            records, columns=["table", "file", "format", "encoding", "rows", "columns"]
        )
