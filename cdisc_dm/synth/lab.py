"""The lab transfer (lab/LAB.csv): one row per subject x visit x test, written in chunks.

Values are generated in each test's reference unit from per-subject baselines and the
disease course, then converted to the site's unit profile, rounded to the test's decimals,
and censored at the assay limits (``<0.50``, ``>3000``). Screening values agree with the
eligibility criteria of the IE form (creatinine clearance, bilirubin, hemoglobin, platelets,
hepatitis serology). The file is produced subject block by subject block so memory stays
flat at 10,000 subjects::

    >>> from cdisc_dm.synth.lab import BATTERIES_BY_KIND
    >>> BATTERIES_BY_KIND["screening"]
    ('CHEMISTRY', 'HEMATOLOGY', 'SEROLOGY')
"""
from __future__ import annotations

from typing import Iterator

import numpy as np

from .config import MessRates
from .design import SynthDesign
from .dictionary import ND_REASONS, form_def
from .disease import days_on_il2, expected_effect
from .lab_catalog import LAB_TESTS, UNIT_PROFILES, site_profile
from .population import Population
from .textfmt import format_datetime_vendor, format_fixed, format_int, join
from .visits import UNS, Visits

__all__ = ["LabBaseline", "draw_lab_baseline", "lab_chunks", "BATTERIES_BY_KIND", "CHUNK_SUBJECTS"]

CHUNK_SUBJECTS = 1000
BATTERIES_BY_KIND = {
    "screening": ("CHEMISTRY", "HEMATOLOGY", "SEROLOGY"),
    "immuno": ("CHEMISTRY", "HEMATOLOGY", "FLOW CYTOMETRY", "CYTOKINES"),
    "safety": ("CHEMISTRY", "HEMATOLOGY"),
}
_CODES = [t.code for t in LAB_TESTS]
_T = {c: i for i, c in enumerate(_CODES)}
_HGB_RANGE = {0: (130.0, 175.0), 1: (115.0, 150.0)}  # male, female (g/L)
_ENZ_SPREAD = {"CPK": 1.0, "ALDO": 0.55, "LDH": 0.35, "SGPT": 0.3, "SGOT": 0.4}


class LabBaseline:
    def __init__(self, **kw):
        self.__dict__.update(kw)


def draw_lab_baseline(design: SynthDesign, pop: Population, rng: np.random.Generator,
                      last_dose_sday: np.ndarray) -> LabBaseline:
    """``last_dose_sday``: study day of each subject's last dose (0 for screen failures)."""
    n = pop.n
    female = pop.sex == 1
    ck_ratio = np.exp(rng.normal(np.log(2.5), 0.9, n))
    enz = {c: 1 + (ck_ratio - 1) * k * np.exp(rng.normal(0, 0.2, n)) for c, k in _ENZ_SPREAD.items()}
    sexf = np.where(female, 0.85, 1.0)
    cg = (140 - pop.age) * pop.weight * sexf / 72.0  # Cockcroft-Gault numerator / 72, creatinine in mg/dL
    crea = np.clip(rng.normal(np.where(female, 60, 75), 12, n), 35, None)
    renal = pop.role(design, "RENAL")
    crea_fail = cg / rng.uniform(15, 29, n) * 88.4
    crea_ok_max = cg / 35.0 * 88.4
    crea = np.where(renal, crea_fail, np.minimum(crea, crea_ok_max))
    bili = np.exp(rng.normal(np.log(9.0), 0.35, n))
    bili = np.where(pop.role(design, "LIVER"), 20.5 * rng.uniform(1.3, 3.0, n), np.minimum(bili, 19.0))
    hgb = np.where(female, rng.normal(125, 11, n), rng.normal(140, 12, n))
    hgb = np.where(pop.role(design, "HGB"), rng.uniform(60, 79, n), np.maximum(hgb, 86))
    plt = np.clip(rng.normal(235, 60, n), 70, None)
    plt = np.where(pop.role(design, "PLT"), rng.uniform(20, 59, n), plt)
    hep = pop.role(design, "HEP")
    hbs = hep & (rng.random(n) < 0.7)
    hcv = hep & ~hbs
    return LabBaseline(
        last_dose_sday=last_dose_sday, enz=enz, crea=crea, cg=cg, bili=bili, hgb=hgb, plt=plt, hbs=hbs, hcv=hcv,
        wbc=np.exp(rng.normal(np.log(6.2), 0.25, n)), lymph=np.exp(rng.normal(np.log(1.25), 0.3, n)),
        cd3p=np.clip(rng.normal(68, 7, n), 45, 88), cd4p=np.clip(rng.normal(37, 6, n), 18, 55),
        cd8p=np.clip(rng.normal(25, 5, n), 10, 45), cd19p=np.clip(rng.normal(12, 4, n), 2, 25),
        tregp=np.clip(rng.normal(4.6, 1.1, n), 1.5, 9),
        cyto={"IL2": (np.log(0.9), 0.7), "IL6": (np.log(5.0), 0.6), "IL10": (np.log(2.0), 0.6),
              "IL17A": (np.log(3.0), 0.7), "IFNG": (np.log(3.0), 0.7), "TNFA": (np.log(5.5), 0.4)},
        cyto_subj={c: rng.normal(0, 1, n) for c in ("IL2", "IL6", "IL10", "IL17A", "IFNG", "TNFA")},
    )


