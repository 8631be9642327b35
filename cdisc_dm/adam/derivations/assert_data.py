"""Input checks shared by every derivation (admiral's ``assert_*`` family).

Derivations check their inputs FIRST and fail with a message that says which function, what is
missing or wrong, and what to do, before any column is computed::

    >>> import pandas as pd
    >>> assert_data_has_vars(pd.DataFrame({"AVAL": [1.0]}), ["AVAL", "BASE"], fn="derive_var_chg")
    Traceback (most recent call last):
    ...
    cdisc_dm.adam.derivations.assert_data.DerivationError: derive_var_chg: input is missing column(s) BASE ...

:class:`DerivationError` is a :class:`cdisc_dm.errors.SpecError` (the ADaM spec asked for a
derivation its inputs cannot support) and also a :class:`ValueError`, so plain Python callers can
catch it without importing the project's error tree.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from cdisc_dm.errors import SpecError

__all__ = [
    "DerivationError",
    "assert_data_has_vars",
    "assert_unique_keys",
    "resolve_filter",
    "as_list",
]


class DerivationError(SpecError, ValueError):
    """A derivation cannot run on the given inputs (missing columns, duplicate keys, bad argument)."""


def as_list(value: str | Sequence[str] | None) -> list[str]:
    """``"USUBJID"`` -> ``["USUBJID"]``; sequences are copied; ``None`` -> ``[]``."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def assert_data_has_vars(dataset: pd.DataFrame, required: Sequence[str], *, fn: str, what: str = "input") -> None:
    """Raise :class:`DerivationError` naming ``fn`` and every column of ``required`` absent from ``dataset``."""
    if not isinstance(dataset, pd.DataFrame):
        raise DerivationError(f"{fn}: {what} must be a pandas DataFrame, got {type(dataset).__name__}")
    missing = [v for v in required if v not in dataset.columns]
    if missing:
        have = ", ".join(map(str, dataset.columns[:30]))
        raise DerivationError(
            f"{fn}: {what} is missing column(s) {', '.join(missing)}",
            hint=f"derive or merge them first; the {what} has: {have}",
        )


def assert_unique_keys(dataset: pd.DataFrame, keys: Sequence[str], *, fn: str, what: str = "input") -> None:
    """Raise :class:`DerivationError` quoting the first duplicated key when ``keys`` are not unique."""
    dup = dataset.duplicated(subset=list(keys), keep=False)
    if dup.any():
        first = dataset.loc[dup, list(keys)].iloc[0].to_dict()
        raise DerivationError(
            f"{fn}: {what} has {int(dup.sum())} rows sharing a key over {', '.join(keys)} (first: {first})",
            hint="add variables to by_vars/order, or filter the input down to one record per key",
        )


def resolve_filter(dataset: pd.DataFrame, filter: Callable | pd.Series | np.ndarray | None, *, fn: str) -> np.ndarray:
    """A filter is a callable ``frame -> boolean Series``, a boolean Series/array, or None (all rows).

    Strings are refused on purpose: specs never ``eval`` code (DESIGN.md principle 4).
    """
    if filter is None:
        return np.ones(len(dataset), dtype=bool)
    if isinstance(filter, str):
        raise DerivationError(
            f"{fn}: filter must be a callable or a boolean mask, not the string {filter!r}",
            hint="pass e.g. filter=lambda d: d['PARAMCD'].eq('CK')",
        )
    mask = filter(dataset) if callable(filter) else filter
    arr = np.asarray(pd.Series(mask).fillna(False).to_numpy(), dtype=bool) if not isinstance(mask, np.ndarray) else mask
    if arr.shape != (len(dataset),):
        raise DerivationError(f"{fn}: filter gave {arr.shape[0] if arr.ndim else 'a scalar'} values for {len(dataset)} rows")
    return arr.astype(bool)
