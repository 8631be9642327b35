"""``lookup``: a raw value translated through a table kept in the spec (case-insensitive keys).

A non-missing value absent from the table is an Issue (MAP-LOOKUP-UNMATCHED) unless a
``default`` is given.

Example::

    EXDOSE: {lookup: {from: RAND.ARMCD, table: {IL2: 1, PBO: 0}}}
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..context import Context
from ..params import Ref, Scalar
from ..registry import register
from ._text import clean_text, per_distinct


@dataclass(frozen=True)
class LookupParams:
    source: Ref = field(metadata={"key": "from", "doc": "the column whose values are looked up"})
    table: dict[str, Scalar] = field(metadata={"doc": "raw value -> output value"})
    default: Scalar = field(default=None, metadata={"doc": "output for values not in the table (else an Issue)"})


@register("lookup", LookupParams, origin="Derived", method="Looked up from {source} in the table {table}.")
def lookup(ctx: Context, p: LookupParams) -> pd.Series:
    """Translate {source} through a table."""
    table = {" ".join(str(k).upper().split()): v for k, v in p.table.items()}
    key = per_distinct(ctx.column(p.source), lambda u: clean_text(u).str.upper().str.replace(r"\s+", " ", regex=True))
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in table.values() if v is not None)
    out = key.map(table)
    hit = key.isin(list(table)).to_numpy()
    if p.default is not None:
        out = out.where(hit | key.isna().to_numpy(), p.default)
    else:
        bad = key.notna().to_numpy() & ~hit
        if ctx.mask is not None:
            bad = bad & ctx.mask
        ctx.issues_by_value("MAP-LOOKUP-UNMATCHED", "value {value!r} is not in the lookup table ({count} records, raw rows {rows})", bad, clean_text(ctx.column(p.source)))
    return pd.to_numeric(out, errors="coerce").astype("float64") if numeric else out.astype("str")
