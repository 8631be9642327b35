"""ANL01FL tie rules: closest to target, then latest, then extra order, then later row."""
from __future__ import annotations

import pandas as pd

from cdisc_dm.adam.derivations import derive_var_anl01fl


def test_tie_rules():
    d = pd.DataFrame({
        "USUBJID": ["1"] * 6 + ["2"] * 2,
        "PARAMCD": ["CK"] * 8,
        "AVISITN": [4.0, 4.0, 4.0, 8.0, 8.0, None, 4.0, 4.0],
        "AVAL": [1.0, 2.0, 3.0, 4.0, None, 6.0, 7.0, 8.0],
        "AWTDIFF": [2.0, 2.0, 5.0, 0.0, 0.0, 0.0, 1.0, 1.0],
        "ADT": pd.to_datetime(["2024-01-27", "2024-01-31", "2024-02-03", "2024-02-26", "2024-02-26", "2024-03-01",
                               "2024-01-28", "2024-01-28"]),
        "LBSEQ": [1, 2, 3, 4, 5, 6, 2, 1],
    })
    out = derive_var_anl01fl(d, order=["LBSEQ"])
    # subj 1 week 4: rows 0/1 equally close (2 days) -> latest (01-31, row 1); row 2 is 5 days away
    # subj 1 week 8: row 4 has missing AVAL -> row 3; row 5 is outside any window (AVISITN missing)
    # subj 2 week 4: same distance, same date -> larger LBSEQ (row 6, seq 2)
    assert out["ANL01FL"].fillna("").tolist() == ["", "Y", "", "Y", "", "", "Y", ""]
