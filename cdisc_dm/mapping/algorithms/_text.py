"""Small helpers shared by algorithms: raw text normalised the same way everywhere."""
from __future__ import annotations

import pandas as pd

__all__ = ["clean_text", "TEXT"]

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
