"""``lookup_table``: an attribute of a raw code from a table kept as data next to the spec.

The first column of the CSV is the key (a vendor's test code, say); ``column`` names the
attribute to return. Keys match ignoring case and surrounding blanks. A non-missing value that
is not a key of the table is an Issue (MAP-TABLE-UNMATCHED, with file, raw rows and value)
when ``report`` is true; the target stays empty. One table feeds several variables (LBTESTCD,
LBTEST, LBCAT, LBSPEC...), so only one of them needs ``report: true``.

Example::

    LBTESTCD: {lookup_table: {from: lab.TESTCD, table: lb_tests.csv, column: LBTESTCD}}
    LBTEST:   {lookup_table: {from: lab.TESTCD, table: lb_tests.csv, column: LBTEST, report: false}}
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ...errors import Location, SpecError
from ..context import Context
from ..params import Ref
from ..registry import register
from ._tables import map_distinct, study_table
from ._text import clean_text

__all__ = ["LookupTableParams", "lookup_table", "table_attribute"]


@dataclass(frozen=True)
class LookupTableParams:
    source: Ref = field(metadata={"key": "from", "doc": "the column whose values are the table's keys"})
    table: str = field(metadata={"doc": "CSV file next to the spec; its first column is the key"})
    column: str = field(metadata={"doc": "the table column to return"})
    report: bool = field(default=True, metadata={"doc": "report values absent from the table as Issues"})


def table_attribute(table: pd.DataFrame, keys: pd.Series, column: str) -> tuple[pd.Series, np.ndarray]:
    """(attribute per key, mask of non-missing keys absent from the table); keys case-insensitive.

    >>> t = pd.DataFrame({"vendor": ["CPK"], "LBTESTCD": ["CK"]})
    >>> table_attribute(t, pd.Series(["cpk", "XX", None]), "LBTESTCD")[0].tolist()
    ['CK', nan, nan]
    """
    key_col = table.columns[0]
    index = table[key_col].str.upper()
    mapping = pd.Series(table[column].to_numpy(dtype=object), index=index.to_numpy())
    mapping = mapping[~mapping.index.duplicated(keep="first")]
    # keys repeat (a few dozen tests over millions of records): look each distinct key up once
    norm = lambda u: clean_text(u).str.upper()  # noqa: E731
    out = map_distinct(keys, lambda u: norm(u).map(mapping))
    known = map_distinct(keys, lambda u: norm(u).isin(mapping.index).map({True: "Y", False: "N"}))
    unmatched = known.eq("N").fillna(False).to_numpy(dtype=bool)
    return out, unmatched


@register("lookup_table", LookupTableParams, origin="Derived",
          method="{column} looked up from {source} in the table {table} kept with the mapping specs.")
def lookup_table(ctx: Context, p: LookupTableParams) -> pd.Series:
    """Look {source} up in {table} and return its {column}."""
    table = study_table(ctx.spec_file, p.table)
    if p.column not in table.columns:
        raise SpecError(f"table {p.table} has no column '{p.column}' (columns: {', '.join(table.columns)})",
                        Location(ctx.spec_line or ctx.spec_file, variable=ctx.target))
    out, unmatched = table_attribute(table, ctx.column(p.source), p.column)
    if p.report:
        bad = unmatched & (ctx.mask if ctx.mask is not None else True)
        ctx.issues_by_value(
            "MAP-TABLE-UNMATCHED",
            f"value {{value!r}} of {p.source} is not in table {p.table} ({{count}} records, raw rows {{rows}}); "
            f"unknown code: add it to the table or correct the raw data",
            bad, clean_text(ctx.column(p.source)),
        )
    return out
