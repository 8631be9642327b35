"""APERIOD, APERIODC, TRTP, TRTA (and TRTPN/TRTAN) from ADSL's period dates (ADaMIG 1.3 section 3.3.2).

ADSL carries, per period xx: TRxxSDT, TRxxEDT, TRxxP, TRxxA (and optionally TRxxPN, TRxxAN,
TRxxSDTM/TRxxEDTM). A record belongs to period xx when TRxxSDT <= ADT <= TRxxEDT. When two periods
touch (TR01EDT = TR02SDT, the day the open-label dose is given), the LATER period wins: on the day of
the switch the subject has received the new treatment. A missing TRxxEDT for a started period
(ongoing at data cut) leaves the period open-ended. ``end_lag_days`` extends the LAST period's end
(e.g. AEs up to 30 days after last dose are still attributed to the last treatment); records before
TR01SDT or after the (lagged) last end get missing APERIOD/TRTA.

The IL-2 study: period 1 = blinded (TR01A "IL-2 1 MIU QOD" or "Placebo"), period 2 = open label
(IL-2 for both), so an event starting on placebo in period 1 has TRTA = "Placebo" even though the
subject's TRTSEQA ends in IL-2. Example::

    >>> import pandas as pd
    >>> adsl = pd.DataFrame({"USUBJID": ["1"], "TR01SDT": pd.to_datetime(["2024-01-01"]), "TR01EDT": pd.to_datetime(["2024-04-01"]),
    ...     "TR01P": ["Placebo"], "TR01A": ["Placebo"], "TR02SDT": pd.to_datetime(["2024-04-02"]), "TR02EDT": pd.to_datetime(["2024-07-01"]),
    ...     "TR02P": ["IL-2"], "TR02A": ["IL-2"]})
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

_PERIOD_RE = re.compile(r"^TR(\d\d)SDT$")


def period_numbers(adsl: pd.DataFrame) -> list[int]:
    """The periods present in ADSL, from its TRxxSDT columns (sorted)."""
    return sorted(int(m.group(1)) for c in adsl.columns if (m := _PERIOD_RE.match(str(c))))


def derive_vars_period(
    dataset: pd.DataFrame,
    dataset_adsl: pd.DataFrame,
    by_vars: str | Sequence[str] = ("USUBJID",),
    *,
    date_var: str = "ADT",
    end_lag_days: int = 0,
) -> pd.DataFrame:
    """Return a copy of ``dataset`` with APERIOD, APERIODC, TRTP, TRTA (+ TRTPN/TRTAN when ADSL has them)."""
    fn = "derive_vars_period"
    by = as_list(by_vars)
    assert_data_has_vars(dataset, by + [date_var], fn=fn)
    periods = period_numbers(dataset_adsl)
    if not periods:
        raise DerivationError(f"{fn}: ADSL has no TRxxSDT columns", hint="derive TR01SDT/TR01EDT (derive_vars_trtdt_period) first")
    need = by + [f"TR{p:02d}{s}" for p in periods for s in ("SDT", "EDT", "P", "A")]
    assert_data_has_vars(dataset_adsl, need, fn=fn, what="ADSL")
    assert_unique_keys(dataset_adsl, by, fn=fn, what="ADSL")
    clash = [v for v in ("APERIOD", "APERIODC", "TRTP", "TRTA", "TRTPN", "TRTAN") if v in dataset.columns]
    if clash:
        raise DerivationError(f"{fn}: input already has {', '.join(clash)}", hint="drop them before re-deriving")
    optional = [f"TR{p:02d}{s}" for p in periods for s in ("PN", "AN") if f"TR{p:02d}{s}" in dataset_adsl.columns]
    adsl = dataset_adsl[need + optional]
    merged = dataset[by].merge(adsl, on=by, how="left", validate="many_to_one")
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
        sdt = as_datetime(merged[f"TR{p:02d}SDT"]).dt.normalize().to_numpy()
        edt = as_datetime(merged[f"TR{p:02d}EDT"]).dt.normalize()
        if p == last and end_lag_days:
            edt = edt + pd.Timedelta(days=end_lag_days)
        edt = edt.to_numpy()
        started = ~pd.isna(sdt) & ~pd.isna(adt) & (adt >= sdt)
        not_ended = pd.isna(edt) | (adt <= edt)
        inside = started & not_ended  # later periods overwrite earlier ones: the later period wins
        aperiod[inside] = p
        trtp[inside] = merged[f"TR{p:02d}P"].to_numpy(dtype=object)[inside]
        trta[inside] = merged[f"TR{p:02d}A"].to_numpy(dtype=object)[inside]
        if f"TR{p:02d}PN" in merged:
            trtpn[inside] = merged[f"TR{p:02d}PN"].to_numpy(dtype="float64", na_value=np.nan)[inside]
        if f"TR{p:02d}AN" in merged:
            trtan[inside] = merged[f"TR{p:02d}AN"].to_numpy(dtype="float64", na_value=np.nan)[inside]
    out = dataset.copy(deep=False)  # columns get replaced, never written in place
    out["APERIOD"] = aperiod
    ap = pd.Series(aperiod, index=dataset.index)
    number = ap.fillna(0).astype("int64").astype("str").str.zfill(2)
    out["APERIODC"] = ("Period " + number).where(ap.notna()).astype(STR_DTYPE)
    out["TRTP"] = pd.Series(trtp, index=dataset.index, dtype=STR_DTYPE)
    out["TRTA"] = pd.Series(trta, index=dataset.index, dtype=STR_DTYPE)
    if any(c.endswith("PN") for c in optional):
        out["TRTPN"] = trtpn
    if any(c.endswith("AN") for c in optional):
        out["TRTAN"] = trtan
    return out


derive_vars_period.method = (
    "APERIOD = xx where TRxxSDT <= ADT <= TRxxEDT (the later period wins on a shared day); APERIODC = 'Period xx'; "
    "TRTP = TRxxP and TRTA = TRxxA of that period."
)
