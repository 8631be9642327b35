"""derive_extreme_records: one appended copy of the first/last record per group (End of Treatment records).

Expected values are worked out by hand from the small frames below (the rule: among the records where
the filter holds, the group's last/first by the order columns, missing order values never preferred).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.adam.derivations.assert_data import DerivationError
from cdisc_dm.adam.derivations.derive_extreme_records import derive_extreme_records
from cdisc_dm.errors import SpecError

EOT = {"AVISIT": "End of Treatment", "AVISITN": 99}


@pytest.fixture
def vs():
    return pd.DataFrame({
        "USUBJID": pd.Series(["1", "1", "1", "2", "2", "3"], dtype="str"),
        "AVISIT": pd.Series(["Baseline", "Week 4", "Week 8", "Baseline", "Week 2", "Week 4"], dtype="str"),
        "AVISITN": [0.0, 4.0, 8.0, 0.0, 2.0, np.nan],
        "AVAL": [70.0, 72.0, np.nan, 60.0, 61.0, 80.0],
        "VSSEQ": [1, 2, 3, 1, 2, 1],
    })


def test_last_record_per_group_is_copied_after_the_input_rows(vs):
    out = derive_extreme_records(vs, "USUBJID", ["AVISITN"], set_values_to=EOT)
    assert out.iloc[:6].equals(vs)  # input rows untouched, in order
    new = out.iloc[6:]
    # subject 1: week 8 (a missing AVAL is still a record); 2: week 2; 3: its only record, whose
    # missing AVISITN is not preferred but is the only candidate
    assert new["VSSEQ"].tolist() == [3, 2, 1]
    assert new["AVISIT"].tolist() == ["End of Treatment"] * 3 and new["AVISITN"].tolist() == [99.0] * 3
    assert np.isnan(new["AVAL"].iloc[0]) and new["AVAL"].iloc[1:].tolist() == [61.0, 80.0]
    assert out["AVISIT"].dtype == vs["AVISIT"].dtype and out["AVISITN"].dtype == np.float64


def test_filter_restricts_the_candidates_and_a_group_without_one_gets_no_record(vs):
    later = lambda d: d["AVISITN"] >= 4  # noqa: E731 - a filter is a callable frame -> mask
    out = derive_extreme_records(vs, "USUBJID", ["AVISITN"], later, set_values_to=EOT)
    assert out.iloc[6:]["USUBJID"].tolist() == ["1"]  # subject 2 has no week >= 4; 3's AVISITN is missing
    first = derive_extreme_records(vs, "USUBJID", ["AVISITN"], later, set_values_to=EOT, mode="first")
    assert first.iloc[6:]["VSSEQ"].tolist() == [2]


def test_descending_order_and_ties_go_to_the_later_input_row():
    d = pd.DataFrame({"K": ["a", "a", "a"], "X": [1.0, 2.0, 2.0], "ROW": [0, 1, 2]})
    assert derive_extreme_records(d, "K", ["X"], set_values_to={"T": "Y"})["ROW"].tolist()[-1] == 2
    assert derive_extreme_records(d, "K", ["-X"], set_values_to={"T": "Y"})["ROW"].tolist()[-1] == 0
    # a new column: missing on the input rows, the constant on the copy
    out = derive_extreme_records(d, "K", ["X"], set_values_to={"T": "Y"})
    assert out["T"].isna().sum() == 3 and out["T"].iloc[-1] == "Y"


def test_records_can_come_from_another_dataset(vs):
    other = vs.assign(PARAMCD="PULSE")
    out = derive_extreme_records(vs.iloc[:0], "USUBJID", ["AVISITN"], dataset_add=other, set_values_to=EOT)
    assert len(out) == 3 and set(out["PARAMCD"]) == {"PULSE"}


def test_input_is_never_mutated(vs):
    before = vs.copy()
    derive_extreme_records(vs, "USUBJID", ["AVISITN"], set_values_to=EOT)
    pd.testing.assert_frame_equal(vs, before)


@pytest.mark.parametrize("kwargs, words", [
    ({"set_values_to": {}}, "at least one"),
    ({"set_values_to": {"AVISIT": ["x"]}}, "constants"),
    ({"set_values_to": {"AVISITN": "End"}}, "not a number"),
    ({"set_values_to": EOT, "mode": "max"}, "mode"),
    ({"set_values_to": EOT, "order": ["ADT"]}, "ADT"),
])
def test_bad_arguments_are_named(vs, kwargs, words):
    args = {"order": ["AVISITN"]} | kwargs
    with pytest.raises(DerivationError, match=words) as err:
        derive_extreme_records(vs, "USUBJID", **args)
    assert "derive_extreme_records" in str(err.value) and isinstance(err.value, SpecError)


def test_the_spec_registry_and_schema_offer_it():
    import json

    from cdisc_dm.adam.registry import REGISTRY
    from cdisc_dm.resources import specs_dir

    assert REGISTRY["derive_extreme_records"] is derive_extreme_records
    schema = json.loads((specs_dir() / "schemas" / "adam-spec.schema.json").read_text())
    assert "derive_extreme_records" in schema["$defs"]["step"]["properties"]["call"]["enum"]
    assert derive_extreme_records.method.endswith(".")
