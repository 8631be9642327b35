"""Benchmark: validate the demo study's SDTM and ADaM packages at several sizes.

    python benchmarks/bench_validate_demo.py --subjects 240 1000 10000 [--rules DIR]... [--keep DIR [--reuse]]

For each size: synthesize the IL-2 study's raw export, convert it to SDTM (with define.xml, as the
pipeline does) and derive ADaM (when ``cdisc_dm.derive`` exists); these steps are NOT timed. Then
``cdisc_dm.validate.validate`` runs in a fresh process per package (``_harness.measure``) with the
project's rules (plus CDISC CORE's published rules given with ``--rules``), and the benchmark prints
wall seconds, CPU seconds, records validated, records/s, rules run and peak RSS.
Target (issue 9): 10,000-subject SDTM + ADaM validation under 60 s and 4 GB.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import measure  # noqa: E402

CREATED = "2000-01-01T00:00:00"


def _define(package, folder: Path, converted) -> Path | None:
    """define.xml of a package as the pipeline writes it; None when that API is not there."""
    try:
        from cdisc_dm.mapping.plan import default_ct
        from cdisc_dm.pipeline import write_package_define
        from cdisc_dm.study import load_study

        outcome = write_package_define(package, folder, study=load_study("il2dm"),
                                       ct=default_ct(converted.plan.folder), created=CREATED)
        return Path(outcome.path)
    except (ImportError, TypeError) as exc:  # the pipeline's define step changed: validate without it
        print(f"  (no define.xml in {folder}: {exc})", file=sys.stderr)
        return None


def build(out: Path, subjects: int, seed: int) -> dict[str, tuple[Path, Path | None]]:
    """Raw export -> SDTM (+ define) -> ADaM (+ define) under ``out``; return {package: (folder, define)}."""
    from cdisc_dm.convert import convert
    from cdisc_dm.mapping.algorithms.value_level import lb_value_level
    from cdisc_dm.sdtm.ds_value_level import ds_value_level
    from cdisc_dm.synth import synthesize

    synthesize(out / "raw", subjects=subjects, seed=seed)
    converted = convert(out / "raw", "il2dm", out, formats=("xpt", "json"), created=CREATED)
    # value-level metadata for the define, as cdisc_dm.pipeline.run adds it
    converted.package = ds_value_level(lb_value_level(converted.package, domains=("LB", "MB", "CP", "QS")))
    packages = {"sdtm": (out / "sdtm", _define(converted.package, out / "sdtm", converted))}
    try:
        from cdisc_dm.derive import derive
    except ImportError:
        return packages
    derived = derive(converted, "il2dm", out, formats=("xpt", "json"), created=CREATED)
    packages["adam"] = (out / "adam", _define(derived.package, out / "adam", converted))
    return packages


def run_validation(folder: str, standard: str, define: str | None, rules: list[str]) -> dict:
    """What is timed: one validate() call (reading the package, every applicable rule)."""
    from cdisc_dm.validate import validate

    cpu0 = time.process_time()
    result = validate(folder, rules=rules, standard=standard, define=define, started=CREATED)
    status = {s: sum(r.status == s for r in result.rules) for s in ("passed", "failed", "skipped", "error")}
    return {
        "cpu": time.process_time() - cpu0,
        "records": sum(d.records for d in result.datasets),
        "datasets": len(result.datasets),
        "rules": len(result.rules),
        "ran": status["passed"] + status["failed"],
        "status": status,
        "counts": result.counts(),
        "errors": {r.rule_id: r.count for r in result.rules if r.status == "failed" and r.severity == "error"},
        "exec_errors": {r.rule_id: (r.error or "")[:120] for r in result.rules if r.status == "error"},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--subjects", type=int, nargs="+", default=[240, 1000, 10000])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--rules", action="append", default=[], help="a CORE rules folder to run too (repeatable)")
    ap.add_argument("--keep", default=None, help="build the packages under this folder and keep them")
    ap.add_argument("--reuse", action="store_true",
                    help="with --keep: validate packages already built there (KEEP/n<subjects>/sdtm and adam)")
    args = ap.parse_args(argv)
    for d in args.rules:
        if not Path(d).is_dir():
            print(f"no rules folder at {d}", file=sys.stderr)
            return 2
    rules = [str(Path(d).resolve()) for d in args.rules]
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_validate_demo_"))
    print(f"{'subjects':>8} {'package':<5} {'datasets':>8} {'records':>10} {'rules':>9} {'wall s':>8} {'CPU s':>7} "
          f"{'records/s':>10} {'peak MB':>8}  findings")
    try:
        for n in args.subjects:
            out = root / f"n{n}"
            built = {name: (out / name, out / name / "define.xml") for name in ("sdtm", "adam")}
            if args.reuse and args.keep and all(d.is_file() for _, d in built.values()):
                packages = built
                print(f"  ({n} subjects: packages reused from {out})", file=sys.stderr)
            else:
                if out.exists():
                    shutil.rmtree(out)
                t0 = time.perf_counter()
                packages = build(out, n, args.seed)
                print(f"  ({n} subjects: synth + convert + define + derive {time.perf_counter() - t0:.0f} s, not timed)",
                      file=sys.stderr)
            for name, (folder, define) in packages.items():
                standard = "adamig-1.3" if name == "adam" else "sdtmig-3.4"
                seconds, peak_mb, res = measure(run_validation, str(folder), standard,
                                                str(define) if define else None, rules)
                print(f"{n:>8} {name:<5} {res['datasets']:>8} {res['records']:>10,} {res['ran']:>4}/{res['rules']:<4} "
                      f"{seconds:>8.2f} {res['cpu']:>7.2f} {res['records'] / seconds:>10,.0f} {peak_mb:>8.0f}  {res['counts']}",
                      flush=True)
                if res["errors"]:
                    print(f"{'':>15}error findings by rule: {res['errors']}")
                for rid, err in sorted(res["exec_errors"].items()):
                    print(f"{'':>15}execution error {rid}: {err}")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
