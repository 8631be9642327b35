"""The ``dy`` operation's day arithmetic against pandas' calendar (an independent implementation)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cdisc_dm.validate.operations.dataset_values import _day_number


def test_day_numbers_match_pandas_across_leap_years_and_centuries():
    rng = np.random.default_rng(11)
    dates = pd.to_datetime("1896-01-01") + pd.to_timedelta(rng.integers(0, 230 * 365, 3000), unit="D")
    refs = pd.to_datetime("1899-12-31") + pd.to_timedelta(rng.integers(0, 230 * 365, 3000), unit="D")
    rows = np.ones(len(dates), dtype=bool)

    def parts(ts):
        return [pd.Series(np.asarray(getattr(ts, k), dtype=float)) for k in ("year", "month", "day")]
    got = _day_number(*parts(dates), rows) - _day_number(*parts(refs), rows)
    assert (got == (dates - refs).days.to_numpy()).all()


def test_only_selected_rows_are_computed():
    y, m, d = pd.Series([2000.0, np.nan]), pd.Series([2.0, np.nan]), pd.Series([29.0, np.nan])
    out = _day_number(y, m, d, np.array([True, False]))
    assert len(out) == 1
    assert out[0] - _day_number(pd.Series([2000.0]), pd.Series([3.0]), pd.Series([1.0]), np.array([True]))[0] == -1
