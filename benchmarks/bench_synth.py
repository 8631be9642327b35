"""Benchmark the synthetic raw export at several study sizes.

    python benchmarks/bench_synth.py --subjects 240 1000 10000

For each size, ``cdisc_dm.synth.synthesize`` runs in a fresh process (benchmarks/_harness.py)
writing into a temporary folder; prints seconds, records written per second (all forms and
the lab transfer), and the peak resident memory of that process. Targets: 10,000 randomized
subjects in under 60 s and under 2 GB.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _harness import measure  # noqa: E402


def run_synth(subjects: int, seed: int, folder: str) -> dict:
    from cdisc_dm.synth import synthesize

    summary = synthesize(Path(folder) / "raw", subjects=subjects, seed=seed)
    return {"screened": summary.screened, "rows": sum(summary.rows.values()), "lab_rows": summary.rows["LAB"]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, nargs="+", default=[240, 1000, 10000])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(f"{'subjects':>9} {'screened':>9} {'records':>10} {'seconds':>8} {'records/s':>10} {'peak MB':>8}")
    for n in args.subjects:
        with tempfile.TemporaryDirectory() as tmp:
            seconds, peak_mb, res = measure(run_synth, n, args.seed, tmp)
        print(f"{n:>9} {res['screened']:>9} {res['rows']:>10} {seconds:>8.1f} {res['rows'] / seconds:>10.0f} {peak_mb:>8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
