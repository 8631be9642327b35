"""Vectorized text rendering against Python's own date and decimal formatting."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cdisc_dm.synth.textfmt import NO_DATE, format_dates, format_fixed, format_partial_dates


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)), min_size=1, max_size=20))
def test_dates_in_the_three_site_styles(dates):
    days = np.array([(d - dt.date(1970, 1, 1)).days for d in dates], dtype=np.int64)
    assert format_dates(days, 0).tolist() == [d.strftime("%d %b %Y").upper() for d in dates]
    assert format_dates(days, 1).tolist() == [d.isoformat() for d in dates]
    assert format_dates(days, 2).tolist() == [d.strftime("%d/%m/%Y") for d in dates]
    assert format_partial_dates(days, 1, np.full(len(days), 2)).tolist() == [f"UN UNK {d.year}" for d in dates]
    assert format_partial_dates(days, 2, np.full(len(days), 1)).tolist() == [d.strftime("UN %b %Y").upper() for d in dates]


def test_missing_dates_are_empty():
    assert format_dates(np.array([NO_DATE, 0]), 0).tolist() == ["", "01 JAN 1970"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.decimals(min_value=-99999, max_value=99999, places=3, allow_nan=False), min_size=1, max_size=20),
       st.integers(min_value=0, max_value=2))
def test_fixed_decimals_round_half_up_like_decimal(values, decimals):
    x = np.array([float(v) for v in values])
    expected = []
    for v in values:
        q = Decimal(v).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        text = f"{q:.{decimals}f}"
        expected.append(text[1:] if text.startswith("-") and Decimal(text) == 0 else text)
    assert format_fixed(x, decimals).tolist() == expected


def test_nan_is_empty_and_per_value_decimals():
    assert format_fixed(np.array([np.nan, 1.5, 2.25]), np.array([1, 0, 1])).tolist() == ["", "2", "2.3"]
