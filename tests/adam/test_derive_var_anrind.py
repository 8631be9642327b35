"""ANRIND: limits inclusive, one-sided ranges, missing handling (hand-worked)."""
import pandas as pd

from cdisc_dm.adam.derivations import derive_var_anrind


def test_anrind():
    d = pd.DataFrame({
        "AVAL":  [29.9, 30.0, 190.0, 190.1, 5.0, 5.0, None, 1.0],
        "ANRLO": [30.0, 30.0, 30.0, 30.0, None, 10.0, 30.0, None],
        "ANRHI": [190.0, 190.0, 190.0, 190.0, 4.0, None, 190.0, None],
    })
    out = derive_var_anrind(d)
    # below lo; = lo normal; = hi normal; above hi; only hi (5 > 4) high; only lo (5 < 10) low; no value; no limits
    assert out["ANRIND"].fillna("").tolist() == ["LOW", "NORMAL", "NORMAL", "HIGH", "HIGH", "LOW", "", ""]
