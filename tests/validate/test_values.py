"""Tolerant numeric equality and text rendering (values.py), with cases from real SAS data."""
from __future__ import annotations

import pandas as pd

from cdisc_dm.validate.values import as_text, is_empty, numbers_equal


def test_binary_double_artifacts_compare_equal():
    # 4.2 and 8.55 have no exact binary representation: SAS data carries the neighbours below
    assert numbers_equal(pd.Series([4.199999999999999]), 4.2).all()
    assert numbers_equal(pd.Series([8.549999999999999]), float("8.55")).all()
    assert numbers_equal(pd.Series([0.1 + 0.2]), 0.3).all()


def test_visible_differences_still_differ():
    assert not numbers_equal(pd.Series([0.1]), 0.1000001).any()
    assert not numbers_equal(pd.Series([150.0]), 150.2).any()
    assert not numbers_equal(pd.Series([float("nan")]), float("nan")).any()


def test_as_text_drops_trailing_zeros():
    assert as_text(pd.Series([62.0, 1.5, float("nan")])).tolist() == ["62", "1.5", ""]


def test_blank_text_is_not_empty():
    # CORE reports a flag of blanks as a value (CORE-000170's negative data)
    assert is_empty(pd.Series(["", "  ", "Y", None], dtype=object)).tolist() == [True, False, False, True]
