"""Conditions on text columns are evaluated per distinct value: same answer as row by row."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.mapping.condition import Condition, _leaf, evaluate

VALUES = [" y", "Y", "n", "", None, "DIFFICULTY", "difficulty ", "NY", "x y"]


@pytest.mark.parametrize("op,value", [("eq", "Y"), ("ne", "Y"), ("in", ("Y", "NY")), ("notin", ("Y", "NY")),
                                      ("isnull", None), ("notnull", None), ("eq", "difficulty")])
def test_per_distinct_equals_row_by_row(op, value):
    rng = np.random.default_rng(2)
    col = pd.Series([VALUES[i] for i in rng.integers(0, len(VALUES), 2000)], dtype="str")
    cond = Condition("leaf", var="a", op=op, value=value)
    assert (evaluate(cond, pd.DataFrame({"a": col})) == _leaf(cond, col)).all()


def test_known_answers_written_out():
    col = pd.Series([" y", None, "N", ""], dtype="str")
    frame = pd.DataFrame({"a": col})
    assert evaluate(Condition("leaf", var="a", op="eq", value="Y"), frame).tolist() == [True, False, False, False]
    assert evaluate(Condition("leaf", var="a", op="ne", value="Y"), frame).tolist() == [False, False, True, True]
    assert evaluate(Condition("leaf", var="a", op="isnull"), frame).tolist() == [False, True, False, True]
