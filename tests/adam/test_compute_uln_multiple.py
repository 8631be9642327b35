"""x ULN (the pilot comparison in test_pilot_adlbc checks it against R2A1HI on 32,704 records)."""
import numpy as np

from cdisc_dm.adam.derivations import compute_uln_multiple


def test_uln_multiple():
    # CK 1950 U/L with ULN 195 -> 10 x ULN; ULN 0 or missing -> missing
    got = compute_uln_multiple([1950.0, 100.0, 100.0, None], [195.0, 0.0, None, 195.0])
    assert got[0] == 10.0 and np.isnan(got[1:]).all()
