"""IL-2 ADSL: treatment duration, death date and flag, and a per-protocol flag that accounts for compliance.

Expected values are recomputed here from the SDTM with plain pandas (not with the library), and the
data are edited where the synthetic study has no case (no deaths, nobody below 80% compliance).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.adam.engine import run_adam_plan
from cdisc_dm.adam.spec import load_adam_plan


def _adsl(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return run_adam_plan(load_adam_plan("il2dm"), frames).package["ADSL"].data.set_index("USUBJID")


@pytest.fixture(scope="module")
def base(il2_sdtm):
    return _adsl(il2_sdtm)


def _day(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s.astype(object).where(s.notna(), None).map(lambda v: v[:10] if isinstance(v, str) else v))


def test_treatment_duration_counts_first_and_last_day(base, il2_sdtm):
    ex = il2_sdtm["EX"].assign(ST=lambda d: _day(d["EXSTDTC"]), EN=lambda d: _day(d["EXENDTC"]).fillna(_day(d["EXSTDTC"])))
    for period, sel in (("TRT", slice(None)), ("TR01", ex["EPOCH"].eq("BLINDED TREATMENT")), ("TR02", ex["EPOCH"].eq("OPEN LABEL TREATMENT"))):
        part = ex.loc[sel]
        days = (part.groupby("USUBJID")["EN"].max() - part.groupby("USUBJID")["ST"].min()).dt.days + 1
        col = "TRTDURD" if period == "TRT" else f"{period}DURD"
        assert len(days) > 0
        assert (base.loc[days.index, col] == days).all(), col
        assert base.loc[~base.index.isin(days.index), col].isna().all()


def _compliance(sdtm: dict[str, pd.DataFrame]) -> pd.Series:
    ex, supp = sdtm["EX"], sdtm["SUPPEX"]
    wide = supp.pivot_table(index=["USUBJID", "IDVARVAL"], columns="QNAM", values="QVAL", aggfunc="first").reset_index()
    ex = ex.assign(IDVARVAL=ex["EXSEQ"].astype(int).astype(str)).merge(wide, on=["USUBJID", "IDVARVAL"], how="left")
    blinded = ex[ex["EPOCH"] == "BLINDED TREATMENT"]
    planned = blinded.groupby("USUBJID")["EXNPLAN"].apply(lambda s: s.astype(float).sum())
    missed = blinded.groupby("USUBJID")["EXNMISS"].apply(lambda s: s.astype(float).sum())
    return 100 * (planned - missed) / planned


def test_compliance_is_taken_over_planned_injections_of_the_blinded_period(base, il2_sdtm):
    expected = _compliance(il2_sdtm)
    assert len(expected) == base["SAFFL"].eq("Y").sum()
    assert np.allclose(base.loc[expected.index, "CMPLPC01"], expected)


def test_low_compliance_removes_a_subject_from_the_per_protocol_set(base, il2_sdtm):
    pp = base.index[base["PPROTFL"].eq("Y")]
    assert len(pp) > 1
    victim = pp[0]
    frames = dict(il2_sdtm)
    supp = frames["SUPPEX"].copy()
    ex = frames["EX"]
    blinded_seq = ex.loc[ex["USUBJID"].eq(victim) & ex["EPOCH"].eq("BLINDED TREATMENT"), "EXSEQ"].astype(int).astype(str)
    # every blinded interval: half the planned injections missed -> 50% compliance
    plan = supp[supp["USUBJID"].eq(victim) & supp["QNAM"].eq("EXNPLAN") & supp["IDVARVAL"].isin(blinded_seq)]
    for _, row in plan.iterrows():  # a handful of test records, not data that scales
        hit = supp["USUBJID"].eq(victim) & supp["QNAM"].eq("EXNMISS") & supp["IDVARVAL"].eq(row["IDVARVAL"])
        supp.loc[hit, "QVAL"] = str(int(float(row["QVAL"])) // 2)
    frames["SUPPEX"] = supp
    edited = _adsl(frames)
    assert np.isclose(edited.loc[victim, "CMPLPC01"], _compliance(frames)[victim])
    assert edited.loc[victim, "CMPLPC01"] < 80 and edited.loc[victim, "PPROTFL"] == "N"
    others = edited.index != victim
    assert (edited.loc[others, "PPROTFL"] == base.loc[edited.index[others], "PPROTFL"]).all()
    # an 80% compliant subject stays per protocol: the threshold is inclusive
    assert (base.loc[base["PPROTFL"].eq("Y"), "CMPLPC01"] >= 80).all()


def test_without_suppex_compliance_is_missing_and_nobody_is_per_protocol(il2_sdtm):
    frames = {k: v for k, v in il2_sdtm.items() if k != "SUPPEX"}
    adsl = _adsl(frames)
    assert adsl["CMPLPC01"].isna().all() and adsl["PPROTFL"].eq("N").all()


def test_death_date_imputation_and_flag(base, il2_sdtm):
    dosed = base.index[base["TRTEDT"].notna()]
    a, b, c = dosed[:3]
    last_a, last_b = base.loc[a, "TRTEDT"], base.loc[b, "TRTEDT"]
    later = (last_a + pd.DateOffset(months=2))
    dm = il2_sdtm["DM"].copy()
    dm["DTHDTC"] = dm["DTHDTC"].astype(object)
    dm["DTHFL"] = dm["DTHFL"].astype(object)
    # a: month only, two months after the last dose -> the 1st of that month, flag D
    # b: month only, the month of the last dose -> not before the last dose (the subject was alive then)
    # c: a complete date -> as is, no flag
    dm.loc[dm["USUBJID"].eq(a), ["DTHDTC", "DTHFL"]] = [later.strftime("%Y-%m"), "Y"]
    dm.loc[dm["USUBJID"].eq(b), ["DTHDTC", "DTHFL"]] = [last_b.strftime("%Y-%m"), "Y"]
    dm.loc[dm["USUBJID"].eq(c), ["DTHDTC", "DTHFL"]] = ["2030-02-03", "Y"]
    adsl = _adsl(dict(il2_sdtm, DM=dm))
    assert adsl.loc[a, "DTHDT"] == pd.Timestamp(later.year, later.month, 1) and adsl.loc[a, "DTHDTF"] == "D"
    assert adsl.loc[b, "DTHDT"] == last_b and adsl.loc[b, "DTHDTF"] == "D"
    assert adsl.loc[c, "DTHDT"] == pd.Timestamp("2030-02-03") and pd.isna(adsl.loc[c, "DTHDTF"])
    assert (adsl.loc[[a, b, c], "DTHFL"] == "Y").all()
    rest = adsl.drop(index=[a, b, c])
    assert rest["DTHDT"].isna().all() and rest["DTHFL"].isna().all()
