"""``ct``: a raw value mapped to a controlled-terminology submission value.

Matching ignores case and repeated blanks, and accepts a term's submission value, its NCI
preferred name (decode), its CDISC synonyms and the study's sponsor synonyms
(``mappings/<study>/ct/synonyms.yaml``). A value that matches nothing is never passed through
silently: it is reported as an Issue (MAP-CT-UNMAPPED) with its count and raw rows and left
empty — or, with ``unmapped: keep`` on an extensible codelist, kept (upper-cased) with a
warning, as SDTMIG 4.3 allows sponsor terms in extensible codelists.

Example::

    SEX: {ct: {from: dm.SEX, codelist: SEX}}
    AESEV: {ct: {from: ae.AESEV, codelist: AESEV}}
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from ..context import Context
from ..params import Ref
from ..registry import register
from ._text import clean_text, per_distinct

__all__ = ["CtParams", "ct", "term_lookup"]


@dataclass(frozen=True)
class CtParams:
    source: Ref = field(metadata={"key": "from", "doc": "the raw column"})
    codelist: str = field(metadata={"doc": "CDISC codelist short name (e.g. SEX) or a sponsor codelist"})
    unmapped: Literal["error", "keep"] = field(default="error", metadata={"doc": "what to do with values that match no term"})


def _norm(values: pd.Series) -> pd.Series:
    return per_distinct(values, lambda u: clean_text(u).str.upper().str.replace(r"\s+", " ", regex=True))


def term_lookup(codelist, synonyms: dict[str, str] | None = None) -> dict[str, str]:
    """Normalised raw text -> submission value for one codelist (sponsor synonyms win)."""
    table: dict[str, str] = {}
    for term in codelist.terms:
        for text in (term.decode, *(getattr(term, "synonyms", ()) or ())):
            if text:
                table.setdefault(" ".join(str(text).upper().split()), term.value)
    for term in codelist.terms:  # the submission value itself always maps to itself
        table[" ".join(term.value.upper().split())] = term.value
    for raw, value in (synonyms or {}).items():
        table[" ".join(str(raw).upper().split())] = value
    return table


@register("ct", CtParams, origin="Collected", method="{source} mapped to codelist {codelist} (case-insensitive, with synonyms).")
def ct(ctx: Context, p: CtParams) -> pd.Series:
    """Raw values mapped to codelist {codelist} submission values (case-insensitive, with synonyms)."""
    codelist = ctx.ct.codelist(p.codelist)
    table = term_lookup(codelist, ctx.synonyms.get(p.codelist))
    raw = ctx.column(p.source)
    norm = _norm(raw)
    mapped = norm.map(table).astype("str")
    bad = (norm.notna() & mapped.isna()).to_numpy()
    if ctx.mask is not None:
        bad = bad & ctx.mask
    if p.unmapped == "keep" and getattr(codelist, "extensible", False):
        ctx.issues_by_value(
            "MAP-CT-EXTENDED",
            f"value {{value!r}} is not a term of extensible codelist {p.codelist}; kept as a sponsor term ({{count}} records, raw rows {{rows}})",
            bad, clean_text(raw), severity="warning",
        )
        return mapped.where(~pd.Series(bad, index=mapped.index), norm)
    ctx.issues_by_value(
        "MAP-CT-UNMAPPED",
        f"value {{value!r}} matches no term of codelist {p.codelist} nor a sponsor synonym ({{count}} records, raw rows {{rows}}); "
        f"left empty — add it to ct/synonyms.yaml if it is a synonym",
        bad, clean_text(raw),
    )
    return mapped
