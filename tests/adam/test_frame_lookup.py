"""match_rows/take_rows against pandas' left merge, distinct_rows, and the engine's once-per-distinct-row call."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.adam.derivations._frame import distinct_rows, match_rows, take_rows
from cdisc_dm.adam.derivations.derive_vars_period import derive_vars_period
from cdisc_dm.adam.engine import _call


def right_table() -> pd.DataFrame:
    return pd.DataFrame({
        "USUBJID": pd.Series(["1", "2", "3", None], dtype="str"),
        "VISITNUM": [1.0, 1.0, 2.0, 1.0],
        "I": [10, 20, 30, 40],
        "F": [1.5, np.nan, 3.5, 4.5],
        "B": [True, False, True, False],
        "S": pd.Series(["a", None, "c", "d"], dtype="str"),
        "D": pd.to_datetime(["2024-01-01", None, "2024-01-03", "2024-01-04"]).astype("datetime64[s]"),
        "C": pd.Categorical(["x", "y", "x", "y"]),
    })


@pytest.mark.parametrize("keys", [["USUBJID"], ["USUBJID", "VISITNUM"]])
@pytest.mark.parametrize("all_match", [True, False])
def test_take_by_position_equals_left_merge(keys, all_match):
    right = right_table() if len(keys) == 2 else right_table().drop_duplicates("USUBJID")
    users = ["2", "1", None, "1"] + ([] if all_match else ["9"])
    left = pd.DataFrame({"USUBJID": pd.Series(users, dtype="str"), "VISITNUM": [1.0] * len(users)},
                        index=pd.RangeIndex(100, 100 + len(users)))
    merged = left[keys].merge(right, on=keys, how="left", validate="many_to_one")
    pos = match_rows(left, keys, right, keys)
    assert pos is not None
    for col in ["I", "F", "B", "S", "D", "C"]:
        got = take_rows(right[col], pos, left.index)
        want = merged[col].set_axis(left.index)
        assert got.dtype == want.dtype, col  # int stays int only when every key matched, as in merge
        pd.testing.assert_series_equal(got, want, check_names=False)


def test_missing_keys_match_missing_keys_like_merge():
    right = pd.DataFrame({"K": pd.Series(["a", None], dtype="str"), "V": [1.0, 2.0]})
    left = pd.DataFrame({"K": pd.Series([None, "a", "b"], dtype="str")})
    assert match_rows(left, ["K"], right, ["K"]).tolist() == [1, 0, -1]
    assert left.merge(right, on="K", how="left")["V"].tolist()[:2] == [2.0, 1.0]  # pandas' rule, same answer


def test_key_dtypes_that_differ_are_left_to_merge():
    left = pd.DataFrame({"K": [1, 2]})
    right = pd.DataFrame({"K": [1.0, 2.0]})
    assert match_rows(left, ["K"], right, ["K"]) is None


def test_distinct_rows_first_positions_and_ids():
    frame = pd.DataFrame({"A": ["x", "y", "x", "x", None], "B": [1.0, 1.0, 1.0, 2.0, np.nan]})
    first, ids = distinct_rows(frame, ["A", "B"])
    assert first.tolist() == [0, 1, 3, 4]
    # every row carries the values of the first row of its combination
    back = frame.iloc[first].reset_index(drop=True).take(ids).reset_index(drop=True)
    pd.testing.assert_frame_equal(back, frame)


def test_engine_row_wise_call_equals_direct_call():
    rng = np.random.default_rng(5)
    n_subj = 40
    adsl = pd.DataFrame({
        "USUBJID": pd.Series([f"S{i:03d}" for i in range(n_subj)], dtype="str"),
        "TR01SDT": pd.to_datetime(["2024-01-01"] * n_subj).astype("datetime64[s]"),
        "TR01EDT": pd.to_datetime(["2024-03-31"] * n_subj).astype("datetime64[s]"),
        "TR02SDT": pd.to_datetime(["2024-04-01"] * (n_subj - 5) + [None] * 5).astype("datetime64[s]"),
        "TR02EDT": pd.to_datetime(["2024-06-30"] * (n_subj - 5) + [None] * 5).astype("datetime64[s]"),
        "TRT01P": pd.Series(["Placebo", "IL-2"] * (n_subj // 2), dtype="str"),
        "TRT01A": pd.Series(["Placebo", "IL-2"] * (n_subj // 2), dtype="str"),
        "TRT02P": pd.Series(["IL-2"] * n_subj, dtype="str"),
        "TRT02A": pd.Series(["IL-2"] * n_subj, dtype="str"),
        "TRT01PN": [1.0, 2.0] * (n_subj // 2), "TRT02PN": [2.0] * n_subj,
    })
    n = 30_000  # above the engine's threshold, with few distinct (subject, date) pairs
    days = rng.integers(-20, 220, n_subj * 12)
    dates = (pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D")).astype("datetime64[s]")
    pick = rng.integers(0, len(days), n)
    data = pd.DataFrame({
        "USUBJID": pd.Series(np.array([f"S{i:03d}" for i in range(n_subj)] + ["NOPE"], dtype=object)[
            np.r_[pick[:-1] % n_subj, n_subj]], dtype="str"),
        "ADT": pd.Series(dates[pick]).where(rng.random(n) > 0.02),
        "AVAL": rng.random(n),
    })
    args = {"dataset_adsl": adsl, "date_var": "ADT", "end_lag_days": 28}
    want = derive_vars_period(data, **args)
    got = _call("derive_vars_period", derive_vars_period, data, dict(args))
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert list(got.dtypes) == list(want.dtypes)


def test_engine_row_wise_call_falls_back_when_inputs_are_incomplete(monkeypatch):
    from cdisc_dm.adam import engine

    def add_ratio(dataset, num_var="A"):  # reads a column the (wrong) input list omits
        out = dataset.copy(deep=False)
        out["R"] = dataset[num_var] / dataset["B"]
        return out

    monkeypatch.setitem(engine._ROW_WISE, "add_ratio", lambda args: [args["num_var"]])
    data = pd.DataFrame({"A": np.tile([1.0, 2.0], 10_000), "B": np.arange(1, 20_001, dtype="float64")})
    got = _call("add_ratio", add_ratio, data, {})
    np.testing.assert_array_equal(got["R"].to_numpy(), data["A"].to_numpy() / data["B"].to_numpy())
