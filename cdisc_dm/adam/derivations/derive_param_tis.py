"""Total Improvement Score (TIS) and its response category as new BDS parameters.

Builds the six core set measures per subject and visit from BDS records (AVAL and BASE of each
component parameter) and scores them with :func:`compute_tis.compute_tis` (2016 ACR/EULAR criteria,
Aggarwal et al., Ann Rheum Dis 2017;76:792). The muscle-enzyme component uses the subject's MOST
ABNORMAL enzyme at baseline: the enzyme with the highest baseline multiple of ULN (AVAL / ANRHI on
its ABLFL = "Y" record; ties go to the first enzyme listed). That enzyme is used at every visit; if
it is missing at a visit the component is missing there (no switching to another enzyme, which
would compare different scales).

Two parameters are appended per by-group: ``TIS`` (AVAL 0-100) and ``TISCAT`` (AVALC NONE /
MINIMAL / MODERATE / MAJOR, AVAL 0 / 1 / 2 / 3). Per the sponsor rule documented in compute_tis, the
TIS is missing when any component is missing; such by-groups get no records unless ``keep_nas``.

Example (one subject, baseline and week 16; PHGA 6 -> 3 is 50% -> 20 points, PTGA 7 -> 5 is 28.6% -> 7.5,
MMT8 100 -> 118 is 18% -> 20, HAQDI 1.5 -> 1.125 is 25% -> 7.5, CK 1200 -> 600 is 50% -> 7.5,
EXTRAGA 4 -> 3 is 25% -> 12.5; total 75)::

    >>> import pandas as pd
    >>> comp = {"PHYSICIAN_GLOBAL": "PHGA", "PATIENT_GLOBAL": "PTGA", "MMT8": "MMT8", "HAQ": "HAQDI",
    ...         "ENZYME": ["CK"], "EXTRAMUSCULAR": "EXTRAGA"}
    >>> base = {"PHGA": 6.0, "PTGA": 7.0, "MMT8": 100.0, "HAQDI": 1.5, "CK": 1200.0, "EXTRAGA": 4.0}
    >>> wk16 = {"PHGA": 3.0, "PTGA": 5.0, "MMT8": 118.0, "HAQDI": 1.125, "CK": 600.0, "EXTRAGA": 3.0}
    >>> bds = pd.DataFrame([{"USUBJID": "1", "AVISITN": v, "PARAMCD": p, "AVAL": vals[p], "BASE": base[p],
    ...                      "ANRHI": 200.0, "ABLFL": "Y" if v == 0 else None}
    ...                     for v, vals in ((0, base), (16, wk16)) for p in vals])
    >>> out = derive_param_tis(bds, filter=lambda d: d["AVISITN"] > 0, components=comp)
    >>> out.loc[out["PARAMCD"].isin(["TIS", "TISCAT"]), ["PARAMCD", "AVAL", "AVALC"]].values.tolist()
    [['TIS', 75.0, nan], ['TISCAT', 3.0, 'MAJOR']]
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ._params import append_param_rows, pivot_items
from ._frame import STR_DTYPE
from .assert_data import DerivationError, as_list, assert_data_has_vars, resolve_filter
from .compute_tis import TIS_MEASURES, compute_tis
from .compute_uln_multiple import compute_uln_multiple

__all__ = ["derive_param_tis", "select_most_abnormal_enzyme", "pivot_core_set"]

_CAT_CODE = {"NONE": 0.0, "MINIMAL": 1.0, "MODERATE": 2.0, "MAJOR": 3.0}


def select_most_abnormal_enzyme(dataset: pd.DataFrame, subject_vars: list[str], enzymes: Sequence[str],
                                *, uln_var: str = "ANRHI") -> pd.DataFrame:
    """One row per subject: the enzyme PARAMCD with the highest baseline x ULN (``__ENZYME``)."""
    base = dataset.loc[dataset["PARAMCD"].isin(list(enzymes)) & dataset["ABLFL"].eq("Y").to_numpy(dtype=bool, na_value=False),
                       subject_vars + ["PARAMCD", "AVAL", uln_var]].copy()
    base["__xuln"] = compute_uln_multiple(base["AVAL"].to_numpy(dtype="float64", na_value=np.nan),
                                          base[uln_var].to_numpy(dtype="float64", na_value=np.nan))
    base["__rank"] = base["PARAMCD"].map({p: i for i, p in enumerate(enzymes)})
    base = base.dropna(subset=["__xuln"]).sort_values(subject_vars + ["__xuln", "__rank"],
                                                      ascending=[True] * len(subject_vars) + [False, True], kind="mergesort")
    return base.groupby(subject_vars, sort=False).head(1)[subject_vars + ["PARAMCD"]].rename(columns={"PARAMCD": "__ENZYME"})


def pivot_core_set(dataset: pd.DataFrame, by_vars: str | Sequence[str], filter, *,
                   components: Mapping[str, str | Sequence[str]], subject_vars: str | Sequence[str],
                   uln_var: str, fn: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """(by-group keys, AVAL, BASE) of the six core set measures, one column per :data:`TIS_MEASURES`.

    Shared by the TIS and the IMACS definition of improvement: ``components`` maps each measure to its
    PARAMCD (a list of PARAMCDs for ``ENZYME``, of which the subject's most abnormal one at baseline is
    used); ``filter`` selects the records used.
    """
    by, subj = as_list(by_vars), as_list(subject_vars)
    missing = [m for m in TIS_MEASURES if m not in components]
    if missing:
        raise DerivationError(f"{fn}: components lacks {missing}; map each of {list(TIS_MEASURES)} to a PARAMCD")
    assert_data_has_vars(dataset, by + subj + ["PARAMCD", "AVAL", "BASE", "ABLFL", uln_var], fn=fn)
    enzymes = as_list(components["ENZYME"])
    # only the columns the pivot needs: copying every column of a 4-million-record ADQS is the slow part
    used = dataset.loc[resolve_filter(dataset, filter, fn=fn), list(dict.fromkeys(by + subj + ["PARAMCD", "AVAL", "BASE"]))]
    # the chosen enzyme is relabelled "__ENZ" so the six components pivot together
    choice = select_most_abnormal_enzyme(dataset, subj, enzymes, uln_var=uln_var)
    enz = used.loc[used["PARAMCD"].isin(enzymes)].merge(choice, on=subj, how="inner")
    enz = enz.loc[enz["PARAMCD"].eq(enz["__ENZYME"])].assign(PARAMCD="__ENZ")
    others = used.loc[used["PARAMCD"].isin([components[m] for m in TIS_MEASURES if m != "ENZYME"])]
    long = pd.concat([others[by + ["PARAMCD", "AVAL", "BASE"]], enz[by + ["PARAMCD", "AVAL", "BASE"]]], ignore_index=True)
    codes = [components[m] if m != "ENZYME" else "__ENZ" for m in TIS_MEASURES]
    keys, aval = pivot_items(long, by, codes, fn=fn)
    _, base = pivot_items(long, by, codes, fn=fn, value_var="BASE")
    return keys, aval, base


def derive_param_tis(
    dataset: pd.DataFrame,
    by_vars: str | Sequence[str] = ("USUBJID", "AVISITN"),
    filter: Callable | pd.Series | np.ndarray | None = None,
    *,
    components: Mapping[str, str | Sequence[str]],
    subject_vars: str | Sequence[str] = ("USUBJID",),
    uln_var: str = "ANRHI",
    keep_nas: bool = False,
    set_values_to: Mapping[str, Mapping[str, object]] | None = None,
) -> pd.DataFrame:
    """Append TIS and TISCAT records. ``components`` maps each measure of :data:`TIS_MEASURES` to its
    PARAMCD (a list of PARAMCDs for ``ENZYME``); ``filter`` selects the records used (e.g. ANL01FL = "Y"
    and post-baseline visits)."""
    fn = "derive_param_tis"
    keys, aval, base = pivot_core_set(dataset, by_vars, filter, components=components, subject_vars=subject_vars,
                                      uln_var=uln_var, fn=fn)
    res = compute_tis(pd.DataFrame(base, columns=list(TIS_MEASURES)), pd.DataFrame(aval, columns=list(TIS_MEASURES)))
    keep = np.ones(len(keys), dtype=bool) if keep_nas else res["TIS"].notna().to_numpy()
    extra = dict(set_values_to or {})
    k = keys.loc[keep].reset_index(drop=True)
    out = append_param_rows(dataset, k, {"AVAL": res["TIS"].to_numpy()[keep]},
                            {"PARAMCD": "TIS", "PARAM": "Total Improvement Score (0-100)"} | dict(extra.get("TIS", {})))
    cat = res["TISCAT"].to_numpy()[keep]
    return append_param_rows(out, k, {"AVALC": pd.Series(cat, dtype=STR_DTYPE).to_numpy(),
                                      "AVAL": pd.Series(cat).map(_CAT_CODE).to_numpy(dtype="float64")},
                             {"PARAMCD": "TISCAT", "PARAM": "TIS Response Category (ACR/EULAR 2016, adult)"}
                             | dict(extra.get("TISCAT", {})))


derive_param_tis.method = (
    "TIS = sum of the 2016 ACR/EULAR points of the six core set measures (percent change of AVAL from BASE; most "
    "abnormal baseline enzyme by x ULN); missing if any component is missing; TISCAT = NONE <20, MINIMAL >=20, "
    "MODERATE >=40, MAJOR >=60."
)
