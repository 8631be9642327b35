"""How finding values from DataFrames are written: the same in every report."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.validate.reports._values import clean_text, to_json_value, to_text


@pytest.mark.parametrize(
    ("value", "as_json", "as_text"),
    [
        (None, None, "null"),
        (float("nan"), None, "null"),
        (float("inf"), None, "null"),
        (pd.NA, None, "null"),
        (pd.NaT, None, "null"),
        (np.float64("nan"), None, "null"),
        (np.int64(17), 17, "17"),
        (np.float64(2.0), 2.0, "2"),
        (0.1, 0.1, "0.1"),
        (1e20, 1e20, "1e+20"),
        (np.bool_(True), True, "true"),
        (pd.Timestamp("2026-03-01 10:30"), "2026-03-01T10:30:00", "2026-03-01T10:30:00"),
        (dt.date(2026, 3, 1), "2026-03-01", "2026-03-01"),
        ("", "", ""),
        ("a\x00b\x1bc", "a\\x00b\\x1bc", "a\\x00b\\x1bc"),
        ("lone \ud800 surrogate", "lone \\ud800 surrogate", "lone \\ud800 surrogate"),
        ("tab\tnew\nline", "tab\tnew\nline", "tab\tnew\nline"),
        (b"caf\xc3\xa9 \xff", "café \\xff", "café \\xff"),
        (["A", np.int64(1), None], ["A", 1, None], '["A", 1, null]'),
    ],
)
def test_values(value, as_json, as_text):
    assert to_json_value(value) == as_json
    assert to_text(value) == as_text
    json.dumps(to_json_value(value), allow_nan=False).encode("utf-8")  # always valid, encodable JSON


def test_clean_text_keeps_ordinary_unicode():
    assert clean_text("肌炎 été — ✓") == "肌炎 été — ✓"
