"""Distance of a lab value from clinically notable thresholds (the CDISC pilot's ALBTRVAL).

The CDISC pilot's chemistry ADaM (ADLBC) flags a value as notable above ``hi_factor`` x ULN or below
``lo_factor`` x LLN (1.5 and 0.5), and picks the worst post-baseline value per subject and parameter by
the largest "amount threshold range" ALBTRVAL = max(hi_factor x ULN - AVAL, AVAL - lo_factor x LLN): the
farther a value sits from one notable threshold, the larger it is. A sponsor variable (not in ADaMIG
1.3): the spec declares its label. With one limit missing, the other side alone counts; it is missing
when AVAL is missing or both limits are. Example::

    >>> import pandas as pd
    >>> lb = pd.DataFrame({"AVAL": [140.0, 4.5, None], "A1LO": [135.0, 3.4, 135.0], "A1HI": [145.0, 5.4, 145.0]})
    >>> derive_var_threshold_range(lb)["ALBTRVAL"].round(2).tolist()
    [77.5, 3.6, nan]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .assert_data import DerivationError, assert_data_has_vars

__all__ = ["derive_var_threshold_range"]


def derive_var_threshold_range(
    dataset: pd.DataFrame,
    new_var: str = "ALBTRVAL",
    *,
    source_var: str = "AVAL",
    lo_var: str = "A1LO",
    hi_var: str = "A1HI",
    lo_factor: float = 0.5,
    hi_factor: float = 1.5,
) -> pd.DataFrame:
    """Return a copy with ``new_var`` = max(``hi_factor`` x ``hi_var`` - AVAL, AVAL - ``lo_factor`` x ``lo_var``)."""
    fn = "derive_var_threshold_range"
    for name, value in (("lo_factor", lo_factor), ("hi_factor", hi_factor)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value) or value < 0:
            raise DerivationError(f"{fn}: {name} must be a non-negative number, got {value!r}")
    assert_data_has_vars(dataset, [source_var, lo_var, hi_var], fn=fn)
    aval, lo, hi = (dataset[c].to_numpy(dtype="float64", na_value=np.nan) for c in (source_var, lo_var, hi_var))
    above_low = aval - lo_factor * lo        # how far the value is above the low notable threshold
    below_high = hi_factor * hi - aval       # how far it is below the high one
    out = dataset.copy(deep=False)
    out[new_var] = np.fmax(above_low, below_high)  # fmax: a missing side leaves the other (NaN only if both)
    return out


derive_var_threshold_range.method = (
    "Maximum of (1.5 x A1HI - AVAL) and (AVAL - 0.5 x A1LO): distance from the clinically notable thresholds "
    "(factors as given in the spec)."
)
