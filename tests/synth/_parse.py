"""Independent parsers for the raw files (the tests never use the generator's internals)."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

MONTHS = {m: i + 1 for i, m in enumerate(["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"])}
CRF = re.compile(r"^(\d{2}) ([A-Z]{3}) (\d{4})$")
ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
DMY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
PARTIAL_DAY = re.compile(r"^UN (?!UNK)[A-Z]{3} \d{4}$")
PARTIAL_MONTH = re.compile(r"^UN UNK \d{4}$")


def parse_date(text: str):
    """A complete CRF date in any of the three site styles -> numpy datetime64[D]; else NaT."""
    if m := CRF.match(text):
        return np.datetime64(f"{m[3]}-{MONTHS[m[2]]:02d}-{m[1]}")
    if m := ISO.match(text):
        return np.datetime64(text)
    if m := DMY.match(text):
        return np.datetime64(f"{m[3]}-{m[2]}-{m[1]}")
    return np.datetime64("NaT")


def parse_dates(col: pd.Series) -> np.ndarray:
    return np.array([parse_date(t) for t in col], dtype="datetime64[D]")


def lab_number(text: pd.Series) -> pd.Series:
    """Numeric value of a lab result; '>3000' -> 3000 (a lower bound), '<5' -> 0, text -> NaN."""
    t = text.str.strip()
    num = pd.to_numeric(t.str.lstrip("<>"), errors="coerce")
    return num.where(~t.str.startswith("<"), 0.0)


# HAQ-DI scoring (Stanford HAQ; Bruce & Fries 2003): category score = worst item; an aid or
# help in a category raises a score of 0 or 1 to 2; index = mean of answered categories, >= 6 needed.
HAQ_ITEMS = {
    "DR": ["HAQDR1", "HAQDR2"], "AR": ["HAQAR1", "HAQAR2"], "EA": ["HAQEA1", "HAQEA2", "HAQEA3"],
    "WK": ["HAQWK1", "HAQWK2"], "HY": ["HAQHY1", "HAQHY2", "HAQHY3"], "RC": ["HAQRC1", "HAQRC2"],
    "GR": ["HAQGR1", "HAQGR2", "HAQGR3"], "AC": ["HAQAC1", "HAQAC2", "HAQAC3"],
}
HAQ_AIDS = {
    "WK": ["HAQAIDCN", "HAQAIDWK", "HAQAIDCR", "HAQAIDWC"], "DR": ["HAQAIDDR"], "EA": ["HAQAIDUT"],
    "AR": ["HAQAIDCH"], "HY": ["HAQAIDTS", "HAQAIDBS", "HAQAIDBB", "HAQAIDLB"], "RC": ["HAQAIDLR"],
    "GR": ["HAQAIDJO"], "AC": [],
}


def haq_di(haq: pd.DataFrame) -> pd.Series:
    cats = []
    for cat, items in HAQ_ITEMS.items():
        vals = haq[items].apply(pd.to_numeric, errors="coerce")
        score = vals.max(axis=1)
        aid_cols = HAQ_AIDS[cat] + [f"HAQHLP{cat}"]
        aided = (haq[aid_cols] == "1").any(axis=1)
        score = score.where(~(aided & score.notna() & (score < 2)), 2.0)
        cats.append(score)
    m = pd.concat(cats, axis=1)
    answered = m.notna().sum(axis=1)
    return m.mean(axis=1).where(answered >= 6)


MMT_ITEMS = ["MMTNECK"] + [f"MMT{m}{s}" for m in ("DELT", "BIC", "WREX", "GLMX", "GLMD", "QUAD", "ANKD") for s in ("R", "L")]
ENZYMES = ["CPK", "ALDO", "LDH", "SGPT", "SGOT"]


def core_set(tables: dict[str, pd.DataFrame], folder: str) -> pd.DataFrame:
    """The six core set measures (plus cutaneous VAS) per subject at one folder, from the raw files."""
    key = ["Subject"]
    mmt = tables["MMT8"][tables["MMT8"].Folder == folder]
    mmt = mmt.assign(MMT=mmt[MMT_ITEMS].apply(pd.to_numeric).sum(axis=1))[key + ["MMT"]]
    haq = tables["HAQ"][tables["HAQ"].Folder == folder]
    haq = haq.assign(HAQDI=haq_di(haq))[key + ["HAQDI"]]
    vas = tables["VAS"][tables["VAS"].Folder == folder]
    vas = vas[key + ["VASPHGA", "VASPTGA", "VASEXTM", "VASCUT"]].copy()
    for c in ["VASPHGA", "VASPTGA", "VASEXTM", "VASCUT"]:
        vas[c] = pd.to_numeric(vas[c])
    lab = tables["LAB"]
    lab = lab[(lab.VISITCD == folder) & lab.TESTCD.isin(ENZYMES) & (lab.NOTDONE != "Y")]
    ratio = lab_number(lab.RESULT) / pd.to_numeric(lab.REFHIGH)
    enz = lab.assign(R=ratio).groupby("SUBJECT").R.max().rename("ENZ").reset_index().rename(columns={"SUBJECT": "Subject"})
    out = mmt.merge(haq, on=key, how="outer").merge(vas, on=key, how="outer").merge(enz, on=key, how="left")
    return out


def active_disease(cs: pd.DataFrame) -> pd.Series:
    """The protocol's active-disease definition (seed inclusion criterion 2)."""
    abn = pd.concat([cs.VASPTGA >= 2.0, cs.VASPHGA >= 2.0, cs.HAQDI >= 0.25, cs.ENZ >= 1.3, cs.VASEXTM >= 1.0], axis=1)
    n_abn = abn.sum(axis=1)
    return ((cs.MMT <= 125) & (n_abn >= 2)) | ((cs.VASCUT >= 3.0) & (n_abn >= 3))
