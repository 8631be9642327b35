"""Generic spec-level steps that the derivation library does not cover: copy, case-when, age groups, SUPPQUAL.

They follow the library's conventions (input never mutated, same index and row order, a ``.method``
sentence for Define-XML) so that ADaM specs can call them by name like any derivation. Example::

    >>> import pandas as pd
    >>> dm = pd.DataFrame({"ARMCD": ["IL2", "PBO", None]})
    >>> derive_var_case_when(dm, "RANDFL", cases=[{"when": lambda d: d["ARMCD"].notna(), "value": "Y"}], default="N")["RANDFL"].tolist()
    ['Y', 'Y', 'N']
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from .derivations._frame import STR_DTYPE
from .derivations.assert_data import as_list, assert_data_has_vars, assert_unique_keys, resolve_filter
from .derivations.compute_agegr import compute_agegr
from .derivations.compute_uln_multiple import compute_uln_multiple

__all__ = ["derive_vars_copy", "derive_var_date_offset", "derive_records_appended", "derive_param_imacs_doi", "derive_var_case_when", "derive_vars_agegr", "derive_vars_supp", "derive_var_uln_multiple",
           "derive_var_paste"]


def derive_vars_copy(dataset: pd.DataFrame, new_vars: Mapping[str, str]) -> pd.DataFrame:
    """Copy columns under new names (``{"AVAL": "QSSTRESN"}``: new name -> source), e.g. SDTM -> BDS.

    >>> derive_vars_copy(pd.DataFrame({"QSSTRESN": [1.0]}), {"AVAL": "QSSTRESN"})["AVAL"].tolist()
    [1.0]
    """
    fn = "derive_vars_copy"
    assert_data_has_vars(dataset, list(new_vars.values()), fn=fn)
    out = dataset.copy(deep=False)
    for new, src in new_vars.items():
        out[new] = dataset[src]
    return out


derive_vars_copy.method = "Copied from the source variable."


def derive_var_case_when(dataset: pd.DataFrame, new_var: str, *, cases: Sequence[Mapping[str, object]],
                         default: object = None) -> pd.DataFrame:
    """``new_var`` = the value of the first case whose ``when`` holds (``when`` absent: always), else ``default``.

    A case's ``value`` is a constant, or ``{"var": NAME}`` to take another column's value.

    >>> d = pd.DataFrame({"X": [1, 5]})
    >>> derive_var_case_when(d, "G", cases=[{"when": lambda f: f["X"] > 2, "value": "HIGH"}], default="LOW")["G"].tolist()
    ['LOW', 'HIGH']
    """
    fn = "derive_var_case_when"
    n = len(dataset)
    chosen = np.zeros(n, dtype=bool)
    values: list[tuple[np.ndarray, object]] = []
    for case in cases:
        mask = resolve_filter(dataset, case.get("when"), fn=fn) & ~chosen
        chosen |= mask
        values.append((mask, case.get("value")))
    for _, v in values:
        if isinstance(v, Mapping):
            assert_data_has_vars(dataset, [v["var"]], fn=fn)
    # numeric result when every constant is a number (or null) and every copied column is numeric
    consts = [v for v in [default] + [v for _, v in values] if not isinstance(v, Mapping)]
    copied = [dataset[v["var"]] for _, v in values if isinstance(v, Mapping)]
    if copied and all(pd.api.types.is_datetime64_any_dtype(c.dtype) for c in copied):
        copied = [c.astype("datetime64[s]") for c in copied]  # one resolution for every date column
    dtypes = {c.dtype for c in copied}
    if copied and len(dtypes) == 1 and all(v is None for v in consts) and not pd.api.types.is_string_dtype(copied[0].dtype):
        # only column copies of one non-text type (dates, numbers): keep that type
        result = pd.Series(pd.array([None] * n, dtype=copied[0].dtype) if n else copied[0].iloc[:0].array, index=dataset.index)
        for mask, value in values:
            if isinstance(value, Mapping):
                src = dataset[value["var"]]
                result = result.where(~mask, src.astype(result.dtype) if src.dtype != result.dtype else src)
        out = dataset.copy(deep=False)
        out[new_var] = result
        return out
    numeric = (all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in consts)
               and all(pd.api.types.is_numeric_dtype(c) for c in copied)
               and (any(v is not None for v in consts) or bool(copied)))
    result = pd.Series(np.full(n, np.nan if numeric else None, dtype="float64" if numeric else object), index=dataset.index)
    if default is not None:
        result[:] = default
    for mask, value in values:
        if isinstance(value, Mapping):
            src = dataset[value["var"]]
            result = result.astype(object) if not numeric else result
            result[mask] = src.to_numpy()[mask]
        else:
            result[mask] = value
    out = dataset.copy(deep=False)
    if numeric:
        out[new_var] = pd.to_numeric(result, errors="coerce").astype("float64")
    else:
        out[new_var] = result.astype(object).where(result.notna(), None).astype(STR_DTYPE)
    return out


derive_var_case_when.method = "Set from the first condition that holds (conditions given in the analysis spec), else the default."


def derive_vars_agegr(dataset: pd.DataFrame, breaks: pd.DataFrame, *, source_var: str = "AGE") -> pd.DataFrame:
    """Add the label columns of a breaks table (e.g. AGEGR1, AGEGR1N) by ``source_var``.

    >>> b = pd.DataFrame({"AGEGR1": ["<40", ">=40"], "AGEGR1N": [1, 2], "lower": [None, 40], "upper": [40, None]})
    >>> derive_vars_agegr(pd.DataFrame({"AGE": [30.0, 40.0]}), b)["AGEGR1"].tolist()
    ['<40', '>=40']
    """
    assert_data_has_vars(dataset, [source_var], fn="derive_vars_agegr")
    groups = compute_agegr(dataset[source_var].to_numpy(), breaks)
    out = dataset.copy(deep=False)
    for col in groups.columns:
        out[col] = groups[col].set_axis(dataset.index)
    return out


derive_vars_agegr.method = compute_agegr.method


def derive_vars_supp(dataset: pd.DataFrame, dataset_supp: pd.DataFrame, qnams: Sequence[str] | Mapping[str, str],
                     *, by_vars: str | Sequence[str] = ("USUBJID",)) -> pd.DataFrame:
    """Merge subject-level SUPPQUAL values (QNAM -> QVAL) onto ``dataset`` (SDTMIG 3.4 section 8.4).

    ``qnams`` lists the QNAMs to add (or maps new name -> QNAM). A QNAM absent for a subject stays missing.

    >>> supp = pd.DataFrame({"USUBJID": ["1"], "QNAM": ["RANDNO"], "QVAL": ["01001"]})
    >>> derive_vars_supp(pd.DataFrame({"USUBJID": ["1", "2"]}), supp, ["RANDNO"])["RANDNO"].tolist()
    ['01001', nan]
    """
    fn = "derive_vars_supp"
    by = as_list(by_vars)
    names = dict(qnams) if isinstance(qnams, Mapping) else {q: q for q in qnams}
    assert_data_has_vars(dataset_supp, by + ["QNAM", "QVAL"], fn=fn, what="dataset_supp")
    sub = dataset_supp.loc[dataset_supp["QNAM"].isin(list(names.values())), by + ["QNAM", "QVAL"]]
    assert_unique_keys(sub, by + ["QNAM"], fn=fn, what="dataset_supp")
    wide = sub.pivot(index=by, columns="QNAM", values="QVAL").reset_index() if len(sub) else pd.DataFrame(columns=by)
    merged = dataset[by].merge(wide, on=by, how="left", validate="many_to_one")
    out = dataset.copy(deep=False)
    for new, q in names.items():
        col = merged[q] if q in merged else pd.Series(None, index=merged.index, dtype=STR_DTYPE)
        out[new] = col.astype(STR_DTYPE).set_axis(dataset.index)
    return out


derive_vars_supp.method = "Supplemental qualifier value (SUPPQUAL QVAL of the QNAM) of the subject."


def derive_var_uln_multiple(dataset: pd.DataFrame, new_var: str = "R2ANRHI", *, source_var: str = "AVAL",
                            uln_var: str = "ANRHI") -> pd.DataFrame:
    """``new_var`` = ``source_var`` / ``uln_var`` (missing when the ULN is missing or not positive).

    >>> derive_var_uln_multiple(pd.DataFrame({"AVAL": [260.0], "ANRHI": [200.0]}))["R2ANRHI"].tolist()
    [1.3]
    """
    assert_data_has_vars(dataset, [source_var, uln_var], fn="derive_var_uln_multiple")
    out = dataset.copy(deep=False)
    out[new_var] = compute_uln_multiple(dataset[source_var].to_numpy(dtype="float64", na_value=np.nan),
                                        dataset[uln_var].to_numpy(dtype="float64", na_value=np.nan))
    return out


derive_var_uln_multiple.method = compute_uln_multiple.method


def derive_var_paste(dataset: pd.DataFrame, new_var: str, *, parts: Sequence[object]) -> pd.DataFrame:
    """Concatenate text parts: a constant, or ``{"var": NAME}``; a missing column value leaves the part empty.

    >>> d = pd.DataFrame({"LBTEST": ["Creatine Kinase"], "LBSTRESU": ["U/L"]})
    >>> derive_var_paste(d, "PARAM", parts=[{"var": "LBTEST"}, " (", {"var": "LBSTRESU"}, ")"])["PARAM"].tolist()
    ['Creatine Kinase (U/L)']
    """
    cols = [p["var"] for p in parts if isinstance(p, Mapping)]
    assert_data_has_vars(dataset, cols, fn="derive_var_paste")
    text = pd.Series("", index=dataset.index, dtype=STR_DTYPE)
    for p in parts:
        text = text + (dataset[p["var"]].astype(STR_DTYPE).fillna("") if isinstance(p, Mapping) else str(p))
    out = dataset.copy(deep=False)
    out[new_var] = text
    return out


derive_var_paste.method = "Text built from the listed variables and constants."



def derive_var_date_offset(dataset: pd.DataFrame, new_var: str, *, source_var: str, days: int) -> pd.DataFrame:
    """``new_var`` = ``source_var`` + ``days`` calendar days (missing stays missing).

    >>> d = pd.DataFrame({"TR02SDT": pd.to_datetime(["2024-04-02", None])})
    >>> derive_var_date_offset(d, "AP02SDT", source_var="TR02SDT", days=1)["AP02SDT"].dt.strftime("%Y-%m-%d").tolist()
    ['2024-04-03', nan]
    """
    assert_data_has_vars(dataset, [source_var], fn="derive_var_date_offset")
    out = dataset.copy(deep=False)
    out[new_var] = (pd.to_datetime(dataset[source_var], errors="coerce") + pd.Timedelta(days=int(days))).astype("datetime64[s]")
    return out


derive_var_date_offset.method = "Date of the source variable plus a fixed number of days."


def derive_records_appended(dataset: pd.DataFrame, dataset_add: pd.DataFrame,
                            filter_add: Callable | pd.Series | np.ndarray | None = None) -> pd.DataFrame:
    """Append the records of ``dataset_add`` (after ``filter_add``) below ``dataset``'s records.

    Columns present in only one of the two are missing on the other's records (a union of columns),
    e.g. efficacy records from ADQS and ADLB in one dataset. Example::

        >>> a = pd.DataFrame({"PARAMCD": ["MMT8"], "AVAL": [140.0]})
        >>> b = pd.DataFrame({"PARAMCD": ["CK", "ALT"], "AVAL": [900.0, 40.0], "ANRHI": [200.0, 45.0]})
        >>> derive_records_appended(a, b, lambda d: d["PARAMCD"].eq("CK"))["PARAMCD"].tolist()
        ['MMT8', 'CK']
    """
    add = dataset_add.loc[resolve_filter(dataset_add, filter_add, fn="derive_records_appended")]
    return pd.concat([dataset, add], ignore_index=True)


derive_records_appended.method = "Records appended from another analysis dataset."


def derive_param_imacs_doi(
    dataset: pd.DataFrame,
    by_vars: str | Sequence[str] = ("USUBJID", "AVISITN"),
    filter: Callable | pd.Series | np.ndarray | None = None,
    *,
    components: Mapping[str, str | Sequence[str]],
    subject_vars: str | Sequence[str] = ("USUBJID",),
    uln_var: str = "ANRHI",
    set_values_to: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """Append one IMACS 2004 DOI record per by-group (AVALC "Y"/"N", AVAL 1/0; missing when undecided).

    The six measures are built exactly as for :func:`derive_param_tis` (same ``components`` map, the
    most abnormal enzyme at baseline); each measure's percent improvement is
    :func:`compute_improvement_pct` and the rule is :func:`compute_imacs_doi` (Rider et al. 2004).
    Every by-group with a component record gets a record (the DOI may be missing).
    """
    from .derivations._params import append_param_rows
    from .derivations.compute_imacs_doi import compute_imacs_doi
    from .derivations.compute_tis import TIS_MEASURES, compute_improvement_pct
    from .derivations.derive_param_tis import pivot_core_set

    fn = "derive_param_imacs_doi"
    keys, aval, base = pivot_core_set(dataset, by_vars, filter, components=components, subject_vars=subject_vars,
                                      uln_var=uln_var, fn=fn)
    pct = pd.DataFrame({m: compute_improvement_pct(base[:, i], aval[:, i], m) for i, m in enumerate(TIS_MEASURES)})
    doi = compute_imacs_doi(pct)
    avalc = pd.Series(doi.map({True: "Y", False: "N"}).to_numpy(dtype=object), dtype=STR_DTYPE)
    values = {"PARAMCD": "IMACSDOI", "PARAM": "IMACS 2004 Definition of Improvement"} | dict(set_values_to or {})
    return append_param_rows(dataset, keys, {"AVALC": avalc.to_numpy(),
                                             "AVAL": doi.map({True: 1.0, False: 0.0}).to_numpy(dtype="float64", na_value=np.nan)},
                             values)


derive_param_imacs_doi.method = (
    "IMACS 2004 DOI: Y when >= 3 of the 6 core set measures improve by >= 20% from baseline, no more than 2 worsen "
    "by >= 25%, and MMT-8 is not among the worsened (most abnormal baseline enzyme); missing when a missing measure "
    "could change the answer."
)
