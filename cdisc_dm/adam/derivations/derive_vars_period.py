"""APERIOD, APERIODC, TRTP, TRTA (and TRTPN/TRTAN) from ADSL's period variables (ADaMIG 1.3 section 3.3.2).

ADSL carries, per period xx (ADaMIG 1.3 section 3.2.7): the planned and actual treatment TRTxxP and
TRTxxA (optionally TRTxxPN/TRTxxAN), the treatment dates TRxxSDT/TRxxEDT and, when analysis periods
differ from treatment periods, APxxSDT/APxxEDT. A record belongs to period xx when
``start <= date_var <= end``, where start/end are TRxxSDT/TRxxEDT (``period_dates="TR"``, the
default: events such as AEs are attributed to the treatment being taken) or APxxSDT/APxxEDT
(``period_dates="AP"``: assessments are attributed to the sponsor's analysis periods). TRTP and TRTA
are then that period's TRTxxP and TRTxxA, as ADaMIG 1.3 section 3.3.2 requires for BDS and OCCDS
records ("TRTP ... TRTxxP where xx = APERIOD").

When two periods touch (TR01EDT = TR02SDT, the day the open-label dose is given), the LATER period
wins: on the day of the switch the subject has received the new treatment. A missing end date for a
started period (ongoing at data cut) leaves the period open-ended. ``end_lag_days`` extends the LAST
period's end (e.g. AEs up to 30 days after last dose are still attributed to the last treatment);
records before the first period or after the (lagged) last end get missing APERIOD/TRTA.

The IL-2 study: period 1 = blinded (TRT01A "IL-2 1 MIU QOD" or "Placebo"), period 2 = open label
(IL-2 for both), so an event starting on placebo in period 1 has TRTA = "Placebo" even though the
subject's TRTSEQA ends in IL-2. Example::

    >>> import pandas as pd
    >>> adsl = pd.DataFrame({"USUBJID": ["1"], "TR01SDT": pd.to_datetime(["2024-01-01"]), "TR01EDT": pd.to_datetime(["2024-04-01"]),
    ...     "TRT01P": ["Placebo"], "TRT01A": ["Placebo"], "TR02SDT": pd.to_datetime(["2024-04-02"]), "TR02EDT": pd.to_datetime(["2024-07-01"]),
    ...     "TRT02P": ["IL-2"], "TRT02A": ["IL-2"]})
    >>> ae = pd.DataFrame({"USUBJID": ["1", "1"], "ADT": pd.to_datetime(["2024-02-01", "2024-05-01"])})
    >>> derive_vars_period(ae, adsl)[["APERIOD", "TRTA"]].values.tolist()
    [[1.0, 'Placebo'], [2.0, 'IL-2']]
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._frame import STR_DTYPE, as_datetime
from .assert_data import DerivationError, as_list, assert_data_has_vars, assert_unique_keys

__all__ = ["derive_vars_period", "period_numbers"]

_PREFIXES = ("TR", "AP")


def period_numbers(adsl: pd.DataFrame, period_dates: str = "TR") -> list[int]:
    """The periods present in ADSL, from its TRxxSDT (or APxxSDT) columns, sorted.

    >>> period_numbers(pd.DataFrame(columns=["USUBJID", "TR02SDT", "TR01SDT", "AP01SDT"]))
    [1, 2]
    """
    pattern = re.compile(rf"^{period_dates}(\d\d)SDT$")
    return sorted(int(m.group(1)) for c in adsl.columns if (m := pattern.match(str(c))))


def _treatment_columns(adsl: pd.DataFrame, p: int) -> dict[str, str]:
    """ADSL column of each treatment role ("P", "A", "PN", "AN") for period ``p``: TRTxxP/TRTxxA/TRTxxPN/TRTxxAN."""
    return {role: f"TRT{p:02d}{role}" for role in ("P", "A", "PN", "AN") if f"TRT{p:02d}{role}" in adsl.columns}


def derive_vars_period(
    dataset: pd.DataFrame,
    dataset_adsl: pd.DataFrame,
    by_vars: str | Sequence[str] = ("USUBJID",),
    *,
    date_var: str = "ADT",
    period_dates: str = "TR",
    end_lag_days: int = 0,
) -> pd.DataFrame:
    """Return a copy of ``dataset`` with APERIOD, APERIODC, TRTP, TRTA (+ TRTPN/TRTAN when ADSL has them)."""
    fn = "derive_vars_period"
    by = as_list(by_vars)
    if period_dates not in _PREFIXES:
        raise DerivationError(f"{fn}: period_dates must be 'TR' (TRxxSDT/TRxxEDT) or 'AP' (APxxSDT/APxxEDT), "
                              f"not {period_dates!r}")
    assert_data_has_vars(dataset, by + [date_var], fn=fn)
    periods = period_numbers(dataset_adsl, period_dates)
    if not periods:
        hint = ("derive TR01SDT/TR01EDT (derive_vars_trtdt_period) first" if period_dates == "TR"
                else "derive AP01SDT/AP01EDT in ADSL first")
        raise DerivationError(f"{fn}: ADSL has no {period_dates}xxSDT columns", hint=hint)
    roles = {p: _treatment_columns(dataset_adsl, p) for p in periods}
    missing = [f"TRT{p:02d}{r}" for p in periods for r in ("P", "A") if r not in roles[p]]
    assert_data_has_vars(dataset_adsl, by + [f"{period_dates}{p:02d}{s}" for p in periods for s in ("SDT", "EDT")],
                         fn=fn, what="ADSL")
    if missing:
        raise DerivationError(f"{fn}: ADSL is missing column(s) {', '.join(missing)}",
                              hint="ADaMIG 1.3 section 3.2.7: TRTxxP and TRTxxA are required for every period xx")
    assert_unique_keys(dataset_adsl, by, fn=fn, what="ADSL")
    clash = [v for v in ("APERIOD", "APERIODC", "TRTP", "TRTA", "TRTPN", "TRTAN") if v in dataset.columns]
    if clash:
        raise DerivationError(f"{fn}: input already has {', '.join(clash)}", hint="drop them before re-deriving")
    need = by + [f"{period_dates}{p:02d}{s}" for p in periods for s in ("SDT", "EDT")]
    need += [c for p in periods for c in roles[p].values()]
    merged = dataset[by].merge(dataset_adsl[need], on=by, how="left", validate="many_to_one")
    adt = as_datetime(dataset[date_var]).dt.normalize().to_numpy()
    n = len(dataset)
    aperiod = np.full(n, np.nan)
    trtp = np.full(n, None, dtype=object)
    trta = np.full(n, None, dtype=object)
    trtpn = np.full(n, np.nan)
    trtan = np.full(n, np.nan)
    last = periods[-1]
    # a loop over the (two or three) periods, each step vectorized over all records
    for p in periods:
        sdt = as_datetime(merged[f"{period_dates}{p:02d}SDT"]).dt.normalize().to_numpy()
        edt = as_datetime(merged[f"{period_dates}{p:02d}EDT"]).dt.normalize()
        if p == last and end_lag_days:
            edt = edt + pd.Timedelta(days=end_lag_days)
        edt = edt.to_numpy()
        started = ~pd.isna(sdt) & ~pd.isna(adt) & (adt >= sdt)
        not_ended = pd.isna(edt) | (adt <= edt)
        inside = started & not_ended  # later periods overwrite earlier ones: the later period wins
        aperiod[inside] = p
        trtp[inside] = merged[roles[p]["P"]].to_numpy(dtype=object)[inside]
        trta[inside] = merged[roles[p]["A"]].to_numpy(dtype=object)[inside]
        if "PN" in roles[p]:
            trtpn[inside] = merged[roles[p]["PN"]].to_numpy(dtype="float64", na_value=np.nan)[inside]
        if "AN" in roles[p]:
            trtan[inside] = merged[roles[p]["AN"]].to_numpy(dtype="float64", na_value=np.nan)[inside]
    out = dataset.copy(deep=False)  # columns get replaced, never written in place
    out["APERIOD"] = aperiod
    ap = pd.Series(aperiod, index=dataset.index)
    number = ap.fillna(0).astype("int64").astype("str").str.zfill(2)
    out["APERIODC"] = ("Period " + number).where(ap.notna()).astype(STR_DTYPE)
    out["TRTP"] = pd.Series(trtp, index=dataset.index, dtype=STR_DTYPE)
    out["TRTA"] = pd.Series(trta, index=dataset.index, dtype=STR_DTYPE)
    if any("PN" in r for r in roles.values()):
        out["TRTPN"] = trtpn
    if any("AN" in r for r in roles.values()):
        out["TRTAN"] = trtan
    return out


derive_vars_period.method = (
    "APERIOD = xx where TRxxSDT <= ADT <= TRxxEDT (APxxSDT/APxxEDT for analysis periods; the later period wins on "
    "a shared day); APERIODC = 'Period xx'; TRTP = TRTxxP and TRTA = TRTxxA of that period."
)
