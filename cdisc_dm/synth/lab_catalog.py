"""The lab tests of the synthetic transfer: vendor codes, units per site profile, ranges.

Safety tests (chemistry, hematology) come from each site's local lab, whose units differ
by site (three unit profiles, see ``UNIT_PROFILES``); specialty tests (serology, flow
cytometry, cytokines) come from one central lab. Values are generated in the reference
unit of each test and converted with the factors below, so a converted result and its
converted range always agree::

    >>> from cdisc_dm.synth.lab_catalog import LAB_TESTS, unit_for
    >>> unit_for("CREA", "C")
    ('mg/dL', 0.011312, 2)

Conversion factors: creatinine 1 mg/dL = 88.4 umol/L, bilirubin 1 mg/dL = 17.1 umol/L,
hemoglobin 1 g/dL = 10 g/L; U/L and IU/L are the same unit; 10^9/L equals 10^3/uL.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LabTest", "LAB_TESTS", "UNIT_PROFILES", "unit_for", "site_profile", "lab_test"]


@dataclass(frozen=True)
class LabTest:
    code: str            # vendor test code (deliberately not the CDISC LBTESTCD)
    name: str            # vendor test name
    battery: str
    specimen: str
    lab: str             # LOCAL (site lab, site units) or CENTRAL
    unit: str            # reference unit
    low: float | None    # reference range in the reference unit (None: not reported)
    high: float | None
    decimals: int
    lloq: float | None = None   # results below are reported as "<LLOQ"
    uloq: float | None = None   # results above are reported as ">ULOQ"
    qualitative: bool = False   # NEG/POS result


LAB_TESTS: tuple[LabTest, ...] = (
    # chemistry: the five muscle enzymes of the IMACS core set, liver and kidney function
    LabTest("CPK", "Creatine Kinase", "CHEMISTRY", "SERUM", "LOCAL", "U/L", 40, 200, 0, lloq=5, uloq=3000),
    LabTest("ALDO", "Aldolase", "CHEMISTRY", "SERUM", "LOCAL", "U/L", 1.0, 7.6, 1),
    LabTest("LDH", "Lactate Dehydrogenase", "CHEMISTRY", "SERUM", "LOCAL", "U/L", 120, 250, 0),
    LabTest("SGPT", "ALT (SGPT)", "CHEMISTRY", "SERUM", "LOCAL", "U/L", 7, 40, 0, lloq=5),
    LabTest("SGOT", "AST (SGOT)", "CHEMISTRY", "SERUM", "LOCAL", "U/L", 13, 35, 0, lloq=5),
    LabTest("TBIL", "Bilirubin, Total", "CHEMISTRY", "SERUM", "LOCAL", "umol/L", 3.4, 20.5, 1),
    LabTest("CREA", "Creatinine", "CHEMISTRY", "SERUM", "LOCAL", "umol/L", 45, 104, 0),
    LabTest("CRCL", "Creatinine Clearance (Cockcroft-Gault)", "CHEMISTRY", "SERUM", "LOCAL", "mL/min", 80, 160, 0),
    # hematology
    LabTest("HGB", "Hemoglobin", "HEMATOLOGY", "WHOLE BLOOD", "LOCAL", "g/L", 115, 175, 0),
    LabTest("PLT", "Platelets", "HEMATOLOGY", "WHOLE BLOOD", "LOCAL", "10^9/L", 125, 350, 0),
    LabTest("WBC", "White Blood Cells", "HEMATOLOGY", "WHOLE BLOOD", "LOCAL", "10^9/L", 3.5, 9.5, 2),
    LabTest("LYMPH", "Lymphocytes", "HEMATOLOGY", "WHOLE BLOOD", "LOCAL", "10^9/L", 1.1, 3.2, 2),
    # serology, screening only (central)
    LabTest("HBSAG", "Hepatitis B Surface Antigen", "SEROLOGY", "SERUM", "CENTRAL", "", None, None, 0, qualitative=True),
    LabTest("HCVAB", "Hepatitis C Virus Antibody", "SEROLOGY", "SERUM", "CENTRAL", "", None, None, 0, qualitative=True),
    # lymphocyte subsets by flow cytometry (central): absolute counts and percentages
    LabTest("CD3", "CD3+ T Cells", "FLOW CYTOMETRY", "WHOLE BLOOD", "CENTRAL", "cells/uL", 955, 2860, 0),
    LabTest("CD3P", "CD3+ T Cells/Lymphocytes", "FLOW CYTOMETRY", "WHOLE BLOOD", "CENTRAL", "%", 50.0, 84.0, 1),
    LabTest("CD4", "CD4+ T Cells", "FLOW CYTOMETRY", "WHOLE BLOOD", "CENTRAL", "cells/uL", 550, 1440, 0),
    LabTest("CD4P", "CD4+ T Cells/Lymphocytes", "FLOW CYTOMETRY", "WHOLE BLOOD", "CENTRAL", "%", 27.0, 51.0, 1),
    LabTest("CD8", "CD8+ T Cells", "FLOW CYTOMETRY", "WHOLE BLOOD", "CENTRAL", "cells/uL", 320, 1250, 0),
    LabTest("CD8P", "CD8+ T Cells/Lymphocytes", "FLOW CYTOMETRY", "WHOLE BLOOD", "CENTRAL", "%", 15.0, 44.0, 1),
    LabTest("CD19", "CD19+ B Cells", "FLOW CYTOMETRY", "WHOLE BLOOD", "CENTRAL", "cells/uL", 90, 560, 0),
    LabTest("CD19P", "CD19+ B Cells/Lymphocytes", "FLOW CYTOMETRY", "WHOLE BLOOD", "CENTRAL", "%", 5.0, 18.0, 1),
    LabTest("NK", "CD16+CD56+ NK Cells", "FLOW CYTOMETRY", "WHOLE BLOOD", "CENTRAL", "cells/uL", 150, 1100, 0),
    LabTest("NKP", "CD16+CD56+ NK Cells/Lymphocytes", "FLOW CYTOMETRY", "WHOLE BLOOD", "CENTRAL", "%", 7.0, 40.0, 1),
    LabTest("TREG", "CD4+CD25+FOXP3+ Regulatory T Cells", "FLOW CYTOMETRY", "WHOLE BLOOD", "CENTRAL", "cells/uL", 20, 100, 1),
    LabTest("TREGP", "CD4+CD25+FOXP3+ Treg/CD4+ T Cells", "FLOW CYTOMETRY", "WHOLE BLOOD", "CENTRAL", "%", 4.0, 10.0, 2),
    # cytokines (central)
    LabTest("IL2", "Interleukin-2", "CYTOKINES", "SERUM", "CENTRAL", "pg/mL", None, 5.0, 2, lloq=0.5),
    LabTest("IL6", "Interleukin-6", "CYTOKINES", "SERUM", "CENTRAL", "pg/mL", None, 7.0, 2, lloq=1.5),
    LabTest("IL10", "Interleukin-10", "CYTOKINES", "SERUM", "CENTRAL", "pg/mL", None, 5.0, 2, lloq=0.5),
    LabTest("IL17A", "Interleukin-17A", "CYTOKINES", "SERUM", "CENTRAL", "pg/mL", None, 20.0, 2, lloq=1.0),
    LabTest("IFNG", "Interferon gamma", "CYTOKINES", "SERUM", "CENTRAL", "pg/mL", None, 15.0, 2, lloq=1.0),
    LabTest("TNFA", "Tumor Necrosis Factor alpha", "CYTOKINES", "SERUM", "CENTRAL", "pg/mL", None, 8.1, 2, lloq=1.2),
)

_ENZYMES = ("CPK", "ALDO", "LDH", "SGPT", "SGOT")
_COUNTS = ("PLT", "WBC", "LYMPH")

# Site unit profiles of the local labs: test -> (unit, factor from the reference unit, decimals).
# Profile A uses the reference units. Tests not listed keep the reference unit.
UNIT_PROFILES: dict[str, dict[str, tuple[str, float, int]]] = {
    "A": {},
    "B": {**{t: ("IU/L", 1.0, 0 if t != "ALDO" else 1) for t in _ENZYMES}},
    "C": {
        "CREA": ("mg/dL", round(1 / 88.4, 6), 2),
        "TBIL": ("mg/dL", round(1 / 17.1, 6), 2),
        "HGB": ("g/dL", 0.1, 1),
        **{t: ("10^3/uL", 1.0, 0 if t == "PLT" else 2) for t in _COUNTS},
    },
}

_BY_CODE = {t.code: t for t in LAB_TESTS}


def lab_test(code: str) -> LabTest:
    return _BY_CODE[code]


def site_profile(site_index: int) -> str:
    """Unit profile of the local lab of the site at 0-based position ``site_index`` in the study's site list."""
    return "ABC"[site_index % 3]


def unit_for(code: str, profile: str) -> tuple[str, float, int]:
    """(unit, factor, decimals) of a test at a site with unit profile ``profile``."""
    test = _BY_CODE[code]
    if test.lab == "LOCAL" and code in UNIT_PROFILES[profile]:
        return UNIT_PROFILES[profile][code]
    return test.unit, 1.0, test.decimals
