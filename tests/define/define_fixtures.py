"""Hand-built package fixtures of the Define-XML tests (a uniquely named module: several test
folders have a conftest.py, so tests must not import from `conftest`)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from cdisc_dm.dataset import Package, ValueLevel
from cdisc_dm.resources import study_dir
from cdisc_dm.standards import build_dataset, load_ct

CREATED = datetime(2026, 11, 29, 8, 0, 0)
TEST_CT = Path(__file__).resolve().parent / "data" / "ct"  # sponsor terms of these tests
STUDY = {"studyid": "IL2DM-PKU-301", "name": "IL2DM-PKU-301", "description": "Low-dose IL-2 in dermatomyositis",
         "protocol": "IL2DM-PKU-301"}

USUBJID_METHOD = "Concatenation of STUDYID, '-' and SUBJID (SDTMIG 3.4 section 4.1.2)"
SEQ_METHOD = "Sequential number of the record within USUBJID, in the order of the domain's keys"


def _s(values):
    return pd.Series(values, dtype="object")


def make_package() -> Package:
    sid = STUDY["studyid"]
    subj = ["01-0001", "01-0002", "02-0003"]
    usub = [f"{sid}-{s}" for s in subj]
    derived_usubjid = {"origin": "Derived", "method": USUBJID_METHOD, "method_name": "usubjid"}
    dm = build_dataset("DM", pd.DataFrame({
        "STUDYID": _s([sid] * 3), "DOMAIN": _s(["DM"] * 3), "USUBJID": _s(usub), "SUBJID": _s(subj),
        "RFSTDTC": _s(["2026-01-05", "2026-01-12", None]), "SITEID": _s(["01", "01", "02"]),
        "BRTHDTC": _s(["1970", "1985-06", "1990-02-03"]),
        "AGE": [56.0, 40.0, 35.0], "AGEU": _s(["YEARS"] * 3), "SEX": _s(["F", "F", "M"]),
        "RACE": _s(["ASIAN"] * 3), "COUNTRY": _s(["CHN"] * 3),
    }), overrides={
        "STUDYID": {"origin": "Protocol"}, "DOMAIN": {"origin": "Assigned"},
        "USUBJID": derived_usubjid, "SUBJID": {"origin": "Collected", "source": "DM.Subject"},
        "RFSTDTC": {"origin": "Derived", "method": "Date of first dose of study treatment (earliest EXSTDTC)",
                    "method_name": "rfstdtc"},
        "SITEID": {"origin": "Collected", "source": "DM.SiteNumber"},
        "BRTHDTC": {"origin": "Collected", "source": "DM.BRTHDAT", "comment": "Partial birth dates are kept as collected"},
        "AGE": {"origin": "Derived", "method": "Age in completed years at informed consent: floor((RFICDTC - BRTHDTC) / 365.25)",
                "method_name": "age"},
        "AGEU": {"origin": "Assigned"}, "SEX": {"origin": "Collected", "source": "DM.SEX"},
        "RACE": {"origin": "Collected", "source": "DM.RACE"}, "COUNTRY": {"origin": "Assigned"},
    })
    ae = build_dataset("AE", pd.DataFrame({
        "STUDYID": _s([sid] * 2), "DOMAIN": _s(["AE"] * 2), "USUBJID": _s(usub[:2]), "AESEQ": [1.0, 1.0],
        "AETERM": _s(["Headache", "injection site redness"]), "AEDECOD": _s(["Headache", "Injection site erythema"]),
        "AESEV": _s(["MILD", "MODERATE"]), "AESTDTC": _s(["2026-01-06T10:30", "2026-01-20"]),
    }), overrides={
        "STUDYID": {"origin": "Protocol"}, "DOMAIN": {"origin": "Assigned"}, "USUBJID": derived_usubjid,
        "AESEQ": {"origin": "Derived", "method": SEQ_METHOD, "method_name": "seq"},
        "AETERM": {"origin": "Collected", "source": "AE.AETERM"},
        "AEDECOD": {"origin": "Assigned", "comment": "Coded with MedDRA by the sponsor's coding group"},
        "AESEV": {"origin": "Collected", "source": "AE.AESEV"},
        "AESTDTC": {"origin": "Collected", "source": "AE.AESTDAT"},
    })
    lb = build_dataset("LB", pd.DataFrame({
        "STUDYID": _s([sid] * 4), "DOMAIN": _s(["LB"] * 4), "USUBJID": _s([usub[0], usub[0], usub[1], usub[1]]),
        "LBSEQ": [1.0, 2.0, 1.0, 2.0], "LBTESTCD": _s(["CK", "ALT", "CK", "ALT"]),
        "LBTEST": _s(["Creatine Kinase", "Alanine Aminotransferase", "Creatine Kinase", "Alanine Aminotransferase"]),
        "LBORRES": _s(["1250", "35.5", "980", "<5"]), "LBORRESU": _s(["U/L"] * 4),
        "LBSTRESN": [1250.0, 35.5, 980.0, None],
    }), overrides={
        "STUDYID": {"origin": "Protocol"}, "DOMAIN": {"origin": "Assigned"}, "USUBJID": derived_usubjid,
        "LBSEQ": {"origin": "Derived", "method": SEQ_METHOD, "method_name": "seq"},
        "LBTESTCD": {"origin": "Collected", "source": "LAB.TESTCD", "codelist": "LBTESTCD"},
        "LBTEST": {"origin": "Collected", "source": "LAB.TEST"},
        "LBORRES": {"origin": "Collected", "source": "LAB.RESULT", "value_level": (
            ValueLevel(where={"LBTESTCD": ("CK",)}, label="Creatine Kinase result", type="integer", unit="U/L"),
            ValueLevel(where={"LBTESTCD": ("ALT",)}, label="Alanine Aminotransferase result", type="text", unit="U/L"),
        )},
        "LBORRESU": {"origin": "Collected", "source": "LAB.UNIT", "codelist": "UNIT"},
        "LBSTRESN": {"origin": "Derived", "method": "LBORRES converted to a number; '<5'-style results stay missing",
                     "method_name": "stresn"},
    })
    suppae = build_dataset("SUPPAE", pd.DataFrame({
        "STUDYID": _s([sid] * 2), "RDOMAIN": _s(["AE"] * 2), "USUBJID": _s(usub[:2]), "IDVAR": _s(["AESEQ"] * 2),
        "IDVARVAL": _s(["1", "1"]), "QNAM": _s(["AETRTEM", "AEINJSIT"]),
        "QLABEL": _s(["Treatment Emergent Flag", "Injection Site Reaction"]), "QVAL": _s(["Y", "Y"]),
        "QORIG": _s(["Derived", "Collected"]),
    }), overrides={
        "STUDYID": {"origin": "Protocol"}, "RDOMAIN": {"origin": "Assigned"}, "USUBJID": derived_usubjid,
        "IDVAR": {"origin": "Assigned"}, "IDVARVAL": {"origin": "Assigned"}, "QNAM": {"origin": "Assigned"},
        "QLABEL": {"origin": "Assigned"}, "QORIG": {"origin": "Assigned"},
        "QVAL": {"origin": "Collected", "source": "AE.INJSITE", "value_level": (
            ValueLevel(where={"QNAM": ("AETRTEM",)}, label="Treatment Emergent Flag", codelist="NY", origin="Derived",
                       method="Y when AESTDTC is on or after RFSTDTC"),
            ValueLevel(where={"QNAM": ("AEINJSIT",)}, label="Injection Site Reaction", codelist="NY"),
        )},
    })
    ts = build_dataset("TS", pd.DataFrame({
        "STUDYID": _s([sid] * 3), "DOMAIN": _s(["TS"] * 3), "TSSEQ": [1.0, 1.0, 1.0],
        "TSPARMCD": _s(["AGEMIN", "AGEMAX", "ADDON"]),
        "TSPARM": _s(["Planned Minimum Age of Subjects", "Planned Maximum Age of Subjects", "Added on to Existing Treatments"]),
        "TSVAL": _s(["P18Y", "P75Y", "Y"]),
    }), overrides={
        "STUDYID": {"origin": "Protocol"}, "DOMAIN": {"origin": "Assigned"}, "TSSEQ": {"origin": "Assigned"},
        "TSPARMCD": {"origin": "Protocol", "codelist": "TSPARMCD"}, "TSPARM": {"origin": "Protocol"},
        "TSVAL": {"origin": "Protocol", "value_level": (
            ValueLevel(where={"TSPARMCD": ("AGEMIN", "AGEMAX")}, label="Planned age limit", type="durationDatetime"),
            ValueLevel(where={"TSPARMCD": ("ADDON",)}, label="Added on to existing treatments", codelist="NY"),
        )},
    })
    qs = build_dataset("QS", pd.DataFrame({
        "STUDYID": _s([sid] * 2), "DOMAIN": _s(["QS"] * 2), "USUBJID": _s(usub[:2]), "QSSEQ": [1.0, 1.0],
        "QSTESTCD": _s(["MMTTOT", "MMTTOT"]), "QSTEST": _s(["MMT8-Total Score (0-150)"] * 2),
        "QSCAT": _s(["MMT-8", "MMT-8"]), "QSORRES": _s(["120", "131"]), "QSSTRESN": [120.0, 131.0],
    }), overrides={
        "STUDYID": {"origin": "Protocol"}, "DOMAIN": {"origin": "Assigned"}, "USUBJID": derived_usubjid,
        "QSSEQ": {"origin": "Derived", "method": SEQ_METHOD, "method_name": "seq"},
        "QSTESTCD": {"origin": "Assigned", "codelist": "MMT8TC"}, "QSTEST": {"origin": "Assigned"},
        "QSCAT": {"origin": "Assigned", "codelist": "QSCAT"},
        "QSORRES": {"origin": "Collected", "source": "MMT8.TOTAL"},
        "QSSTRESN": {"origin": "Derived", "method": "QSORRES as a number", "method_name": "stresn_qs"},
    })
    pkg = Package(standard="SDTMIG 3.4")
    for ds in (dm, ae, lb, suppae, ts, qs):
        pkg.add(ds)
    return pkg
