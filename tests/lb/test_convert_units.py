"""Unit conversion of lab results against values computed by hand from published facts.

Each expected value is computed here from the published constant named next to it, not read
from the factor table the code uses, so a wrong factor in specs/units/factors.csv fails.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cdisc_dm.mapping.algorithms._tables import unit_factors
from cdisc_dm.mapping.algorithms.convert_units import conversion_factors, format_numbers, parse_results

# Molar masses from the standard atomic weights (IUPAC 2021: C 12.011, H 1.008, N 14.007, O 15.999)
CREATININE_G_PER_MOL = 4 * 12.011 + 7 * 1.008 + 3 * 14.007 + 15.999  # C4H7N3O = 113.12
BILIRUBIN_G_PER_MOL = 33 * 12.011 + 36 * 1.008 + 4 * 14.007 + 6 * 15.999  # C33H36N4O6 = 584.67


def _convert(test: str, value: float, unit: str, to: str) -> float:
    f = conversion_factors(pd.Series([test]), pd.Series([unit]), pd.Series([to]), unit_factors())
    return float(value * f[0])


def test_creatinine_mg_dl_to_umol_l_from_molar_mass():
    # 1 mg/dL = 10 mg/L; / 113.12 g/mol = umol/L (AMA Manual of Style SI table: x 88.4)
    expected = 1.2 * 10 / CREATININE_G_PER_MOL * 1000  # 106.08 umol/L
    assert _convert("CREAT", 1.2, "mg/dL", "umol/L") == pytest.approx(expected, rel=5e-4)
    # the reverse direction (a site reporting SI to a study standardising on mg/dL)
    assert _convert("CREAT", 106.1, "umol/L", "mg/dL") == pytest.approx(106.1 / (10 / CREATININE_G_PER_MOL * 1000), rel=5e-4)


def test_bilirubin_mg_dl_to_umol_l_from_molar_mass():
    # AMA Manual of Style SI conversion table: bilirubin x 17.1; from the molar mass 584.67 g/mol
    expected = 0.8 * 10 / BILIRUBIN_G_PER_MOL * 1000  # 13.68 umol/L
    assert _convert("BILI", 0.8, "mg/dL", "umol/L") == pytest.approx(expected, rel=5e-4)


def test_hemoglobin_g_dl_to_g_l():
    # SI Brochure (BIPM 2019): 1 dL = 0.1 L, so 13.2 g/dL = 132 g/L
    assert _convert("HGB", 13.2, "g/dL", "g/L") == pytest.approx(132.0)
    assert format_numbers(np.array([13.2 * 10.0])).tolist() == ["132"]  # no 132.00000000000003


def test_enzymes_iu_l_equal_u_l():
    # IUPAC-IUBMB: 1 IU = 1 U = 1 umol/min, so the number does not change
    for test in ("CK", "ALDOLASE", "LDH", "ALT", "AST"):
        assert _convert(test, 757.0, "IU/L", "U/L") == 757.0


def test_cell_counts_per_microlitre_to_per_litre():
    # 10^3/uL = 10^3 x 10^6/L = 10^9/L; cells/uL = 10^6/L (SI prefixes)
    assert _convert("PLAT", 245.0, "10^3/uL", "10^9/L") == 245.0
    assert _convert("TLYCE", 1210.0, "cells/uL", "10^6/L") == 1210.0
    assert _convert("INTLK6", 3.4, "pg/mL", "ng/L") == pytest.approx(3.4)


def test_analyte_factor_does_not_leak_to_other_analytes():
    # mg/dL -> umol/L depends on the molar mass: without a factor for the analyte there is none
    assert np.isnan(_convert("CK", 1.0, "mg/dL", "umol/L"))


def test_unknown_unit_has_no_factor_and_same_unit_is_one():
    f = conversion_factors(pd.Series(["CK", "CK", "HGB"]), pd.Series(["furlong", "U/L", "g/l"]),
                           pd.Series(["U/L", "U/L", "g/L"]), unit_factors())
    assert np.isnan(f[0]) and f[1] == 1.0 and f[2] == 1.0  # unit comparison ignores case


def test_censored_and_qualitative_results_are_parsed_apart():
    op, number, text = parse_results(pd.Series(["<0.50", ">3000", "12", "NEG", " 7.6 ", ""]))
    assert op.tolist()[:3] == ["<", ">", ""] and pd.isna(op.iloc[3])
    assert number[:3].tolist() == [0.5, 3000.0, 12.0] and np.isnan(number[3]) and number[4] == 7.6
    assert pd.isna(text.iloc[5])


def test_every_factor_has_a_source_and_a_positive_value():
    table = unit_factors()
    assert len(table) >= 8
    assert (table["factor"] > 0).all() and table["source"].str.len().gt(20).all()
