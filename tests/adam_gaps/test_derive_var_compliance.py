"""Compliance = 100 x (planned - missed) / planned."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.adam.derivations.assert_data import DerivationError
from cdisc_dm.adam.derivations.derive_var_compliance import compute_compliance, derive_var_compliance


def test_values():
    # 42 planned, 8 missed: 34/42 = 80.952...; 40 planned, 8 missed: exactly 80; nothing planned: missing
    got = compute_compliance(np.array([42.0, 40.0, 0.0, 10.0, 10.0]), np.array([8.0, 8.0, 0.0, np.nan, 12.0]))
    assert np.allclose(got, [3400 / 42, 80.0, np.nan, np.nan, -20.0], equal_nan=True)


def test_derivation_checks_its_inputs():
    adsl = pd.DataFrame({"P": [10.0], "M": [1.0]})
    assert derive_var_compliance(adsl, "C", planned_var="P", missed_var="M")["C"].tolist() == [90.0]
    with pytest.raises(DerivationError, match="not numeric"):
        derive_var_compliance(pd.DataFrame({"P": ["10"], "M": [1.0]}), "C", planned_var="P", missed_var="M")
    with pytest.raises(DerivationError, match="missing column"):
        derive_var_compliance(adsl, "C", planned_var="P", missed_var="X")
