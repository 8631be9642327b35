"""IL-2 ADQS/ADLB/ADAE take TRTP/TRTA from ADSL's TRTxxP/TRTxxA by APERIOD (ADaMIG 1.3 section 3.3.2),
with no renaming frame in the specs: checked record by record against ADSL, independently of the code."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.adam.engine import run_adam_plan
from cdisc_dm.adam.spec import load_adam_plan


@pytest.fixture(scope="module")
def adam(il2_sdtm):
    return {ds.name: ds.data for ds in run_adam_plan(load_adam_plan("il2dm"), il2_sdtm).package}


def _expected(records: pd.DataFrame, adsl: pd.DataFrame, date: str, start: str, end: str, lag: int) -> pd.DataFrame:
    m = records[["USUBJID", date]].merge(adsl, on="USUBJID", how="left")
    d = pd.to_datetime(m[date])
    period = pd.Series(np.nan, index=m.index)
    for p in (1, 2):  # plain comparisons, later period last so that it wins a shared day
        s, e = pd.to_datetime(m[f"{start}0{p}SDT"]), pd.to_datetime(m[f"{end}0{p}EDT"])
        if p == 2 and lag:
            e = e + pd.Timedelta(days=lag)
        period[(d >= s) & ((d <= e) | e.isna())] = p
    trta = np.where(period.eq(1), m["TRT01A"].astype(object), np.where(period.eq(2), m["TRT02A"].astype(object), None))
    trtp = np.where(period.eq(1), m["TRT01P"].astype(object), np.where(period.eq(2), m["TRT02P"].astype(object), None))
    return pd.DataFrame({"APERIOD": period.to_numpy(), "TRTA": trta, "TRTP": trtp})


@pytest.mark.parametrize("name,date,prefix,lag", [("ADQS", "ADT", "AP", 0), ("ADLB", "ADT", "AP", 0), ("ADAE", "ASTDT", "TR", 28)])
def test_period_treatment_matches_adsl(adam, name, date, prefix, lag):
    data, adsl = adam[name], adam["ADSL"]
    exp = _expected(data, adsl, date, prefix, prefix, lag)
    assert np.array_equal(data["APERIOD"].to_numpy(dtype=float), exp["APERIOD"].to_numpy(dtype=float), equal_nan=True)
    for var in ("TRTA", "TRTP"):
        got = data[var].astype(object).where(data[var].notna(), None).tolist()
        want = [v if isinstance(v, str) else None for v in exp[var]]
        assert got == want, var
    # both periods occur, so the check is not vacuous
    assert set(data["APERIOD"].dropna()) == {1.0, 2.0}


def test_switch_day_assessments_are_blinded_but_switch_day_events_open_label(adam):
    adqs, adsl = adam["ADQS"], adam["ADSL"]
    m = adqs.merge(adsl[["USUBJID", "TR02SDT"]], on="USUBJID")
    on_switch = m[m["ADT"].eq(m["TR02SDT"])]
    assert len(on_switch) > 0 and on_switch["APERIOD"].eq(1).all()
