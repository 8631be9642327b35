"""The CM log: background dermatomyositis therapy, supportive drugs, criterion-linked and AE treatments.

Records agree with the eligibility criteria the IE form reports: a glucocorticoid failure
takes oral prednisone or methylprednisolone at 0.5 mg/kg/day prednisone equivalent or more
(4 mg methylprednisolone = 5 mg prednisone; every other user less); a new
immunosuppressant failure started one within 12 weeks before consent (every other
immunosuppressant started earlier); an intravenous-glucocorticoid failure had IV
methylprednisolone above 1 mg/kg/day within 4 weeks; an IV-antibiotic failure had IV
ceftriaxone within 2 months::

    cols = build_cm(design, pop, ae_events, last_day, rng, MessRates(), styles)
    cols["CMTRT"][:2]     # array(['Prednisone acetate', 'Hydroxychloroquine'], dtype=object)
"""
from __future__ import annotations

import numpy as np

from .config import MessRates
from .crf_dates import crf_dates
from .design import SynthDesign
from .dictionary import form_def
from .edc_page import LOG_FOLDER, LOG_INSTANCE, record_position, system_columns
from .meddra import MEDDRA_TERMS
from .population import Population
from .textfmt import NO_DATE, add_trailing_spaces, choose_variants, format_fixed
from .variants import VARIANTS

__all__ = ["build_cm"]

_NAMES = {
    "pred": ("Prednisone", "Prednisone acetate", "PREDNISONE ACETATE TABLETS", "prednisone"),
    "hcq": ("Hydroxychloroquine", "Hydroxychloroquine sulfate", "Plaquenil"),
    "mtx": ("Methotrexate", "MTX", "Methotrexate tablets"),
    "mmf": ("Mycophenolate mofetil", "MMF", "CellCept"),
    "tac": ("Tacrolimus", "Prograf", "FK506"),
    "aza": ("Azathioprine", "Imuran"),
    "cyc": ("Cyclophosphamide", "CTX"),
    "cal": ("Calcium carbonate and vitamin D3", "Caltrate D", "Calcium + Vit D"),
    "ome": ("Omeprazole", "Losec"),
    "aln": ("Alendronate sodium", "Fosamax"),
    "mpo": ("Methylprednisolone", "Medrol", "Methylprednisolone tablets"),
    "mpiv": ("Methylprednisolone sodium succinate", "Methylprednisolone", "Solu-Medrol"),
    "cro": ("Ceftriaxone", "Rocephin"),
    "apap": ("Paracetamol", "Acetaminophen", "Tylenol"),
    "vala": ("Valaciclovir", "Valacyclovir", "Valtrex"),
    "moxi": ("Moxifloxacin", "Avelox"),
    "cet": ("Cetirizine", "Zyrtec"),
    "aml": ("Amlodipine", "Norvasc"),
}
_DM_INDICATION = ("Dermatomyositis", "DM", "dermatomyositis")
# AE preferred term -> (drug, share of events treated, dose, unit, route, frequency)
_AE_TREATMENT = {
    "Pyrexia": ("apap", 0.5, 500, "mg", "Oral", "PRN"),
    "Headache": ("apap", 0.4, 500, "mg", "Oral", "PRN"),
    "Myalgia": ("apap", 0.3, 500, "mg", "Oral", "PRN"),
    "Arthralgia": ("apap", 0.3, 500, "mg", "Oral", "PRN"),
    "Herpes zoster": ("vala", 0.9, 1, "g", "Oral", "TID"),
    "Pneumonia": ("moxi", 1.0, 400, "mg", "Intravenous", "QD"),
    "Pruritus": ("cet", 0.3, 10, "mg", "Oral", "QD"),
    "Rash": ("cet", 0.3, 10, "mg", "Oral", "QD"),
    "Hypertension": ("aml", 0.7, 5, "mg", "Oral", "QD"),
}


class _Block:
    def __init__(self):
        self.parts: list[dict] = []

    def add(self, subj, drug, indication, dose, unit, route, freq, start, end):
        n = len(subj)
        self.parts.append(dict(
            subj=np.asarray(subj), drug=np.full(n, drug, dtype=object),
            indication=np.broadcast_to(np.asarray(indication, dtype=object), (n,)).copy(),
            dose=np.broadcast_to(np.asarray(dose, dtype=float), (n,)).copy(),
            unit=np.full(n, unit, dtype=object), route=np.full(n, route, dtype=object), freq=np.full(n, freq, dtype=object),
            start=np.broadcast_to(np.asarray(start, dtype=np.int64), (n,)).copy(),
            end=np.broadcast_to(np.asarray(end, dtype=np.int64), (n,)).copy()))

    def concat(self) -> dict[str, np.ndarray]:
        return {k: np.concatenate([p[k] for p in self.parts]) for k in self.parts[0]}


