"""distinct_rows groups rows by their combination of values; parse_distinct_dates = parse_dates."""
from __future__ import annotations

import numpy as np
import pandas as pd

from cdisc_dm.mapping.algorithms._text import distinct_rows
from cdisc_dm.mapping.dates import parse_dates, parse_distinct_dates


def test_groups_in_order_of_first_appearance_with_missing_as_a_value():
    subj = pd.Series(["S1", "S2", "S1", None, "S1", None], dtype="str")
    day = pd.Series(["2024-01-01", "2024-01-01", "2024-01-01", "2024-01-02", "2024-01-02", "2024-01-02"], dtype="str")
    codes, first = distinct_rows(subj, day)
    # written out by hand: (S1,d1) (S2,d1) (S1,d1) (NA,d2) (S1,d2) (NA,d2)
    assert codes.tolist() == [0, 1, 0, 2, 3, 2]
    assert first.tolist() == [0, 1, 3, 4]


def test_codes_agree_with_pandas_groupby():
    rng = np.random.default_rng(5)
    n = 3000
    a = pd.Series(rng.choice(["x", "y", "z", None], n), dtype="str")
    b = pd.Series(rng.choice([1.0, 2.0, np.nan], n))
    c = pd.Series(rng.choice(["p", "q"], n), dtype="str")
    codes, first = distinct_rows(a, b, c)
    groups = pd.DataFrame({"a": a, "b": b, "c": c}).groupby(["a", "b", "c"], dropna=False, sort=False).ngroup().to_numpy()
    # the same partition of the rows (numbering may differ): a one-to-one map between the two
    pairs = set(zip(codes.tolist(), groups.tolist()))
    assert len(pairs) == len(set(codes.tolist())) == len(set(groups.tolist()))
    assert (codes[first] == np.arange(len(first))).all()


def test_parse_distinct_dates_spreads_to_parse_dates():
    raw = pd.Series([" 05 JAN 2025", None, "", "31 FEB 2024", "05 JAN 2025", "xx", "2024-02-29", "05 JAN 2025 "], dtype="str")
    formats = ["DD MMM YYYY", "YYYY-MM-DD"]
    codes, iso_u, st_u = parse_distinct_dates(raw, formats)
    iso, status = parse_dates(raw, formats)
    spread = [iso_u[c] if c >= 0 else None for c in codes]
    assert [None if pd.isna(v) else v for v in iso.tolist()] == spread
    assert status.tolist() == [int(st_u[c]) if c >= 0 else 0 for c in codes]
    assert spread[0] == spread[4] == spread[7] == "2025-01-05"
