"""Small helpers shared by algorithms: raw text normalised the same way everywhere."""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["clean_text", "TEXT", "per_distinct", "distinct_rows"]

TEXT = "str"  # pandas' text dtype (missing = NaN); every character variable the engine builds uses it


def clean_text(values: pd.Series) -> pd.Series:
    """Strip surrounding blanks; empty text becomes missing (raw exports mix both for 'no value')."""
    text = values.astype(TEXT).str.strip()
    return text.mask(text == "")


def per_distinct(values: pd.Series, fn) -> pd.Series:
    """Apply a text function once per distinct value (codes, terms and dates repeat a lot).

    ``fn`` takes and returns a Series of the distinct non-missing values; the result is spread
    back to every record, missing where the input is missing.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) == 0:
        return pd.Series(pd.NA, index=values.index, dtype="object").astype(TEXT)
    mapped = fn(pd.Series(uniques, dtype=TEXT)).to_numpy(dtype=object, na_value=None)
    out = pd.Series(mapped.take(codes, mode="clip"), index=values.index, dtype="object")
    return out.where(codes >= 0)


def distinct_rows(*columns: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Group rows by their combination of values in ``columns`` (missing is a value of its own).

    Returns ``(codes, first)``: each row's group number (0, 1, ... in order of first
    appearance) and the position of each group's first row. A row-wise derivation computed on
    the rows at ``first`` and taken back with ``codes`` gives the same result as on every row
    (millions of findings records share a few thousand subject x visit x date combinations).

    >>> codes, first = distinct_rows(pd.Series(["a", "b", "a"]), pd.Series([1, 2, 1]))
    >>> codes.tolist(), first.tolist()
    ([0, 1, 0], [0, 1])
    """
    n = len(columns[0]) if columns else 0
    key = np.zeros(n, dtype=np.int64)
    for col in columns:
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        # renumbered after every column, the combined key stays below n * (distinct + 1)
        key, _ = pd.factorize(key * (len(uniques) + 1) + (codes + 1))
    _, first = np.unique(key, return_index=True)
    return key.astype(np.int64, copy=False), first