def build_cm(design: SynthDesign, pop: Population, ae_events, last_day: np.ndarray, rng: np.random.Generator,
             mess: MessRates, styles: np.ndarray) -> dict[str, np.ndarray]:
    """``last_day``: date (days since 1970) of each subject's last contact."""
    n = pop.n
    ic = pop.ic_day
    blk = _Block()
    ind_pick = lambda m: np.asarray(_DM_INDICATION, dtype=object)[rng.integers(0, 3, m)]  # noqa: E731

    # oral glucocorticoid, prednisone or methylprednisolone (4 mg methylprednisolone = 5 mg
    # prednisone): below 0.5 mg/kg/day prednisone equivalent unless the subject fails the
    # glucocorticoid criterion
    gc_fail = pop.role(design, "GC")
    takes = (rng.random(n) < 0.85) | gc_fail
    medrol = rng.random(n) < 0.2
    limit = 0.5 * pop.weight
    options = np.array([5.0, 7.5, 10.0, 15.0, 20.0, 25.0])
    ok = options[None, :] < limit[:, None]
    pick = np.floor(rng.random(n) * ok.sum(axis=1)).astype(np.int64)
    low_dose = options[np.minimum(pick, ok.sum(axis=1) - 1)]
    high_dose = np.ceil(limit / 5.0) * 5.0 + 5.0 * rng.integers(0, 3, n)
    dose = np.where(gc_fail, high_dose, low_dose)  # prednisone equivalent
    start = ic - np.where(gc_fail, rng.integers(7, 25, n), rng.integers(60, 1500, n))
    s = np.flatnonzero(takes & ~medrol)
    blk.add(s, "pred", ind_pick(len(s)), dose[s], "mg", "Oral", "QD", start[s], NO_DATE)
    s = np.flatnonzero(takes & medrol)
    # methylprednisolone comes in 4 mg tablets: round the equivalent dose down (up for a failure)
    mp = np.where(gc_fail, np.ceil(dose * 0.8 / 4.0), np.floor(dose * 0.8 / 4.0)) * 4.0
    blk.add(s, "mpo", ind_pick(len(s)), np.maximum(mp[s], 4.0), "mg", "Oral", "QD", start[s], NO_DATE)

    # background immunosuppressants and antimalarial, started long before consent
    for drug, p, dose_opts, unit, route, freq in (
            ("hcq", 0.40, (200.0,), "mg", "Oral", "BID"),
            ("mtx", 0.30, (7.5, 10.0, 12.5, 15.0), "mg", "Oral", "Once weekly"),
            ("mmf", 0.15, (500.0, 750.0, 1000.0), "mg", "Oral", "BID"),
            ("tac", 0.10, (1.0, 1.5, 2.0), "mg", "Oral", "BID")):
        s = np.flatnonzero(rng.random(n) < p)
        d = np.asarray(dose_opts)[rng.integers(0, len(dose_opts), len(s))]
        blk.add(s, drug, ind_pick(len(s)), d, unit, route, freq, ic[s] - rng.integers(100, 1500, len(s)), NO_DATE)
    # a new immunosuppressant within 12 weeks before consent
    s = np.flatnonzero(pop.role(design, "NEWIS"))
    kinds = rng.integers(0, 4, len(s))
    for k, (drug, dose_v, unit, route, freq) in enumerate((("tac", 1.0, "mg", "Oral", "BID"), ("mmf", 750.0, "mg", "Oral", "BID"),
                                                           ("aza", 50.0, "mg", "Oral", "QD"), ("cyc", 0.5, "g", "Intravenous", "Once"))):
        sk = s[kinds == k]
        st = ic[sk] - rng.integers(7, 80, len(sk))
        blk.add(sk, drug, ind_pick(len(sk)), dose_v, unit, route, freq, st, st if drug == "cyc" else NO_DATE)
    # intravenous methylprednisolone pulse within 4 weeks (above 1 mg/kg/day)
    s = np.flatnonzero(pop.role(design, "IVGC"))
    st = ic[s] - rng.integers(5, 26, len(s))
    blk.add(s, "mpiv", ind_pick(len(s)), 500.0, "mg", "Intravenous", "QD", st, st + 2)
    # intravenous antibiotic for an infection within 2 months
    s = np.flatnonzero(pop.role(design, "IVAB"))
    st = ic[s] - rng.integers(10, 55, len(s))
    ind = np.asarray(["Pneumonia", "Urinary tract infection"], dtype=object)[rng.integers(0, 2, len(s))]
    blk.add(s, "cro", ind, 2.0, "g", "Intravenous", "QD", st, st + 6)
    # supportive care of long-term glucocorticoid use
    for drug, p, dose_v, unit, freq, indication in (
            ("cal", 0.60, 600.0, "mg", "QD", "Osteoporosis prophylaxis"),
            ("ome", 0.40, 20.0, "mg", "QD", "Gastric protection"),
            ("aln", 0.15, 70.0, "mg", "Once weekly", "Osteoporosis prevention")):
        s = np.flatnonzero(rng.random(n) < p)
        blk.add(s, drug, indication, dose_v, unit, "Oral", freq, ic[s] - rng.integers(30, 1500, len(s)), NO_DATE)
    # treatments of adverse events
    pts = np.array([t.pt for t in MEDDRA_TERMS], dtype=object)[ae_events.pt_idx]
    u = rng.random(len(pts))
    for pt, (drug, share, dose_v, unit, route, freq) in _AE_TREATMENT.items():
        sel = (pts == pt) & (u < share)
        subj = ae_events.subj[sel]
        st = pop.d1_day[subj] + ae_events.sday[sel] - 1
        en = pop.d1_day[subj] + ae_events.end[sel] - 1
        en = np.where(ae_events.ongoing[sel], NO_DATE, en)
        blk.add(subj, drug, pt, dose_v, unit, route, freq, st, en)

    c = blk.concat()
    # a stopped background drug at some subjects; an end after the last contact is "ongoing"
    m = len(c["subj"])
    stops = (c["end"] == NO_DATE) & (rng.random(m) < 0.08)
    stop_day = c["start"] + rng.integers(30, 400, m)
    end = np.where(stops, stop_day, c["end"])
    ongoing = (end == NO_DATE) | (end > last_day[c["subj"]])
    end = np.where(ongoing, NO_DATE, end)

    order = np.lexsort((c["drug"].astype(str), c["start"], c["subj"]))
    c = {k: v[order] for k, v in c.items()}
    end, ongoing = end[order], ongoing[order]
    subj = c["subj"]
    names = np.empty(m, dtype=object)
    pick = rng.random(m)
    for drug, variants in _NAMES.items():
        sel = c["drug"] == drug
        if sel.any():
            names[sel] = np.asarray(variants, dtype=object)[np.minimum((pick[sel] * len(variants)).astype(np.int64), len(variants) - 1)]
    site = pop.site[subj]
    cols = system_columns("CM", design.studyid, pop, subj, LOG_FOLDER, 1, LOG_INSTANCE, record=record_position(subj))
    cols["CMTRT"] = add_trailing_spaces(names, mess.trailing_space, rng)
    cols["CMINDC"] = add_trailing_spaces(c["indication"], mess.trailing_space, rng)
    dose = c["dose"]
    cols["CMDOSE"] = format_fixed(dose, np.where(dose == np.round(dose), 0, 1))
    cols["CMDOSU"] = choose_variants(c["unit"], VARIANTS["CMDOSU"], mess.text_variant, rng)
    cols["CMROUTE"] = choose_variants(c["route"], VARIANTS["CMROUTE"], mess.text_variant, rng)
    cols["CMFREQ"] = choose_variants(c["freq"], VARIANTS["CMFREQ"], mess.text_variant, rng)
    cols["CMSTDAT"] = crf_dates(c["start"], site, styles, mess, rng, (mess.partial_day, mess.partial_month))
    cols["CMENDAT"] = crf_dates(end, site, styles, mess, rng, (mess.partial_day, mess.partial_month))
    cols["CMONGO"] = choose_variants(np.where(ongoing, "Yes", "No").astype(object), VARIANTS["YN"], mess.text_variant, rng)
    assert list(cols) == form_def("CM").column_names()
    return cols
