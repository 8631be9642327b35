"""The AE log: events drawn per preferred term and treatment segment, coded with the MedDRA subset.

Each randomized subject's time is cut into segments: before the first dose, blinded treatment
(IL-2 or placebo), open-label IL-2, and off treatment after the last dose. For every term
and segment the number of events is Poisson with the term's rate, multiplied by its IL-2
rate ratio while the subject receives IL-2, so injection-site reactions are more frequent on
IL-2 in the blinded period and appear in both arms in the open-label period (off treatment
the rate is halved; before the first dose it is 0.3 times, and no injection-site terms). A
subject who stops for an adverse event gets one event with action "Drug withdrawn"::

    cols, events = build_ae(design, pop, last_sday, rng, MessRates(), styles)
    cols["AEPT"][:3]        # array(['Nasopharyngitis', 'Injection site reaction', ...])
"""
from __future__ import annotations

import numpy as np

from .config import MessRates
from .crf_dates import crf_dates
from .design import SynthDesign
from .dictionary import form_def
from .edc_page import LOG_FOLDER, LOG_INSTANCE, record_position, system_columns
from .meddra import MEDDRA_TERMS, MEDDRA_VERSION, term
from .population import AE_REASON, Population
from .textfmt import NO_DATE, add_trailing_spaces, choose_variants, format_int
from .variants import VARIANTS

__all__ = ["build_ae", "AeEvents"]

_DISC_PTS = ("Injection site reaction", "Pyrexia", "Alanine aminotransferase increased", "Herpes zoster", "Pneumonia", "Rash")


