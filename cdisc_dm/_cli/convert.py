"""``cdisc-dm convert --raw DIR --study il2dm --out DIR``: raw export -> SDTM (+ lineage, reconciliation).

``--plan`` prints the resolved mapping plan as JSON without reading any data. Spec and raw
structure errors exit 2 with a compiler-style message (``dm.yaml:14:5: unknown codelist ...``);
data findings are listed in ``reports/issues.csv`` and summarised at the end (exit 0: the
package was written; the findings are for the data manager to resolve).
"""
from __future__ import annotations

import argparse
import json
import sys

from ..errors import UsageError
from ._common import add_stage_flags

NAME = "convert"
HELP = "convert a raw export to SDTM with the study's mapping specs (writes sdtm/, reports/, lineage.csv, manifest.json)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--raw", metavar="DIR", help="the raw export folder (EDC CSVs, lab file, data_dictionary.json, or ODM)")
    parser.add_argument("--out", metavar="DIR", help="the run folder to write")
    add_stage_flags(parser, "print the resolved mapping plan as JSON and stop (reads no data)")


def run(args: argparse.Namespace) -> int:
    from ..convert import convert
    from ..mapping import load_plan

    if args.plan:
        plan = load_plan(args.study)
        print(json.dumps(plan.to_json(), indent=2))
        return 0
    if not args.raw or not args.out:
        raise UsageError("convert needs --raw DIR and --out DIR (or --plan)")
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    quiet = args.quiet or args.json

    def progress(dataset: str, records: int, seconds: float) -> None:
        if not quiet:
            print(f"  {dataset:<8} {records:>9,} records  {seconds:6.2f} s", file=sys.stderr)

    if not quiet:
        print(f"cdisc-dm convert: {args.raw} -> {args.out} (study {args.study})", file=sys.stderr)
    result = convert(args.raw, args.study, args.out, formats=formats, created=args.created, progress=progress)
    summary = result.summary()
    if args.json:
        print(json.dumps(summary, indent=2, sort_keys=True))
    elif not args.quiet:
        n = summary["issues"]
        rec = "all raw records accounted for" if summary["all_raw_records_accounted"] else "SOME RAW RECORDS UNACCOUNTED (see reports/reconciliation.csv)"
        print(f"wrote {len(summary['datasets'])} datasets to {args.out}/sdtm; {n['error']} errors, {n['warning']} warnings "
              f"in reports/issues.csv; {rec}", file=sys.stderr)
    return 0
