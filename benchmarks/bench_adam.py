"""Benchmark: the BDS core of the ADaM library at scale.

    python benchmarks/bench_adam.py --subjects 240 1000 10000

Per subject: 30 parameters x 12 scheduled visits (one screening and one day-1 pre-dose visit, ten
post-dose visits) plus one unscheduled re-test per parameter that lands in a window next to a
scheduled one, i.e. 390 records. The timed work runs, in order: TRTSDT merge from ADSL, ADY,
ABLFL, BASE, CHG, PCHG, ANRIND, BNRIND, analysis windows (AVISIT/AWTDIFF) and ANL01FL. Building the
input frames is not timed. Prints rows/s of the work and the peak RSS of a fresh process per size.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import measure  # noqa: E402

N_PARAMS = 30
VISIT_DAYS = np.array([-14, 1, 15, 29, 43, 57, 85, 113, 141, 169, 197, 225])


def windows() -> pd.DataFrame:
    """Windows around the scheduled days, touching but not overlapping."""
    targets = VISIT_DAYS[1:]
    lo = np.r_[-35, (targets[:-1] + targets[1:]) // 2 + 1][: len(targets)]
    lo[1] = 2
    hi = np.r_[lo[1:] - 1, 260]
    hi[0] = 1
    return pd.DataFrame({"AVISIT": ["Baseline"] + [f"Week {(d - 1) // 7}" for d in targets[1:]],
                         "AVISITN": [0] + [(d - 1) // 7 for d in targets[1:]],
                         "AWTARGET": targets, "AWLO": lo, "AWHI": hi})


def _frames(n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(7)
    subjects = np.array([f"{i % 10 + 1:02d}-{i:05d}" for i in range(n)])
    first = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    adsl = pd.DataFrame({"USUBJID": subjects, "TRTSDT": first})
    params = np.array([f"P{j:02d}" for j in range(N_PARAMS)])
    per_subject = N_PARAMS * (len(VISIT_DAYS) + 1)
    unsched_days = rng.integers(2, 200, (n, N_PARAMS))
    day = np.concatenate([np.tile(np.repeat(VISIT_DAYS, N_PARAMS), n).reshape(n, -1), unsched_days], axis=1).ravel()
    param = np.tile(np.r_[np.tile(params, len(VISIT_DAYS)), params], n)
    subj = np.repeat(subjects, per_subject)
    offset = np.where(day > 0, day - 1, day)
    adt = np.repeat(first.to_numpy(), per_subject) + pd.to_timedelta(offset, unit="D").to_numpy()
    aval = rng.normal(100, 20, len(day)).round(1)
    aval[rng.random(len(day)) < 0.02] = np.nan
    bds = pd.DataFrame({"USUBJID": subj, "PARAMCD": param, "ADT": adt, "AVAL": aval,
                        "ANRLO": 70.0, "ANRHI": 130.0, "SEQ": np.tile(np.arange(per_subject), n)})
    return bds, adsl


def run(n: int) -> tuple[int, float]:
    import time

    from cdisc_dm.adam.derivations import (
        derive_var_ablfl, derive_var_anl01fl, derive_var_anrind, derive_var_base, derive_var_chg, derive_var_pchg,
        derive_vars_avisit, derive_vars_dy, derive_vars_merged,
    )

    bds, adsl = _frames(n)
    w = windows()
    start = time.perf_counter()
    d = derive_vars_merged(bds, adsl, "USUBJID", new_vars=["TRTSDT"])
    d = derive_vars_dy(d, ["ADT"])
    d = derive_var_ablfl(d, order=["ADT", "SEQ"])
    d = derive_var_base(d)
    d = derive_var_chg(d)
    d = derive_var_pchg(d)
    d = derive_var_anrind(d)
    d = derive_var_base(d, new_var="BNRIND", source_var="ANRIND")
    d = derive_vars_avisit(d, w)
    d = derive_var_anl01fl(d, order=["SEQ"])
    seconds = time.perf_counter() - start
    assert d["ANL01FL"].eq("Y").sum() <= n * N_PARAMS * len(w)
    return len(d), seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, nargs="+", default=[240, 1000, 10000])
    args = parser.parse_args(argv)
    print(f"{'subjects':>9} {'records':>10} {'seconds':>8} {'rows/s':>10} {'peak RSS MB':>12}")
    for n in args.subjects:
        _, peak_mb, (rows, seconds) = measure(run, n)
        print(f"{n:>9} {rows:>10} {seconds:>8.2f} {rows / seconds:>10,.0f} {peak_mb:>12.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
