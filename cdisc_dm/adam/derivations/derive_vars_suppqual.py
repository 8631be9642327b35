"""Merge record-level supplemental qualifiers onto their parent records (SDTMIG 3.4 section 8.4).

A SUPP-- record points at its parent by USUBJID, IDVAR (the parent's identifying variable, e.g.
EXSEQ) and IDVARVAL (that variable's value, stored as text). This adds one column per QNAM to the
parent dataset (admiral ``combine_supp`` does the same for every QNAM at once). The parent's IDVAR
value is compared as text the way SDTM writes it: a whole number without decimals (EXSEQ 3.0 -> "3").
A SUPP record with a blank IDVAR is subject-level and applies to every record of the subject. Example::

    >>> import pandas as pd
    >>> ex = pd.DataFrame({"USUBJID": ["1", "1"], "EXSEQ": [1.0, 2.0]})
    >>> supp = pd.DataFrame({"USUBJID": ["1", "1"], "IDVAR": ["EXSEQ", "EXSEQ"], "IDVARVAL": ["2", "1"],
    ...                      "QNAM": ["EXNMISS", "EXNMISS"], "QVAL": ["2", "0"]})
    >>> derive_vars_suppqual(ex, supp, ["EXNMISS"])["EXNMISS"].tolist()
    ['0', '2']
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._frame import STR_DTYPE
from .assert_data import DerivationError, as_list, assert_data_has_vars, assert_unique_keys

__all__ = ["derive_vars_suppqual", "idvarval_text"]


def idvarval_text(values: pd.Series) -> pd.Series:
    """The parent values as IDVARVAL text: numbers that are whole print without decimals.

    >>> idvarval_text(pd.Series([3.0, 12.5, None])).tolist()
    ['3', '12.5', nan]
    """
    if pd.api.types.is_numeric_dtype(values):
        num = values.to_numpy(dtype="float64", na_value=np.nan)
        whole = np.isfinite(num) & (num == np.round(num))
        text = pd.Series(num, index=values.index).astype("str")
        text = text.where(~whole, pd.Series(np.where(whole, num, 0).astype(np.int64), index=values.index).astype("str"))
        return text.where(~np.isnan(num)).astype(STR_DTYPE)
    return values.astype(STR_DTYPE).str.strip()


def derive_vars_suppqual(
    dataset: pd.DataFrame,
    dataset_supp: pd.DataFrame,
    qnams: Sequence[str] | Mapping[str, str],
    by_vars: str | Sequence[str] = ("USUBJID",),
) -> pd.DataFrame:
    """Add one text column per QNAM (``qnams`` lists them, or maps new name -> QNAM) to the parent records."""
    fn = "derive_vars_suppqual"
    by = as_list(by_vars)
    names = dict(qnams) if isinstance(qnams, Mapping) else {q: q for q in qnams}
    assert_data_has_vars(dataset, by, fn=fn)
    assert_data_has_vars(dataset_supp, by + ["IDVAR", "IDVARVAL", "QNAM", "QVAL"], fn=fn, what="dataset_supp")
    clash = [n for n in names if n in dataset.columns]
    if clash:
        raise DerivationError(f"{fn}: input already has {', '.join(clash)}", hint="drop them or map the QNAM to another name")
    sub = dataset_supp.loc[dataset_supp["QNAM"].isin(list(names.values()))]
    idvar = sub["IDVAR"].astype(STR_DTYPE).str.strip().fillna("")
    parents = sorted(v for v in idvar.unique() if v)
    assert_data_has_vars(dataset, parents, fn=fn, what="input (the IDVAR of the SUPP records)")
    out = dataset.copy(deep=False)
    result = {q: pd.Series(None, index=dataset.index, dtype=STR_DTYPE) for q in names.values()}
    # a loop over the (one or two) IDVARs, then the subject level, each merge vectorized over records;
    # the first value found is kept, so a record-level value wins over a subject-level one
    for parent in parents + [""]:
        part = sub.loc[idvar.eq(parent).to_numpy()]
        if part.empty:
            continue
        keys = by + (["__id"] if parent else [])
        part = part.assign(__id=part["IDVARVAL"].astype(STR_DTYPE).str.strip())[keys + ["QNAM", "QVAL"]]
        assert_unique_keys(part, keys + ["QNAM"], fn=fn, what=f"dataset_supp (IDVAR {parent or 'blank'})")
        wide = part.pivot(index=keys, columns="QNAM", values="QVAL").reset_index()
        left = dataset[by].assign(__id=idvarval_text(dataset[parent])) if parent else dataset[by]
        merged = left.merge(wide, on=keys, how="left", validate="many_to_one").set_axis(dataset.index)
        for q in result:
            if q in merged:
                result[q] = result[q].fillna(merged[q].astype(STR_DTYPE))
    for new, q in names.items():
        out[new] = result[q]
    return out


derive_vars_suppqual.method = "Supplemental qualifier value (SUPP-- QVAL of the QNAM) of the parent record (USUBJID, IDVAR, IDVARVAL)."
