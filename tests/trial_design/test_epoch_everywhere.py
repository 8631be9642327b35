"""EPOCH in every dataset equals the subject's element (SE) in force at the record's date.

The expected EPOCH is computed here from SE alone (trial_design_helpers.expected_epoch, calendar
days and interval membership), with the boundary rule documented in docs/study-definition.md
("EPOCH and SE conventions"): events and interventions use ``later`` (an element is in force
from its start day); pre-dose findings collected at visits and DS (milestones such as
randomization on Day 1 happen before the first dose; a period's disposition event closes that
period, mappings/il2dm/sdtm/ds.yaml) use ``earlier``, which agrees with TV putting the Day 1 and
Week 12 visits in the epoch that ends that day. The end-of-study DS record (DSSCAT STUDY
PARTICIPATION) is an event "in whatever epoch the subject was in" (ds.yaml), hence ``later``.
"""
from __future__ import annotations

import pandas as pd
import pytest

from trial_design_helpers import expected_epoch

# dataset -> (date variable, boundary rule)
RULES = {
    "AE": ("AESTDTC", "later"),
    "CM": ("CMSTDTC", "later"),
    "EX": ("EXSTDTC", "later"),
    "DS": ("DSSTDTC", "earlier"),
    "IE": ("IEDTC", "earlier"),
    "MB": ("MBDTC", "earlier"),
    "LB": ("LBDTC", "earlier"),
    "QS": ("QSDTC", "earlier"),
    "CP": ("CPDTC", "earlier"),
}

# records of a dataset that follow the other rule: dataset -> (variable, value, boundary)
EXCEPTIONS = {"DS": ("DSSCAT", "STUDY PARTICIPATION", "later")}

# datasets with a known, documented mismatch (xfail strict) go here; none today
KNOWN: dict[str, pytest.MarkDecorator] = {}


def _date_variable(data: pd.DataFrame, name: str) -> str | None:
    for col in (f"{name}DTC", f"{name}STDTC"):
        if col in data.columns:
            return col
    return None


def test_every_dataset_with_epoch_and_a_date_is_checked(converted):
    with_epoch = {ds.name for ds in converted.result.package
                  if "EPOCH" in ds.data.columns and _date_variable(ds.data, ds.name) is not None and ds.name != "SE"}
    assert with_epoch == set(RULES), "add the new dataset (and its boundary rule) to RULES"


@pytest.mark.parametrize("name", [pytest.param(n, marks=KNOWN[n]) if n in KNOWN else n for n in RULES])
def test_epoch_is_the_element_in_force(converted, name):
    date_col, boundary = RULES[name]
    data = converted.data(name).reset_index(drop=True)
    se = converted.data("SE").reset_index(drop=True)
    assert se["SESTDTC"].str.len().eq(10).all() and se["SEENDTC"].str.len().eq(10).all(), \
        "SE dates carry times: the day-based expectation below no longer applies"
    expected = expected_epoch(data, date_col, se, boundary).fillna("<none>")
    if name in EXCEPTIONS:
        var, value, other = EXCEPTIONS[name]
        sel = data[var] == value
        assert sel.any(), f"{name}: no {var} = {value} record: the exception is not exercised"
        expected = expected.where(~sel, expected_epoch(data, date_col, se, other).fillna("<none>"))
    actual = data["EPOCH"].astype("object").where(data["EPOCH"].notna(), None).fillna("<none>")
    assert (expected != "<none>").sum() > 0, f"{name}: no record could be placed, the check would be empty"
    bad = data.loc[actual != expected, ["USUBJID", date_col, "EPOCH"]].assign(expected=expected[actual != expected])
    assert bad.empty, f"{name}: {len(bad)} of {len(data)} records have another EPOCH than SE gives ({boundary}):\n{bad.head(10).to_string()}"


def test_se_elements_are_contiguous_and_do_not_overlap(converted):
    se = converted.data("SE").copy()
    start = pd.to_datetime(se["SESTDTC"].str[:10])
    end = pd.to_datetime(se["SEENDTC"].str[:10])
    assert (start <= end).all(), se.loc[start > end, ["USUBJID", "ETCD", "SESTDTC", "SEENDTC"]]
    se = se.assign(_st=start, _en=end).sort_values(["USUBJID", "_st", "SESEQ"], kind="mergesort")
    nxt = se.groupby("USUBJID")["_st"].shift(-1)
    has_next = nxt.notna()
    # SDTMIG 3.4 section 5.3: no gaps, and the end of one element is the start of the next
    gap_or_overlap = has_next & (se["_en"] != nxt)
    assert not gap_or_overlap.any(), se.loc[gap_or_overlap, ["USUBJID", "ETCD", "SESTDTC", "SEENDTC"]].to_string()
    # SESEQ and TAETORD follow time
    assert (se.groupby("USUBJID")["SESEQ"].diff().dropna() > 0).all()
    dm = converted.data("DM")
    assert set(se["USUBJID"]) == set(dm["USUBJID"]), "every screened subject has SE records"
