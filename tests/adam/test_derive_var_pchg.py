"""PCHG = (AVAL - BASE) / |BASE| * 100, missing when BASE is 0 (hand-computed)."""
import numpy as np
import pandas as pd

from cdisc_dm.adam.derivations import derive_var_pchg


def test_pchg():
    out = derive_var_pchg(pd.DataFrame({"AVAL": [150.0, 2.0, -1.0, 5.0], "BASE": [300.0, 0.0, -2.0, None]}))
    # (150-300)/300 = -50%; BASE 0 -> missing; (-1 - -2)/|-2| = +50% (a rise from a negative baseline); BASE missing -> missing
    got = out["PCHG"].tolist()
    assert got[0] == -50.0 and np.isnan(got[1]) and got[2] == 50.0 and np.isnan(got[3])
