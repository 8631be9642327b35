"""MMT-8 total 0-150 (neck flexors once + 7 groups x 2 sides) and the contralateral imputation rule."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.adam.derivations import MMT8_ITEMS, DerivationError, derive_param_mmt8

CODES = list(MMT8_ITEMS)  # NECKFLX, DELTL, DELTR, BICEPL, BICEPR, WRISTL, WRISTR, GLMAXL, GLMAXR, GLMEDL, GLMEDR, QUADL, QUADR, ANKDFL, ANKDFR


def _visit(subj, grades):
    return pd.DataFrame({"USUBJID": subj, "AVISITN": 0.0, "PARAMCD": CODES, "AVAL": grades})


def _total(out, subj):
    row = out.loc[(out["PARAMCD"] == "MMT8") & (out["USUBJID"] == subj)]
    return (row["AVAL"].iloc[0], row["DTYPE"].iloc[0]) if len(row) else None


def test_totals_and_imputation():
    qs = pd.concat([
        _visit("FULL", [10] * 15),                                   # 10 + 14 x 10 = 150
        _visit("WEAK", [6, 7, 8, 7, 7, 9, 9, 5, 6, 5, 5, 6, 7, 9, 9]),  # 6+15+14+18+11+10+13+18 = 105
        _visit("ONE", [6, 7, None, 7, 7, 9, 9, 5, 6, 5, 5, 6, 7, 9, 9]),  # DELTR <- DELTL 7: 105 - 8 + 7 = 104
        _visit("TWO", [6, None, 8, 7, None, 9, 9, 5, 6, 5, 5, 6, 7, 9, 9]),  # DELTL <- 8, BICEPR <- 7: 105 + 1 + 0 = 106
        _visit("THREE", [6, None, 8, None, 7, 9, None, 5, 6, 5, 5, 6, 7, 9, 9]),  # 3 imputations > 2: missing
        _visit("NECK", [None, 7, 8, 7, 7, 9, 9, 5, 6, 5, 5, 6, 7, 9, 9]),  # neck flexors never imputed
        _visit("BOTH", [6, None, None, 7, 7, 9, 9, 5, 6, 5, 5, 6, 7, 9, 9]),  # both deltoids missing
        _visit("RANGE", [6, 7, 11, 7, 7, 9, 9, 5, 6, 5, 5, 6, 7, 9, 9]),  # grade 11 invalid -> treated missing -> imputed 7
    ], ignore_index=True)
    out = derive_param_mmt8(qs, ["USUBJID", "AVISITN"])
    assert _total(out, "FULL")[0] == 150.0 and pd.isna(_total(out, "FULL")[1])
    assert _total(out, "WEAK")[0] == 105.0
    assert _total(out, "ONE") == (104.0, "CONTRLAT")
    assert _total(out, "TWO") == (106.0, "CONTRLAT")
    assert _total(out, "THREE") is None and _total(out, "NECK") is None and _total(out, "BOTH") is None
    assert _total(out, "RANGE") == (104.0, "CONTRLAT")
    # item records are kept, new rows appended after them
    assert len(out) == len(qs) + 5 and out.iloc[: len(qs)]["PARAMCD"].tolist() == qs["PARAMCD"].tolist()


def test_keep_nas_and_duplicate_items():
    qs = _visit("THREE", [6, None, 8, None, 7, 9, None, 5, 6, 5, 5, 6, 7, 9, 9])
    out = derive_param_mmt8(qs, ["USUBJID", "AVISITN"], keep_nas=True)
    assert np.isnan(out.loc[out["PARAMCD"] == "MMT8", "AVAL"]).all()
    with pytest.raises(DerivationError, match="item records has 2 rows sharing a key over USUBJID, AVISITN, PARAMCD"):
        derive_param_mmt8(pd.concat([qs, qs.iloc[:1]]), ["USUBJID", "AVISITN"])


def test_item_map_must_describe_the_mmt8():
    with pytest.raises(DerivationError, match="items must map 15 codes to 8 groups"):
        derive_param_mmt8(_visit("X", [10] * 15), ["USUBJID"], items={"A": ("NECK", None)})
