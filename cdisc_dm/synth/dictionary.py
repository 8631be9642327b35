"""The raw data dictionary of the synthetic IL-2 export: every form, every column.

This is the published interface of ``cdisc-dm synth``: mapping specs are written
against these form and column names, so a name never changes silently (see
docs/raw-export.md). The generators fill exactly these columns, in this order, and
``write_dictionary`` renders the same definitions as ``data_dictionary.json`` and
``data_dictionary.csv``::

    >>> from cdisc_dm.synth.dictionary import FORMS, form_def
    >>> form_def("DM").column_names()[:10]
    ['project', 'SiteNumber', 'Subject', 'Folder', 'FolderSeq', 'InstanceName', 'DataPageName', 'PageRepeatNumber', 'RecordPosition', 'BRTHDAT']
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, replace
from pathlib import Path

__all__ = ["Column", "FormDef", "FORMS", "SYSTEM_COLUMNS", "form_def", "dictionary_json", "dictionary_csv", "write_dictionary",
           "CRF_DATE", "CRF_DATE_ALT"]

# The EDC's own date display format; some sites enter ISO or day/month/year dates
# (see MessRates and docs/raw-export.md), listed per column in ``alt_formats``.
CRF_DATE = "DD MMM YYYY"
CRF_DATE_ALT = ("YYYY-MM-DD", "DD/MM/YYYY")
# A partial CRF date keeps the CRF layout with UN for an unknown day and UNK for an unknown month.
PARTIAL_NOTE = "partial dates as UN MMM YYYY (day unknown) or UN UNK YYYY (day and month unknown)"

YES_NO = ["Yes", "No"]
CHECKBOX = ["0", "1"]


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    type: str = "text"  # text | integer | float | date | datetime
    format: str | None = None
    values: tuple[str, ...] | None = None
    system: bool = False
    alt_formats: tuple[str, ...] | None = None
    partial: bool = False
    note: str | None = None
    variants: str | None = None   # key of cdisc_dm.synth.variants.VARIANTS: case/synonym variants occur
    free_text: bool = False       # free text: trailing spaces occur

    def as_dict(self) -> dict:
        out: dict = {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "format": self.format,
            "system": self.system,
            "values": list(self.values) if self.values is not None else None,
        }
        if self.alt_formats:
            out["alt_formats"] = list(self.alt_formats)
        if self.type in ("date", "datetime"):
            out["partial"] = self.partial
        if self.note:
            out["note"] = self.note
        if self.variants:
            out["variants"] = True
        if self.free_text:
            out["free_text"] = True
        return out


@dataclass(frozen=True)
class FormDef:
    form: str
    label: str
    source: str  # EDC | LAB
    file: str
    columns: tuple[Column, ...]
    folders: str = ""  # where the form is collected, for people

    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"form {self.form} has no column {name!r}")


SYSTEM_COLUMNS: tuple[Column, ...] = (
    Column("project", "EDC project (study) name", system=True),
    Column("SiteNumber", "Site number", system=True),
    Column("Subject", "Subject identifier (site-sequence, e.g. 01-0003)", system=True),
    Column("Folder", "EDC folder OID of the visit (UNS = unscheduled, LOG = subject-level log folder)", system=True),
    Column("FolderSeq", "Repeat number of the folder (1..n; unscheduled visits count up)", type="integer", system=True),
    Column("InstanceName", "Folder instance name as shown in the EDC", system=True),
    Column("DataPageName", "Form (page) name as shown in the EDC", system=True),
    Column("PageRepeatNumber", "Repeat number of the page within the folder", type="integer", system=True),
    Column("RecordPosition", "Record (log line) number within the page", type="integer", system=True),
)


def _date(name: str, label: str, partial: bool = False) -> Column:
    return Column(name, label, type="date", format=CRF_DATE, alt_formats=CRF_DATE_ALT, partial=partial,
                  note=PARTIAL_NOTE if partial else None)


def _edc(form: str, label: str, folders: str, clinical: list[Column]) -> FormDef:
    return FormDef(form, label, "EDC", f"edc/{form}.csv", SYSTEM_COLUMNS + tuple(clinical), folders)


SEVERITY = ("Mild", "Moderate", "Severe")
CAUSALITY = ("Not related", "Unlikely related", "Possibly related", "Related")
ACTION = ("Dose not changed", "Drug interrupted", "Drug withdrawn", "Not applicable")
OUTCOME = ("Recovered/Resolved", "Recovering/Resolving", "Not recovered/Not resolved",
           "Recovered/Resolved with sequelae", "Fatal", "Unknown")
DS_PERIODS = ("Screening", "Double-blind treatment", "Open-label treatment", "Study")
DS_STATUS = ("Completed", "Discontinued", "Screen failure")
DS_REASONS = ("Adverse event", "Lack of efficacy", "Withdrawal by subject", "Lost to follow-up",
              "Physician decision", "Protocol deviation", "Did not meet eligibility criteria", "Death", "Other")
ND_REASONS = ("Sample haemolysed", "Insufficient sample", "Sample not received", "Sample lost in transit")

# MMT-8 (Kendall 0-10): neck flexors once, seven muscle groups on both sides (0-150 total).
MMT_MUSCLES: tuple[tuple[str, str], ...] = (
    ("DELT", "Deltoid"),
    ("BIC", "Biceps"),
    ("WREX", "Wrist extensors"),
    ("GLMX", "Gluteus maximus"),
    ("GLMD", "Gluteus medius"),
    ("QUAD", "Quadriceps"),
    ("ANKD", "Ankle dorsiflexors"),
)
MMT_ITEMS: tuple[tuple[str, str], ...] = (("MMTNECK", "Neck flexors"),) + tuple(
    (f"MMT{code}{side}", f"{label}, {'right' if side == 'R' else 'left'}") for code, label in MMT_MUSCLES for side in ("R", "L")
)

# HAQ-DI: 20 items in 8 categories, each 0 (without any difficulty) .. 3 (unable to do).
HAQ_CATEGORIES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("DR", "Dressing and grooming", (("HAQDR1", "Dress yourself, including tying shoelaces and doing buttons"),
                                     ("HAQDR2", "Shampoo your hair"))),
    ("AR", "Arising", (("HAQAR1", "Stand up from a straight chair"), ("HAQAR2", "Get in and out of bed"))),
    ("EA", "Eating", (("HAQEA1", "Cut your meat"), ("HAQEA2", "Lift a full cup or glass to your mouth"),
                      ("HAQEA3", "Open a new milk carton"))),
    ("WK", "Walking", (("HAQWK1", "Walk outdoors on flat ground"), ("HAQWK2", "Climb up five steps"))),
    ("HY", "Hygiene", (("HAQHY1", "Wash and dry your body"), ("HAQHY2", "Take a tub bath"),
                       ("HAQHY3", "Get on and off the toilet"))),
    ("RC", "Reach", (("HAQRC1", "Reach and get down a 5-pound object from just above your head"),
                     ("HAQRC2", "Bend down to pick up clothing from the floor"))),
    ("GR", "Grip", (("HAQGR1", "Open car doors"), ("HAQGR2", "Open jars which have been previously opened"),
                    ("HAQGR3", "Turn faucets on and off"))),
    ("AC", "Activities", (("HAQAC1", "Run errands and shop"), ("HAQAC2", "Get in and out of a car"),
                          ("HAQAC3", "Do chores such as vacuuming or yardwork"))),
)
# Aids and devices, with the HAQ-DI category each one raises (Stanford HAQ scoring rules).
HAQ_AIDS: tuple[tuple[str, str, str], ...] = (
    ("HAQAIDCN", "Aid: cane", "WK"),
    ("HAQAIDWK", "Aid: walker", "WK"),
    ("HAQAIDCR", "Aid: crutches", "WK"),
    ("HAQAIDWC", "Aid: wheelchair", "WK"),
    ("HAQAIDDR", "Aid: devices used for dressing (button hook, zipper pull, long-handled shoe horn)", "DR"),
    ("HAQAIDUT", "Aid: built-up or special utensils", "EA"),
    ("HAQAIDCH", "Aid: special or built-up chair", "AR"),
    ("HAQAIDTS", "Aid: raised toilet seat", "HY"),
    ("HAQAIDBS", "Aid: bathtub seat", "HY"),
    ("HAQAIDBB", "Aid: bathtub bar", "HY"),
    ("HAQAIDLB", "Aid: long-handled appliances in bathroom", "HY"),
    ("HAQAIDLR", "Aid: long-handled appliances for reach", "RC"),
    ("HAQAIDJO", "Aid: jar opener (for jars previously opened)", "GR"),
)
HAQ_HELP: tuple[tuple[str, str, str], ...] = tuple(
    (f"HAQHLP{code}", f"Help from another person: {label.lower()}", code) for code, label, _ in HAQ_CATEGORIES
)
HAQ_SCORE = ("0", "1", "2", "3")

VAS_ITEMS: tuple[tuple[str, str], ...] = (
    ("VASPHGA", "Physician global disease activity, 10 cm VAS (cm)"),
    ("VASPTGA", "Patient global disease activity, 10 cm VAS (cm)"),
    ("VASEXTM", "Extramuscular global disease activity (MDAAT), 10 cm VAS (cm)"),
    ("VASCUT", "Cutaneous disease activity (MDAAT), 10 cm VAS (cm)"),
)

LAB_COLUMNS: tuple[Column, ...] = (
    Column("PROTOCOL", "Protocol number"),
    Column("SITE", "Site number"),
    Column("SUBJECT", "Subject identifier (as in the EDC)"),
    Column("VISIT", "Lab visit name (vendor)"),
    Column("VISITCD", "EDC folder OID of the visit (UNS for unscheduled)"),
    Column("VISITSEQ", "Repeat number of the visit folder (unscheduled 1..n)", type="integer"),
    Column("ACCESSION", "Sample accession number"),
    Column("LABID", "Laboratory identifier (LOCxx = local lab of site xx, CENTRAL = central lab)"),
    Column("COLLDTM", "Collection date and time", type="datetime", format="DD-MMM-YYYY HH:MM"),
    Column("BATTERY", "Test panel", values=("CHEMISTRY", "HEMATOLOGY", "SEROLOGY", "FLOW CYTOMETRY", "CYTOKINES")),
    Column("TESTCD", "Vendor test code"),
    Column("TESTNAME", "Vendor test name"),
    Column("RESULT", "Result as reported (text: numbers, <LLOQ, >ULOQ, NEG, POS)"),
    Column("UNIT", "Result unit as reported"),
    Column("REFLOW", "Reference range lower limit (same unit)"),
    Column("REFHIGH", "Reference range upper limit (same unit)"),
    Column("FLAG", "Vendor flag (H high, L low, N normal, A abnormal qualitative)", values=("H", "L", "N", "A")),
    Column("SPECIMEN", "Specimen type", values=("SERUM", "WHOLE BLOOD", "PLASMA")),
    Column("NOTDONE", "Test not done", values=("Y",)),
    Column("NDREASON", "Reason not done", values=ND_REASONS),
)

FORMS: tuple[FormDef, ...] = (
    _edc("IC", "Informed Consent", "SCRN", [
        _date("ICDAT", "Date informed consent signed"),
        Column("PROTVER", "Protocol version consented to"),
    ]),
    _edc("DM", "Demographics", "SCRN", [
        _date("BRTHDAT", "Date of birth", partial=True),
        Column("AGE", "Age at informed consent (years)", type="integer"),
        Column("SEX", "Sex", values=("Male", "Female")),
        Column("CHILDPOT", "Woman of childbearing potential", values=("Yes", "No", "Not applicable")),
        Column("ETHNIC", "Ethnicity", values=("Hispanic or Latino", "Not Hispanic or Latino", "Not reported")),
        Column("RACE", "Race", values=("Asian", "White", "Black or African American", "Other")),
        Column("RACEOTH", "Race, other, specify"),
        Column("WEIGHT", "Body weight (kg)", type="float"),
    ]),
    _edc("IE", "Eligibility Criteria", "SCRN (log: one record per criterion not met; one record with IEYN=Yes when eligible)", [
        Column("IEYN", "Did the subject meet all eligibility criteria?", values=YES_NO),
        Column("IECAT", "Criterion category", values=("Inclusion", "Exclusion")),
        Column("IETESTCD", "Criterion number (protocol criterion code)"),
        Column("IETEST", "Criterion not met, text as on the CRF"),
    ]),
    _edc("RAND", "Randomization (IWRS)", "D1", [
        _date("RANDDAT", "Date of randomization"),
        Column("RANDNO", "Randomization number"),
        Column("KITNO", "First kit number assigned by the IWRS"),
        Column("RANDCODE", "Blinded treatment code from the IWRS", values=("A", "B")),
        Column("ARMCD", "Planned arm code from the unblinded randomization list (merged at unblinding)", values=("IL2", "PBO")),
    ]),
    _edc("SV", "Visit Date", "every visit folder, including UNS", [
        Column("VISYN", "Was the visit performed?", values=YES_NO),
        _date("VISDAT", "Visit date"),
        Column("VISNDRS", "Reason the visit was not performed"),
    ]),
    _edc("EX", "Study Drug Administration", "visit folder where the kit is dispensed (log: one record per dispensing period)", [
        Column("EXPER", "Treatment period", values=("Double-blind", "Open-label")),
        Column("KITNO", "Kit number"),
        _date("EXSTDAT", "First injection date of the period"),
        _date("EXENDAT", "Last injection date of the period"),
        Column("EXDOSE", "Dose per injection", type="float"),
        Column("EXDOSU", "Dose unit", values=("MIU",)),
        Column("EXROUTE", "Route", values=("Subcutaneous",)),
        Column("EXFREQ", "Frequency", values=("QOD",)),
        Column("EXLOC", "Usual injection site", values=("Abdomen", "Thigh", "Upper arm")),
        Column("EXNPLAN", "Number of injections planned in the period", type="integer"),
        Column("EXNMISS", "Number of injections missed in the period", type="integer"),
        Column("EXADJ", "Reason for missed injections"),
    ]),
    _edc("AE", "Adverse Events", "LOG", [
        Column("AETERM", "Adverse event term as reported"),
        _date("AESTDAT", "Start date", partial=True),
        _date("AEENDAT", "End date", partial=True),
        Column("AEONGO", "Ongoing", values=YES_NO),
        Column("AESEV", "Severity", values=SEVERITY),
        Column("AETOXGR", "CTCAE grade", type="integer", values=("1", "2", "3", "4", "5")),
        Column("AESER", "Serious", values=YES_NO),
        Column("AESDTH", "Serious: resulted in death", values=YES_NO),
        Column("AESLIFE", "Serious: life threatening", values=YES_NO),
        Column("AESHOSP", "Serious: required or prolonged hospitalization", values=YES_NO),
        Column("AESDISAB", "Serious: persistent or significant disability", values=YES_NO),
        Column("AESCONG", "Serious: congenital anomaly", values=YES_NO),
        Column("AESMIE", "Serious: other medically important event", values=YES_NO),
        Column("AEREL", "Relationship to study drug", values=CAUSALITY),
        Column("AEACN", "Action taken with study drug", values=ACTION),
        Column("AEOUT", "Outcome", values=OUTCOME),
        Column("AELLT", "MedDRA lowest level term"),
        Column("AELLTCD", "MedDRA LLT code", type="integer"),
        Column("AEPT", "MedDRA preferred term"),
        Column("AEPTCD", "MedDRA PT code", type="integer"),
        Column("AEHLT", "MedDRA high level term"),
        Column("AEHLTCD", "MedDRA HLT code", type="integer"),
        Column("AEHLGT", "MedDRA high level group term"),
        Column("AEHLGTCD", "MedDRA HLGT code", type="integer"),
        Column("AESOC", "MedDRA primary system organ class"),
        Column("AESOCCD", "MedDRA SOC code", type="integer"),
        Column("AEDICTV", "MedDRA version used for coding"),
    ]),
    _edc("CM", "Prior and Concomitant Medications", "LOG", [
        Column("CMTRT", "Medication (trade or generic name)"),
        Column("CMINDC", "Indication"),
        Column("CMDOSE", "Dose per administration", type="float"),
        Column("CMDOSU", "Dose unit", values=("mg", "g", "mg/kg")),
        Column("CMROUTE", "Route", values=("Oral", "Intravenous", "Subcutaneous", "Topical")),
        Column("CMFREQ", "Frequency", values=("QD", "BID", "TID", "Once weekly", "Once", "PRN")),
        _date("CMSTDAT", "Start date", partial=True),
        _date("CMENDAT", "End date", partial=True),
        Column("CMONGO", "Ongoing at end of study", values=YES_NO),
    ]),
    _edc("DS", "Disposition", "LOG (one record per period: screening, double-blind, open-label, study)", [
        Column("DSPER", "Period", values=DS_PERIODS),
        Column("DSSTAT", "Status at end of period", values=DS_STATUS),
        Column("DSREAS", "Primary reason (if not completed)", values=DS_REASONS),
        Column("DSREASSP", "Reason, specify"),
        _date("DSDAT", "Date of completion or discontinuation"),
    ]),
    _edc("MMT8", "Manual Muscle Testing (MMT-8)", "SCRN, D1 and efficacy visits", [
        _date("MMTDAT", "Assessment date"),
    ] + [Column(code, f"{label} (Kendall 0-10)", type="integer") for code, label in MMT_ITEMS] + [
        Column("MMTTOT", "MMT-8 total score as calculated by the site (0-150)", type="integer"),
    ]),
    _edc("HAQ", "Health Assessment Questionnaire (HAQ-DI)", "SCRN, D1 and efficacy visits", [
        _date("HAQDAT", "Questionnaire date"),
    ] + [Column(code, f"{cat_label}: {text} (0-3)", type="integer", values=HAQ_SCORE)
         for _, cat_label, items in HAQ_CATEGORIES for code, text in items]
      + [Column(code, label, type="integer", values=CHECKBOX) for code, label, _ in HAQ_AIDS]
      + [Column("HAQAIDOT", "Aid: other", type="integer", values=CHECKBOX), Column("HAQAIDOS", "Aid: other, specify")]
      + [Column(code, label, type="integer", values=CHECKBOX) for code, label, _ in HAQ_HELP]),
    _edc("VAS", "Global Activity Assessments (VAS, MDAAT)", "SCRN, D1 and efficacy visits", [
        _date("VASDAT", "Assessment date"),
    ] + [Column(code, label, type="float") for code, label in VAS_ITEMS]),
    FormDef("LAB", "Laboratory data transfer (local safety labs and central specialty lab)", "LAB", "lab/LAB.csv",
            LAB_COLUMNS, "every visit with a sample, including unscheduled"),
)

# Columns whose CRF values come with case/synonym variants (MessRates.text_variant) and free-text
# columns that get trailing spaces (MessRates.trailing_space).
_VARIANT_COLUMNS = {
    "DM": {"SEX": "SEX", "CHILDPOT": "CHILDPOT", "ETHNIC": "ETHNIC", "RACE": "RACE"},
    "IE": {"IEYN": "YN", "IECAT": "IECAT"},
    "SV": {"VISYN": "YN"},
    "EX": {"EXPER": "EXPER", "EXDOSU": "EXDOSU", "EXROUTE": "EXROUTE", "EXFREQ": "EXFREQ", "EXLOC": "EXLOC"},
    "AE": {"AEONGO": "YN", "AESEV": "AESEV", "AESER": "YN", "AESDTH": "YN", "AESLIFE": "YN", "AESHOSP": "YN",
           "AESDISAB": "YN", "AESCONG": "YN", "AESMIE": "YN", "AEREL": "AEREL", "AEACN": "AEACN", "AEOUT": "AEOUT"},
    "CM": {"CMDOSU": "CMDOSU", "CMROUTE": "CMROUTE", "CMFREQ": "CMFREQ", "CMONGO": "YN"},
    "DS": {"DSSTAT": "DSSTAT", "DSREAS": "DSREAS"},
}
_FREE_TEXT = {"DM": {"RACEOTH"}, "SV": {"VISNDRS"}, "EX": {"EXADJ"}, "AE": {"AETERM"}, "CM": {"CMTRT", "CMINDC"},
              "DS": {"DSREASSP"}, "HAQ": {"HAQAIDOS"}}


def _flag(f: FormDef) -> FormDef:
    var = _VARIANT_COLUMNS.get(f.form, {})
    free = _FREE_TEXT.get(f.form, set())
    cols = tuple(replace(c, variants=var.get(c.name), free_text=c.name in free) for c in f.columns)
    return replace(f, columns=cols)


FORMS = tuple(_flag(f) for f in FORMS)
_BY_NAME = {f.form: f for f in FORMS}


def form_def(form: str) -> FormDef:
    """The definition of one form, e.g. ``form_def("AE")``."""
    try:
        return _BY_NAME[form]
    except KeyError:
        raise KeyError(f"unknown synthetic form {form!r} (known: {', '.join(_BY_NAME)})") from None


def dictionary_json(studyid: str) -> str:
    """``data_dictionary.json`` text (stable key order, LF line ends)."""
    payload = {
        "study": studyid,
        "forms": [
            {"form": f.form, "file": f.file, "label": f.label, "source": f.source, "collected": f.folders,
             "columns": [c.as_dict() for c in f.columns]}
            for f in FORMS
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def dictionary_csv() -> str:
    """``data_dictionary.csv``: the same, one row per column, for people."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["form", "file", "source", "column", "label", "type", "format", "alt_formats", "partial", "system", "values",
                "variants", "free_text"])
    for f in FORMS:
        for c in f.columns:
            w.writerow([f.form, f.file, f.source, c.name, c.label, c.type, c.format or "",
                        "|".join(c.alt_formats or ()), "Y" if c.partial else "", "Y" if c.system else "",
                        "|".join(c.values or ()), "Y" if c.variants else "", "Y" if c.free_text else ""])
    return buf.getvalue()


def write_dictionary(folder: Path, studyid: str) -> list[Path]:
    folder = Path(folder)
    j = folder / "data_dictionary.json"
    c = folder / "data_dictionary.csv"
    j.write_text(dictionary_json(studyid), encoding="utf-8", newline="\n")
    c.write_text(dictionary_csv(), encoding="utf-8", newline="\n")
    return [j, c]