def _values(design: SynthDesign, pop: Population, v: Visits, lb: LabBaseline, resp: np.ndarray,
            rng: np.random.Generator) -> np.ndarray:
    """Matrix (visit rows x tests) of values in the reference units."""
    s = v.subj
    n = len(s)
    out = np.full((n, len(_CODES)), np.nan)
    scr = v.vidx == design.i_scrn
    ol_day = int(design.days[design.i_ol])
    rand = pop.randomized[s]
    f = np.where(scr | ~rand, 0.0, np.minimum(0.95, resp[s] * expected_effect(pop.arm[s], v.sday, ol_day)))
    noise = lambda sd: np.exp(rng.normal(0, sd, n))  # noqa: E731
    for code, ratio in lb.enz.items():
        t = LAB_TESTS[_T[code]]
        out[:, _T[code]] = t.high * (1 + (ratio[s] - 1) * (1 - f)) * noise(0.12)
    out[:, _T["TBIL"]] = np.where(scr, lb.bili[s], lb.bili[s] * noise(0.15))
    crea = np.where(scr, lb.crea[s], lb.crea[s] * noise(0.06))
    out[:, _T["CREA"]] = crea
    out[:, _T["HGB"]] = np.where(scr, lb.hgb[s], np.maximum(lb.hgb[s] + rng.normal(0, 4, n), 70))
    out[:, _T["PLT"]] = np.where(scr, lb.plt[s], lb.plt[s] * noise(0.08))
    out[:, _T["WBC"]] = lb.wbc[s] * noise(0.12)
    # IL-2 expands lymphocytes modestly and regulatory T cells markedly (the study's rationale)
    last = lb.last_dose_sday[s]
    expo = np.where(rand, days_on_il2(pop.arm[s], v.sday, ol_day, last), 0)
    # the expansion builds up over about two weeks and wanes with the same time constant after the last dose
    boost = (1 - np.exp(-expo / 14.0)) * np.exp(-np.maximum(v.sday - last, 0) / 14.0)
    lymph = lb.lymph[s] * noise(0.1) * (1 + 0.15 * boost)
    out[:, _T["LYMPH"]] = lymph
    cells = lymph * 1000.0
    for code, pct in (("CD3", lb.cd3p), ("CD8", lb.cd8p), ("CD19", lb.cd19p)):
        p = np.clip(pct[s] + rng.normal(0, 1.5, n), 0.5, 95)
        out[:, _T[code + "P"]] = p
        out[:, _T[code]] = p / 100 * cells
    cd4p = np.clip(lb.cd4p[s] + rng.normal(0, 1.5, n), 5, 70)
    out[:, _T["CD4P"]] = cd4p
    cd4 = cd4p / 100 * cells
    out[:, _T["CD4"]] = cd4
    nkp = np.clip(100 - out[:, _T["CD3P"]] - out[:, _T["CD19P"]] - rng.uniform(1, 4, n), 1, 60)
    out[:, _T["NKP"]] = nkp
    out[:, _T["NK"]] = nkp / 100 * cells
    tregp = np.clip(lb.tregp[s] * (1 + 0.9 * boost) + rng.normal(0, 0.4, n), 0.5, 30)
    out[:, _T["TREGP"]] = tregp
    out[:, _T["TREG"]] = tregp / 100 * cd4
    for code, (mu, sd) in lb.cyto.items():
        shift = -0.5 * f if code in ("IL6", "IFNG") else 0.0
        out[:, _T[code]] = np.exp(mu + sd * lb.cyto_subj[code][s] + shift + rng.normal(0, 0.3, n))
    # creatinine clearance from the reported creatinine (mg/dL), as the lab calculates it
    out[:, _T["CRCL"]] = lb.cg[s] / (crea / 88.4)
    return out


