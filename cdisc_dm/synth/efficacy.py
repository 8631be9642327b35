"""MMT8, HAQ and VAS pages: the clinical core set measures at the efficacy visits.

Baseline activity is drawn per subject; later visits resolve a share of it (see
:mod:`cdisc_dm.synth.disease`). The active-disease inclusion criterion is then made to hold
on the written values at Screening and Day 1 for every subject who does not fail it (the
patient and physician globals, and on the cutaneous route the extramuscular VAS, are raised
to at least their abnormal thresholds), and made to fail for subjects whose IE form says
they failed it (MMT-8 total above 125 and cutaneous VAS below 3 cm)::

    >>> import numpy as np
    >>> from cdisc_dm.synth.efficacy import distribute_deficit
    >>> d = distribute_deficit(np.array([0, 30, 150]), np.full((3, 15), 1 / 15))
    >>> d.sum(axis=1).tolist(), int(d.max())
    ([0, 30, 150], 10)
"""
from __future__ import annotations

import numpy as np

from .config import MessRates
from .crf_dates import crf_dates
from .design import SynthDesign
from .dictionary import HAQ_AIDS, HAQ_CATEGORIES, HAQ_HELP, MMT_ITEMS, VAS_ITEMS, form_def
from .disease import expected_effect
from .edc_page import system_columns
from .population import Population
from .textfmt import add_trailing_spaces, format_fixed, format_int
from .visits import Visits

__all__ = ["build_efficacy_forms", "distribute_deficit", "Baseline", "draw_baseline"]

# proximal muscles are weaker in dermatomyositis: neck flexors, deltoids, gluteals, quadriceps
_MUSCLE_W = np.array([2.0] + [1.6, 1.6, 1.0, 1.0, 0.6, 0.6, 1.6, 1.6, 1.6, 1.6, 1.4, 1.4, 0.6, 0.6])


