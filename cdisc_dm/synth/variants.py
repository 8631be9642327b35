"""Case and synonym variants of coded CRF values, as legacy entry and migrated data produce them.

Used with :func:`cdisc_dm.synth.textfmt.choose_variants` at ``MessRates.text_variant``; the
mapping engine must map each back to its CDISC term (a sponsor synonym list)::

    >>> from cdisc_dm.synth.variants import VARIANTS
    >>> VARIANTS["SEX"]["Female"]
    ('F', 'female', 'FEMALE')
"""
from __future__ import annotations

__all__ = ["VARIANTS", "YES_NO_VARIANTS"]

YES_NO_VARIANTS = {"Yes": ("Y", "YES", "yes"), "No": ("N", "NO", "no")}

VARIANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "SEX": {"Female": ("F", "female", "FEMALE"), "Male": ("M", "male", "MALE")},
    "RACE": {"Asian": ("ASIAN", "asian", "Chinese")},
    "ETHNIC": {"Not Hispanic or Latino": ("NOT HISPANIC OR LATINO", "Not hispanic or latino", "Non-Hispanic")},
    "CHILDPOT": {**YES_NO_VARIANTS, "Not applicable": ("N/A", "NA", "not applicable")},
    "YN": YES_NO_VARIANTS,
    "IECAT": {"Inclusion": ("INCLUSION", "Inclusion criteria"), "Exclusion": ("EXCLUSION", "Exclusion criteria")},
    "AESEV": {"Mild": ("MILD", "mild"), "Moderate": ("MODERATE", "moderate"), "Severe": ("SEVERE", "severe")},
    "AEREL": {"Not related": ("NOT RELATED", "Unrelated"), "Unlikely related": ("UNLIKELY", "Unlikely"),
              "Possibly related": ("POSSIBLE", "Possible"), "Related": ("RELATED", "Definitely related")},
    "AEACN": {"Dose not changed": ("DOSE NOT CHANGED", "None"), "Drug interrupted": ("DRUG INTERRUPTED", "Interrupted"),
              "Drug withdrawn": ("DRUG WITHDRAWN", "Permanently discontinued"), "Not applicable": ("NOT APPLICABLE", "N/A")},
    "AEOUT": {"Recovered/Resolved": ("RECOVERED/RESOLVED", "Recovered", "Resolved"),
              "Recovering/Resolving": ("RECOVERING/RESOLVING", "Recovering"),
              "Not recovered/Not resolved": ("NOT RECOVERED/NOT RESOLVED", "Not recovered", "Ongoing"),
              "Recovered/Resolved with sequelae": ("RECOVERED/RESOLVED WITH SEQUELAE", "Resolved with sequelae")},
    "CMROUTE": {"Oral": ("PO", "ORAL", "oral"), "Intravenous": ("IV", "INTRAVENOUS", "i.v."),
                "Subcutaneous": ("SC", "s.c.", "SUBCUTANEOUS"), "Topical": ("TOPICAL", "topical")},
    "CMFREQ": {"QD": ("Once daily", "qd", "OD"), "BID": ("Twice daily", "bid", "b.i.d."), "TID": ("tid", "Three times daily"),
               "Once weekly": ("QW", "weekly", "ONCE WEEKLY"), "Once": ("ONCE", "single dose"), "PRN": ("As needed", "prn")},
    "CMDOSU": {"mg": ("MG", "mg.", "milligram"), "g": ("G", "gram")},
    "EXROUTE": {"Subcutaneous": ("SC", "SUBCUTANEOUS", "s.c.")},
    "EXFREQ": {"QOD": ("Every other day", "qod", "Q2D")},
    "EXDOSU": {"MIU": ("10^6 IU", "million IU", "miu")},
    "EXPER": {"Double-blind": ("DB", "Double blind", "DOUBLE-BLIND"), "Open-label": ("OL", "Open label", "OPEN-LABEL")},
    "EXLOC": {"Abdomen": ("ABDOMEN", "abdominal wall"), "Thigh": ("THIGH", "thigh"), "Upper arm": ("UPPER ARM", "Arm")},
    "DSSTAT": {"Completed": ("COMPLETED", "completed"), "Discontinued": ("DISCONTINUED", "Early termination"),
               "Screen failure": ("SCREEN FAILURE", "Screen failed")},
    "DSREAS": {"Adverse event": ("ADVERSE EVENT", "AE"), "Withdrawal by subject": ("WITHDRAWAL BY SUBJECT", "Consent withdrawn"),
               "Lack of efficacy": ("LACK OF EFFICACY", "No improvement"), "Lost to follow-up": ("LOST TO FOLLOW-UP", "Lost to FU"),
               "Physician decision": ("PHYSICIAN DECISION", "Investigator decision"),
               "Did not meet eligibility criteria": ("DID NOT MEET ELIGIBILITY CRITERIA", "Not eligible")},
}