def lab_chunks(design: SynthDesign, pop: Population, visits: Visits, lb: LabBaseline, resp: np.ndarray,
               seed_seq: list[int], mess: MessRates) -> Iterator[dict[str, np.ndarray]]:
    """Yield the LAB columns block by block (``CHUNK_SUBJECTS`` subjects at a time)."""
    att = visits.take(visits.attended)
    profiles = np.array([site_profile(i) for i in range(len(design.siteids))])
    batt = np.array([t.battery for t in LAB_TESTS])
    kind_mask = {k: np.isin(batt, b) for k, b in BATTERIES_BY_KIND.items()}
    folder_names = np.asarray([nm.upper() for nm in design.visit_names], dtype=object)
    bounds = np.searchsorted(att.subj, np.arange(0, pop.n + CHUNK_SUBJECTS, CHUNK_SUBJECTS))
    for chunk_no in range(len(bounds) - 1):
        a, b = bounds[chunk_no], bounds[chunk_no + 1]
        if a == b:
            continue
        rng = np.random.default_rng(seed_seq + [chunk_no])
        v = att.take(np.arange(a, b))
        yield _chunk(design, pop, v, lb, resp, rng, mess, profiles, kind_mask, folder_names)


def _range_table() -> dict[str, np.ndarray]:
    """Per (test, unit profile, sex) key: unit, decimals, converted range and assay limits, range text."""
    keys = []
    for j, t in enumerate(LAB_TESTS):
        for pi, prof in enumerate("ABC"):
            for sx in (0, 1):
                if t.lab == "LOCAL" and t.code in UNIT_PROFILES[prof]:
                    unit, factor, dec = UNIT_PROFILES[prof][t.code]
                else:
                    unit, factor, dec = t.unit, 1.0, t.decimals
                low, high = (t.low, t.high) if t.code != "HGB" else _HGB_RANGE[sx]
                keys.append((unit, factor, dec, np.nan if low is None else low, np.nan if high is None else high,
                             np.nan if t.lloq is None else t.lloq, np.nan if t.uloq is None else t.uloq, t.qualitative))
    unit, factor, dec, low, high, lloq, uloq, qual = (np.array(c) for c in zip(*keys))
    dec = dec.astype(np.int64)
    scale = 10.0 ** dec
    lowc = np.round(low * factor * scale) / scale
    highc = np.round(high * factor * scale) / scale
    return dict(unit=unit.astype(object), factor=factor.astype(float), dec=dec, lowc=lowc, highc=highc,
                lloq=lloq.astype(float), uloq=uloq.astype(float), qual=qual.astype(bool),
                lowt=format_fixed(lowc, dec), hight=format_fixed(highc, dec))


_RANGES = _range_table()


