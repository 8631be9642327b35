"""Operators on small frames, expected values worked out by hand from the CORE operator reference."""
from __future__ import annotations

import pandas as pd

from cdisc_dm.validate.context import EvalContext
from cdisc_dm.validate.operators import get_operator
from cdisc_dm.validate.rule import Condition, parse_rule_dict
from cdisc_dm.validate.study_data import StudyData, StudyDataset, _finish


def _ctx(frame: pd.DataFrame, name: str = "LB") -> EvalContext:
    ds = _finish(StudyDataset(name=name, frame=frame, file=f"{name.lower()}.xpt"))
    rule = parse_rule_dict({"Core": {"Id": "T-1"}, "Check": {"all": [{"name": "X", "operator": "exists"}]}})
    return EvalContext(frame=frame, dataset=ds, study=StudyData("x", {ds.name: ds}), rule=rule)


def run(frame, **cond):
    c = Condition(operator=cond.pop("operator"), name=cond.pop("name", None), value=cond.pop("value", None), params=cond)
    return get_operator(c.operator)(_ctx(frame), c).tolist()


def test_stresc_vs_stresn_type_insensitive_with_float_artifacts():
    f = pd.DataFrame({"DOMAIN": ["LB"] * 4, "LBSTRESC": ["8.55", "4.2", "72", "150"], "LBSTRESN": [8.549999999999999, 4.199999999999999, 62.0, 150.2]})
    assert run(f, name="--STRESC", operator="not_equal_to", value="--STRESN", type_insensitive=True) == [False, False, True, True]


def test_empty_pair_is_neither_equal_nor_different():
    f = pd.DataFrame({"A": ["", "x", ""], "B": ["", "", "y"]})
    assert run(f, name="A", operator="equal_to", value="B") == [False, False, False]
    assert run(f, name="A", operator="not_equal_to", value="B") == [False, True, True]


def test_value_is_reference_compares_with_the_named_column():
    f = pd.DataFrame({"IDVAR": ["AESEQ", "AESPID"], "IDVARVAL": ["1", "9"], "AESEQ": [1.0, 2.0], "AESPID": ["8", "9"]})
    assert run(f, name="IDVARVAL", operator="equal_to", value="IDVAR", value_is_reference=True, type_insensitive=True) == [True, True]


def test_partial_dates_take_lowest_missing_components():
    f = pd.DataFrame({"A": ["2019-05", "2019-04-30", "2019-06-01T10:00", "bad"], "B": ["2019-05-20", "2019-05-01", "2019-06-01", "2019-01-01"]})
    assert run(f, name="A", operator="date_less_than", value="B") == [True, True, False, False]
    assert run(f, name="A", operator="date_less_than", value="B", date_component="month") == [False, True, False, False]
    assert run(f, name="A", operator="invalid_date") == [False, False, False, True]


def test_invalid_dates_include_impossible_days():
    f = pd.DataFrame({"A": ["2019-02-29", "2020-02-29", "2019-13-01", "2019---15", ""]})
    assert run(f, name="A", operator="invalid_date") == [True, False, True, False, False]


def test_regex_matches_at_start_and_skips_empty():
    f = pd.DataFrame({"LBTESTCD": ["ALB", "1ABC", "TOOLONGNAME", ""], "DOMAIN": ["LB"] * 4})
    assert run(f, name="--TESTCD", operator="not_matches_regex", value="^[A-Z_][A-Z0-9_]{0,7}$") == [False, True, True, False]


def test_not_unique_set_marks_every_duplicate():
    f = pd.DataFrame({"USUBJID": ["1", "1", "2"], "LBSEQ": [1.0, 1.0, 1.0], "DOMAIN": ["LB"] * 3})
    assert run(f, name="--SEQ", operator="is_not_unique_set", value=["USUBJID"]) == [True, True, False]


def test_is_not_contained_by_literal_list():
    f = pd.DataFrame({"ARM": ["Placebo", "Screen Failure", ""]})
    # an empty value is not in the list either (as CORE-000172 reports an empty STUDYID)
    assert run(f, name="ARM", operator="is_not_contained_by", value=["Screen Failure", "Not Assigned"]) == [True, False, True]
