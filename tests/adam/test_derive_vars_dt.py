"""Partial-date imputation and --DTF flags (admiral rules), every case worked by hand."""
from __future__ import annotations

import pandas as pd
import pytest

from cdisc_dm.adam.derivations import DerivationError, derive_vars_dt

TRTSDT = pd.Timestamp("2024-03-15")


def _run(dtcs, **kw):
    d = pd.DataFrame({"XDTC": dtcs, "TRTSDT": [TRTSDT] * len(dtcs), "CUT": [pd.Timestamp("2024-06-10")] * len(dtcs)})
    out = derive_vars_dt(d, "AST", "XDTC", **kw)
    return out["ASTDT"].dt.strftime("%Y-%m-%d").fillna("").tolist(), out["ASTDTF"].fillna("").tolist()


def test_no_imputation_keeps_partials_missing():
    assert _run(["2024-03-20", "2024-03", "2024", "", None, "2024-03-20T10:00"]) == (
        ["2024-03-20", "", "", "", "", "2024-03-20"], ["", "", "", "", "", ""])


def test_first_with_month_level():
    dates, flags = _run(["2024-03", "2024", "2024-02-29", "2023-02"], highest_imputation="M")
    assert dates == ["2024-03-01", "2024-01-01", "2024-02-29", "2023-02-01"]
    assert flags == ["D", "M", "", "D"]


def test_day_level_does_not_impute_a_month():
    assert _run(["2024-03", "2024"], highest_imputation="D") == (["2024-03-01", ""], ["D", ""])


def test_last_handles_month_lengths_and_leap_years():
    dates, flags = _run(["2024-02", "2023-02", "2024-04", "2024"], highest_imputation="M", date_imputation="last")
    assert dates == ["2024-02-29", "2023-02-28", "2024-04-30", "2024-12-31"]
    assert flags == ["D", "D", "D", "M"]


def test_start_not_before_treatment_start_when_the_partial_covers_it():
    dates, flags = _run(["2024-03", "2024", "2024-02", "2024-04", "2023"], highest_imputation="M", min_dates="TRTSDT")
    # March 2024 and 2024 contain 03-15 -> 03-15; Feb/Apr 2024 and 2023 do not -> plain first day
    assert dates == ["2024-03-15", "2024-03-15", "2024-02-01", "2024-04-01", "2023-01-01"]
    assert flags == ["D", "M", "D", "D", "M"]


def test_end_capped_by_max_date_when_covered():
    dates, _ = _run(["2024-06", "2024-05"], highest_imputation="M", date_imputation="last", max_dates="CUT")
    assert dates == ["2024-06-10", "2024-05-31"]


def test_invalid_text_and_impossible_dates_give_missing():
    assert _run(["UNK", "2024-13", "2024-02-30", "20240301"], highest_imputation="M")[0] == ["", "", "", ""]


def test_bad_arguments():
    with pytest.raises(DerivationError, match="highest_imputation must be one of n, D, M, Y"):
        _run(["2024"], highest_imputation="X")
    with pytest.raises(DerivationError, match="input is missing column\\(s\\) NOPE"):
        derive_vars_dt(pd.DataFrame({"XDTC": ["2024"]}), "AST", "XDTC", min_dates="NOPE")
