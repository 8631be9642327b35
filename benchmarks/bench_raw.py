"""Benchmark the raw CSV reader on a long central-lab transfer.

    python benchmarks/bench_raw.py --subjects 240 1000 10000   # 300 lab rows per subject
    python benchmarks/bench_raw.py --rows 3000000 --encoding gb18030
    python benchmarks/bench_raw.py --odm --subjects 240 1000   # ODM write + read of a synthetic export

For each size a lab CSV (20 text columns, like the synthetic LAB.csv: quoted test
names with commas, ``<5`` results, empty cells) is generated once, then read by
``cdisc_dm.raw.read_csv_table`` in a fresh process; prints rows/s and peak RSS.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _harness import measure  # noqa: E402

ROWS_PER_SUBJECT = 300
TESTS = [
    ("CK", "Creatine kinase", "U/L"), ("ALT", "Alanine aminotransferase", "U/L"),
    ("AST", "Aspartate aminotransferase", "U/L"), ("LDH", "Lactate dehydrogenase", "U/L"),
    ("ALDOLASE", "Aldolase", "U/L"), ("CRP", "C-reactive protein", "mg/L"),
    ("TREG", "Regulatory T cells, CD4+CD25+FOXP3+", "%"), ("IL6", "Interleukin-6", "pg/mL"),
    ("WBC", "Leukocytes", "10^9/L"), ("HGB", "Hemoglobin", "g/L"),
]


def make_lab_csv(path: Path, rows: int, encoding: str = "utf-8", seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    subj = np.arange(rows) // ROWS_PER_SUBJECT
    test = rng.integers(0, len(TESTS), rows)
    codes = np.array([t[0] for t in TESTS], dtype=object)
    names = np.array([t[1] for t in TESTS], dtype=object)
    units = np.array([t[2] for t in TESTS], dtype=object)
    result = np.round(rng.gamma(2.0, 40.0, rows), 1).astype(str).astype(object)
    result[rng.random(rows) < 0.03] = "<5"
    result[rng.random(rows) < 0.01] = ""
    site = (subj % 12 + 1).astype(str)
    frame = pd.DataFrame(
        {
            "PROTOCOL": "IL2DM-PKU-301",
            "SITE": np.char.zfill(site, 2),
            "SUBJECT": np.char.add(np.char.add(np.char.zfill(site, 2), "-"), np.char.zfill((subj + 1).astype(str), 4)),
            "VISIT": "WEEK " + (np.arange(rows) % 12 * 4).astype(str),
            "VISITCD": "W" + np.char.zfill((np.arange(rows) % 12 * 4).astype(str), 2),
            "VISITSEQ": "1",
            "ACCESSION": np.char.add("ACC", (np.arange(rows) // 25).astype(str)),
            "LABID": "CENTRAL",
            "COLLDTM": "15-MAR-2021 08:30",
            "BATTERY": "CHEMISTRY",
            "TESTCD": codes[test],
            "TESTNAME": names[test],
            "RESULT": result,
            "UNIT": units[test],
            "REFLOW": "0",
            "REFHIGH": "200",
            "FLAG": np.where(rng.random(rows) < 0.1, "H", "N"),
            "SPECIMEN": "SERUM",
            "NOTDONE": "",
            "NDREASON": "",
        }
    )
    frame.to_csv(path, index=False, encoding=encoding)


def read_lab(path: str) -> int:
    from cdisc_dm.raw import read_csv_table

    table = read_csv_table(Path(path))
    return len(table.data)


def write_odm_of(export: str) -> int:
    from cdisc_dm.raw import write_odm

    out = write_odm(Path(export), Path(export) / "odm" / "ODM.xml")
    return out.stat().st_size


def read_odm_of(export: str) -> int:
    from cdisc_dm.raw import read_odm_tables

    return sum(len(t.data) for t in read_odm_tables(Path(export) / "odm" / "ODM.xml"))


def bench_odm(subjects: list[int]) -> None:
    from cdisc_dm.synth import synthesize

    print(f"{'subjects':>9} {'records':>9} {'ODM MB':>7} {'write s':>8} {'write MB':>9} {'read s':>7} {'records/s':>10} {'read MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in subjects:
            export = Path(tmp) / f"synth_{n}"
            measure(synthesize, export, n, 7)
            w_s, w_mb, size = measure(write_odm_of, str(export))
            r_s, r_mb, records = measure(read_odm_of, str(export))
            print(f"{n:>9} {records:>9} {size / 1e6:>7.1f} {w_s:>8.2f} {w_mb:>9.0f} {r_s:>7.2f} {records / r_s:>10,.0f} {r_mb:>8.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, nargs="*", default=[10000])
    parser.add_argument("--rows", type=int, nargs="*", default=None, help="row counts (instead of --subjects)")
    parser.add_argument("--encoding", default="utf-8", choices=["utf-8", "utf-8-sig", "gb18030"])
    parser.add_argument("--odm", action="store_true", help="benchmark ODM write/read of a synthetic export instead")
    args = parser.parse_args(argv)
    if args.odm:
        bench_odm(args.subjects)
        return 0
    sizes = args.rows or [s * ROWS_PER_SUBJECT for s in args.subjects]
    print(f"{'rows':>10} {'MB':>8} {'seconds':>8} {'rows/s':>12} {'peak RSS MB':>12}  encoding")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            path = Path(tmp) / f"LAB_{rows}.csv"
            # generated in its own process: a forked child starts with its parent's
            # resident size (Linux carries maxrss across fork and exec), so the parent
            # must stay small for the read's peak RSS to be the read's alone
            measure(make_lab_csv, path, rows, args.encoding)
            size_mb = path.stat().st_size / 1e6
            seconds, peak_mb, n = measure(read_lab, str(path))
            assert n == rows, f"read {n} rows, wrote {rows}"
            print(f"{rows:>10} {size_mb:>8.1f} {seconds:>8.2f} {rows / seconds:>12,.0f} {peak_mb:>12.0f}  {args.encoding}")
            path.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
