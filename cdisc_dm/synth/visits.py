"""The visits each subject actually had: planned (in or out of window, or missed) and unscheduled.

One row per subject x visit, sorted by subject, then date (a missed visit sorts at its
target date), which is the order every visit-based form is written in::

    >>> import numpy as np
    >>> from cdisc_dm.synth.design import design_from_study
    >>> from cdisc_dm.synth.population import build_population
    >>> from cdisc_dm.synth.visits import build_visits
    >>> d = design_from_study("il2dm"); pop = build_population(d, 40, np.random.default_rng(1))
    >>> v = build_visits(d, pop, np.random.default_rng(2))
    >>> bool((v.folder[v.vidx == d.i_scrn] == "SCRN").all())
    True
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import MessRates
from .design import SynthDesign, out_of_window_room
from .population import LTFU, WBS, Population

__all__ = ["Visits", "build_visits", "UNS"]

UNS = -1  # vidx of an unscheduled visit


@dataclass
class Visits:
    subj: np.ndarray        # index into the population
    vidx: np.ndarray        # planned visit index into design.folders, or UNS
    folder: np.ndarray      # folder OID text
    folder_seq: np.ndarray  # 1, or 1..n for unscheduled visits
    instance: np.ndarray    # EDC instance name
    day: np.ndarray         # date (days since 1970): actual, or target when missed
    sday: np.ndarray        # study day (Day 1 = 1); screening visits of screen failures: days before their would-be Day 1 are negative
    attended: np.ndarray    # bool: False = missed (SV VISYN=No)
    out_window: np.ndarray  # bool: attended outside the study.yaml window

    def __len__(self) -> int:
        return len(self.subj)

    def take(self, mask: np.ndarray) -> "Visits":
        return Visits(**{k: getattr(self, k)[mask] for k in self.__dataclass_fields__})


def build_visits(design: SynthDesign, pop: Population, rng: np.random.Generator,
                 mess: MessRates = MessRates()) -> Visits:
    folders = np.asarray(design.folders, dtype=object)
    names = np.asarray(design.visit_names, dtype=object)
    n_v = len(folders)
    r = pop.rand_idx
    nr = len(r)

    # screening visit of everyone
    s_subj = np.arange(pop.n)
    s_day = pop.scr_day
    s_sday = np.where(pop.randomized, pop.scr_day - pop.d1_day + 1, -27)

    # planned visits D1 .. FU of randomized subjects: a matrix nr x n_v
    days = design.days
    w_b, w_a = design.win_before, design.win_after
    room = out_of_window_room(design)
    offs = np.rint(rng.normal(0, np.maximum(1, (w_b + w_a) / 4), size=(nr, n_v))).astype(np.int64)
    offs = np.clip(offs, -w_b, w_a)
    oow = rng.random((nr, n_v)) < mess.out_of_window
    late = rng.random((nr, n_v)) < 0.6
    extra = 1 + np.floor(rng.random((nr, n_v)) * room).astype(np.int64)
    oow_off = np.where(late, w_a + extra, -(w_b + extra))
    eligible_oow = np.arange(n_v) > design.i_d1
    oow &= eligible_oow
    sday = days + np.where(oow, oow_off, offs)
    sday[:, design.i_d1] = 1
    missed = (rng.random((nr, n_v)) < mess.missed_visit) & design.missable

    treat_cols = (np.arange(n_v) >= design.i_d1) & (np.arange(n_v) <= design.i_eot)
    keep = np.zeros((nr, n_v), bool)
    keep[:, treat_cols] = True
    disc = pop.disc[r]
    dday = pop.disc_sday[r]
    # a subject who stops early has no planned treatment visit after the last dose
    keep &= ~(disc[:, None] & (sday > dday[:, None]) & treat_cols[None, :])
    fu = design.i_fu
    reason = pop.disc_reason[r]
    goes_fu = ~disc | ((reason != LTFU) & (reason != WBS))
    keep[:, fu] = goes_fu
    fu_after_disc = dday + 28 + rng.integers(-3, 4, size=nr)
    sday[:, fu] = np.where(disc, fu_after_disc, sday[:, fu])
    # visits before Day 1 other than screening do not exist in this schedule
    keep[:, :design.i_d1] = False
    oow &= keep & ~missed
    # a missed visit has no date; it sorts at its target day
    sday_sort = np.where(missed, days, sday)

    rows, cols = np.nonzero(keep)
    p_subj = r[rows]
    p_vidx = cols
    p_sday = sday_sort[rows, cols]
    p_att = ~missed[rows, cols]
    p_oow = oow[rows, cols]

    # unscheduled visits: Poisson count per randomized subject, at a day between Day 2 and last contact
    last_sday = np.where(disc, dday, days[design.i_eot])
    n_uns = rng.poisson(mess.unscheduled_mean, size=nr)
    u_rows = np.repeat(np.arange(nr), n_uns)
    u_sday = 2 + np.floor(rng.random(len(u_rows)) * np.maximum(1, last_sday[u_rows] - 2)).astype(np.int64)
    o = np.lexsort((u_sday, u_rows))
    u_rows, u_sday = u_rows[o], u_sday[o]
    u_first = np.r_[0, np.flatnonzero(np.diff(u_rows)) + 1] if len(u_rows) else np.zeros(0, np.int64)
    u_seq = np.arange(len(u_rows)) - np.repeat(u_first, np.diff(np.r_[u_first, len(u_rows)])) + 1

    subj = np.concatenate([s_subj, p_subj, r[u_rows]])
    vidx = np.concatenate([np.full(pop.n, design.i_scrn), p_vidx, np.full(len(u_rows), UNS)])
    sdays = np.concatenate([s_sday, p_sday, u_sday])
    attended = np.concatenate([np.ones(pop.n, bool), p_att, np.ones(len(u_rows), bool)])
    out_w = np.concatenate([np.zeros(pop.n, bool), p_oow, np.zeros(len(u_rows), bool)])
    fseq = np.concatenate([np.ones(pop.n, np.int64), np.ones(len(p_subj), np.int64), u_seq])
    abs_day = np.where(vidx == design.i_scrn, pop.scr_day[subj], pop.d1_day[subj] + sdays - 1)

    # sort: subject, study day, planned before unscheduled on the same day, visit number
    order = np.lexsort((fseq, vidx, vidx == UNS, sdays, subj))
    subj, vidx, sdays, attended, out_w, fseq, abs_day = (a[order] for a in (subj, vidx, sdays, attended, out_w, fseq, abs_day))
    is_uns = vidx == UNS
    folder = np.where(is_uns, "UNS", folders[np.maximum(vidx, 0)]).astype(object)
    instance = names[np.maximum(vidx, 0)].copy()
    instance[is_uns] = ("Unscheduled (" + fseq[is_uns].astype(str).astype(object) + ")")
    return Visits(subj=subj, vidx=vidx, folder=folder, folder_seq=fseq, instance=instance.astype(object),
                  day=abs_day, sday=sdays, attended=attended, out_window=out_w)
