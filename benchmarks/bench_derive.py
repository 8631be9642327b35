"""Benchmark: SDTM -> ADaM with the il2dm specs (ADSL, ADAE, ADQS, ADLB, ADEFF), end to end.

    python benchmarks/bench_derive.py --subjects 240 1000 10000

For each size a synthetic export is generated and converted to SDTM (not timed, cached under
/tmp/cdisc_dm_bench_derive/<n>), then ``derive`` runs in a fresh process: reading the SDTM package,
running the plan, and writing XPT + Dataset-JSON. Prints the SDTM records the plan reads (counted
outside the timed run), output ADaM records, wall and CPU (user + system) seconds, rows/s (output
records per wall second) and peak RSS of that process. On a shared machine CPU seconds are the
comparable figure.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import measure  # noqa: E402

CACHE = Path("/tmp/cdisc_dm_bench_derive")


def prepare(n: int) -> Path:
    from cdisc_dm.convert import convert
    from cdisc_dm.synth import synthesize

    base = CACHE / str(n)
    if not (base / "run" / "sdtm" / "dm.xpt").exists():
        synthesize(base / "raw", subjects=n, seed=3)
        convert(base / "raw", "il2dm", base / "run", formats=("xpt",), created="2026-01-01T00:00:00")
    return base / "run"


def records_in(run_dir: Path) -> int:
    """SDTM records of the datasets the ADaM plan reads (counted outside the timed run)."""
    from cdisc_dm.adam.spec import load_adam_plan
    from cdisc_dm.derive import read_sdtm

    return sum(len(f) for f in read_sdtm(run_dir, load_adam_plan("il2dm").referenced()).values())


def run(run_dir: str) -> tuple[int, float]:
    """ADaM records written and CPU seconds (user + system) of ``derive`` in this process."""
    import resource

    from cdisc_dm.derive import derive

    before = resource.getrusage(resource.RUSAGE_SELF)
    result = derive(run_dir, "il2dm", Path(run_dir).parent / "out", created="2026-01-01T00:00:00")
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return sum(len(ds.data) for ds in result.package), cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, nargs="+", default=[240, 1000, 10000])
    args = parser.parse_args(argv)
    print(f"{'subjects':>9} {'SDTM in':>10} {'ADaM out':>10} {'wall s':>8} {'CPU s':>8} {'rows/s':>10} {'peak RSS MB':>12}")
    for n in args.subjects:
        run_dir = prepare(n)
        seconds, peak_mb, (rows_out, cpu) = measure(run, str(run_dir))
        rows_in = records_in(run_dir)
        print(f"{n:>9} {rows_in:>10} {rows_out:>10} {seconds:>8.2f} {cpu:>8.2f} {rows_out / seconds:>10,.0f} {peak_mb:>12.0f}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