def distribute_deficit(deficit: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split each total MMT-8 deficit (150 - total) over the 15 muscle scores, at most 10 each.

    Largest-remainder allocation in proportion to the subject's muscle weights, so a subject's
    weak muscles stay the weak ones from visit to visit; a share above 10 goes to the
    muscles with room left, in proportion to their weights.
    """
    deficit = np.asarray(deficit, dtype=np.int64)
    w = np.asarray(weights, dtype=float)
    d = np.zeros(w.shape, dtype=np.int64)
    left = deficit.copy()
    for _ in range(16):
        room = 10 - d
        wr = np.where(room > 0, w, 0.0)
        total = wr.sum(axis=1, keepdims=True)
        share = np.divide(wr * left[:, None], total, out=np.zeros_like(wr), where=total > 0)
        add = np.floor(share).astype(np.int64)
        rest = left - add.sum(axis=1)
        rank = np.argsort(np.argsort(-(share - add) - 1e-9 * np.arange(w.shape[1]), axis=1), axis=1)
        add += (rank < rest[:, None]) & (room > add)
        add = np.minimum(add, room)
        d += add
        left = deficit - d.sum(axis=1)
        if not left.any():
            break
    return d


class Baseline:
    """Per-subject baseline activity (screening values before noise), for all screened subjects."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def draw_baseline(design: SynthDesign, pop: Population, rng: np.random.Generator) -> Baseline:
    n = pop.n
    skin = pop.skin_route
    inactive = pop.role(design, "ACTIVE")
    t0 = np.where(skin, np.minimum(150, 116 + rng.integers(0, 31, n)), 125 - np.rint(60 * rng.beta(1.5, 3, n)))
    t0 = np.where(inactive, 126 + rng.integers(1, 20, n), t0).astype(np.int64)
    cut0 = np.where(skin, rng.uniform(3.0, 8.5, n), np.clip(rng.normal(3.0, 1.8, n), 0, 9))
    cut0 = np.where(inactive, rng.uniform(0, 2.8, n), cut0)
    w = rng.dirichlet(_MUSCLE_W * 6, size=n)
    pga = np.clip(rng.normal(5.0, 1.8, n), 0.5, 9.5)
    phga = np.clip(rng.normal(5.0, 1.6, n), 0.5, 9.5)
    extm = np.clip(rng.normal(2.8, 1.5, n), 0, 9)
    # subjects who meet the active-disease criterion have clearly abnormal globals at baseline
    # (build_efficacy_forms still guarantees the thresholds on the written values)
    active = ~inactive
    pga = np.where(active, np.maximum(pga, 2.3 + rng.uniform(0, 1.5, n)), pga)
    phga = np.where(active, np.maximum(phga, 2.3 + rng.uniform(0, 1.5, n)), phga)
    extm = np.where(active & skin, np.maximum(extm, 1.3 + rng.uniform(0, 1.0, n)), extm)
    cut0 = np.where(active & skin, np.maximum(cut0, 3.3), cut0)
    return Baseline(
        mmt_def=150 - t0, muscle_w=w, cut=cut0, pga=pga, phga=phga, extm=extm,
        haq=np.clip(rng.normal(1.1, 0.55, n), 0, 2.8),
        resp=rng.beta(2, 2, n) * 1.5,
        haq_item_off=rng.normal(0, 0.35, (n, 20)),
    )


def _vas(x: np.ndarray) -> np.ndarray:
    return np.round(np.clip(x, 0, 10), 1)


def build_efficacy_forms(design: SynthDesign, pop: Population, visits: Visits, base: Baseline,
                         rng: np.random.Generator, mess: MessRates, styles: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    sel = visits.attended & (visits.vidx >= 0)
    sel &= design.efficacy[np.maximum(visits.vidx, 0)]
    v = visits.take(sel)
    n = len(v)
    s = v.subj
    is_base = (v.vidx == design.i_scrn) | (v.vidx == design.i_d1)
    ol_day = int(design.days[design.i_ol])
    f = np.where(is_base, 0.0, np.minimum(0.95, base.resp[s] * expected_effect(pop.arm[s], v.sday, ol_day)))

    # MMT-8: the deficit from 150 shrinks with improvement
    deficit = base.mmt_def[s] * (1 - 0.8 * f) + rng.normal(0, 2.0, n)
    total = np.clip(150 - np.rint(deficit), 0, 150).astype(np.int64)
    pga = _vas(base.pga[s] * (1 - f) + rng.normal(0, 0.5, n))
    phga = _vas(base.phga[s] * (1 - f) + rng.normal(0, 0.4, n))
    extm = _vas(base.extm[s] * (1 - f) + rng.normal(0, 0.4, n))
    cut = _vas(base.cut[s] * (1 - f) + rng.normal(0, 0.4, n))
    haq_latent = np.clip(base.haq[s] * (1 - 0.8 * f) + rng.normal(0, 0.12, n), 0, 3)

    # the inclusion criterion on the written values at Screening and Day 1
    failer = pop.role(design, "ACTIVE")[s]
    need = is_base & ~failer & (pop.randomized[s] | (v.vidx == design.i_scrn))
    skin = pop.skin_route[s]
    total = np.where(need & ~skin, np.minimum(total, 125), total)
    lift = lambda x, thr, cond: np.where(cond & (x < thr), _vas(thr + rng.uniform(0, 2.0, n)), x)  # noqa: E731
    pga = lift(pga, 2.0, need)
    phga = lift(phga, 2.0, need)
    extm = lift(extm, 1.0, need & skin)
    cut = lift(cut, 3.0, need & skin)
    scr_fail = failer & (v.vidx == design.i_scrn)
    total = np.where(scr_fail, np.maximum(total, 126), total)
    cut = np.where(scr_fail, np.minimum(cut, 2.9), cut)

    items = 10 - distribute_deficit(150 - total, base.muscle_w[s])

    # HAQ items: latent disability plus a fixed per-subject item profile plus visit noise
    raw = haq_latent[:, None] + base.haq_item_off[s] + rng.normal(0, 0.35, (n, 20))
    haq_items = np.clip(np.rint(raw), 0, 3).astype(np.int64)
    p_aid = 1 / (1 + np.exp(-(haq_latent - 1.8) * 3)) * 0.5
    aids = (rng.random((n, len(HAQ_AIDS))) < p_aid[:, None]).astype(np.int64)
    helps = (rng.random((n, len(HAQ_HELP))) < (p_aid * 0.8)[:, None]).astype(np.int64)
    aid_other = (rng.random(n) < p_aid * 0.1).astype(np.int64)
    blank = rng.random((n, 20)) < mess.haq_item_blank

    after_d1 = ~is_base
    present = {form: ~(after_d1 & (rng.random(n) < mess.missing_page)) for form in ("MMT8", "HAQ", "VAS")}

    def page(form: str, date_col: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        keep = present[form]
        cols = system_columns(form, design.studyid, pop, s[keep], v.folder[keep], v.folder_seq[keep], v.instance[keep])
        cols[date_col] = crf_dates(v.day[keep], pop.site[s[keep]], styles, mess, rng)
        return keep, cols

    out: dict[str, dict[str, np.ndarray]] = {}
    keep, cols = page("MMT8", "MMTDAT")
    for j, (code, _) in enumerate(MMT_ITEMS):
        cols[code] = format_int(items[keep, j])
    cols["MMTTOT"] = format_int(items[keep].sum(axis=1))
    out["MMT8"] = cols

    keep, cols = page("HAQ", "HAQDAT")
    j = 0
    for _, _, cat_items in HAQ_CATEGORIES:
        for code, _ in cat_items:
            txt = format_int(haq_items[keep, j])
            txt[blank[keep, j]] = ""
            cols[code] = txt
            j += 1
    for k, (code, _, _) in enumerate(HAQ_AIDS):
        cols[code] = format_int(aids[keep, k])
    cols["HAQAIDOT"] = format_int(aid_other[keep])
    spec = np.where(aid_other[keep] == 1, np.array(["Reacher", "Long-handled sponge", "Grab bar"], dtype=object)[
        rng.integers(0, 3, int(keep.sum()))], "")
    cols["HAQAIDOS"] = add_trailing_spaces(spec.astype(object), mess.trailing_space, rng)
    for k, (code, _, _) in enumerate(HAQ_HELP):
        cols[code] = format_int(helps[keep, k])
    out["HAQ"] = cols

    keep, cols = page("VAS", "VASDAT")
    for (code, _), val in zip(VAS_ITEMS, (phga, pga, extm, cut)):
        cols[code] = format_fixed(val[keep], 1)
    out["VAS"] = cols
    for form, cols in out.items():
        assert list(cols) == form_def(form).column_names(), form
    return out
