"""No derivation writes into the caller's frame, including when it overwrites an existing column
(the functions return shallow copies and rely on pandas replacing, not writing, column arrays)."""
from __future__ import annotations

import pandas as pd

from cdisc_dm.adam.derivations import (
    derive_var_ablfl, derive_var_anl01fl, derive_var_anrind, derive_var_base, derive_var_chg, derive_var_pchg,
    derive_vars_avisit, derive_vars_dt, derive_vars_dy,
)


def test_chain_leaves_every_input_untouched():
    d0 = pd.DataFrame({
        "USUBJID": ["1", "1", "1"], "PARAMCD": ["CK"] * 3, "AVAL": [300.0, 250.0, 150.0],
        "LBDTC": ["2024-01-01", "2024-01-08", "2024-02-05"], "TRTSDT": pd.to_datetime(["2024-01-08"] * 3),
        "ANRLO": [30.0] * 3, "ANRHI": [190.0] * 3,
        # stale derived values from an earlier run: overwritten in the copies, kept in the inputs
        "CHG": [9.0, 9.0, 9.0], "PCHG": [9.0, 9.0, 9.0], "ANRIND": ["X", "X", "X"],
    })
    w = pd.DataFrame({"AVISIT": ["Baseline", "Week 4"], "AVISITN": [0, 4], "AWTARGET": [1, 29],
                      "AWLO": [-28, 2], "AWHI": [1, 43]})
    frames = [d0]
    steps = [
        lambda d: derive_vars_dt(d, "A", "LBDTC"),
        lambda d: derive_vars_dy(d, ["ADT"]),
        derive_var_ablfl, derive_var_base, derive_var_chg, derive_var_pchg, derive_var_anrind,
        lambda d: derive_vars_avisit(d, w),
        derive_var_anl01fl,
    ]
    snapshots = []
    for step in steps:
        snapshots.append(frames[-1].copy(deep=True))
        frames.append(step(frames[-1]))
    for before, frame in zip(snapshots, frames[:-1]):
        pd.testing.assert_frame_equal(frame, before)
    last = frames[-1]
    # (150 - 250) = -100, -40%; 300 is pre-baseline: 300 - 250 = 50
    assert last["CHG"].tolist() == [50.0, 0.0, -100.0] and last["PCHG"].tolist()[2] == -40.0
    assert d0["CHG"].tolist() == [9.0, 9.0, 9.0] and d0["ANRIND"].tolist() == ["X", "X", "X"]
    assert last["ANL01FL"].fillna("").tolist() == ["", "Y", "Y"]
