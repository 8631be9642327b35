"""group_ids (uniqueness operators): records get the same id exactly when all their codes agree."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cdisc_dm.validate.operators.uniqueness import group_ids


def _same_partition(ids: np.ndarray, codes: list[np.ndarray]) -> bool:
    # reference: pandas groups the rows of the code columns
    ref = pd.DataFrame({i: c for i, c in enumerate(codes)}).groupby(list(range(len(codes))), sort=False).ngroup()
    pairs = pd.DataFrame({"a": ids, "b": ref.to_numpy()}).drop_duplicates()
    return pairs["a"].is_unique and pairs["b"].is_unique


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 60), st.lists(st.integers(1, 10**7), min_size=1, max_size=9), st.integers(0, 2**31 - 1))
def test_ids_partition_like_pandas_groups(n, widths, seed):
    rng = np.random.default_rng(seed)
    # few distinct values per column, whatever their width: collisions after multiplying would show
    codes = [rng.choice(rng.integers(0, w, size=3), size=n) for w in widths]
    assert _same_partition(group_ids(codes, n), codes)


def test_wide_codes_are_renumbered_before_they_overflow():
    n = 1000
    rng = np.random.default_rng(5)
    codes = [rng.integers(0, 2**40, n) for _ in range(4)]  # 2**160 combinations: needs renumbering
    codes[3][:500] = codes[3][500:]  # and some equal rows
    for c in codes[:3]:
        c[:500] = c[500:]
    ids = group_ids(codes, n)
    assert _same_partition(ids, codes)
    assert (ids[:500] == ids[500:]).all()
