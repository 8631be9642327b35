"""Benchmark: lab transfer -> LB (with MB, CP) and QS at several study sizes.

    python benchmarks/bench_lb.py --subjects 240 1000 10000

For each size: synthesize the IL-2 export (not timed), then, in a fresh process, read the raw
export and run the mapping plan restricted to what LB and QS need (DM, EX, DS for the
reference dates and EPOCH; LB, MB, CP from the lab file; QS), without writing files. Prints
LB records/s (LB+MB+CP records over the seconds their mapping took), the whole run's seconds,
and peak RSS. Target: LB+QS at 10,000 subjects under 90 s and 6 GB.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import measure  # noqa: E402

NEEDED = ("DM", "EX", "DS", "LB", "MB", "CP", "QS")


def _map(raw_dir: str) -> dict:
    import dataclasses
    import time

    from cdisc_dm.mapping import load_plan
    from cdisc_dm.mapping.engine import run_plan
    from cdisc_dm.raw import read_raw
    from cdisc_dm.study import load_study

    t0, cpu0 = time.perf_counter(), time.process_time()
    raw = read_raw(raw_dir)
    t_read = time.perf_counter() - t0
    plan = load_plan("il2dm")
    plan = dataclasses.replace(plan, specs=[s for s in plan.specs if s.dataset in NEEDED])
    seconds: dict[str, float] = {}
    records: dict[str, int] = {}

    def progress(name: str, n: int, s: float) -> None:
        seconds[name], records[name] = s, n

    # as convert does: each raw table is released after its last reader (the lab transfer is
    # not in memory while QS is mapped)
    result = run_plan(plan, raw, load_study("il2dm"), progress=progress, release_raw=True)
    lab = ("LB", "MB", "CP")
    return {
        "cpu": time.process_time() - cpu0, "read": t_read, "lab_records": sum(records.get(d, 0) for d in lab), "lab_seconds": sum(seconds.get(d, 0.0) for d in lab),
        "qs_records": records.get("QS", 0), "qs_seconds": seconds.get("QS", 0.0),
        "errors": sum(1 for i in result.report if i.severity == "error" and i.code != "MAP-DUPKEY"),
        "dupkey": sum(1 for i in result.report if i.code == "MAP-DUPKEY"),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, nargs="+", default=[240, 1000, 10000])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    from cdisc_dm.synth import synthesize

    print(f"{'subjects':>9} {'LB+MB+CP':>10} {'lab s':>7} {'lab rec/s':>10} {'QS recs':>9} {'QS s':>6} {'read s':>7} "
          f"{'total s':>8} {'cpu s':>6} {'peak MB':>8} {'errors':>6} {'dupkey':>6}")
    for n in args.subjects:
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "raw"
            synthesize(raw, subjects=n, seed=args.seed)
            seconds, peak, r = measure(_map, str(raw))
            print(f"{n:>9} {r['lab_records']:>10,} {r['lab_seconds']:>7.1f} {r['lab_records'] / max(r['lab_seconds'], 1e-9):>10,.0f} "
                  f"{r['qs_records']:>9,} {r['qs_seconds']:>6.1f} {r['read']:>7.1f} {seconds:>8.1f} {r['cpu']:>6.1f} {peak:>8.0f} {r['errors']:>6} {r['dupkey']:>6}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
