"""Small helpers shared by algorithms: raw text normalised the same way everywhere."""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["clean_text", "clean_categories", "is_text_category", "plain_text", "TEXT", "per_distinct", "distinct_rows"]

TEXT = "str"  # pandas' text dtype (missing = NaN); every character variable the engine builds uses it


def clean_text(values: pd.Series) -> pd.Series:
    """Strip surrounding blanks; empty text becomes missing (raw exports mix both for 'no value')."""
    text = values.astype(TEXT).str.strip()
    return text.mask(text == "")


def is_text_category(dtype: object) -> bool:
    """True for a pandas categorical whose categories are text (the melted test attributes)."""
    return isinstance(dtype, pd.CategoricalDtype) and dtype.categories.dtype != object and \
        pd.api.types.is_string_dtype(dtype.categories.dtype)


def clean_categories(values: pd.Series, upper: bool = False) -> pd.Series:
    """:func:`clean_text` (then upper-cased when ``upper``) of a text categorical, kept categorical.

    The text of each record is that of ``clean_text(values)``; the work is done once per
    category and the records keep a code (a melted QS test code repeats over millions of
    records). The categories are the distinct cleaned texts in sorted order, so sorting by the
    column sorts as the text would.

    >>> clean_categories(pd.Series([" a", "b ", ""], dtype="category")).tolist()
    ['a', 'b', nan]
    """
    cats = clean_text(pd.Series(values.cat.categories))
    if upper:
        cats = cats.str.upper()
    new = pd.Index(sorted(set(cats.dropna())), dtype=values.cat.categories.dtype)
    where = new.get_indexer(cats)  # NA (a blank category) -> -1
    codes = values.cat.codes.to_numpy()
    codes = np.where(codes >= 0, np.append(where, -1)[codes], -1)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(new)), index=values.index, name=values.name)


def plain_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text categoricals as text columns (the dtype every consumer expects)."""
    cats = [c for c in frame.columns if is_text_category(frame[c].dtype)]
    if not cats:
        return frame
    return frame.assign(**{c: frame[c].astype(TEXT) for c in cats})


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
    bound = 1  # the combined key is below this
    for col in columns:
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        radix = len(uniques) + 1
        if bound * radix >= 1 << 62:
            # renumbered only when the next column would overflow: it then stays below n * radix
            key, seen = pd.factorize(key)
            bound = len(seen)
        key = key * radix + (codes + 1)
        bound *= radix
    # numbered in order of first appearance (any one-to-one combination of the codes gives these numbers)
    key, _ = pd.factorize(key)
    key = key.astype(np.int64, copy=False)
    if n == 0:
        return key, np.zeros(0, dtype=np.int64)
    # numbered in order of first appearance, a group's first row is where the running maximum grows
    top = np.maximum.accumulate(key)
    first = np.flatnonzero(np.concatenate(([True], top[1:] > top[:-1])))
    return key, first
