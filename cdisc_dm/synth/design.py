"""What the generator needs from the study definition, read once from ``load_study``.

The synthetic study holds no schedule of its own: visits, windows, folder OIDs, sites, arms
and criteria come from ``mappings/il2dm/study.yaml``. Criteria are found by what they say
(not by number), so a renumbered study.yaml still produces consistent data; a criterion the
generator needs but cannot find is a UsageError naming it::

    >>> from cdisc_dm.synth.design import design_from_study
    >>> d = design_from_study("il2dm")
    >>> d.folders[:3], d.role_code["AGE"]
    (['SCRN', 'D1', 'W02'], 'IN01')
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..errors import UsageError

__all__ = ["SynthDesign", "design_from_study", "CRITERION_ROLES", "out_of_window_room"]

# role -> (pattern in the criterion text, category). The roles are the criteria whose
# consequence the generator writes into the data (age, disease activity, labs, medications).
CRITERION_ROLES: dict[str, tuple[str, str]] = {
    "AGE": (r"\bage\b", "INCLUSION"),
    "ACTIVE": (r"MMT-?8", "INCLUSION"),
    "GC": (r"glucocorticoid dose", "INCLUSION"),
    "NEWIS": (r"immunosuppressant", "INCLUSION"),
    "CONSENT": (r"consent", "INCLUSION"),
    "IVGC": (r"intravenous glucocorticoid", "EXCLUSION"),
    "RENAL": (r"creatinine clearance", "EXCLUSION"),
    "LIVER": (r"bilirubin", "EXCLUSION"),
    "HGB": (r"h(a)?emoglobin", "EXCLUSION"),
    "PLT": (r"platelet", "EXCLUSION"),
    "IVAB": (r"antibiotic", "EXCLUSION"),
    "HEP": (r"hepatitis B surface antigen", "EXCLUSION"),
}
# relative weight of each role as a reason for screen failure; every other criterion of
# the study shares OTHER_WEIGHT equally
ROLE_WEIGHTS = {"ACTIVE": 0.30, "HEP": 0.12, "AGE": 0.05, "GC": 0.07, "NEWIS": 0.05, "IVGC": 0.03,
                "RENAL": 0.03, "LIVER": 0.04, "HGB": 0.03, "PLT": 0.03, "IVAB": 0.02, "CONSENT": 0.03}
OTHER_WEIGHT = 0.20


@dataclass(frozen=True)
class SynthDesign:
    studyid: str
    protocol_version: str
    min_age: int
    max_age: int
    siteids: list[str]
    armcds: list[str]           # [experimental, placebo]
    folders: list[str]          # planned visits in VISITNUM order
    visit_names: list[str]      # EDC instance names ("Week 2")
    visitnums: np.ndarray
    days: np.ndarray            # target study day
    win_before: np.ndarray
    win_after: np.ndarray
    i_scrn: int
    i_d1: int
    i_ol: int                   # last blinded visit: open-label treatment starts here
    i_eot: int                  # last open-label visit: end of treatment
    i_fu: int
    efficacy: np.ndarray        # bool per visit: MMT8/HAQ/VAS collected
    immuno: np.ndarray          # bool per visit: flow cytometry and cytokines collected
    missable: np.ndarray        # bool per visit: may be missed (MessRates.missed_visit)
    crit_codes: list[str]
    crit_texts: list[str]
    crit_cats: list[str]
    role_code: dict[str, str]
    fail_weights: np.ndarray    # per criterion, sums to 1


def out_of_window_room(design: "SynthDesign") -> np.ndarray:
    """Per planned visit, the most days an out-of-window visit falls outside its window.

    Half the gap to the nearer neighbouring visit, less the window and a day, so an
    out-of-window visit never reaches its neighbour's window (at least 1)::

        >>> d = design_from_study("il2dm")
        >>> out_of_window_room(d)[d.folders.index("W24")].item()    # 28-day gaps, +/-7 window
        6
    """
    days = design.days
    gaps = np.r_[np.diff(days), 10**6]
    gaps_before = np.r_[10**6, np.diff(days)]
    return np.maximum(1, np.minimum(gaps, gaps_before) // 2 - np.maximum(design.win_before, design.win_after) - 1)


def design_from_study(study: object = "il2dm") -> SynthDesign:
    """Build the design from a :class:`cdisc_dm.study.Study` or anything ``load_study`` accepts."""
    from ..study import load_study

    st = study if hasattr(study, "visits") else load_study(study)
    visits = sorted(st.visits, key=lambda v: v.visitnum)
    folders = [v.folder for v in visits]
    days = np.array([v.day for v in visits], dtype=np.int64)
    epochs = [v.epoch for v in visits]
    try:
        i_scrn = epochs.index("SCREENING")
        i_d1 = int(np.flatnonzero(days == 1)[0])
        i_fu = len(epochs) - 1 - epochs[::-1].index("FOLLOW-UP")
        i_ol = len(epochs) - 1 - epochs[::-1].index("BLINDED TREATMENT")
        i_eot = len(epochs) - 1 - epochs[::-1].index("OPEN LABEL TREATMENT")
    except (ValueError, IndexError):
        raise UsageError(
            f"study {st.studyid}: the synthetic generator needs a SCREENING visit, a Day 1 visit, BLINDED TREATMENT "
            f"and OPEN LABEL TREATMENT visits and a FOLLOW-UP visit; the schedule has epochs {sorted(set(epochs))}") from None
    treat = (np.arange(len(visits)) > i_d1) & (np.arange(len(visits)) <= i_eot)
    every4 = treat & ((days - 1) % 28 == 0)
    efficacy = every4.copy()
    efficacy[[i_scrn, i_d1]] = True
    immuno = np.zeros(len(visits), bool)
    immuno[[i_d1, i_ol, i_eot]] = True
    first4 = np.flatnonzero(every4)
    if len(first4):
        immuno[first4[0]] = True
    missable = treat.copy()
    missable[[i_ol, i_eot]] = False

    codes = [c.code for c in st.criteria]
    texts = [c.text for c in st.criteria]
    cats = [c.category for c in st.criteria]
    role_code: dict[str, str] = {}
    for role, (pattern, cat) in CRITERION_ROLES.items():
        hits = [c for c, t, k in zip(codes, texts, cats) if k == cat and re.search(pattern, t, re.IGNORECASE)]
        if not hits:
            raise UsageError(f"study {st.studyid}: no {cat.lower()} criterion matches /{pattern}/; the synthetic "
                             f"generator needs it to make the {role} screen failures agree with the data")
        role_code[role] = hits[0]
    weights = np.zeros(len(codes))
    roles_by_code = {c: r for r, c in role_code.items()}
    others = [i for i, c in enumerate(codes) if c not in roles_by_code]
    for i, c in enumerate(codes):
        if c in roles_by_code:
            weights[i] = ROLE_WEIGHTS[roles_by_code[c]]
    if others:
        weights[others] = OTHER_WEIGHT / len(others)
    weights /= weights.sum()
    return SynthDesign(
        studyid=st.studyid,
        protocol_version=str(getattr(st, "protocol_version", "1.0")),
        min_age=int(st.min_age), max_age=int(st.max_age),
        siteids=[s.siteid for s in st.sites],
        armcds=[a.armcd for a in st.arms],
        folders=folders,
        visit_names=[v.visit.capitalize() for v in visits],
        visitnums=np.array([v.visitnum for v in visits], dtype=float),
        days=days,
        win_before=np.array([v.window_before for v in visits], dtype=np.int64),
        win_after=np.array([v.window_after for v in visits], dtype=np.int64),
        i_scrn=i_scrn, i_d1=i_d1, i_ol=i_ol, i_eot=i_eot, i_fu=i_fu,
        efficacy=efficacy, immuno=immuno, missable=missable,
        crit_codes=codes, crit_texts=texts, crit_cats=cats,
        role_code=role_code, fail_weights=weights,
    )
