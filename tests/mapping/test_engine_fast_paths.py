"""The engine's faster routes give exactly what the plain pandas route gives.

_melt builds the melted frame with takes instead of stacking a copy per test and sorting;
_sort_order computes the sort indexer without sorting a copy of the key columns. Each is checked
against a small frame written out by hand and against the plain pandas operation.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.mapping.engine import _melt, _melt_stacked, _sort_order


def _base() -> pd.DataFrame:
    return pd.DataFrame({
        "haq.A": pd.Series(["1", None, "3"], dtype="str"),
        "haq.B": pd.Series(["x", "y", None], dtype="str"),
        "haq.DAT": pd.Series(["01 JAN 2025", "02 JAN 2025", None], dtype="str"),
        "_row": np.array([4, 5, 9], dtype="int64"),
    })


TESTS = ({"column": "A", "QSTESTCD": "T1", "N": 1}, {"column": "B", "QSTESTCD": "T2", "N": 2})


def test_melt_orders_records_by_raw_row_then_test():
    out = _melt(_base(), "haq", TESTS, "test")
    # 3 raw rows x 2 tests, raw order first (written out by hand)
    assert out["_row"].tolist() == [4, 4, 5, 5, 9, 9]
    assert out["test.QSTESTCD"].tolist() == ["T1", "T2", "T1", "T2", "T1", "T2"]
    assert out["test.value"].tolist() == ["1", "x", np.nan, "y", "3", np.nan]
    assert list(out.columns) == ["haq.A", "haq.B", "haq.DAT", "_row", "test.column", "test.QSTESTCD", "test.N", "test.value"]


def test_melt_equals_the_stacked_route_column_for_column():
    base = _base()
    pd.testing.assert_frame_equal(_melt(base, "haq", TESTS, "test"), _melt_stacked(base, "haq", TESTS, "test"), check_exact=True)


def test_melt_drops_columns_read_only_as_test_values():
    out = _melt(_base(), "haq", TESTS, "test", drop=("haq.A", "haq.B"))
    assert list(out.columns) == ["haq.DAT", "_row", "test.column", "test.QSTESTCD", "test.N", "test.value"]
    assert out["test.value"].tolist() == ["1", "x", np.nan, "y", "3", np.nan]


def test_melt_with_tests_of_different_attributes_uses_the_stacked_route():
    tests = ({"column": "A", "QSTESTCD": "T1"}, {"column": "B", "QSTESTCD": "T2", "UNIT": "cm"})
    out = _melt(_base(), "haq", tests, "test")
    assert out["test.UNIT"].tolist() == [np.nan, "cm"] * 3


@pytest.mark.parametrize("keys", [["USUBJID"], ["USUBJID", "TESTCD", "VISITNUM"], ["VISITNUM", "TESTCD"]])
def test_sort_order_matches_sort_values(keys):
    rng = np.random.default_rng(3)
    n = 500
    subj = pd.Series(rng.choice(["01-0002", "01-0010", "02-0001", None], n), dtype="str")
    test = pd.Series(rng.choice(["ALT", "AST", "alb", "Z", None], n), dtype="str")
    visit = pd.Series(rng.choice([1.0, 2.0, 10.0, 1.01, np.nan], n))
    frame = pd.DataFrame({"USUBJID": subj, "TESTCD": test, "VISITNUM": visit})
    expected = frame.reset_index(drop=True).sort_values(keys, kind="mergesort", na_position="last").index.to_numpy()
    assert _sort_order(frame, keys).tolist() == expected.tolist()


def test_sort_order_is_stable_and_puts_missing_last():
    frame = pd.DataFrame({"K": pd.Series(["b", None, "a", "b", "a"], dtype="str")})
    assert _sort_order(frame, ["K"]).tolist() == [2, 4, 0, 3, 1]


def test_numbers_parse_each_distinct_text_as_to_numeric_does():
    from cdisc_dm.mapping.engine import _numbers

    raw = ["1", "2.5", None, "x", "1", "1e5", "-0", "-0.0", "NaN", "inf", "9007199254740993",
           "12345678901234567891", "1,5", "1.0", "007", "+4", "2.5"]
    text = pd.Series(raw, dtype="str")
    expected = pd.to_numeric(text, errors="coerce").astype("float64").to_numpy()
    got = _numbers(text)
    assert got.dtype == np.float64 and len(got) == len(raw)
    # the same numbers, missing in the same places, and the sign of -0.0 kept
    assert np.array_equal(got, expected, equal_nan=True)
    assert np.array_equal(np.signbit(got), np.signbit(expected))
    assert got.tolist()[:2] == [1.0, 2.5] and np.isnan(got[3])
