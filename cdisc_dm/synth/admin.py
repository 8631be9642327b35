"""Administrative forms: IC, DM, IE, RAND, SV and DS.

    forms = build_admin_forms(design, pop, visits, first_kit, last_day, rng, MessRates(), styles)
    forms["IE"]["IETESTCD"][:3]     # the criteria each screen failure did not meet
"""
from __future__ import annotations

import numpy as np

from .config import MessRates
from .crf_dates import crf_dates
from .design import SynthDesign
from .dictionary import form_def
from .edc_page import LOG_FOLDER, LOG_INSTANCE, record_position, system_columns
from .population import DISC_REASONS, WBS, Population
from .textfmt import NO_DATE, add_trailing_spaces, choose_variants, format_fixed, format_int, zpad
from .variants import VARIANTS
from .visits import Visits

__all__ = ["build_admin_forms"]

_MISSED_REASONS = np.array(["Subject unable to attend", "Subject forgot the visit", "Travel restrictions"], dtype=object)


def build_admin_forms(design: SynthDesign, pop: Population, visits: Visits, first_kit: np.ndarray,
                      last_day: np.ndarray, rng: np.random.Generator, mess: MessRates,
                      styles: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    n = pop.n
    all_s = np.arange(n)
    scr_folder = design.folders[design.i_scrn]
    scr_name = design.visit_names[design.i_scrn]
    var = lambda values, key: choose_variants(np.asarray(values, dtype=object), VARIANTS[key], mess.text_variant, rng)  # noqa: E731
    out: dict[str, dict[str, np.ndarray]] = {}

    # IC
    cols = system_columns("IC", design.studyid, pop, all_s, scr_folder, 1, scr_name)
    cols["ICDAT"] = crf_dates(pop.ic_day, pop.site, styles, mess, rng)
    cols["PROTVER"] = np.full(n, design.protocol_version, dtype=object)
    out["IC"] = cols

    # DM
    cols = system_columns("DM", design.studyid, pop, all_s, scr_folder, 1, scr_name)
    cols["BRTHDAT"] = crf_dates(pop.birth_day, pop.site, styles, mess, rng, (mess.birth_partial_day, mess.birth_partial_month))
    cols["AGE"] = format_int(pop.age)
    female = pop.sex == 1
    cols["SEX"] = var(np.where(female, "Female", "Male"), "SEX")
    potential = female & (pop.age < 50) & (rng.random(n) < 0.8)
    childpot = np.where(female, np.where(potential, "Yes", "No"), "Not applicable")
    cols["CHILDPOT"] = var(childpot, "CHILDPOT")
    cols["ETHNIC"] = var(np.full(n, "Not Hispanic or Latino", dtype=object), "ETHNIC")
    other = rng.random(n) < 0.01
    cols["RACE"] = var(np.where(other, "Other", "Asian"), "RACE")
    cols["RACEOTH"] = add_trailing_spaces(np.where(other, "Mixed ancestry", "").astype(object), mess.trailing_space, rng)
    cols["WEIGHT"] = format_fixed(pop.weight, 1)
    out["DM"] = cols

    # IE: an eligible subject has one "Yes" record; a screen failure one record per criterion not met
    codes = np.asarray(design.crit_codes, dtype=object)
    texts = np.asarray(design.crit_texts, dtype=object)
    cats = np.where(np.asarray(design.crit_cats) == "INCLUSION", "Inclusion", "Exclusion").astype(object)
    nfail = pop.fails.sum(axis=1)
    rows_s = np.repeat(all_s, np.maximum(nfail, 1))
    fr, fc = np.nonzero(pop.fails)
    crit = np.full(len(rows_s), -1)
    # rows of failing subjects are in subject order, as np.nonzero returns them
    crit[np.repeat(nfail > 0, np.maximum(nfail, 1))] = fc
    has = crit >= 0
    cols = system_columns("IE", design.studyid, pop, rows_s, scr_folder, 1, scr_name, record=record_position(rows_s))
    cols["IEYN"] = var(np.where(has, "No", "Yes"), "YN")
    cols["IECAT"] = var(np.where(has, cats[np.maximum(crit, 0)], ""), "IECAT")
    cols["IETESTCD"] = np.where(has, codes[np.maximum(crit, 0)], "").astype(object)
    cols["IETEST"] = np.where(has, texts[np.maximum(crit, 0)], "").astype(object)
    out["IE"] = cols

    # RAND
    r = pop.rand_idx
    cols = system_columns("RAND", design.studyid, pop, r, design.folders[design.i_d1], 1, design.visit_names[design.i_d1])
    cols["RANDDAT"] = crf_dates(pop.d1_day[r], pop.site[r], styles, mess, rng)
    cols["RANDNO"] = (pop.siteid[r].astype(str) + zpad(pop.rand_seq[r], 3)).astype(object)
    cols["KITNO"] = first_kit[r]
    cols["RANDCODE"] = np.where(pop.arm[r] == 0, "A", "B").astype(object)
    cols["ARMCD"] = np.asarray(design.armcds, dtype=object)[pop.arm[r]]
    out["RAND"] = cols

    # SV
    v = visits
    cols = system_columns("SV", design.studyid, pop, v.subj, v.folder, v.folder_seq, v.instance)
    cols["VISYN"] = var(np.where(v.attended, "Yes", "No"), "YN")
    cols["VISDAT"] = crf_dates(np.where(v.attended, v.day, NO_DATE), pop.site[v.subj], styles, mess, rng)
    why = _MISSED_REASONS[rng.integers(0, len(_MISSED_REASONS), len(v))]
    cols["VISNDRS"] = add_trailing_spaces(np.where(v.attended, "", why).astype(object), mess.trailing_space, rng)
    out["SV"] = cols

    out["DS"] = _disposition(design, pop, visits, last_day, rng, mess, styles, var)
    for form, c in out.items():
        assert list(c) == form_def(form).column_names(), form
    return out


def _visit_day(design: SynthDesign, pop: Population, visits: Visits, vidx: int) -> np.ndarray:
    """Date of planned visit ``vidx`` per screened subject (NO_DATE if not attended)."""
    day = np.full(pop.n, NO_DATE, dtype=np.int64)
    sel = (visits.vidx == vidx) & visits.attended
    day[visits.subj[sel]] = visits.day[sel]
    return day


def _disposition(design, pop, visits, last_day, rng, mess, styles, var):
    """One record per period entered: Screening, Double-blind treatment, Open-label treatment, Study."""
    n = pop.n
    rand = pop.randomized
    d_ol = _visit_day(design, pop, visits, design.i_ol)
    d_eot = _visit_day(design, pop, visits, design.i_eot)
    disc_date = pop.d1_day + pop.disc_sday - 1
    # the open-label period starts at the actual (not the target) last blinded visit: a subject
    # who stops before attending it stops in the blinded period (no open-label EX record), one
    # who attended it has open-label doses (the last dose is an injection day on or after it)
    disc_blind = pop.disc & (d_ol == NO_DATE)
    consent_fail = pop.role(design, "CONSENT")

    per, subj, stat, reas, date = [], [], [], [], []

    def add(mask, period, status, reason, day):
        idx = np.flatnonzero(mask)
        subj.append(idx); per.append(np.full(len(idx), period))
        stat.append(np.broadcast_to(np.asarray(status, dtype=object), (n,))[idx])
        reas.append(np.broadcast_to(np.asarray(reason, dtype=object), (n,))[idx])
        date.append(np.broadcast_to(np.asarray(day, dtype=np.int64), (n,))[idx])

    reason_text = np.where(pop.disc, DISC_REASONS[np.maximum(pop.disc_reason, 0)], "").astype(object)
    add(np.ones(n, bool), 0, np.where(rand, "Completed", "Screen failure"),
        np.where(rand, "", np.where(consent_fail, DISC_REASONS[WBS], "Did not meet eligibility criteria")),
        np.where(rand, pop.d1_day, pop.scr_day))
    add(rand, 1, np.where(disc_blind, "Discontinued", "Completed"), np.where(disc_blind, reason_text, ""),
        np.where(disc_blind, disc_date, d_ol))
    add(rand & ~disc_blind, 2, np.where(pop.disc, "Discontinued", "Completed"), np.where(pop.disc, reason_text, ""),
        np.where(pop.disc, disc_date, d_eot))
    add(rand, 3, np.where(pop.disc, "Discontinued", "Completed"), np.where(pop.disc, reason_text, ""), last_day)
    subj, per, stat, reas, date = (np.concatenate(a) for a in (subj, per, stat, reas, date))
    order = np.lexsort((per, subj))
    subj, per, stat, reas, date = (a[order] for a in (subj, per, stat, reas, date))
    m = len(subj)
    cols = system_columns("DS", design.studyid, pop, subj, LOG_FOLDER, 1, LOG_INSTANCE, record=record_position(subj))
    cols["DSPER"] = np.array(["Screening", "Double-blind treatment", "Open-label treatment", "Study"], dtype=object)[per]
    cols["DSSTAT"] = var(stat, "DSSTAT")
    cols["DSREAS"] = var(reas, "DSREAS")
    spec = np.where(reas == "Physician decision", "Disease flare needing rescue therapy", "").astype(object)
    cols["DSREASSP"] = add_trailing_spaces(spec, mess.trailing_space, rng)
    cols["DSDAT"] = crf_dates(date, pop.site[subj], styles, mess, rng)
    return cols
