"""ADSL against its SDTM sources: expected values are recomputed here from DM, DS, EX, QS and LB."""
from __future__ import annotations

import numpy as np
import pandas as pd


def test_one_record_per_dm_subject(adam_run):
    adsl, dm = adam_run["adam"]["ADSL"], adam_run["sdtm"]["DM"]
    assert adsl["USUBJID"].is_unique
    assert sorted(adsl["USUBJID"]) == sorted(dm["USUBJID"])


def test_population_counts_reconcile_with_ds_and_ex(adam_run):
    adsl, ds, ex = adam_run["adam"]["ADSL"], adam_run["sdtm"]["DS"], adam_run["sdtm"]["EX"]
    randomized = set(ds.loc[ds["DSDECOD"] == "RANDOMIZED", "USUBJID"])
    screen_fail = set(ds.loc[ds["DSDECOD"] == "SCREEN FAILURE", "USUBJID"])
    dosed = set(ex["USUBJID"])
    flags = adsl.set_index("USUBJID")
    assert set(flags.index[flags["RANDFL"] == "Y"]) == randomized
    assert set(flags.index[flags["ITTFL"] == "Y"]) == randomized
    assert set(flags.index[flags["SAFFL"] == "Y"]) == randomized & dosed
    assert screen_fail and screen_fail.isdisjoint(randomized)
    assert (flags.loc[sorted(screen_fail), "DCSREAS"] == "SCREEN FAILURE").all()
    # every flag is Y or N on every record (ADaMIG 1.3 population flags are never null)
    for col in ("ENRLFL", "RANDFL", "SAFFL", "ITTFL", "FASFL", "PPROTFL"):
        assert set(adsl[col]) <= {"Y", "N"}, col
    assert set(flags.index[flags["FASFL"] == "Y"]) <= set(flags.index[flags["SAFFL"] == "Y"])
    assert set(flags.index[flags["PPROTFL"] == "Y"]) <= set(flags.index[flags["FASFL"] == "Y"])


def test_treatment_variables_follow_the_arm(adam_run):
    adsl = adam_run["adam"]["ADSL"]
    il2, pbo = adsl[adsl["ARMCD"] == "IL2"], adsl[adsl["ARMCD"] == "PBO"]
    assert len(il2) and len(pbo)
    assert (il2["TRT01P"] == "IL-2 1 MIU QOD").all() and (pbo["TRT01P"] == "Placebo").all()
    assert (il2["TRTSEQP"] == "IL-2/IL-2").all() and (pbo["TRTSEQP"] == "Placebo/IL-2").all()
    rand = adsl[adsl["ARMCD"].notna()]
    assert (rand["TRT02P"] == "IL-2 1 MIU QOD").all()
    # TRT02A only for subjects who started the open-label period
    assert (rand["TRT02A"].notna() == rand["TR02SDT"].notna()).all()
    assert adsl.loc[adsl["ARMCD"].isna(), ["TRT01P", "TRTSEQP"]].isna().all().all()


def test_treatment_dates_from_ex(adam_run):
    adsl, ex = adam_run["adam"]["ADSL"].set_index("USUBJID"), adam_run["sdtm"]["EX"]
    st = pd.to_datetime(ex["EXSTDTC"])
    en = pd.to_datetime(ex["EXENDTC"]).fillna(st)
    expected_start = st.groupby(ex["USUBJID"]).min()
    expected_end = en.groupby(ex["USUBJID"]).max()
    blinded = ex["EPOCH"] == "BLINDED TREATMENT"
    expected_tr01edt = en[blinded].groupby(ex.loc[blinded, "USUBJID"]).max()
    expected_tr02sdt = st[~blinded].groupby(ex.loc[~blinded, "USUBJID"]).min()
    assert (adsl.loc[expected_start.index, "TRTSDT"] == expected_start).all()
    assert (adsl.loc[expected_end.index, "TRTEDT"] == expected_end).all()
    assert (adsl.loc[expected_tr01edt.index, "TR01EDT"] == expected_tr01edt).all()
    assert (adsl.loc[expected_tr02sdt.index, "TR02SDT"] == expected_tr02sdt).all()
    both = adsl.dropna(subset=["TR01EDT", "TR02SDT"])
    assert (both["TR01EDT"] <= both["TR02SDT"]).all()
    # analysis periods: period 1 ends on the switch day, period 2 starts the day after
    assert (both["AP01EDT"] == both["TR02SDT"]).all()
    assert (both["AP02SDT"] - both["TR02SDT"] == pd.Timedelta(days=1)).all()