def _chunk(design, pop, v: Visits, lb, resp, rng, mess: MessRates, profiles, kind_mask, folder_names):
    n_v = len(v)
    vals = _values(design, pop, v, lb, resp, rng)
    scr = v.vidx == design.i_scrn
    immuno = (v.vidx >= 0) & design.immuno[np.maximum(v.vidx, 0)]
    want = np.where(scr[:, None], kind_mask["screening"][None, :],
                    np.where(immuno[:, None], kind_mask["immuno"][None, :], kind_mask["safety"][None, :]))
    vr, tc = np.nonzero(want)
    n = len(vr)
    s = v.subj[vr]
    x = vals[vr, tc]
    prof_idx = np.searchsorted(np.array(["A", "B", "C"]), profiles[pop.site[s]])
    key = (tc * 3 + prof_idx) * 2 + pop.sex[s]
    R = {k: a[key] for k, a in _RANGES.items()}
    dec = R["dec"]

    # convert, round to the reported precision, then compare with the converted range
    scale = 10.0 ** dec
    xc = np.round(x * R["factor"] * scale) / scale
    lloq, uloq, lowc, highc, qual = R["lloq"], R["uloq"], R["lowc"], R["highc"], R["qual"]
    below = np.isfinite(lloq) & (xc < lloq)
    above = np.isfinite(uloq) & (xc > uloq)
    result = format_fixed(xc, dec)
    result[below] = ("<" + format_fixed(lloq[below], dec[below]).astype(str)).astype(object)
    result[above] = (">" + format_int(uloq[above]).astype(str)).astype(object)
    flag = np.where(xc > highc, "H", np.where(xc < lowc, "L", "N")).astype(object)
    flag[below] = np.where(np.isfinite(lowc[below]) & (lloq[below] <= lowc[below]), "L", "N")
    flag[above] = "H"
    # serology: NEG/POS
    hbs = tc == _T["HBSAG"]
    hcv = tc == _T["HCVAB"]
    pos = (hbs & lb.hbs[s]) | (hcv & lb.hcv[s])
    result[qual] = np.where(pos[qual], "POS", "NEG")
    flag[qual] = np.where(pos[qual], "A", "N")

    # not done (after the baseline visits), then duplicated records
    after_base = ~scr[vr] & (v.vidx[vr] != design.i_d1)
    nd = after_base & (rng.random(n) < mess.lab_not_done)
    nd_reason = np.asarray(ND_REASONS, dtype=object)[rng.integers(0, len(ND_REASONS), n)]
    result[nd] = ""
    flag[nd] = ""
    notdone = np.where(nd, "Y", "").astype(object)
    ndr = np.where(nd, nd_reason, "").astype(object)

    # per visit row: collection time, visit name and accession numbers (local and central samples differ)
    minutes = 450 + 5 * rng.integers(0, 49, n_v)
    colldtm = format_datetime_vendor(v.day, minutes)
    acc = rng.integers(10**7, 10**8, size=(n_v, 2))
    acc_text = np.stack([join("L", acc[:, 0]), join("C", acc[:, 1])], axis=1).astype(object)
    central = _CENTRAL[tc]
    is_uns = v.vidx == UNS
    visit_name = np.where(is_uns, "UNSCHEDULED", folder_names[np.maximum(v.vidx, 0)]).astype(object)
    site_text = pop.siteid[s]
    local_ids = np.array(["LOC" + sid for sid in design.siteids], dtype=object)
    labid = np.where(central, "CENTRAL", local_ids[pop.site[s]]).astype(object)

    cols = {
        "PROTOCOL": np.full(n, design.studyid, dtype=object),
        "SITE": site_text,
        "SUBJECT": pop.subject[s],
        "VISIT": visit_name[vr],
        "VISITCD": v.folder[vr],
        "VISITSEQ": format_int(v.folder_seq)[vr],
        "ACCESSION": acc_text[vr, central.astype(np.int64)],
        "LABID": labid,
        "COLLDTM": colldtm[vr],
        "BATTERY": _BATTERY[tc],
        "TESTCD": _CODE_ARR[tc],
        "TESTNAME": _NAME[tc],
        "RESULT": result,
        "UNIT": R["unit"],
        "REFLOW": R["lowt"],
        "REFHIGH": R["hight"],
        "FLAG": flag,
        "SPECIMEN": _SPECIMEN[tc],
        "NOTDONE": notdone,
        "NDREASON": ndr,
    }
    dup = rng.random(n) < mess.lab_duplicate
    if dup.any():
        rep = np.where(dup, 2, 1)
        cols = {k: np.repeat(c, rep) for k, c in cols.items()}
    assert list(cols) == form_def("LAB").column_names()
    return cols


_CENTRAL = np.array([t.lab == "CENTRAL" for t in LAB_TESTS])
_BATTERY = np.array([t.battery for t in LAB_TESTS], dtype=object)
_CODE_ARR = np.array(_CODES, dtype=object)
_NAME = np.array([t.name for t in LAB_TESTS], dtype=object)
_SPECIMEN = np.array([t.specimen for t in LAB_TESTS], dtype=object)
