"""Who is screened, who fails which criterion, who is randomized to what, who stops early.

One array per subject attribute, in output order (site, then screening sequence). All
later generators read this object; nothing here writes text::

    >>> import numpy as np
    >>> from cdisc_dm.synth.design import design_from_study
    >>> from cdisc_dm.synth.population import build_population
    >>> pop = build_population(design_from_study("il2dm"), 60, np.random.default_rng(1))
    >>> int(pop.randomized.sum())
    60
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import TrialRates
from .design import SynthDesign, out_of_window_room
from .textfmt import join, to_days, zpad

__all__ = ["Population", "build_population", "DISC_REASONS", "LTFU", "WBS", "AE_REASON"]

# Discontinuation reasons (DS CRF text) and their probabilities on IL-2 / on placebo.
DISC_REASONS = np.array(["Adverse event", "Withdrawal by subject", "Lack of efficacy", "Lost to follow-up",
                         "Physician decision"], dtype=object)
_DISC_P = {0: [0.40, 0.28, 0.08, 0.14, 0.10], 1: [0.25, 0.28, 0.25, 0.12, 0.10]}
AE_REASON, WBS, LTFU = 0, 1, 3


@dataclass
class Population:
    n: int                       # screened
    site: np.ndarray             # index into design.siteids
    siteid: np.ndarray           # text
    subject: np.ndarray          # "SS-NNNN"
    scr_day: np.ndarray          # screening visit date (days since 1970)
    ic_day: np.ndarray           # informed consent date
    fails: np.ndarray            # bool (n, n_criteria): criterion not met
    randomized: np.ndarray       # bool
    rand_idx: np.ndarray         # positions of randomized subjects
    # per screened subject
    age: np.ndarray
    sex: np.ndarray              # 0 male, 1 female
    weight: np.ndarray           # kg, one decimal
    birth_day: np.ndarray
    skin_route: np.ndarray       # bool: enters on the cutaneous route of the active-disease definition
    # per screened subject, meaningful when randomized (else -1 / 0)
    d1_day: np.ndarray           # Day 1 = randomization = first dose (days since 1970)
    arm: np.ndarray              # 0 experimental (IL2), 1 placebo
    rand_seq: np.ndarray         # randomization sequence within site (1..)
    disc: np.ndarray             # bool: discontinued early
    disc_sday: np.ndarray        # study day of the last dose when discontinued, an odd (injection) day (else 0)
    disc_reason: np.ndarray      # index into DISC_REASONS (or -1)

    def role(self, design: SynthDesign, role: str) -> np.ndarray:
        """Bool per subject: fails the criterion playing ``role`` (see design.CRITERION_ROLES)."""
        return self.fails[:, design.crit_codes.index(design.role_code[role])]


def build_population(design: SynthDesign, n_randomized: int, rng: np.random.Generator,
                     rates: TrialRates = TrialRates()) -> Population:
    n_sites = len(design.siteids)
    # Sequential screening until N are randomized: the number of failures is negative binomial.
    n_fail = int(rng.negative_binomial(n_randomized, 1.0 - rates.screen_fail))
    n = n_randomized + n_fail
    failed_unsorted = np.zeros(n, bool)
    failed_unsorted[rng.choice(n, size=n_fail, replace=False)] = True

    start = int(to_days([rates.first_screening])[0])
    scr = start + np.sort(rng.integers(0, rates.enrolment_days, size=n))
    site_w = rng.dirichlet(np.full(n_sites, 6.0))
    site = rng.choice(n_sites, size=n, p=site_w)
    tie = rng.random(n)
    order = np.lexsort((tie, scr, site))
    site, scr, failed = site[order], scr[order], failed_unsorted[order]
    # screening sequence within site
    first = np.r_[0, np.flatnonzero(np.diff(site)) + 1]
    counts = np.diff(np.r_[first, n])
    seq = np.arange(n) - np.repeat(first, counts) + 1
    siteids = np.asarray(design.siteids, dtype=object)[site]
    subject = join(siteids.astype(str), "-", zpad(seq, 4)).astype(object)
    ic = scr - np.where(rng.random(n) < 0.3, rng.integers(1, 4, size=n), 0)

    # which criteria each screen failure fails: one by weight, a second one sometimes
    k = len(design.crit_codes)
    fails = np.zeros((n, k), bool)
    fidx = np.flatnonzero(failed)
    first_c = rng.choice(k, size=len(fidx), p=design.fail_weights)
    fails[fidx, first_c] = True
    second = rng.random(len(fidx)) < rates.second_failure
    second_c = rng.choice(k, size=len(fidx), p=design.fail_weights)
    fails[fidx[second], second_c[second]] = True

    # demographics; age agrees with the age criterion
    sex = (rng.random(n) < 0.70).astype(np.int64)  # dermatomyositis affects women about twice as often
    age = np.clip(np.rint(rng.normal(47, 13, n)), design.min_age, design.max_age).astype(np.int64)
    age_fail = fails[:, design.crit_codes.index(design.role_code["AGE"])]
    young = rng.random(n) < 0.3
    age = np.where(age_fail & young, design.min_age - rng.integers(1, 3, n), age)
    age = np.where(age_fail & ~young, design.max_age + rng.integers(1, 8, n), age)
    # birth date consistent with the age on the consent date
    birth = ic - (age * 36525) // 100 - rng.integers(1, 364, n)
    weight = np.round(np.where(sex == 1, rng.normal(58, 8, n), rng.normal(68, 9, n)).clip(38, 110), 1)
    skin = rng.random(n) < rates.skin_route

    # randomization: Day 1 within the screening window, permuted blocks per site
    randomized = ~failed
    rand_idx = np.flatnonzero(randomized)
    d1 = np.full(n, -1, dtype=np.int64)
    d1[rand_idx] = scr[rand_idx] + rng.integers(7, 28, size=len(rand_idx))
    arm = np.full(n, -1, dtype=np.int64)
    rand_seq = np.zeros(n, dtype=np.int64)
    r_order = rand_idx[np.lexsort((d1[rand_idx], site[rand_idx]))]
    r_site = site[r_order]
    r_first = np.r_[0, np.flatnonzero(np.diff(r_site)) + 1]
    r_counts = np.diff(np.r_[r_first, len(r_order)])
    rank = np.arange(len(r_order)) - np.repeat(r_first, r_counts)
    bs = rates.block_size
    block_id = np.repeat(np.cumsum(np.r_[0, (r_counts[:-1] + bs - 1) // bs]), r_counts) + rank // bs
    n_blocks = int(block_id.max()) + 1 if len(block_id) else 0
    blocks = np.argsort(rng.random((n_blocks, bs)), axis=1) % 2  # half 0 (IL2), half 1 (PBO)
    arm[r_order] = blocks[block_id, rank % bs]
    rand_seq[r_order] = rank + 1

    disc = np.zeros(n, bool)
    disc[rand_idx] = rng.random(len(rand_idx)) < rates.discontinuation
    # the last dose falls before the earliest possible end-of-treatment visit, counting an
    # out-of-window early one (visits.build_visits), so a subject who stops never reaches it
    i_eot = design.i_eot
    latest = int(design.days[i_eot] - design.win_before[i_eot] - out_of_window_room(design)[i_eot]) - 1
    disc_sday = np.where(disc, rng.integers(8, latest, size=n), 0)
    # the last dose is an injection day: injections fall on odd study days (docs/raw-export.md,
    # "The EX log"), so the drawn day moves back to the injection day on or before it
    disc_sday = np.where(disc, disc_sday - (disc_sday + 1) % 2, 0)
    u = rng.random(n)
    reason = np.full(n, -1, dtype=np.int64)
    for a, p in _DISC_P.items():
        sel = disc & (arm == a)
        reason[sel] = np.searchsorted(np.cumsum(p), u[sel] * np.sum(p), side="right")
    reason = np.minimum(reason, len(DISC_REASONS) - 1)

    return Population(
        n=n, site=site, siteid=siteids, subject=subject, scr_day=scr, ic_day=ic, fails=fails,
        randomized=randomized, rand_idx=rand_idx, age=age, sex=sex, weight=weight, birth_day=birth,
        skin_route=skin, d1_day=d1, arm=arm, rand_seq=rand_seq, disc=disc, disc_sday=disc_sday,
        disc_reason=reason,
    )
