"""``criterion``: IETESTCD, IETEST or IECAT of a raw criterion, from the study's criteria (TI).

SDTMIG 3.4 section 6.3.4 (IE) and 7.4.1 (TI): IETESTCD, IETEST and IECAT of an IE record are
those of the trial's criterion in TI, so the study definition (``criteria`` in study.yaml) is
their single source; no table of criteria is kept next to the spec. The raw record's criterion
is found by its code (ignoring case and blanks) or, when the code is missing or unknown, by its
text (ignoring case and repeated blanks). A non-missing raw criterion that matches neither is an
Issue (MAP-CRITERION-UNKNOWN, with file, raw rows and value) and the target stays empty; a raw
category that disagrees with the matched criterion's is an Issue (MAP-CRITERION-CATEGORY).

Example::

    IETESTCD: {criterion: {attribute: code, code: ie.IETESTCD, text: ie.IETEST, category: ie.IECAT}}
    IETEST:   {criterion: {attribute: text, code: ie.IETESTCD, text: ie.IETEST, report: false}}
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from ..context import Context
from ..params import Ref
from ..registry import register
from ._text import clean_text, per_distinct

__all__ = ["CriterionParams", "criterion", "match_criteria"]


@dataclass(frozen=True)
class CriterionParams:
    attribute: Literal["code", "text", "category"] = field(metadata={"doc": "IETESTCD (code), IETEST (text) or IECAT (category)"})
    code: Ref | None = field(default=None, metadata={"doc": "the raw criterion code column"})
    text: Ref | None = field(default=None, metadata={"doc": "the raw criterion text column (used when the code matches nothing)"})
    category: Ref | None = field(default=None, metadata={"doc": "the raw category column, checked against the matched criterion"})
    report: bool = field(default=True, metadata={"doc": "report unknown criteria and category mismatches as Issues"})


def _norm(values: pd.Series) -> pd.Series:
    """Upper case, blanks collapsed: the form in which criteria are compared."""
    return per_distinct(values, lambda u: u.str.upper().str.replace(r"\s+", " ", regex=True).str.strip())


def match_criteria(criteria, code: pd.Series | None, text: pd.Series | None) -> pd.Series:
    """Position in ``criteria`` of each raw criterion (by code, else by text), -1 when none matches.

    >>> from types import SimpleNamespace as C
    >>> crit = [C(code="IN01", text="Age 18 to 75", category="INCLUSION")]
    >>> match_criteria(crit, pd.Series(["in01", None, "X"]), pd.Series([None, "age  18 to 75", "?"])).tolist()
    [0, 0, -1]
    """
    index = code.index if code is not None else text.index
    by_code = pd.Series(np.arange(len(criteria)), index=[c.code.upper() for c in criteria])
    by_text = pd.Series(np.arange(len(criteria)), index=_norm(pd.Series([c.text for c in criteria], dtype="str")).to_numpy())
    by_text = by_text[~by_text.index.duplicated(keep="first")]
    pos = pd.Series(np.nan, index=index)
    if code is not None:
        pos = _norm(clean_text(code)).map(by_code).astype("float64")
    if text is not None:
        pos = pos.fillna(_norm(clean_text(text)).map(by_text).astype("float64"))
    return pos.fillna(-1).astype("int64")


@register("criterion", CriterionParams, origin="Derived",
          method="{attribute} of the study's inclusion/exclusion criterion (TI) whose code is {code}, else whose text is {text}.")
def criterion(ctx: Context, p: CriterionParams) -> pd.Series:
    """The {attribute} of the trial criterion (TI) the raw record names."""
    frame = ctx.frame
    criteria = list(ctx.study.criteria)
    code = frame[p.code] if p.code is not None else None
    text = frame[p.text] if p.text is not None else None
    pos = match_criteria(criteria, code, text).to_numpy()
    attr = {"code": "code", "text": "text", "category": "category"}[p.attribute]
    values = np.array([getattr(c, attr) for c in criteria] + [None], dtype=object)
    out = pd.Series(values[pos], index=frame.index, dtype="object").astype("str")  # -1 takes the None
    if p.report:
        mask = ctx.mask if ctx.mask is not None else np.ones(len(frame), bool)
        raw_code = clean_text(code) if code is not None else pd.Series(pd.NA, index=frame.index, dtype="str")
        raw_text = clean_text(text) if text is not None else pd.Series(pd.NA, index=frame.index, dtype="str")
        shown = raw_code.fillna("") + " / " + raw_text.fillna("")
        given = (raw_code.notna() | raw_text.notna()).to_numpy()
        ctx.issues_by_value(
            "MAP-CRITERION-UNKNOWN",
            "criterion {value!r} (code / text) is not a criterion of the study (study.yaml criteria, TI) "
            "({count} records, raw rows {rows}); correct the raw data or the protocol's criteria",
            given & (pos < 0) & mask, shown)
        if p.category is not None:
            cats = np.array([c.category for c in criteria] + [None], dtype=object)
            # compared ignoring case and a trailing "criteria": "Exclusion criteria" is EXCLUSION
            raw_cat = _norm(clean_text(frame[p.category])).str.replace(r"\s+CRITERI(?:A|ON)$", "", regex=True)
            expected = pd.Series(cats[pos], index=frame.index, dtype="object")
            bad = (pos >= 0) & raw_cat.notna().to_numpy() & (raw_cat.to_numpy(dtype=object) != expected.to_numpy(dtype=object))
            ctx.issues_by_value(
                "MAP-CRITERION-CATEGORY",
                "raw category {value!r} disagrees with the study's category of the criterion ({count} records, raw rows {rows}); "
                "the study's category is used",
                bad & mask, clean_text(frame[p.category]) + " vs " + expected.astype("str"), severity="warning")
    return out
