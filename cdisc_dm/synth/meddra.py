"""A small, illustrative subset of MedDRA for coding the synthetic adverse events.

NOT a coding dictionary. About thirty preferred terms common in immunology trials, each
with its primary-SOC path (HLT, HLGT, SOC). PT and SOC names and codes are MedDRA's as
published in public sources (regulatory documents, public trial data); the HLT and HLGT
codes could not be checked against a licensed MedDRA release and may be wrong. The LLT
used for coding is the PT-level LLT (same name and code as the PT, which MedDRA always
provides). MedDRA is a registered trademark of ICH; a real study codes with a licensed
release.

Each entry also carries how the synthetic trial uses the term: verbatim variants as sites
write them, the event rate per subject-year off IL-2, the rate ratio on IL-2, the chance
that an event is serious, and whether it is an injection-site term::

    >>> from cdisc_dm.synth.meddra import MEDDRA_TERMS, term
    >>> term("Headache").ptcd, term("Headache").soc
    (10019211, 'Nervous system disorders')
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MeddraTerm", "MEDDRA_TERMS", "term", "MEDDRA_VERSION"]

MEDDRA_VERSION = "27.0"

_GEN = ("General disorders and administration site conditions", 10018065)
_INF = ("Infections and infestations", 10021881)
_NER = ("Nervous system disorders", 10029205)
_GI = ("Gastrointestinal disorders", 10017947)
_SKIN = ("Skin and subcutaneous tissue disorders", 10040785)
_INV = ("Investigations", 10022891)
_MSK = ("Musculoskeletal and connective tissue disorders", 10028395)
_RESP = ("Respiratory, thoracic and mediastinal disorders", 10038738)
_PSY = ("Psychiatric disorders", 10037175)
_VASC = ("Vascular disorders", 10047065)
_BLOOD = ("Blood and lymphatic system disorders", 10005329)
_META = ("Metabolism and nutrition disorders", 10027433)


@dataclass(frozen=True)
class MeddraTerm:
    pt: str
    ptcd: int
    hlt: str
    hltcd: int
    hlgt: str
    hlgtcd: int
    soc: str
    soccd: int
    verbatims: tuple[str, ...]
    rate: float          # events per subject-year off IL-2 (placebo, or off treatment x 0.5)
    il2_rr: float        # rate ratio on IL-2
    p_serious: float
    injection_site: bool = False


def _t(pt, ptcd, hlt, hltcd, hlgt, hlgtcd, soc, verbatims, rate, rr=1.0, ser=0.01, isr=False):
    return MeddraTerm(pt, ptcd, hlt, hltcd, hlgt, hlgtcd, soc[0], soc[1], tuple(verbatims), rate, rr, ser, isr)


_ISR_HLT = ("Injection site reactions", 10022097)
_ADMIN = ("Administration site reactions", 10001316)

MEDDRA_TERMS: tuple[MeddraTerm, ...] = (
    _t("Injection site reaction", 10022095, *_ISR_HLT, *_ADMIN, _GEN,
       ["Injection site reaction", "Inj site reaction", "Local reaction at injection site", "Injection-site reaction"],
       0.25, 8.0, 0.0, True),
    _t("Injection site erythema", 10022061, *_ISR_HLT, *_ADMIN, _GEN,
       ["Injection site erythema", "Injection site redness", "Redness at injection site", "Inj site redness"],
       0.2, 6.0, 0.0, True),
    _t("Injection site pain", 10022086, *_ISR_HLT, *_ADMIN, _GEN,
       ["Injection site pain", "Pain at injection site", "Injection pain"], 0.2, 3.0, 0.0, True),
    _t("Injection site pruritus", 10022093, *_ISR_HLT, *_ADMIN, _GEN,
       ["Injection site pruritus", "Itching at injection site", "Injection site itching"], 0.1, 5.0, 0.0, True),
    _t("Pyrexia", 10037660, "Febrile disorders", 10016286, "Body temperature conditions", 10005908, _GEN,
       ["Fever", "Pyrexia", "Low grade fever", "Febrile"], 0.25, 2.5, 0.02),
    _t("Fatigue", 10016256, "Asthenic conditions", 10003550, "General system disorders NEC", 10018073, _GEN,
       ["Fatigue", "Tiredness", "Feeling tired"], 0.25, 1.5),
    _t("Nasopharyngitis", 10028810, "Upper respiratory tract infections", 10046309,
       "Infections - pathogen unspecified", 10021879, _INF, ["Common cold", "Cold", "Nasopharyngitis", "Head cold"], 0.6),
    _t("Upper respiratory tract infection", 10046306, "Upper respiratory tract infections", 10046309,
       "Infections - pathogen unspecified", 10021879, _INF, ["URTI", "Upper respiratory infection", "Upper respiratory tract infection"],
       0.5, 1.1, 0.01),
    _t("Herpes zoster", 10019974, "Herpes viral infections", 10019973, "Viral infectious disorders", 10047438, _INF,
       ["Herpes zoster", "Shingles", "Herpes zoster infection"], 0.06, 1.5, 0.10),
    _t("Oral herpes", 10067152, "Herpes viral infections", 10019973, "Viral infectious disorders", 10047438, _INF,
       ["Cold sore", "Oral herpes", "Herpes labialis"], 0.05, 1.2),
    _t("Pneumonia", 10035664, "Lower respiratory tract and lung infections", 10024970,
       "Infections - pathogen unspecified", 10021879, _INF, ["Pneumonia", "Lung infection", "Community acquired pneumonia"],
       0.04, 1.2, 0.60),
    _t("Urinary tract infection", 10046571, "Urinary tract infections", 10046577, "Infections - pathogen unspecified",
       10021879, _INF, ["Urinary tract infection", "UTI", "Urinary infection"], 0.15, 1.0, 0.02),
    _t("Headache", 10019211, "Headaches NEC", 10019233, "Headaches", 10019231, _NER,
       ["Headache", "Head ache", "Frontal headache"], 0.3, 1.3),
    _t("Dizziness", 10013573, "Neurological signs and symptoms NEC", 10029306, "Neurological disorders NEC", 10029305,
       _NER, ["Dizziness", "Dizzy", "Light-headed"], 0.15),
    _t("Nausea", 10028813, "Nausea and vomiting symptoms", 10028817, "Gastrointestinal signs and symptoms", 10018012,
       _GI, ["Nausea", "Feeling sick", "Queasy"], 0.2, 1.2),
    _t("Vomiting", 10047700, "Nausea and vomiting symptoms", 10028817, "Gastrointestinal signs and symptoms", 10018012,
       _GI, ["Vomiting", "Emesis"], 0.08),
    _t("Diarrhoea", 10012735, "Diarrhoea (excl infective)", 10012736,
       "Gastrointestinal motility and defaecation conditions", 10017977, _GI, ["Diarrhea", "Diarrhoea", "Loose stools"], 0.15),
    _t("Constipation", 10010774, "Gastrointestinal atonic and hypomotility disorders NEC", 10017933,
       "Gastrointestinal motility and defaecation conditions", 10017977, _GI, ["Constipation"], 0.06),
    _t("Rash", 10037844, "Rashes, eruptions and exanthems NEC", 10037868, "Epidermal and dermal conditions", 10014982,
       _SKIN, ["Rash", "Skin rash", "Rash on arms"], 0.12, 1.2),
    _t("Pruritus", 10037087, "Pruritus NEC", 10037093, "Epidermal and dermal conditions", 10014982, _SKIN,
       ["Pruritus", "Itching", "Itchy skin"], 0.12),
    _t("Alanine aminotransferase increased", 10001551, "Liver function analyses", 10024690,
       "Hepatobiliary investigations", 10019805, _INV, ["ALT increased", "Elevated ALT", "ALT elevation"], 0.08, 1.3, 0.01),
    _t("Aspartate aminotransferase increased", 10003481, "Liver function analyses", 10024690,
       "Hepatobiliary investigations", 10019805, _INV, ["AST increased", "Elevated AST"], 0.06, 1.3),
    _t("Arthralgia", 10003239, "Joint related signs and symptoms", 10023232, "Joint disorders", 10023213, _MSK,
       ["Arthralgia", "Joint pain", "Knee pain"], 0.15),
    _t("Myalgia", 10028411, "Muscle pains", 10028323, "Muscle disorders", 10028302, _MSK,
       ["Myalgia", "Muscle pain", "Muscle aches"], 0.12, 1.3),
    _t("Back pain", 10003988, "Back disorders NEC", 10003989, "Musculoskeletal and connective tissue disorders NEC",
       10028393, _MSK, ["Back pain", "Low back pain", "Backache"], 0.08),
    _t("Cough", 10011224, "Coughing and associated symptoms", 10011233, "Respiratory disorders NEC", 10038716, _RESP,
       ["Cough", "Dry cough", "Coughing"], 0.2),
    _t("Insomnia", 10022437, "Disturbances in initiating and maintaining sleep", 10013496,
       "Sleep disorders and disturbances", 10040991, _PSY, ["Insomnia", "Difficulty sleeping", "Sleeplessness"], 0.1),
    _t("Hypertension", 10020772, "Vascular hypertensive disorders NEC", 10047283, "Vascular hypertensive disorders",
       10047280, _VASC, ["Hypertension", "High blood pressure", "Elevated blood pressure"], 0.08, 1.0, 0.01),
    _t("Anaemia", 10002034, "Anaemias NEC", 10002035, "Anaemias nonhaemolytic and marrow depression", 10002042, _BLOOD,
       ["Anaemia", "Anemia"], 0.04, 1.0, 0.02),
    _t("Hyperglycaemia", 10020635, "Hyperglycaemic conditions NEC", 10020638,
       "Glucose metabolism disorders (incl diabetes mellitus)", 10018424, _META,
       ["Hyperglycemia", "High blood sugar", "Steroid-induced hyperglycaemia"], 0.06),
    _t("Hypokalaemia", 10021015, "Potassium imbalance", 10036447, "Electrolyte and fluid balance conditions", 10014412,
       _META, ["Hypokalemia", "Low potassium"], 0.04),
)

_BY_PT = {t.pt: t for t in MEDDRA_TERMS}


def term(pt: str) -> MeddraTerm:
    return _BY_PT[pt]
