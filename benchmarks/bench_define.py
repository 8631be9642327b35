"""Benchmark Define-XML generation, the define-vs-data check and the HTML view.

    python benchmarks/bench_define.py --subjects 240 1000 10000

Per size, a fresh process builds an SDTM-shaped package (DM: one row per subject; LB: 8 tests
x 6 visits per subject with value-level metadata per test code; AE: about 3 per subject), then
times build_define + write_define, check_define_against_data and render_define_html. Rows/s
count the data rows the define describes (the work grows with them: types, lengths and the
codelist terms in use are read from the values). Peak RSS is the process's, data included.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import measure  # noqa: E402

CREATED = datetime(2026, 1, 1, 0, 0, 0)
TESTS = ["ALT", "AST", "CK", "LDH", "CRP", "ALB", "CREAT", "GLUC"]


def _package(subjects: int, seed: int = 1):
    from cdisc_dm.dataset import Package, ValueLevel
    from cdisc_dm.standards import build_dataset

    rng = np.random.default_rng(seed)
    sid = "IL2DM-PKU-301"
    usub = np.array([f"{sid}-{i // 100 + 1:02d}-{i:04d}" for i in range(subjects)], dtype=object)
    text = lambda values: pd.Series(values, dtype=object)  # noqa: E731
    dm = build_dataset("DM", pd.DataFrame({
        "STUDYID": text([sid] * subjects), "DOMAIN": text(["DM"] * subjects), "USUBJID": text(usub),
        "AGE": rng.integers(18, 76, subjects).astype(float), "SEX": text(rng.choice(["F", "M"], subjects)),
    }), overrides={"AGE": {"origin": "Derived", "method": "Age at informed consent"},
                   "SEX": {"origin": "Collected", "source": "DM.SEX"}})
    n = subjects * len(TESTS) * 6
    test = np.tile(np.repeat(np.array(TESTS, dtype=object), 6), subjects)
    lb = build_dataset("LB", pd.DataFrame({
        "STUDYID": text([sid] * n), "DOMAIN": text(["LB"] * n), "USUBJID": text(np.repeat(usub, len(TESTS) * 6)),
        "LBSEQ": np.tile(np.arange(1, len(TESTS) * 6 + 1), subjects).astype(float), "LBTESTCD": text(test),
        "LBORRES": text(np.round(rng.gamma(2.0, 30.0, n), 1).astype(str)),
        "LBSTRESN": np.round(rng.gamma(2.0, 30.0, n), 1),
        "LBDTC": text((pd.Timestamp("2026-03-01") + pd.to_timedelta(rng.integers(0, 400, n), unit="D")).strftime("%Y-%m-%d")),
    }), overrides={"LBTESTCD": {"codelist": "LBTESTCD", "origin": "Collected", "source": "LAB.TESTCD"},
                   "LBORRES": {"origin": "Collected", "source": "LAB.RESULT", "value_level": tuple(
                       ValueLevel(where={"LBTESTCD": (t,)}, type="float") for t in TESTS)},
                   "LBSEQ": {"origin": "Derived", "method": "Sequence within subject"},
                   "LBSTRESN": {"origin": "Derived", "method": "LBORRES as a number"}})
    k = subjects * 3
    ae = build_dataset("AE", pd.DataFrame({
        "STUDYID": text([sid] * k), "DOMAIN": text(["AE"] * k), "USUBJID": text(np.repeat(usub, 3)),
        "AESEQ": np.tile([1.0, 2.0, 3.0], subjects), "AETERM": text(rng.choice(["Headache", "Nausea", "Rash"], k)),
        "AEDECOD": text(rng.choice(["Headache", "Nausea", "Rash"], k)),
        "AESEV": text(rng.choice(["MILD", "MODERATE", "SEVERE"], k)),
    }), overrides={"AESEQ": {"origin": "Derived", "method": "Sequence within subject"}})
    pkg = Package(standard="SDTMIG 3.4")
    for ds in (dm, lb, ae):
        pkg.add(ds)
    return pkg


def run_once(subjects: int) -> dict:
    from cdisc_dm.io.define import build_define, write_define
    from cdisc_dm.io.define_check import check_define_against_data
    from cdisc_dm.io.define_html import render_define_html
    from cdisc_dm.standards import load_ct

    pkg = _package(subjects)
    ct = load_ct()
    rows = sum(len(ds.data) for ds in pkg)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        path = write_define(build_define(pkg, study={"studyid": "IL2DM-PKU-301"}, ct=ct, created=CREATED),
                            Path(tmp) / "define.xml")
        t1 = time.perf_counter()
        report = check_define_against_data(path, pkg, ct=ct)
        t2 = time.perf_counter()
        render_define_html(path, Path(tmp) / "define.html")
        t3 = time.perf_counter()
    return {"rows": rows, "build": t1 - t0, "check": t2 - t1, "html": t3 - t2, "issues": len(report)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, nargs="+", default=[240, 1000, 10000])
    args = parser.parse_args()
    print(f"{'subjects':>8} {'rows':>9} {'build s':>8} {'rows/s':>10} {'check s':>8} {'rows/s':>10} {'html s':>7} {'peak MB':>8}")
    for n in args.subjects:
        _, peak, r = measure(run_once, n)
        print(f"{n:>8} {r['rows']:>9} {r['build']:>8.2f} {r['rows'] / r['build']:>10,.0f} {r['check']:>8.2f} "
              f"{r['rows'] / r['check']:>10,.0f} {r['html']:>7.2f} {peak:>8.0f}")


if __name__ == "__main__":
    main()
