"""Benchmark: trial design datasets, SE derivation and EPOCH assignment at scale.

    python benchmarks/bench_trial_design.py --subjects 240 1000 10000

Per subject: one DM record, one EX record per dose (every other day for 24 weeks: 84
doses) and 200 findings records (10 visits x 20 tests). Prints rows/s of the work (building
the input frames is not timed) and the peak RSS of a fresh process per size.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import measure  # noqa: E402


def _frames(n: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(1)
    subjects = np.array([f"{i % 10 + 1:02d}-{i:05d}" for i in range(n)])
    consent = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    first = consent + pd.to_timedelta(rng.integers(7, 28, n), unit="D")
    arm = np.where(rng.random(n) < 0.5, "IL2", "PBO")
    dm = pd.DataFrame({"USUBJID": subjects, "RFICDTC": consent.strftime("%Y-%m-%d"),
                       "RFSTDTC": first.strftime("%Y-%m-%d"), "ARMCD": arm, "ACTARMCD": arm,
                       "RFPENDTC": (first + pd.Timedelta(days=196)).strftime("%Y-%m-%d")})
    dose = np.arange(84)
    subj = np.repeat(subjects, 84)
    day = np.tile(dose * 2, n)
    start = np.repeat(first.to_numpy(), 84) + pd.to_timedelta(day, unit="D").to_numpy()
    blinded = day < 84
    trt = np.where(blinded & (np.repeat(arm, 84) == "PBO"), "PLACEBO", "INTERLEUKIN-2")
    dates = pd.DatetimeIndex(start).strftime("%Y-%m-%d")
    ex = pd.DataFrame({"USUBJID": subj, "EXTRT": trt, "EXCAT": np.where(blinded, "BLINDED", "OPEN LABEL"),
                       "EXSTDTC": dates, "EXENDTC": dates})
    ds = pd.DataFrame({"USUBJID": subjects, "DSCAT": "DISPOSITION EVENT", "DSSTDTC": dm["RFPENDTC"]})
    visit_days = np.array([-5, 0, 14, 28, 56, 84, 112, 140, 168, 196])
    lb_days = np.tile(np.repeat(visit_days, 20), n)
    lb_dates = np.repeat(first.to_numpy(), 200) + pd.to_timedelta(lb_days, unit="D").to_numpy()
    lb = pd.DataFrame({"USUBJID": np.repeat(subjects, 200), "LBDTC": pd.DatetimeIndex(lb_dates).strftime("%Y-%m-%d")})
    return dm, ex, ds, lb


def run(n: int) -> tuple[int, int, float]:
    import time

    from cdisc_dm.sdtm.epoch import derive_epoch
    from cdisc_dm.sdtm.se import build_se
    from cdisc_dm.sdtm.trial_design import build_trial_design
    from cdisc_dm.study import load_study

    study = load_study("il2dm")
    dm, ex, ds, lb = _frames(n)
    start = time.perf_counter()  # the input frames are not part of the measured work
    build_trial_design(study, dm=dm)
    se = build_se(dm, ex, ds, study).data
    epochs = derive_epoch(lb, "LBDTC", se)
    seconds = time.perf_counter() - start
    assert epochs.notna().all()
    return len(ex) + len(dm), len(lb), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, nargs="+", default=[240, 1000, 10000])
    args = parser.parse_args()
    for n in args.subjects:
        _, peak_mb, (se_rows, lb_rows, seconds) = measure(run, n)
        print(f"{n:>6} subjects: SE from {se_rows:,} DM+EX rows and EPOCH of {lb_rows:,} records in {seconds:.2f} s "
              f"({(se_rows + lb_rows) / seconds:,.0f} rows/s), peak RSS {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
