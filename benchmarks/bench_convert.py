"""Benchmark: raw export -> SDTM (cdisc_dm.convert) at several study sizes.

    python benchmarks/bench_convert.py --subjects 240 1000 10000

For each size: synthesize the IL-2 export (not timed), then time ``convert`` (read, plan, map,
SE, trial design, write XPT + Dataset-JSON, lineage, reconciliation, manifest) in a fresh
process, and print records/s and peak RSS. Target: 10,000 subjects under 60 s and 4 GB.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import measure  # noqa: E402


def _convert(raw: str, out: str, formats: tuple[str, ...]) -> dict:
    import time

    from cdisc_dm.convert import convert

    cpu = time.process_time()
    result = convert(raw, "il2dm", out, formats=formats)
    cpu = time.process_time() - cpu
    # counted without reading the datasets back: written datasets read their rows from the files on use
    records = sum(result.summary()["datasets"].values())
    raw_records = int(result.reconciliation.drop_duplicates("form")["raw_records"].sum())
    return {"records": records, "raw_records": raw_records, "errors": result.report.count("error"), "cpu": cpu}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, nargs="+", default=[240, 1000, 10000])
    parser.add_argument("--formats", default="xpt,json")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    formats = tuple(f for f in args.formats.split(",") if f)
    from cdisc_dm.synth import synthesize

    # CPU seconds are shown next to wall seconds: on a shared machine the wall clock includes waiting
    print(f"{'subjects':>9} {'raw recs':>10} {'SDTM recs':>10} {'seconds':>8} {'cpu s':>7} {'recs/s':>9} {'peak MB':>8} {'errors':>6}")
    for n in args.subjects:
        with tempfile.TemporaryDirectory() as tmp:
            raw, out = Path(tmp) / "raw", Path(tmp) / "run"
            synthesize(raw, subjects=n, seed=args.seed)
            seconds, peak, res = measure(_convert, str(raw), str(out), formats)
            print(f"{n:>9} {res['raw_records']:>10,} {res['records']:>10,} {seconds:>8.1f} {res['cpu']:>7.1f} {res['records'] / seconds:>9,.0f} {peak:>8.0f} {res['errors']:>6}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