def test_age_groups(adam_run):
    adsl = adam_run["adam"]["ADSL"]
    age = adsl["AGE"]
    expected = np.select([(age >= 18) & (age < 40), (age >= 40) & (age < 60), age >= 60], ["18-39", "40-59", ">=60"], None)
    assert adsl["AGEGR1"].astype(object).where(adsl["AGEGR1"].notna(), None).tolist() == list(expected)


def test_disposition(adam_run):
    adsl, ds = adam_run["adam"]["ADSL"].set_index("USUBJID"), adam_run["sdtm"]["DS"]
    events = ds[ds["DSCAT"] == "DISPOSITION EVENT"]
    discontinued = set(events.loc[events["DSDECOD"] != "COMPLETED", "USUBJID"])
    assert set(adsl.index[adsl["EOSSTT"] == "DISCONTINUED"]) == discontinued
    assert adsl.loc[sorted(discontinued), "DCSREAS"].notna().all()
    assert adsl.loc[adsl["EOSSTT"] != "DISCONTINUED", "DCSREAS"].isna().all()


def _baseline(frame, code_var, value_var, flag_var, codes):
    rows = frame[(frame[flag_var] == "Y") & frame[code_var].isin(codes)]
    return rows.pivot_table(index="USUBJID", columns=code_var, values=value_var, aggfunc="first")


def test_active_disease_flag_rechecks_the_seed_definition(adam_run):
    """Seed inclusion criterion 2, recomputed subject by subject from the QS/LB baseline records."""
    adsl, qs, lb = adam_run["adam"]["ADSL"], adam_run["sdtm"]["QS"], adam_run["sdtm"]["LB"]
    items = [c for c in qs["QSTESTCD"].unique() if c.startswith("MMT0")]
    q = _baseline(qs, "QSTESTCD", "QSSTRESN", "QSLOBXFL", items + ["PHGAVAS", "PTGAVAS", "EXMAVAS", "CUTAVAS"])
    enz = lb[(lb["LBLOBXFL"] == "Y") & lb["LBTESTCD"].isin(["CK", "ALDOLASE", "LDH", "ALT", "AST"])]
    xuln = (enz["LBSTRESN"] / enz["LBSTNRHI"]).groupby(enz["USUBJID"]).max()
    checked = 0
    for subject, row in adsl.set_index("USUBJID").iterrows():
        if subject not in q.index:
            assert pd.isna(row["ACTDISFL"])
            continue
        b = q.loc[subject]
        mmt = b[items].sum() if b[items].notna().all() else np.nan
        assert row["BMMT8"] == mmt or (np.isnan(mmt) and pd.notna(row["BMMT8"]))  # imputed totals differ
        abnormal = [b["PTGAVAS"] >= 2, b["PHGAVAS"] >= 2, False,  # HAQ-DI not collected: never counted
                    xuln.get(subject, np.nan) >= 1.3, b["EXMAVAS"] >= 1]
        active = (row["BMMT8"] <= 125 and sum(abnormal) >= 2) or (b["CUTAVAS"] >= 3 and sum(abnormal) >= 3)
        assert row["ACTDISFL"] == ("Y" if active else "N"), subject
        checked += 1
    assert checked >= 30
