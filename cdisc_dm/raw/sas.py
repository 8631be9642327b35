"""Read a SAS dataset (SAS7BDAT or transport XPT) as a RawTable of text.

Numbers and dates become text by the rules in :mod:`cdisc_dm.raw.text_values`
(whole numbers without ``.0``, others as shortest round-trip text, SAS date,
datetime and time formats as ISO 8601); the declared SAS format of each numeric
column is kept in ``RawTable.formats``. Character values are kept as pyreadstat
delivers them (SAS itself does not keep trailing blanks); an empty value is NA.
``rows`` is the observation number (1..n).

>>> t = read_sas_table(Path("raw/dm.sas7bdat"))     # doctest: +SKIP
>>> t.format, t.formats.get("BRTHDT")              # doctest: +SKIP
('sas7bdat', 'DATE9')
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from ..errors import Location, RawInputError
from .study import RawTable
from .text_values import number_text, sas_date_text, sas_kind

__all__ = ["read_sas_table"]


def read_sas_table(path: Path | str, *, name: str | None = None) -> RawTable:
    """Read ``.sas7bdat`` or ``.xpt``; RawInputError naming the file when it cannot be read."""
    path = Path(path)
    fmt = "xpt" if path.suffix.lower() in (".xpt", ".xport") else "sas7bdat"
    reader = pyreadstat.read_xport if fmt == "xpt" else pyreadstat.read_sas7bdat
    try:
        frame, meta = reader(str(path), disable_datetime_conversion=True)
    except Exception as exc:  # pyreadstat raises its own error types and OSError
        raise RawInputError(f"cannot be read as {fmt}: {exc}", Location(file=path)) from None
    formats = dict(getattr(meta, "original_variable_types", {}) or {})
    columns: dict[str, pd.Series] = {}
    kept_formats: dict[str, str] = {}
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_numeric_dtype(values.dtype):
            sas_fmt = formats.get(col)
            kind = sas_kind(sas_fmt)
            arr = values.to_numpy(dtype=np.float64, na_value=np.nan)
            text = sas_date_text(arr, kind) if kind else number_text(arr)
            if sas_fmt:
                kept_formats[str(col)] = str(sas_fmt)
        else:
            obj = values.astype(object).to_numpy()
            text = np.where(pd.isna(obj) | (obj == ""), None, obj)
        columns[str(col)] = pd.Series(pd.array(text, dtype="str"))
    data = pd.DataFrame(columns) if columns else pd.DataFrame(index=range(len(frame)))
    encoding = getattr(meta, "file_encoding", None)
    return RawTable(
        name=(name or path.stem).upper(),
        data=data,
        file=path,
        format=fmt,
        encoding=str(encoding) if encoding else None,
        rows=np.arange(1, len(data) + 1, dtype=np.int64),
        formats=kept_formats,
    )
