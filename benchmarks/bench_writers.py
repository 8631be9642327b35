"""Benchmark the output writers on a synthetic LB-like dataset (24 columns).

    python benchmarks/bench_writers.py --rows 10000 100000 1000000 [--skip-pyreadstat]

For each size and writer, a fresh process builds the frame, then times the write alone
(wall and CPU seconds; on a shared machine CPU seconds are the stable figure); the peak
RSS is that process's (frame + writer) -- the "(frame only)" row is the baseline. pyreadstat's own ``write_xport`` is
timed for comparison (DESIGN.md measured it at about 34,000 rows/s).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import measure  # noqa: E402

from cdisc_dm.dataset import Dataset, Variable  # noqa: E402

CREATED = datetime(2026, 1, 1, 0, 0, 0)
TESTS = [
    ("ALT", "Alanine Aminotransferase", "CHEMISTRY", "U/L", 7.0, 56.0),
    ("AST", "Aspartate Aminotransferase", "CHEMISTRY", "U/L", 10.0, 40.0),
    ("CK", "Creatine Kinase", "CHEMISTRY", "U/L", 22.0, 198.0),
    ("LDH", "Lactate Dehydrogenase", "CHEMISTRY", "U/L", 140.0, 280.0),
    ("HGB", "Hemoglobin", "HEMATOLOGY", "g/L", 120.0, 170.0),
    ("WBC", "Leukocytes", "HEMATOLOGY", "10^9/L", 4.0, 11.0),
    ("CRP", "C Reactive Protein", "CHEMISTRY", "mg/L", 0.0, 10.0),
    ("TREGS", "Regulatory T Cells", "IMMUNOLOGY", "%", 4.0, 10.0),
]
VISITS = [(1.0, "SCREENING", "SCREENING"), (2.0, "DAY 1", "BLINDED TREATMENT"), (3.0, "WEEK 2", "BLINDED TREATMENT"),
          (4.0, "WEEK 4", "BLINDED TREATMENT"), (5.0, "WEEK 12", "OPEN LABEL TREATMENT"), (6.0, "FOLLOW-UP", "FOLLOW-UP")]


def lb_like(rows: int, seed: int = 1) -> Dataset:
    """A 24-column LB-shaped dataset with realistic strings, numbers and missing values."""
    rng = np.random.default_rng(seed)
    subj = rng.integers(1, 10_001, rows)
    test = rng.integers(0, len(TESTS), rows)
    visit = rng.integers(0, len(VISITS), rows)
    pick = lambda items, idx, k: pd.array(np.array([t[k] for t in items], dtype=object)[idx], dtype="str")  # noqa: E731
    value = np.round(rng.gamma(2.0, 30.0, rows), 1)
    missing = rng.random(rows) < 0.03
    value[missing] = np.nan
    lo = np.array([t[4] for t in TESTS])[test]
    hi = np.array([t[5] for t in TESTS])[test]
    orres = pd.array(np.where(missing, None, value.astype(str)).astype(object), dtype="str")
    nrind = np.where(missing, None, np.where(value < lo, "LOW", np.where(value > hi, "HIGH", "NORMAL")))
    days = rng.integers(-28, 400, rows)
    dtc = (pd.Timestamp("2026-03-01") + pd.to_timedelta(days, unit="D")).strftime("%Y-%m-%d")
    frame = pd.DataFrame({
        "STUDYID": pd.array(["IL2DM-PKU-301"] * rows, dtype="str"),
        "DOMAIN": pd.array(["LB"] * rows, dtype="str"),
        "USUBJID": pd.array(np.char.add("IL2DM-PKU-301-01-", np.char.zfill(subj.astype(str), 5)), dtype="str"),
        "LBSEQ": np.arange(1, rows + 1, dtype=np.float64),
        "LBTESTCD": pick(TESTS, test, 0),
        "LBTEST": pick(TESTS, test, 1),
        "LBCAT": pick(TESTS, test, 2),
        "LBORRES": orres,
        "LBORRESU": pick(TESTS, test, 3),
        "LBORNRLO": pd.array(lo.astype(str), dtype="str"),
        "LBORNRHI": pd.array(hi.astype(str), dtype="str"),
        "LBSTRESC": orres,
        "LBSTRESN": value,
        "LBSTRESU": pick(TESTS, test, 3),
        "LBSTNRLO": lo,
        "LBSTNRHI": hi,
        "LBNRIND": pd.array(nrind.astype(object), dtype="str"),
        "LBSPEC": pd.array(np.where(test < 4, "SERUM", "BLOOD").astype(object), dtype="str"),
        "VISITNUM": np.array([v[0] for v in VISITS])[visit],
        "VISIT": pick(VISITS, visit, 1),
        "EPOCH": pick(VISITS, visit, 2),
        "LBDTC": pd.array(np.asarray(dtc, dtype=object), dtype="str"),
        "LBDY": np.where(days >= 0, days + 1, days).astype(np.float64),
        "LBBLFL": pd.array(np.where(visit == 1, "Y", None).astype(object), dtype="str"),
    })
    variables = [Variable(c, c.title()[:40], "Num" if frame[c].dtype.kind == "f" else "Char") for c in frame.columns]
    return Dataset("LB", "Laboratory Test Results", frame, variables)


def _run(writer: str, rows: int, folder: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one write; CPU time is what to compare on a busy machine."""
    ds = lb_like(rows)
    path = Path(folder) / f"lb_{writer}_{rows}"
    start, cpu_start = time.perf_counter(), time.process_time()
    if writer == "(frame only)":
        pass  # baseline: the peak RSS of building the frame, to subtract from the writers' figures
    elif writer == "write_xpt":
        from cdisc_dm.io import write_xpt

        write_xpt(ds, path.with_suffix(".xpt"), creation_datetime=CREATED)
    elif writer == "pyreadstat.write_xport":
        import pyreadstat

        frame = ds.data.astype({c: object for c in ds.data.columns if ds.data[c].dtype.kind not in "fi"})
        pyreadstat.write_xport(frame, str(path.with_suffix(".xpt")), table_name="LB",
                               column_labels=[v.label for v in ds.variables], file_format_version=5)
    else:
        from cdisc_dm.io import write_dataset_json

        ndjson = writer.endswith("ndjson")
        write_dataset_json(ds, path.with_suffix(".ndjson" if ndjson else ".json"), ndjson=ndjson,
                           study_oid="IL2DM-PKU-301", metadata_version_oid="MDV.1", creation_datetime=CREATED)
    return time.perf_counter() - start, time.process_time() - cpu_start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--skip-pyreadstat", action="store_true", help="pyreadstat takes ~30 s per million rows")
    args = parser.parse_args(argv)
    writers = ["(frame only)", "write_xpt", "pyreadstat.write_xport", "dataset-json json", "dataset-json ndjson"]
    if args.skip_pyreadstat:
        writers.remove("pyreadstat.write_xport")
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'writer':<24}{'rows':>10}{'seconds':>10}{'cpu s':>8}{'rows/s':>12}{'peak MB':>10}")
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            for writer in writers:
                _, peak_mb, (seconds, cpu) = measure(_run, writer, rows, folder)
                speed = f"{rows / seconds:>12,.0f}" if seconds > 1e-3 else f"{'-':>12}"
                print(f"{writer:<24}{rows:>10}{seconds:>10.2f}{cpu:>8.2f}{speed}{peak_mb:>10.0f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
