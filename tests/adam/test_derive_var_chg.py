"""CHG = AVAL - BASE (hand-computed)."""
import numpy as np
import pandas as pd

from cdisc_dm.adam.derivations import derive_var_chg


def test_chg():
    out = derive_var_chg(pd.DataFrame({"AVAL": [150.0, 280.0, None, 3.5], "BASE": [280.0, 280.0, 280.0, None]}))
    # 150 - 280 = -130; baseline record 0; missing AVAL or BASE -> missing
    assert out["CHG"].tolist()[:2] == [-130.0, 0.0] and np.isnan(out["CHG"].iloc[2]) and np.isnan(out["CHG"].iloc[3])
