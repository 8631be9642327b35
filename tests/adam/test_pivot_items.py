"""pivot_items (integer-code scatter) against pandas' set_index/unstack, computed here independently."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.adam.derivations._params import pivot_items
from cdisc_dm.adam.derivations.assert_data import DerivationError


def unstack_reference(data, by, codes):
    items = data.loc[data["PARAMCD"].isin(codes), by + ["PARAMCD", "AVAL"]]
    wide = items.set_index(by + ["PARAMCD"])["AVAL"].unstack("PARAMCD").reindex(columns=codes)
    return wide.index.to_frame(index=False), wide.to_numpy(dtype="float64", na_value=np.nan)


def records(seed: int, n_subj: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [(f"S{s:03d}", float(v), p) for s in rng.permutation(n_subj) for v in (1.0, 2.5, 10.0) for p in
            ("Q1", "Q2", "Q3", "OTHER") if rng.random() > 0.3]
    data = pd.DataFrame(rows, columns=["USUBJID", "AVISITN", "PARAMCD"]).sample(frac=1, random_state=seed)
    data["USUBJID"] = data["USUBJID"].astype("str")
    data["PARAMCD"] = data["PARAMCD"].astype("str")
    data["AVAL"] = np.where(rng.random(len(data)) > 0.2, rng.integers(0, 4, len(data)).astype(float), np.nan)
    return data.reset_index(drop=True)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("codes", [["Q1", "Q2", "Q3"], ["Q3", "Q1", "ABSENT"]])
def test_same_keys_and_values_as_unstack(seed, codes):
    data = records(seed)
    keys, values = pivot_items(data, ["USUBJID", "AVISITN"], codes, fn="t")
    want_keys, want_values = unstack_reference(data, ["USUBJID", "AVISITN"], codes)
    pd.testing.assert_frame_equal(keys, want_keys)
    np.testing.assert_array_equal(values, want_values)  # NaN == NaN; all-missing groups kept


def test_missing_by_values_take_the_unstack_path():
    data = records(4)
    data.loc[data.index[:5], "AVISITN"] = np.nan
    keys, values = pivot_items(data, ["USUBJID", "AVISITN"], ["Q1", "Q2"], fn="t")
    want_keys, want_values = unstack_reference(data, ["USUBJID", "AVISITN"], ["Q1", "Q2"])
    pd.testing.assert_frame_equal(keys, want_keys)
    np.testing.assert_array_equal(values, want_values)


def test_duplicate_item_record_is_an_error_naming_the_key():
    data = records(5)
    data = pd.concat([data, data.loc[data["PARAMCD"].eq("Q1")].head(1)], ignore_index=True)
    with pytest.raises(DerivationError, match="sharing a key over USUBJID, AVISITN, PARAMCD"):
        pivot_items(data, ["USUBJID", "AVISITN"], ["Q1", "Q2"], fn="t")
