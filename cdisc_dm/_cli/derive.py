"""``cdisc-dm derive --sdtm DIR --study il2dm --out DIR``: SDTM package -> ADaM datasets (out/adam/).

``--plan`` prints the resolved ADaM plan as JSON without reading any data. Spec errors exit 2
with a compiler-style message (``adsl.yaml:14:5: unknown derivation ...``).
"""
from __future__ import annotations

import argparse
import json
import sys

from ..errors import UsageError
from ._common import add_stage_flags

NAME = "derive"
HELP = "derive the study's ADaM datasets from an SDTM package (writes adam/ and reports/adam-issues.csv)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sdtm", metavar="DIR", help="a run folder with sdtm/, or a folder of SDTM .xpt/.json files")
    parser.add_argument("--out", metavar="DIR", help="the run folder to write (adam/ is created in it)")
    add_stage_flags(parser, "print the resolved ADaM plan as JSON and stop (reads no data)")


def run(args: argparse.Namespace) -> int:
    from ..adam.spec import load_adam_plan
    from ..derive import derive

    if args.plan:
        print(json.dumps(load_adam_plan(args.study).to_json(), indent=2))
        return 0
    if not args.sdtm or not args.out:
        raise UsageError("derive needs --sdtm DIR and --out DIR (or --plan)")
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    result = derive(args.sdtm, args.study, args.out, formats=formats, created=args.created)
    summary = result.summary()
    if args.json:
        print(json.dumps(summary, indent=2, sort_keys=True))
    elif not args.quiet:
        counts = ", ".join(f"{k} {v:,}" for k, v in summary["datasets"].items())
        skipped = "; skipped: " + ", ".join(f"{k} ({v})" for k, v in summary["skipped"].items()) if summary["skipped"] else ""
        print(f"wrote {counts} records to {args.out}/adam{skipped}; "
              f"{summary['issues']['warning']} warnings, {summary['issues']['notice']} notices in reports/adam-issues.csv",
              file=sys.stderr)
    return 0