class AeEvents:
    """Event-level arrays (one per AE record), for the CM generator to add treatments."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def build_ae(design: SynthDesign, pop: Population, last_sday: np.ndarray, rng: np.random.Generator,
             mess: MessRates, styles: np.ndarray) -> tuple[dict[str, np.ndarray], AeEvents]:
    """``last_sday``: study day of each subject's last contact (randomized subjects)."""
    r = pop.rand_idx
    arm = pop.arm[r]
    ol_day = int(design.days[design.i_ol])
    eot = int(design.days[design.i_eot])
    last_dose = np.where(pop.disc[r], pop.disc_sday[r], eot - 1)
    pre_start = pop.ic_day[r] - pop.d1_day[r] + 1  # study day of consent (negative)
    # segments: (start study day, length in days, on IL-2, off treatment)
    seg_start = np.stack([pre_start, np.ones_like(arm), np.full_like(arm, ol_day), last_dose + 1], axis=1)
    seg_end = np.stack([np.zeros_like(arm), np.minimum(last_dose, ol_day - 1), last_dose, last_sday[r]], axis=1)
    seg_len = np.maximum(seg_end - seg_start + 1, 0)
    on_il2 = np.stack([np.zeros_like(arm, bool), arm == 0, np.ones_like(arm, bool), np.zeros_like(arm, bool)], axis=1)
    off = np.array([True, False, False, True])
    pre = np.array([True, False, False, False])

    subj, sday, pt_idx, seg_of = [], [], [], []
    for j, t in enumerate(MEDDRA_TERMS):
        mult = np.where(on_il2, t.il2_rr, 1.0) * np.where(off[None, :], 0.5, 1.0)
        mult = np.where(pre[None, :], 0.3 if not t.injection_site else 0.0, mult)
        lam = t.rate * mult * seg_len / 365.25
        counts = rng.poisson(lam)
        rows, segs = np.nonzero(counts)
        reps = counts[rows, segs]
        rows, segs = np.repeat(rows, reps), np.repeat(segs, reps)
        start = seg_start[rows, segs] + np.floor(rng.random(len(rows)) * seg_len[rows, segs]).astype(np.int64)
        subj.append(r[rows]); sday.append(start); pt_idx.append(np.full(len(rows), j)); seg_of.append(segs)
    # the event behind each discontinuation for an adverse event
    ae_disc = np.flatnonzero(pop.disc[r] & (pop.disc_reason[r] == AE_REASON))
    dpt = np.array([MEDDRA_TERMS.index(term(p)) for p in _DISC_PTS])[rng.integers(0, len(_DISC_PTS), len(ae_disc))]
    dstart = np.maximum(1, pop.disc_sday[r[ae_disc]] - rng.integers(0, 6, len(ae_disc)))
    subj.append(r[ae_disc]); sday.append(dstart); pt_idx.append(dpt); seg_of.append(np.full(len(ae_disc), -1))
    subj, sday, pt_idx, seg_of = (np.concatenate(a) for a in (subj, sday, pt_idx, seg_of))
    withdrawn = seg_of == -1
    seg_of = np.where(withdrawn, np.where(sday >= ol_day, 2, 1), seg_of)

    order = np.lexsort((pt_idx, sday, subj))
    subj, sday, pt_idx, seg_of, withdrawn = (a[order] for a in (subj, sday, pt_idx, seg_of, withdrawn))
    n = len(subj)
    terms = MEDDRA_TERMS
    isr = np.array([t.injection_site for t in terms])[pt_idx]
    p_ser = np.array([t.p_serious for t in terms])[pt_idx]

    ridx = np.searchsorted(r, subj)
    last = last_sday[subj]
    dur = np.ceil(np.exp(rng.normal(np.log(np.where(isr, 3, 7)), 0.8, n))).astype(np.int64)
    end = sday + dur - 1
    ongoing = end > last
    serious = (rng.random(n) < p_ser) | (withdrawn & (rng.random(n) < 0.3))
    u = rng.random(n)
    sev = np.where(u < 0.68, 0, np.where(u < 0.94, 1, 2))
    sev = np.where(serious | withdrawn, np.maximum(sev, 1 + (rng.random(n) < 0.5)), sev)
    grade = sev + 1 + (serious & (rng.random(n) < 0.2))
    on_drug = (seg_of == 1) | (seg_of == 2)
    u = rng.random(n)
    rel = np.where(isr, np.where(u < 0.7, 3, 2), np.where(u < 0.5, 0, np.where(u < 0.75, 1, np.where(u < 0.95, 2, 3))))
    rel = np.where(seg_of == 0, 0, rel)
    u = rng.random(n)
    acn = np.where(on_drug, np.where(u < 0.92, 0, 1), 3)
    acn = np.where(withdrawn, 2, acn)
    u = rng.random(n)
    out = np.where(ongoing, np.where(u < 0.4, 1, 2), np.where(u < 0.96, 0, 3))

    abs_start = pop.d1_day[subj] + sday - 1
    abs_end = np.where(ongoing, NO_DATE, pop.d1_day[subj] + end - 1)
    site = pop.site[subj]
    verb_pick = rng.random(n)
    verbatim = np.empty(n, dtype=object)
    for j, t in enumerate(terms):
        sel = pt_idx == j
        if sel.any():
            k = np.minimum((verb_pick[sel] * len(t.verbatims)).astype(np.int64), len(t.verbatims) - 1)
            verbatim[sel] = np.asarray(t.verbatims, dtype=object)[k]

    yn = lambda b: np.where(b, "Yes", "No").astype(object)  # noqa: E731
    rec = record_position(subj)
    cols = system_columns("AE", design.studyid, pop, subj, LOG_FOLDER, 1, LOG_INSTANCE, record=rec)
    cols["AETERM"] = add_trailing_spaces(verbatim, mess.trailing_space, rng)
    cols["AESTDAT"] = crf_dates(abs_start, site, styles, mess, rng, (mess.partial_day, mess.partial_month))
    cols["AEENDAT"] = crf_dates(abs_end, site, styles, mess, rng, (mess.partial_day, mess.partial_month))
    cols["AEONGO"] = choose_variants(yn(ongoing), VARIANTS["YN"], mess.text_variant, rng)
    cols["AESEV"] = choose_variants(np.array(["Mild", "Moderate", "Severe"], dtype=object)[sev], VARIANTS["AESEV"], mess.text_variant, rng)
    cols["AETOXGR"] = format_int(grade)
    cols["AESER"] = choose_variants(yn(serious), VARIANTS["YN"], mess.text_variant, rng)
    hosp = serious & (rng.random(n) < 0.85)
    crit = {"AESDTH": np.zeros(n, bool), "AESLIFE": np.zeros(n, bool), "AESHOSP": hosp, "AESDISAB": np.zeros(n, bool),
            "AESCONG": np.zeros(n, bool), "AESMIE": serious & ~hosp}
    for name, val in crit.items():
        txt = np.where(serious, yn(val), "").astype(object)
        cols[name] = choose_variants(txt, VARIANTS["YN"], mess.text_variant, rng)
    cols["AEREL"] = choose_variants(np.array(["Not related", "Unlikely related", "Possibly related", "Related"], dtype=object)[rel],
                                    VARIANTS["AEREL"], mess.text_variant, rng)
    cols["AEACN"] = choose_variants(np.array(["Dose not changed", "Drug interrupted", "Drug withdrawn", "Not applicable"],
                                             dtype=object)[acn], VARIANTS["AEACN"], mess.text_variant, rng)
    cols["AEOUT"] = choose_variants(np.array(["Recovered/Resolved", "Recovering/Resolving", "Not recovered/Not resolved",
                                              "Recovered/Resolved with sequelae"], dtype=object)[out],
                                    VARIANTS["AEOUT"], mess.text_variant, rng)
    pick = lambda attr: np.array([getattr(t, attr) for t in terms], dtype=object)[pt_idx]  # noqa: E731
    cols["AELLT"] = pick("pt")
    cols["AELLTCD"] = format_int(np.array([t.ptcd for t in terms])[pt_idx])
    cols["AEPT"] = pick("pt")
    cols["AEPTCD"] = format_int(np.array([t.ptcd for t in terms])[pt_idx])
    cols["AEHLT"] = pick("hlt")
    cols["AEHLTCD"] = format_int(np.array([t.hltcd for t in terms])[pt_idx])
    cols["AEHLGT"] = pick("hlgt")
    cols["AEHLGTCD"] = format_int(np.array([t.hlgtcd for t in terms])[pt_idx])
    cols["AESOC"] = pick("soc")
    cols["AESOCCD"] = format_int(np.array([t.soccd for t in terms])[pt_idx])
    cols["AEDICTV"] = np.full(n, f"MedDRA {MEDDRA_VERSION}", dtype=object)
    assert list(cols) == form_def("AE").column_names()
    events = AeEvents(subj=subj, sday=sday, pt_idx=pt_idx, end=np.where(ongoing, last, end), ongoing=ongoing)
    return cols, events
