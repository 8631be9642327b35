"""Tolerant numeric equality and text rendering (values.py), with cases from real SAS data."""
from __future__ import annotations

import numpy as np
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


# ------------------------------------------------------------------ the per-run cache
def test_only_the_registered_column_gets_its_cached_views():
    from cdisc_dm.validate.values import as_text, clear_cache, column_series

    frame = pd.DataFrame({"AETERM": pd.Series([" Headache", "Rash "], dtype=object)})
    try:
        col = column_series(("run", "AE", "AETERM"), lambda: frame["AETERM"])
        assert as_text(col).tolist() == [" Headache", "Rash "]
        # pandas copies attrs onto derived Series; identity, not attrs, decides what is the column
        stripped = col.str.strip()
        assert as_text(stripped).tolist() == ["Headache", "Rash"]
        assert as_text(col[col == "Rash "]).tolist() == ["Rash "]
        assert column_series(("run", "AE", "AETERM"), lambda: None) is col  # one Series per column per run
    finally:
        clear_cache()


def test_a_registered_buffer_is_recognised_through_a_refetched_column_only():
    from cdisc_dm.validate.values import cached, clear_cache, key_of, keyed_buffer

    values = np.array(["2024-01-01", "2024-02-01", "2024-03-01"], dtype=object)
    frame = pd.DataFrame({"RFSTDTC": pd.Series(values, dtype=object, copy=False)})
    try:
        keyed_buffer(frame["RFSTDTC"], ("run", "LB", "DM.RFSTDTC"))
        again = frame.copy(deep=False)["RFSTDTC"]  # another Series over the same memory
        assert key_of(again) == ("run", "LB", "DM.RFSTDTC")
        calls = []
        first = cached(again, "probe", lambda s: calls.append(1) or s.str.len())
        second = cached(frame["RFSTDTC"], "probe", lambda s: calls.append(1) or s.str.len())
        assert calls == [1] and first.tolist() == second.tolist() == [10, 10, 10]
        other = pd.Series(values.copy(), dtype=object)  # equal values, other memory: not the column
        assert key_of(other) is None
        assert key_of(again[:2]) is None  # a slice of the memory is not the column either
    finally:
        clear_cache()
    assert key_of(frame["RFSTDTC"]) is None  # the run is over
