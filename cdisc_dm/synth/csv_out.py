'''CSV writing for the synthetic export: UTF-8, comma, LF, minimal quoting, byte-stable.

Columns arrive as object arrays of text; a field is quoted only when it holds a comma, a
quote or a line break (RFC 4180), with inner quotes doubled::

    >>> import numpy as np
    >>> from cdisc_dm.synth.csv_out import csv_text
    >>> print(csv_text({"A": np.array(["x", "a,b"], dtype=object), "B": np.array(['say "hi"', ""], dtype=object)}), end="")
    A,B
    x,"say ""hi"""
    "a,b",
'''
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np

__all__ = ["csv_text", "write_csv", "write_csv_chunks"]


def _quoted(col: np.ndarray) -> np.ndarray:
    text = np.asarray(col, dtype=object)
    # one scan of the whole column first: most columns never need quoting
    blob = "\x1f".join(text)
    if "," not in blob and '"' not in blob and "\n" not in blob and "\r" not in blob:
        return text
    u = text.astype(str)
    need = (np.char.find(u, ",") >= 0) | (np.char.find(u, '"') >= 0) | (np.char.find(u, "\n") >= 0) | (np.char.find(u, "\r") >= 0)
    if not need.any():
        return text
    out = text.copy()
    out[need] = np.char.add(np.char.add('"', np.char.replace(u[need], '"', '""')), '"').astype(object)
    return out


def _lines(columns: dict[str, np.ndarray]) -> str:
    cols = [_quoted(c) for c in columns.values()]
    if not cols or len(cols[0]) == 0:
        return ""
    return "\n".join(map(",".join, zip(*cols))) + "\n"


def _header(names: Iterable[str]) -> str:
    return ",".join(_quoted(np.asarray(list(names), dtype=object))) + "\n"


def csv_text(columns: dict[str, np.ndarray]) -> str:
    return _header(columns) + _lines(columns)


def write_csv(path: Path, columns: dict[str, np.ndarray]) -> int:
    """Write one table; returns the number of data rows."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(csv_text(columns))
    return len(next(iter(columns.values()))) if columns else 0


def write_csv_chunks(path: Path, header: list[str], chunks: Iterable[dict[str, np.ndarray]]) -> int:
    """Write a header, then each chunk's rows (the chunks must have the header's columns, in order)."""
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(_header(header))
        for chunk in chunks:
            if list(chunk) != header:
                raise ValueError(f"{path.name}: chunk columns {list(chunk)} differ from the header {header}")
            fh.write(_lines(chunk))
            rows += len(next(iter(chunk.values())))
    return rows
