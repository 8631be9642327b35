"""Engine hooks for the project rules: arithmetic, non-ASCII values, SE epoch at a date, per-variable
codelists, ADaMIG metadata fallback. Expected values are worked out by hand from the standards'
definitions (ADaMIG 1.3 section 3.3.4, SDTMIG 3.4 sections 4.1.3.1 / 4.3 / 5.3)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.validate.context import EvalContext, NotApplicable
from cdisc_dm.validate.engine import run_rule
from cdisc_dm.validate.execution_errors import RuleExecutionError
from cdisc_dm.validate.operations import get_operation
from cdisc_dm.validate.rule import Operation, parse_rule_dict
from cdisc_dm.validate.study_data import StudyData, StudyDataset, _finish


def _study(**frames: pd.DataFrame) -> StudyData:
    sets = {}
    for name, frame in frames.items():
        sets[name] = _finish(StudyDataset(name=name, frame=frame, file=f"{name.lower()}.xpt"))
    return StudyData("x", sets)


def _ctx(study: StudyData, name: str, standard: str = "SDTMIG 3.4") -> EvalContext:
    rule = parse_rule_dict({"Core": {"Id": "T-1"}, "Check": {"all": [{"name": "X", "operator": "exists"}]}})
    ds = study[name]
    return EvalContext(frame=ds.frame.copy(), dataset=ds, study=study, rule=rule, standard=standard)


def _op(ctx: EvalContext, operator: str, **params):
    return get_operation(operator)(ctx, Operation(id="$x", operator=operator, params=params))


# ------------------------------------------------------------------ arithmetic
def test_arithmetic_follows_operator_precedence_and_domain_prefix():
    lb = pd.DataFrame({"LBSTRESN": [10.0, 4.0, np.nan], "LBORNRHI": [5.0, 8.0, 3.0]})
    ctx = _ctx(_study(LB=lb), "LB")
    got = _op(ctx, "arithmetic", expression="100 * (--STRESN - --ORNRHI) / --ORNRHI + -1")
    # (10-5)/5*100-1 = 99; (4-8)/8*100-1 = -51; a missing operand gives a missing result
    assert got.iloc[0] == pytest.approx(99.0) and got.iloc[1] == pytest.approx(-51.0) and math.isnan(got.iloc[2])


def test_arithmetic_division_by_zero_is_missing_not_infinite():
    adlb = pd.DataFrame({"CHG": [5.0, 5.0], "BASE": [0.0, 20.0]})
    got = _op(_ctx(_study(ADLB=adlb), "ADLB"), "arithmetic", expression="100 * CHG / BASE")
    assert math.isnan(got.iloc[0]) and got.iloc[1] == 25.0


@pytest.mark.parametrize("expression", ["__import__('os')", "CHG ** 2", "CHG if BASE else 1", "", "CHG +"])
def test_arithmetic_rejects_anything_but_numbers_names_and_four_operations(expression):
    adlb = pd.DataFrame({"CHG": [5.0], "BASE": [1.0]})
    with pytest.raises(RuleExecutionError):
        _op(_ctx(_study(ADLB=adlb), "ADLB"), "arithmetic", expression=expression)


def test_chg_rule_uses_relative_tolerance():
    # 0.3 - 0.1 = 0.19999999999999998 in binary floating point: CHG 0.2 is right; 0.2001 is not
    adlb = pd.DataFrame({"USUBJID": ["1", "1"], "AVAL": [0.3, 0.3], "BASE": [0.1, 0.1], "CHG": [0.2, 0.2001]})
    rule = parse_rule_dict({
        "Core": {"Id": "T-CHG"}, "Operations": [{"id": "$d", "operator": "arithmetic", "expression": "AVAL - BASE"}],
        "Check": {"all": [{"name": "CHG", "operator": "not_equal_to", "value": "$d"}]},
    })
    result = run_rule(rule, _study(ADLB=adlb), standard="ADaMIG 1.3")
    assert [f.row for f in result.findings] == [2]


# ------------------------------------------------------------------ non-ASCII
def test_non_ascii_variables_lists_each_offending_character_variable_in_order():
    ae = pd.DataFrame({"USUBJID": ["A", "B", "C"], "AETERM": ["HEADACHE", "CÉPHALÉE", "FIEVRE"],
                       "AEDECOD": ["Headache", "Céphalée", "Fièvre"], "AESEQ": [1.0, 1.0, 1.0]})
    got = _op(_ctx(_study(AE=ae), "AE"), "non_ascii_variables")
    assert got.tolist() == ["", "AETERM, AEDECOD", "AEDECOD"]


# ------------------------------------------------------------------ SE epoch at a date
SE = pd.DataFrame({
    "USUBJID": ["S-1", "S-1", "S-1", "S-2"],
    "EPOCH": ["SCREENING", "TREATMENT", "FOLLOW-UP", "SCREENING"],
    "SESTDTC": ["2024-01-01", "2024-01-15", "2024-03-01", "2024-02-01"],
    "SEENDTC": ["2024-01-15", "2024-03-01", "2024-03-20", ""],
})


def test_se_epoch_at_finds_the_element_in_force_per_subject():
    # deliberately not in date order, with a subject without SE and a partial date
    ae = pd.DataFrame({
        "USUBJID": ["S-1", "S-1", "S-2", "S-1", "S-3", "S-1", "S-1", "S-1", "S-1"],
        "AESTDTC": ["2024-02-10", "2024-01-03T08:00", "2025-06-01", "2023-12-31", "2024-01-10", "2024-02",
                    "2024-03-20", "2024-03-21", "2024-01-15"],
        "EPOCH": ["X", "X", "X", "X", "X", "X", "X", "X", "SCREENING"],
    })
    got = _op(_ctx(_study(AE=ae, SE=SE), "AE"), "se_epoch_at", name=["--STDTC", "--DTC"]).tolist()
    assert got == [
        "TREATMENT",   # inside the second element
        "SCREENING",   # a datetime compares by its date
        "SCREENING",   # S-2's element has no end: open-ended
        "",            # before the subject's first element
        "",            # S-3 has no SE records
        "",            # a partial date cannot be placed
        "FOLLOW-UP",   # the last element includes its end date
        "",            # after the last element ended
        "SCREENING",   # transition day and the record says the earlier epoch (pre-dose): accepted
    ]


def test_se_epoch_at_transition_day_gives_the_later_epoch_otherwise():
    ae = pd.DataFrame({"USUBJID": ["S-1", "S-1"], "AESTDTC": ["2024-01-15", "2024-01-15"], "EPOCH": ["FOLLOW-UP", "TREATMENT"]})
    got = _op(_ctx(_study(AE=ae, SE=SE), "AE"), "se_epoch_at", name="--STDTC").tolist()
    assert got == ["TREATMENT", "TREATMENT"]


def test_se_epoch_at_without_se_is_not_applicable():
    ae = pd.DataFrame({"USUBJID": ["S-1"], "AESTDTC": ["2024-01-15"], "EPOCH": ["TREATMENT"]})
    with pytest.raises(NotApplicable):
        _op(_ctx(_study(AE=ae), "AE"), "se_epoch_at", name="--STDTC")


# ------------------------------------------------------------------ per-variable codelists
def test_variable_codelist_violations_split_by_extensibility():
    from cdisc_dm.standards import load_ct

    ct = load_ct()
    assert not ct.codelist("SEX").extensible and ct.codelist("ROUTE").extensible  # the premise of the split
    ex = pd.DataFrame({"USUBJID": ["1", "2"], "EXROUTE": ["ORAL", "BY MOUTH"], "EXTRT": ["A", "B"]})
    dm = pd.DataFrame({"USUBJID": ["1", "2"], "SEX": ["F", "FEMALE"], "DOMAIN": ["DM", "DM"]})
    study = _study(EX=ex, DM=dm)
    assert _op(_ctx(study, "EX"), "variable_codelist_violations", extensible=True).tolist() == ["", "EXROUTE=BY MOUTH"]
    assert _op(_ctx(study, "EX"), "variable_codelist_violations", extensible=False).tolist() == ["", ""]
    assert _op(_ctx(study, "DM"), "variable_codelist_violations", extensible=False).tolist() == ["", "SEX=FEMALE"]
    assert _op(_ctx(study, "DM"), "variable_codelist_violations", extensible=False,
               exclude_variables=["SEX"]).tolist() == ["", ""]


# ------------------------------------------------------------------ ADaMIG metadata
def test_required_variables_fall_back_on_adamig_structures():
    adsl = pd.DataFrame({"STUDYID": ["S"], "USUBJID": ["1"]})
    adlb = pd.DataFrame({"STUDYID": ["S"], "USUBJID": ["1"], "PARAMCD": ["ALT"], "AVAL": [1.0]})
    adxx = pd.DataFrame({"STUDYID": ["S"], "USUBJID": ["1"], "X": ["1"]})
    study = _study(ADSL=adsl, ADLB=adlb, ADXX=adxx)
    req_adsl = _op(_ctx(study, "ADSL", "ADaMIG 1.3"), "required_variables")
    # ADaMIG 1.3 section 3.2: ADSL requires the subject identifiers, demographics, ARM and TRT01P
    assert {"STUDYID", "USUBJID", "SUBJID", "SITEID", "AGE", "AGEU", "SEX", "RACE", "ARM", "TRT01P"} <= set(req_adsl)
    assert "TRT02P" not in req_adsl  # one treatment variable per period: a one-period study has only TRT01P
    # ADaMIG 1.3 section 3.3: BDS requires PARAM and PARAMCD
    assert {"STUDYID", "USUBJID", "PARAM", "PARAMCD"} <= set(_op(_ctx(study, "ADLB", "ADaMIG 1.3"), "required_variables"))
    with pytest.raises(NotApplicable):
        _op(_ctx(study, "ADXX", "ADaMIG 1.3"), "required_variables")
