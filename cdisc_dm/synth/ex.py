"""The EX log: one record per dispensing period of the every-other-day injections.

A period starts at an attended planned treatment visit (Day 1 .. the visit before the end of
treatment), where a kit is dispensed, and runs to the day before the next attended planned
treatment visit, or to the last dose of a subject who stops early. Injections keep one
every-other-day rhythm from Day 1 (study days 1, 3, 5, ...), so EXSTDAT is the first
injection day on or after the dispensing visit; the periods starting at or after the last
blinded visit are open-label. See docs/raw-export.md for why the log is not one row per injection::

    >>> from cdisc_dm.synth.ex import injections_planned
    >>> injections_planned(1, 14).tolist(), injections_planned(1, 15).tolist()
    (7, 8)
"""
from __future__ import annotations

import numpy as np

from .config import MessRates
from .crf_dates import crf_dates
from .design import SynthDesign
from .dictionary import form_def
from .edc_page import system_columns
from .population import Population
from .textfmt import add_trailing_spaces, choose_variants, format_int, zpad
from .variants import VARIANTS
from .visits import Visits

__all__ = ["build_ex", "injections_planned"]

_MISS_REASONS = np.array(["Forgot", "Travelling", "Adverse event", "Kit not available"], dtype=object)


def injections_planned(first_day, last_possible_day) -> np.ndarray:
    """Number of every-other-day injections from ``first_day`` up to ``last_possible_day`` inclusive."""
    return np.maximum((np.asarray(last_possible_day) - np.asarray(first_day)) // 2 + 1, 0)


def build_ex(design: SynthDesign, pop: Population, visits: Visits, rng: np.random.Generator, mess: MessRates,
             styles: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Returns the EX columns and, per screened subject, the kit number dispensed on Day 1 ('' if none)."""
    treat = visits.attended & (visits.vidx >= design.i_d1) & (visits.vidx <= design.i_eot)
    v = visits.take(treat)
    same_next = np.r_[v.subj[1:] == v.subj[:-1], False]
    next_sday = np.r_[v.sday[1:], 0]
    starts = v.vidx < design.i_eot
    end_sday = np.where(same_next, next_sday - 1, pop.disc_sday[v.subj])
    # a subject who stops early does not start a period after the last dose
    starts &= ~(pop.disc[v.subj] & (v.sday > pop.disc_sday[v.subj]))
    end_sday = np.where(pop.disc[v.subj], np.minimum(end_sday, pop.disc_sday[v.subj]), end_sday)
    # injections keep one every-other-day rhythm from Day 1 (odd study days); a period holds the
    # injection days between its dispensing visit and the day before the next one
    first_inj = v.sday + (v.sday + 1) % 2
    nplan_all = injections_planned(first_inj, end_sday)
    starts &= nplan_all >= 1
    p = v.take(starts)
    first_inj = first_inj[starts]
    nplan = nplan_all[starts]
    n = len(p)
    last_inj = first_inj + 2 * (nplan - 1)
    nmiss = rng.binomial(nplan, 0.04)
    kit = 100000 + rng.choice(900000, size=n, replace=False) if n <= 900000 else 100000 + rng.integers(0, 900000, n)
    site = pop.site[p.subj]
    d1 = pop.d1_day[p.subj]
    period = np.where(p.vidx < design.i_ol, "Double-blind", "Open-label").astype(object)
    loc = np.array(["Abdomen", "Thigh", "Upper arm"], dtype=object)[rng.integers(0, 3, n)]

    # one dispensing period per folder: PageRepeatNumber and RecordPosition are 1
    cols = system_columns("EX", design.studyid, pop, p.subj, p.folder, p.folder_seq, p.instance)
    cols["EXPER"] = choose_variants(period, VARIANTS["EXPER"], mess.text_variant, rng)
    cols["KITNO"] = zpad(kit, 6).astype(object)
    cols["EXSTDAT"] = crf_dates(d1 + first_inj - 1, site, styles, mess, rng)
    cols["EXENDAT"] = crf_dates(d1 + last_inj - 1, site, styles, mess, rng)
    cols["EXDOSE"] = np.full(n, "1", dtype=object)
    cols["EXDOSU"] = choose_variants(np.full(n, "MIU", dtype=object), VARIANTS["EXDOSU"], mess.text_variant, rng)
    cols["EXROUTE"] = choose_variants(np.full(n, "Subcutaneous", dtype=object), VARIANTS["EXROUTE"], mess.text_variant, rng)
    cols["EXFREQ"] = choose_variants(np.full(n, "QOD", dtype=object), VARIANTS["EXFREQ"], mess.text_variant, rng)
    cols["EXLOC"] = choose_variants(loc, VARIANTS["EXLOC"], mess.text_variant, rng)
    cols["EXNPLAN"] = format_int(nplan)
    cols["EXNMISS"] = format_int(nmiss)
    reason = np.where(nmiss > 0, _MISS_REASONS[rng.integers(0, len(_MISS_REASONS), n)], "").astype(object)
    cols["EXADJ"] = add_trailing_spaces(reason, mess.trailing_space, rng)
    assert list(cols) == form_def("EX").column_names()

    first_kit = np.full(pop.n, "", dtype=object)
    at_d1 = p.vidx == design.i_d1
    first_kit[p.subj[at_d1]] = cols["KITNO"][at_d1]
    return cols, first_kit
